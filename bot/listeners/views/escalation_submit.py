"""The escalation modals' submissions: stored inside the request, errors under their field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_bolt import Ack

from bot.listeners.support import caller_from, failure_reply, plain_error
from bot.views.escalation_modal import done_view, value_of
from bot.views.modal_parts import metadata
from bsc_core.db import get_store
from bsc_core.errors import FieldError
from commands.escalations import (
    Refused,
    raise_from_form,
    resolve_escalation,
    take_escalation,
)
from commands.reply import Reply


def _answer(ack: Ack, work: Callable[[], Reply], *, field: str, title: str, context: str) -> None:
    """Run ``work``; show a problem under ``field`` (or the field it names), else confirm."""
    try:
        reply = work()
    except FieldError as exc:
        ack(response_action="errors", errors={exc.field: plain_error(exc.message)})
        return
    except Refused as exc:
        ack(response_action="errors", errors={field: plain_error(str(exc))})
        return
    except Exception as exc:  # noqa: BLE001 - shown on the form, logged with a reference
        ack(
            response_action="errors",
            errors={field: plain_error(failure_reply(exc, context=context).text)},
        )
        return
    ack(response_action="update", view=done_view(title, reply.text))


def escalate_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    meta = metadata(view)
    caller = replace(caller_from(body), channel_id=meta.get("channel"))
    _answer(
        ack,
        lambda: raise_from_form(
            store=get_store(),
            caller=caller,
            code=str(meta.get("code") or ""),
            period=str(meta.get("period") or ""),
            request=value_of(view, "request"),
        ),
        field="request",
        title="Escalated",
        context="escalation modal",
    )


def take_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    _answer(
        ack,
        lambda: take_escalation(
            store=get_store(),
            caller=caller_from(body),
            escalation_id=str(metadata(view).get("id") or ""),
            helper=value_of(view, "helper"),
        ),
        field="helper",
        title="Taken",
        context="take escalation",
    )


def resolve_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    _answer(
        ack,
        lambda: resolve_escalation(
            store=get_store(),
            caller=caller_from(body),
            escalation_id=str(metadata(view).get("id") or ""),
            note=value_of(view, "note"),
        ),
        field="note",
        title="Resolved",
        context="resolve escalation",
    )
