"""Publishing a person's App Home tab (on open, and after anything that changes it)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.views.home import chair_blocks, home_view
from bsc_core.db import DatabaseUnavailable, get_store
from bsc_core.home_throttle import claim_refresh
from bsc_core.settings import get_settings
from commands.home import chair_snapshots, chairs_to_refresh, home_data

log = logging.getLogger(__name__)


def refresh_home(client: WebClient, user_id: str, *, throttled: bool = False) -> bool:
    """Publish ``user_id``'s Home; failures are logged, never raised (it is a courtesy).

    ``throttled`` refreshes (after someone else's change) happen at most once per person per
    ten seconds; opening the tab and one's own changes always refresh.
    """
    store = get_store()
    try:
        with store.write() as session:
            if not claim_refresh(session, user_id=user_id, force=not throttled):
                return False
        settings = get_settings()
        is_admin = user_id in settings.BSC_ADMINS
        snapshots = chair_snapshots(store=store, user_id=user_id, is_admin=is_admin)
        view = home_view(home_data(store=store, user_id=user_id), extra_top=chair_blocks(snapshots))
        client.views_publish(user_id=user_id, view=view)
        return True
    except (SlackApiError, DatabaseUnavailable) as exc:
        log.warning("could not refresh the Home of %s: %s", user_id, exc)
        return False


def refresh_after_change(client: WebClient, *, actor: str, kpi_codes: list[str]) -> None:
    """After a log or a countermeasure: the actor's Home now, the chairs' within the throttle."""
    refresh_home(client, actor)
    try:
        chairs = chairs_to_refresh(
            store=get_store(), kpi_codes=kpi_codes, admins=get_settings().BSC_ADMINS
        )
    except DatabaseUnavailable:
        return
    for user_id in sorted(chairs - {actor}):
        refresh_home(client, user_id, throttled=True)
