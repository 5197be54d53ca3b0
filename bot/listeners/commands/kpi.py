"""``/kpi``: the work is done in Slack's request, and the ack carries the answer.

A log is committed before its ack says "Stored" (with its follow-ups, the alert and the Home
refreshes, queued in the same transaction); a chart is a job row committed before the ack says
"⏳". The only thing after the ack is opening the countermeasure form of ``/kpi cm CODE``, in
the same request, while the command's trigger is valid.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.listeners.modals import open_form
from bot.listeners.support import caller_from, quick_respond, safely
from bsc_core.db import get_store
from commands import kpi_parser
from commands.kpi import help_reply, is_slow, run_kpi, usage_reply
from commands.queued import queue_slow_kpi
from commands.reply import Reply

WORKING = "⏳ Drawing it: it appears here in a moment."


def kpi_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
    text = command.get("text", "")
    try:
        parsed = kpi_parser.parse_kpi(text)
    except kpi_parser.UsageError as exc:
        ack(**usage_reply(exc).as_message())
        return
    if isinstance(parsed, kpi_parser.Help):
        ack(**help_reply(parsed.topic).as_message())
        return
    caller = caller_from(command)
    if is_slow(parsed):

        def queue() -> Reply:
            queue_slow_kpi(
                get_store(), text, caller=caller, response_url=command.get("response_url")
            )
            return Reply(text=WORKING)

        ack(**safely(queue, context=f"/kpi {text[:40]!r}").as_message())
        return
    reply = safely(
        lambda: run_kpi(parsed, store=get_store(), caller=caller), context=f"/kpi {text[:40]!r}"
    )
    ack(**reply.as_message())
    if reply.opens_cm_form:
        # Right after the ack, still in the request that carries the trigger.
        problem = open_form(
            client, trigger_id=command["trigger_id"], caller=caller, code=reply.opens_cm_form
        )
        if problem:
            quick_respond(
                command.get("response_url"),
                text=problem,
                response_type="ephemeral",
                replace_original=False,
            )
