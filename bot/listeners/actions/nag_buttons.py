"""The reminder DM's buttons: "Add countermeasure", "Snooze until tomorrow" and "Done".

Each is acknowledged at once and does its work after the ack: opening a modal must use the
click's trigger within three seconds, and the answers go back through the response_url.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.home_refresh import refresh_home
from bot.listeners.support import caller_from, safely
from bot.views.cm_modal import cm_modal, refusal_modal
from bsc_core.db import Store, get_store
from bsc_core.nagging import cached_zones, local_date, owed, snooze
from commands.countermeasures import NotAllowed, complete, countermeasure_form
from commands.lookup import NotFound
from commands.nag_messages import snoozed_message
from commands.reply import Caller, Reply


def open_cm_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
    """Open the countermeasure form for the button's "CODE PERIOD" (or say why not)."""
    caller = caller_from(body)
    code, _, period = (action.get("value") or "").partition(" ")
    try:
        form = countermeasure_form(
            store=get_store(), caller=caller, code=code, period=period or None
        )
    except (NotAllowed, NotFound) as exc:
        client.views_open(trigger_id=body["trigger_id"], view=refusal_modal(str(exc)))
        return
    client.views_open(trigger_id=body["trigger_id"], view=cm_modal(form))


def open_cm_form(command: dict[str, Any], client: WebClient, code: str) -> None:
    """``/kpi cm CODE`` after its ack: open the form (a refusal was already the ack's answer)."""
    caller = caller_from(command)
    try:
        form = countermeasure_form(store=get_store(), caller=caller, code=code)
    except (NotAllowed, NotFound):
        return
    client.views_open(trigger_id=command["trigger_id"], view=cm_modal(form))


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


def snooze_clicked(body: dict[str, Any], respond: Respond) -> None:
    caller = caller_from(body)
    reply = safely(lambda: snooze_reminders(get_store(), caller), context="nag snooze")
    respond(text=reply.text, replace_original=True)


def done_clicked(
    body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    """Close the countermeasure; the answer goes only to the person who clicked."""
    caller = caller_from(body)
    reply = safely(
        lambda: complete(store=get_store(), caller=caller, cm_id=action.get("value") or ""),
        context="countermeasure done",
    )
    respond(text=reply.text, response_type="ephemeral", replace_original=False)
    if reply.text.startswith("✅"):
        refresh_home(client, caller.user_id)
