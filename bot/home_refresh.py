"""Publishing a person's App Home tab (on open, and after anything that changes it)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.views.home import home_view
from bsc_core.db import DatabaseUnavailable, get_store
from commands.home import home_data

log = logging.getLogger(__name__)


def refresh_home(client: WebClient, user_id: str) -> bool:
    """Publish ``user_id``'s Home; failures are logged, never raised (it is a courtesy)."""
    try:
        view = home_view(home_data(store=get_store(), user_id=user_id))
        client.views_publish(user_id=user_id, view=view)
        return True
    except (SlackApiError, DatabaseUnavailable) as exc:
        log.warning("could not refresh the Home of %s: %s", user_id, exc)
        return False
