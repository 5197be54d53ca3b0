"""``POST /api/v1/actuals``: actuals from other systems, checked exactly like ``/kpi log``.

A request is a JSON list of ``{code, period, value, note?}`` sent with a scorecard's token.
All or nothing: every row is checked first (the value, unit, period and note rules of
``/kpi log``, from :mod:`commands.log_actual`), and only a request without a single bad row is
stored, in one transaction. Alerts fire as for a log from Slack, the audit log names the token,
and an ``Idempotency-Key`` keeps the answer so a retried request changes nothing.

The answers: 200 with each row's outcome ("created", "updated" or "no change"), 401 for a
missing, wrong or revoked token, 403 when a row names a KPI of another scorecard, 422 with
every row's error, 429 past :data:`CALLS_PER_MINUTE` requests a minute per token.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bsc_core.actuals import record_actual
from bsc_core.alerts import alerts_enabled, claim_alert, turned_red
from bsc_core.api_tokens import (
    CALLS_PER_MINUTE,
    ActiveToken,
    authenticate,
    count_call,
    keep_answer,
    kept_answer,
)
from bsc_core.board import KpiRef, load_kpis
from bsc_core.cascade import not_loggable
from bsc_core.db import Store
from bsc_core.errors import FieldError
from bsc_core.models import utcnow
from bsc_core.periods import Period
from bsc_core.status import evaluate
from bsc_core.text import MAX_NOTE, sanitize_text
from commands.follow_ups import queue_after_change
from commands.log_actual import check_value, resolve_period, target_for
from commands.values import LARGEST, BadValue, TypedValue, parse_value

MAX_ROWS = 1000
MAX_KEY = 255
ROW_FIELDS = {"code", "period", "value", "note"}
ROW_FORM = 'an object {"code": "MRR", "period": "2026-10", "value": 1234.5, "note": "…"}'


@dataclass(frozen=True)
class ApiAnswer:
    """An HTTP status, its JSON body and any extra headers (``Retry-After``)."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def _unauthorized() -> ApiAnswer:
    return ApiAnswer(
        401,
        {
            "error": "unauthorized",
            "message": "Send a valid token: 'Authorization: Bearer TOKEN' "
            "(an admin creates one with `bscbot token create`).",
        },
        {"WWW-Authenticate": 'Bearer realm="bscbot"'},
    )


def _invalid(message: str) -> ApiAnswer:
    return ApiAnswer(422, {"error": "invalid_request", "message": message})


@dataclass(frozen=True)
class CheckedRow:
    kpi: KpiRef
    period: Period
    value: float
    note: str | None


@dataclass(frozen=True)
class RowError:
    row: int  # 0-based index in the list
    field: str
    message: str
    forbidden: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "error": self.message}


def _typed(value: Any) -> TypedValue:
    """A JSON number as is; a string as ``/kpi log`` reads it (``97.5%``, ``1,200``)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise FieldError("value", 'value must be a number (or a string such as "97.5%")')
    if isinstance(value, str):
        try:
            return parse_value(value)
        except BadValue as exc:
            raise FieldError("value", str(exc)) from None
    number = float(value)
    if not math.isfinite(number) or abs(number) >= LARGEST:
        raise FieldError("value", f"{value!r} is out of range: values must be below 1e15")
    return TypedValue(number=number, suffix="", text=str(value))


def _check_row(
    session: Session, token: ActiveToken, index: int, raw: Any, now: datetime
) -> CheckedRow:
    if not isinstance(raw, dict):
        raise FieldError("row", f"each row must be {ROW_FORM}")
    unknown = sorted(set(raw) - ROW_FIELDS)
    if unknown:
        raise FieldError(unknown[0], f"unknown field {unknown[0]!r}; a row has {ROW_FORM}")
    code = raw.get("code")
    if not isinstance(code, str) or not code.strip():
        raise FieldError("code", 'code is required: the KPI\'s code, e.g. "MRR"')
    found = load_kpis(session, codes=[code.strip()])
    if not found:
        raise FieldError("code", f"there is no active KPI {code.strip()!r}")
    kpi = found[0]
    if kpi.scorecard_id != token.scorecard_id:
        raise PermissionError(f"{kpi.code} belongs to another scorecard than this token's")
    if kpi.is_computed:
        raise FieldError("code", not_loggable(kpi.code, kpi.computed_from, kpi.combined_by.value))
    period = raw.get("period")
    if not isinstance(period, str) or not period.strip():
        raise FieldError("period", f'period is required, e.g. "{_example(kpi, now)}"')
    number = check_value(kpi, _typed(raw.get("value")))
    local_now = now.astimezone(kpi.zone).replace(tzinfo=None)
    checked_period = resolve_period(kpi, period.strip(), local_now)
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        raise FieldError("note", "note must be a string")
    note = sanitize_text(note) or None
    if note and len(note) > MAX_NOTE:
        raise FieldError("note", f"the note has {len(note):,} characters; at most {MAX_NOTE:,}")
    return CheckedRow(kpi, checked_period, number, note)


def _example(kpi: KpiRef, now: datetime) -> str:
    return str(resolve_period(kpi, None, now.astimezone(kpi.zone).replace(tzinfo=None)))


def check_rows(
    session: Session, token: ActiveToken, rows: list[Any], now: datetime
) -> tuple[list[CheckedRow], list[RowError]]:
    """Every row checked; the errors of all bad rows (a KPI and period twice is one)."""
    checked: list[CheckedRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[int, str], int] = {}
    for index, raw in enumerate(rows):
        try:
            row = _check_row(session, token, index, raw, now)
        except FieldError as exc:
            errors.append(RowError(index, exc.field, exc.message.replace("`", "")))
            continue
        except PermissionError as exc:
            errors.append(RowError(index, "code", str(exc), forbidden=True))
            continue
        key = (row.kpi.id, str(row.period))
        if key in seen:
            errors.append(
                RowError(index, "period", f"{row.kpi.code} {row.period} is also row {seen[key]}")
            )
            continue
        seen[key] = index
        checked.append(row)
    return checked, errors


def _store_rows(session: Session, token: ActiveToken, rows: list[CheckedRow]) -> list[dict]:
    """Record every row in the caller's transaction; claim alerts and queue what follows."""
    results = []
    codes_by_owner: dict[str, list[str]] = {}
    alert = False
    for row in rows:
        kpi = row.kpi
        result = record_actual(
            session=session,
            kpi=kpi,
            period=row.period,
            value=row.value,
            note=row.note,
            actor=token.actor,
            keep_note=True,
        )
        target = target_for(session, kpi, row.period)

        def status_of(number: float | None, target: float | None = target, kpi: KpiRef = kpi):
            return evaluate(
                actual=number, target=target, direction=kpi.direction, tolerance=kpi.tolerance
            )

        after = status_of(row.value)
        before = None if result.previous_value is None else status_of(result.previous_value)
        if turned_red(before, after):
            enabled, channel = alerts_enabled(session, kpi.id)
            if enabled and channel:
                alert = (
                    claim_alert(
                        session=session, kpi_id=kpi.id, period=str(row.period), channel_id=channel
                    )
                    or alert
                )
        if result.outcome != "unchanged":
            codes_by_owner.setdefault(kpi.owner, []).append(kpi.code)
        results.append(
            {
                "code": kpi.code,
                "period": str(row.period),
                "value": row.value,
                "outcome": "no change" if result.outcome == "unchanged" else result.outcome,
                "previous_value": result.previous_value if result.outcome == "updated" else None,
                "target": target,
                "status": after.value,
                "note": result.actual.note,
            }
        )
    for index, (owner, codes) in enumerate(sorted(codes_by_owner.items())):
        # The owners' Homes refresh (their chairs' too); the alert job is queued once.
        queue_after_change(session, actor=owner, kpi_codes=codes, alert_claimed=alert and not index)
    return results


def request_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def post_actuals(
    *,
    store: Store,
    authorization: str | None,
    body: bytes,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> ApiAnswer:
    """Answer one ``POST /api/v1/actuals`` (see the module for the statuses)."""
    scheme, _, token_text = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token_text.strip():
        return _unauthorized()
    moment = now or utcnow()
    with store.read() as session:
        token = authenticate(session, token_text.strip())
    if token is None:
        return _unauthorized()
    calls = store.run(lambda s: count_call(s, token_id=token.id, now=moment))
    if calls > CALLS_PER_MINUTE:
        wait = 60 - moment.second
        return ApiAnswer(
            429,
            {
                "error": "rate_limited",
                "message": f"at most {CALLS_PER_MINUTE} requests a minute per token; "
                f"try again in {wait} s",
            },
            {"Retry-After": str(wait)},
        )
    key = (idempotency_key or "").strip() or None
    if key is not None and (len(key) > MAX_KEY or not key.isprintable()):
        return _invalid(f"Idempotency-Key must be 1–{MAX_KEY} printable characters")
    digest = request_hash(body)
    if key is not None:
        with store.read() as session:
            kept = kept_answer(session, token_id=token.id, key=key)
        if kept is not None:
            return _replayed(kept.status, kept.body, same=kept.request_hash == digest)
    try:
        rows = json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, ValueError):
        return _invalid("the body is not JSON; send a JSON list of rows, each " + ROW_FORM)
    if not isinstance(rows, list) or not rows:
        return _invalid("send a JSON list of at least one row, each " + ROW_FORM)
    if len(rows) > MAX_ROWS:
        return _invalid(f"{len(rows):,} rows; send at most {MAX_ROWS:,} in one request")

    def work(session: Session) -> ApiAnswer:
        if key is not None:
            kept = kept_answer(session, token_id=token.id, key=key)
            if kept is not None:  # a concurrent retry stored it first
                return _replayed(kept.status, kept.body, same=kept.request_hash == digest)
        checked, errors = check_rows(session, token, rows, moment)
        if errors:
            answer = _refusal(errors)
        else:
            stored = _store_rows(session, token, checked)
            answer = ApiAnswer(200, {"stored": stored, "count": len(stored)})
        if key is not None:
            keep_answer(
                session,
                token_id=token.id,
                key=key,
                request_hash=digest,
                status=answer.status,
                body=json.dumps(answer.body),
            )
        return answer

    return store.run(work)


def _refusal(errors: list[RowError]) -> ApiAnswer:
    """403 when a row names another scorecard's KPI, else 422; every row's error listed."""
    forbidden = any(e.forbidden for e in errors)
    return ApiAnswer(
        403 if forbidden else 422,
        {
            "error": "forbidden" if forbidden else "invalid_rows",
            "message": "nothing was stored: "
            + (
                "this token may only send actuals of its own scorecard's KPIs"
                if forbidden
                else "fix the rows below and send the request again"
            ),
            "errors": [e.as_json() for e in errors],
        },
    )


def _replayed(status: int, body: str, *, same: bool) -> ApiAnswer:
    if not same:
        return _invalid(
            "this Idempotency-Key was used with another body; use a new key for a new request"
        )
    return ApiAnswer(status, json.loads(body), {"Idempotent-Replayed": "true"})
