"""``/kpi``: acknowledge at once, answer through the response_url once the work is done.

The ack carries only what needs no database: a malformed command's correction and the help.
Everything else runs in the lazy listener and is answered through ``respond`` after it has
committed, so a "Stored" reply always means the number is safe, and the ack stays within a few
milliseconds however busy the database is (Slack gives up on a slash command after 3 s).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.alerts import post_alerts_after_log
from bot.home_refresh import refresh_after_change
from bot.listeners.actions.nag_buttons import open_cm_form
from bot.listeners.support import caller_from, safely
from bot.users import name_resolver
from bsc_core.db import get_store
from commands import kpi_parser
from commands.kpi import handle_slow_kpi, help_reply, is_slow, run_kpi, usage_reply

log = logging.getLogger(__name__)


def kpi_ack(ack: Ack, command: dict[str, Any]) -> None:
    text = command.get("text", "")
    try:
        parsed = kpi_parser.parse_kpi(text)
    except kpi_parser.UsageError as exc:
        ack(**usage_reply(exc).as_message())
        return
    if isinstance(parsed, kpi_parser.Help):
        ack(**help_reply(parsed.topic).as_message())
    elif is_slow(parsed):
        ack(response_type="ephemeral", text="⏳ Working on it…")
    else:
        ack()


def kpi_after(command: dict[str, Any], client: WebClient, respond: Respond) -> None:
    """After the ack: the work, its answer, then what follows a log (alerts, Home tabs)."""
    text = command.get("text", "")
    caller = caller_from(command)
    try:
        parsed = kpi_parser.parse_kpi(text)
    except kpi_parser.UsageError:
        return
    if isinstance(parsed, kpi_parser.Help):
        return
    if is_slow(parsed):
        from bot.replies import deliver

        reply = safely(
            lambda: handle_slow_kpi(
                text, store=get_store(), caller=caller, name_of=name_resolver(client)
            ),
            context=f"/kpi {text[:40]!r}",
        )
        deliver(reply, client=client, respond=respond, caller=caller)
        return
    if isinstance(parsed, kpi_parser.Countermeasures) and parsed.code:
        open_cm_form(command, client, parsed.code)  # first: the trigger expires in 3 s
    reply = safely(
        lambda: run_kpi(parsed, store=get_store(), caller=caller), context=f"/kpi {text[:40]!r}"
    )
    try:
        respond(**reply.as_message(), replace_original=False)
    except Exception:  # noqa: BLE001 - the response_url failed; the work itself is done
        log.warning("could not answer /kpi %r through the response_url", text[:40], exc_info=True)
    if reply.stored is not None:
        stored = reply.stored
        post_alerts_after_log(client, get_store(), claimed=stored.alert_claimed)
        chairs = {stored.chair} if stored.chair else set()
        refresh_after_change(
            client, actor=caller.user_id, kpi_codes=[stored.kpi_code], chairs=chairs
        )
