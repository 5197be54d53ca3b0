"""Posting the instant red alerts that logging claimed (after the ack, never before it)."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bsc_core.alerts import any_pending, mark_alert, take_pending
from bsc_core.db import DatabaseUnavailable, Store
from commands.alerts import alert_message

log = logging.getLogger(__name__)

#: A log that claimed an alert posts it at once. Alerts left pending by a process that died
#: between claiming and posting are picked up by a later log, at most this often, so that
#: ordinary logs do not each pay a query for them.
SWEEP_SECONDS = 30.0
_last_sweep: float | None = None
_sweep_lock = threading.Lock()


def post_alerts_after_log(client: WebClient, store: Store, *, claimed: bool) -> int:
    """After a stored log: post its alert now if it claimed one, else sweep now and then."""
    global _last_sweep
    now = time.monotonic()
    with _sweep_lock:
        due = claimed or _last_sweep is None or now - _last_sweep >= SWEEP_SECONDS
        if due:
            _last_sweep = now
    return post_pending_alerts(client, store) if due else 0


def post_pending_alerts(client: WebClient, store: Store) -> int:
    """Post every pending alert once; returns how many were posted."""
    try:
        with store.read() as session:
            if not any_pending(session):
                return 0
        with store.write() as session:
            pending = take_pending(session)
    except DatabaseUnavailable as exc:
        log.warning("alerts not posted now (database): %s", exc)
        return 0
    posted = 0
    for alert in pending:
        with store.read() as session:
            message = alert_message(session, alert)
        if message is None:
            with store.write() as session:
                mark_alert(session, alert_id=alert.id, status="failed")
            continue
        try:
            response = client.chat_postMessage(
                channel=alert.channel_id, text=message.text, blocks=message.blocks
            )
        except SlackApiError as exc:
            log.warning(
                "alert %s to %s failed: %s", alert.id, alert.channel_id, exc.response.get("error")
            )
            with store.write() as session:
                mark_alert(session, alert_id=alert.id, status="failed")
            continue
        with store.write() as session:
            mark_alert(session, alert_id=alert.id, status="posted", ts=response.get("ts"))
        posted += 1
    return posted
