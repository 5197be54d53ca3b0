"""``/huddle`` and ``/review``: a schedule change is done in the request; a post is a job.

The ack says "⏳ Preparing …" only once the job row is committed, so a post that was promised
is posted, after a restart if need be; the worker answers through the command's response_url
if Slack refuses it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from bot.listeners.support import caller_from, safely
from bsc_core.db import get_store
from commands.queued import queue_report
from commands.reply import Caller, Reply
from commands.reports import PostJob, huddle_request, review_request

Request = Callable[..., Reply | PostJob]


def huddle_command(ack: Ack, command: dict[str, Any]) -> None:
    _answer(ack, huddle_request, command)


def review_command(ack: Ack, command: dict[str, Any]) -> None:
    _answer(ack, review_request, command)


def _answer(ack: Ack, request: Request, command: dict[str, Any]) -> None:
    caller = caller_from(command)

    def work() -> Reply:
        outcome = request(command.get("text", ""), store=get_store(), caller=caller)
        if isinstance(outcome, PostJob):
            return _queue(outcome, caller, command.get("response_url"))
        return outcome

    ack(**safely(work, context=command.get("command", "report")).as_message())


def _queue(job: PostJob, caller: Caller, response_url: str | None) -> Reply:
    queue_report(get_store(), job, caller=caller, response_url=response_url)
    return Reply(text=job.working_text())
