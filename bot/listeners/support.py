"""What every listener shares: who is calling, and turning failures into a helpful reply.

A failure after Slack's request arrived must never leave the person staring at nothing or at a
stack trace: they get one short line, with a reference that is also in the log next to the
traceback, so an operator can find it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.work_process import WorkProcessRunner
from bsc_core.db import DatabaseUnavailable
from bsc_core.settings import get_settings
from commands.reply import Caller, Reply

log = logging.getLogger("bot")

DATABASE_DOWN = "⚠️ Could not save, try again: the database did not answer. Nothing was changed."


def ack_and_lazy(app: App, ack: Callable[..., Any], *lazy: Callable[..., None]) -> dict[str, Any]:
    """Arguments for Bolt's listener decorators: the ``ack`` listener, then the ``lazy`` ones.

    Under a web worker's work process (``app``'s lazy listener runner is a
    :class:`~bot.work_process.WorkProcessRunner`) the ack listener sends the lazy listeners'
    jobs itself, sparing each ack Bolt's copy of the request; elsewhere Bolt runs them.
    """
    runner = app.listener_runner.lazy_listener_runner
    if isinstance(runner, WorkProcessRunner):
        return {"ack": runner.ack_then_send(ack, lazy), "lazy": []}
    return {"ack": ack, "lazy": list(lazy)}


def caller_from(body: dict[str, Any]) -> Caller:
    """The Caller of a slash command, block action or view submission payload."""
    user = body.get("user_id") or (body.get("user") or {}).get("id") or ""
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
    return Caller(user_id=user, channel_id=channel, is_admin=user in get_settings().BSC_ADMINS)


def failure_reply(exc: BaseException, *, context: str) -> Reply:
    """Log ``exc`` with a reference and return the reply a person sees instead of a trace."""
    if isinstance(exc, DatabaseUnavailable):
        log.warning("%s: database unavailable: %s", context, exc)
        return Reply(text=DATABASE_DOWN)
    ref = secrets.token_hex(4)
    log.exception("%s failed (ref %s)", context, ref)
    return Reply(text=f"⚠️ Something went wrong on our side (ref `{ref}`). Nothing was changed.")


def safely(work: Callable[[], Reply], *, context: str) -> Reply:
    try:
        return work()
    except Exception as exc:  # noqa: BLE001 - turned into a reply and logged with a reference
        return failure_reply(exc, context=context)


def plain_error(text: str) -> str:
    """Modal errors are plain text: drop mrkdwn marks and keep within Slack's length."""
    return text.replace("`", "").replace("*", "").replace("⚠️ ", "")[:1900]
