"""Posting the instant red alerts that logging claimed, from the job the log queued.

A database error is raised, not swallowed: the job is then tried again, and the alert rows
it had not taken stay pending for that try.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bsc_core.alerts import any_pending, mark_alert, take_pending
from bsc_core.db import Store
from commands.alerts import alert_message

log = logging.getLogger(__name__)


def post_pending_alerts(client: WebClient, store: Store) -> int:
    """Post every pending alert once; returns how many were posted."""
    with store.read() as session:
        if not any_pending(session):
            return 0
    with store.write() as session:
        pending = take_pending(session)
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
