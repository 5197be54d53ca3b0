"""``/kpi``: answer in the ack when the work is quick, after it when it is not.

Logging an actual is committed before the ack carries "stored": the person's confirmation means
the number is safe. Anything that draws charts or calls Slack more than once runs in the lazy
listener after an immediate "working on it" ack.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.alerts import post_pending_alerts
from bot.home_refresh import refresh_after_change
from bot.listeners.actions.nag_buttons import open_cm_form
from bot.listeners.support import caller_from, safely
from bot.users import name_resolver
from bsc_core.db import get_store
from commands import kpi_parser
from commands.kpi import handle_kpi, handle_slow_kpi, is_slow


def kpi_ack(ack: Ack, command: dict[str, Any]) -> None:
    text = command.get("text", "")
    if is_slow(text):
        ack(response_type="ephemeral", text="⏳ Working on it…")
        return
    caller = caller_from(command)
    reply = safely(
        lambda: handle_kpi(text, store=get_store(), caller=caller), context=f"/kpi {text[:40]!r}"
    )
    ack(**reply.as_message())


def kpi_after(command: dict[str, Any], client: WebClient, respond: Respond) -> None:
    """After the ack: slow subcommands, then the Home tabs a log changed."""
    text = command.get("text", "")
    caller = caller_from(command)
    if is_slow(text):
        from bot.replies import deliver

        reply = safely(
            lambda: handle_slow_kpi(
                text, store=get_store(), caller=caller, name_of=name_resolver(client)
            ),
            context=f"/kpi {text[:40]!r}",
        )
        deliver(reply, client=client, respond=respond, caller=caller)
        return
    try:
        parsed = kpi_parser.parse_kpi(text)
    except kpi_parser.UsageError:
        return
    if isinstance(parsed, kpi_parser.LogActual):
        post_pending_alerts(client, get_store())
        refresh_after_change(client, actor=caller.user_id, kpi_codes=[parsed.code])
    elif isinstance(parsed, kpi_parser.Countermeasures) and parsed.code:
        open_cm_form(command, client, parsed.code)
