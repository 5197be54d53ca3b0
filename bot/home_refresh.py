"""Publishing a person's App Home tab (on open, and after anything that changes it)."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.home_throttle import claim_refresh
from bot.views.home import chair_blocks, home_view
from bsc_core.db import DatabaseUnavailable, get_store
from bsc_core.settings import get_settings
from commands.blocks import Block
from commands.home import chair_snapshots, chairs_to_refresh, home_data

log = logging.getLogger(__name__)


SNAPSHOT_MAX_AGE = 10.0  # seconds: the chair's view is rebuilt at most this often per person

_lock = threading.Lock()
_pending: dict[str, bool] = {}  # user -> another refresh was asked for while one ran
_snapshots: dict[str, tuple[float, list[Block]]] = {}


def refresh_home(
    client: WebClient, user_id: str, *, throttled: bool = False, fresh: bool = True
) -> bool:
    """Publish ``user_id``'s Home; failures are logged, never raised (it is a courtesy).

    Args:
        throttled: a refresh caused by someone else's change: at most once per person per
            ten seconds across all processes (claimed in the database).
        fresh: rebuild the chair's snapshot now; otherwise one built in the last ten seconds
            is reused (a burst of one's own logs does not rebuild it each time).

    Requests for a person whose refresh is already running are folded into one more run.
    """
    try:
        if throttled:
            if _recently_refreshed(user_id):
                return False
            with get_store().write() as session:
                if not claim_refresh(session, user_id=user_id):
                    return False
    except DatabaseUnavailable as exc:
        log.warning("could not refresh the Home of %s: %s", user_id, exc)
        return False
    with _lock:
        if user_id in _pending:
            _pending[user_id] = True
            return False
        _pending[user_id] = False
    try:
        while True:
            _publish(client, user_id, fresh=fresh)
            with _lock:
                if not _pending[user_id]:
                    return True
                _pending[user_id] = False
    except (SlackApiError, DatabaseUnavailable) as exc:
        log.warning("could not refresh the Home of %s: %s", user_id, exc)
        return False
    finally:
        with _lock:
            _pending.pop(user_id, None)


_last_throttled: dict[str, float] = {}


def forget_recent() -> None:
    """Drop what this process remembers of recent refreshes (a new bot in the same process,
    as in-process tests build one per test, starts with none)."""
    with _lock:
        _last_throttled.clear()
        _snapshots.clear()


def _recently_refreshed(user_id: str) -> bool:
    """This process refreshed the person within the interval: no need to ask the database."""
    now = time.monotonic()
    with _lock:
        if now - _last_throttled.get(user_id, -SNAPSHOT_MAX_AGE) < SNAPSHOT_MAX_AGE:
            return True
        _last_throttled[user_id] = now
    return False


def _publish(client: WebClient, user_id: str, *, fresh: bool) -> None:
    store = get_store()
    now = time.monotonic()
    cached = _snapshots.get(user_id)
    if fresh or cached is None or now - cached[0] > SNAPSHOT_MAX_AGE:
        is_admin = user_id in get_settings().BSC_ADMINS
        blocks = chair_blocks(chair_snapshots(store=store, user_id=user_id, is_admin=is_admin))
        _snapshots[user_id] = (now, blocks)
    else:
        blocks = cached[1]
    view = home_view(home_data(store=store, user_id=user_id), extra_top=blocks)
    client.views_publish(user_id=user_id, view=view)


def refresh_after_change(
    client: WebClient, *, actor: str, kpi_codes: list[str], chairs: set[str] | None = None
) -> None:
    """After a log or a countermeasure (a queued job, see :mod:`commands.follow_ups`): the
    actor's Home now, the chairs' within the throttle.

    Args:
        chairs: the chairs of ``kpi_codes`` when the caller knows them already (a log's
            reply carries them); otherwise they are looked up.
    """
    refresh_home(client, actor, fresh=False)
    admins = get_settings().BSC_ADMINS
    if chairs is not None:
        chairs = chairs | set(admins)
    else:
        try:
            chairs = chairs_to_refresh(store=get_store(), kpi_codes=kpi_codes, admins=admins)
        except DatabaseUnavailable:
            return
    for user_id in sorted(chairs - {actor}):
        refresh_home(client, user_id, throttled=True)
