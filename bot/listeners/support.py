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

from bot.membership import channel_access
from bot.slack_client import get_client
from bsc_core.db import AlreadyHandled, DatabaseBusy, DatabaseNotWritable, DatabaseUnavailable
from bsc_core.settings import get_settings
from commands.reply import Caller, Reply

log = logging.getLogger("bot")

DATABASE_DOWN = "⚠️ Could not save, try again: the database did not answer. Nothing was changed."
DATABASE_NOT_WRITABLE = (
    "⚠️ Not stored: the database cannot be written (it is read-only or its disk is full). "
    "Nothing was changed. An admin must fix the database; sending it again will not help "
    "until then."
)
DATABASE_BUSY = (
    "⚠️ Not stored: the database was busy for too long. Nothing was changed; send it again "
    "in a moment."
)


def caller_from(body: dict[str, Any]) -> Caller:
    """The Caller of a slash command, block action or view submission payload.

    It carries who may read a scorecard from outside its channel (asked of Slack only when a
    command needs it, and cached a few minutes; see :mod:`bot.membership`).
    """
    user = body.get("user_id") or (body.get("user") or {}).get("id") or ""
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
    return Caller(
        user_id=user,
        channel_id=channel,
        is_admin=user in get_settings().BSC_ADMINS,
        channel_access=channel_access(get_client()),
    )


def failure_reply(exc: BaseException, *, context: str) -> Reply:
    """Log ``exc`` with a reference and return the reply a person sees instead of a trace.

    A replay's refused change (:class:`AlreadyHandled`) is raised on: the App answers it 401.
    """
    if isinstance(exc, AlreadyHandled):
        raise exc
    if isinstance(exc, DatabaseNotWritable):
        log.error("%s: the database refuses writes: %s", context, exc)
        return Reply(text=DATABASE_NOT_WRITABLE)
    if isinstance(exc, DatabaseBusy):
        log.warning("%s: database busy past the cap: %s", context, exc)
        return Reply(text=DATABASE_BUSY)
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


def quick_respond(response_url: str | None, **message: Any) -> None:
    """Answer through a response_url within the request, never longer than a second or two.

    Buttons cannot answer in their ack, so their answer is sent while Slack's request is still
    open; the change itself was committed before, so a lost answer loses nothing.
    """
    if not response_url:
        return
    from slack_sdk.webhook import WebhookClient

    try:
        WebhookClient(response_url, timeout=RESPOND_TIMEOUT_SECONDS).send_dict(message)
    except Exception:  # noqa: BLE001 - the change is stored; the answer is a courtesy
        log.warning("could not answer through the response_url", exc_info=True)


RESPOND_TIMEOUT_SECONDS = 1.5


def tell_privately(client: Any, body: dict[str, Any], text: str) -> None:
    """An ephemeral line for the person in the channel they clicked in, else a DM."""
    user = caller_from(body).user_id
    channel = (body.get("channel") or {}).get("id") or body.get("channel_id")
    try:
        if channel:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
        else:
            client.chat_postMessage(channel=user, text=text)
    except Exception:  # noqa: BLE001 - nothing else to tell them with
        log.warning("could not tell %s: %s", user, text, exc_info=True)
