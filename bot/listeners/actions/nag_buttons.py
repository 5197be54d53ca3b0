"""The reminder DM's buttons: "Add countermeasure", "Snooze until tomorrow" and "Done".

"Snooze" and "Done" change the store inside Slack's request and answer once committed;
"Add countermeasure" opens its form right after the ack, while the click's trigger is valid.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.listeners.modals import open_form
from bot.listeners.support import caller_from, quick_respond, safely, tell_privately
from bsc_core.db import Store, get_store
from bsc_core.nagging import cached_zones, local_date, owed, snooze
from commands.countermeasures import complete
from commands.nag_messages import snoozed_message
from commands.reply import Caller, Reply


def open_cm_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
    """Open the countermeasure form for the button's "CODE PERIOD" (or say why not)."""
    code, _, period = (action.get("value") or "").partition(" ")
    problem = open_form(
        client,
        trigger_id=body["trigger_id"],
        caller=caller_from(body),
        code=code,
        period=period or None,
    )
    if problem:
        tell_privately(client, body, problem)


def snooze_reminders(store: Store, caller: Caller, *, now: datetime | None = None) -> Reply:
    """Snooze every reminder the caller has right now until tomorrow (their local date)."""
    moment = now or datetime.now(UTC)
    with store.read() as session:
        items = owed(session, now=moment, owner=caller.user_id)
        fresh, stale = cached_zones(session, [caller.user_id], now=moment)
    zone = fresh.get(caller.user_id) or stale.get(caller.user_id)
    if zone is None:
        zone = items[0].kpi.timezone if items else "UTC"
    until = local_date(moment, zone) + timedelta(days=1)
    if items:
        store.run(lambda s: snooze(s, items, until=until))
    return snoozed_message(items, until)


def snooze_clicked(ack: Ack, body: dict[str, Any]) -> None:
    caller = caller_from(body)
    reply = safely(lambda: snooze_reminders(get_store(), caller), context="nag snooze")
    ack()
    quick_respond(body.get("response_url"), text=reply.text, replace_original=True)


def done_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
    """Close the countermeasure; the answer goes only to the person who clicked."""
    caller = caller_from(body)
    reply = safely(
        lambda: complete(store=get_store(), caller=caller, cm_id=action.get("value") or ""),
        context="countermeasure done",
    )
    ack()
    quick_respond(
        body.get("response_url"),
        text=reply.text,
        response_type="ephemeral",
        replace_original=False,
    )
