"""Recording one actual: create, correct or leave alone, always with its audit event.

Slack's "/kpi log", the log modal and the CSV import all end here, so the answer a user gets
("stored", "updated from X to Y", "unchanged") means the same thing everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from sqlmodel import Session, select

from bsc_core import audit
from bsc_core.models import Actual, utcnow
from bsc_core.periods import Period

Outcome = Literal["created", "updated", "unchanged"]


class KpiKey(Protocol):
    """What recording needs of a KPI: a table row or a board reference both fit."""

    @property
    def id(self) -> int | None: ...

    @property
    def code(self) -> str: ...


@dataclass(frozen=True)
class LogResult:
    """What happened to the store when an actual was logged."""

    outcome: Outcome
    actual: Actual
    previous_value: float | None
    previous_note: str | None


def record_actual(
    *,
    session: Session,
    kpi: KpiKey,
    period: Period,
    value: float,
    note: str | None,
    actor: str,
    keep_note: bool = False,
) -> LogResult:
    """Store ``value`` as the actual of ``kpi`` for ``period`` in the caller's write session.

    An identical re-send (same value and note) changes nothing and writes no audit event; a
    different value or note replaces the row in place and the audit event keeps the old one.
    With ``keep_note``, a value sent without a note keeps the note already stored (a quick
    correction from chat should not erase the explanation). The row is locked for the
    transaction (``FOR UPDATE`` on PostgreSQL; SQLite's write
    transactions are ``BEGIN IMMEDIATE``), so two corrections never both read the same "before".
    """
    text = str(period)
    existing = session.exec(
        select(Actual).where(Actual.kpi_id == kpi.id, Actual.period == text).with_for_update()
    ).first()
    note = note or None
    if note is None and keep_note and existing is not None:
        note = existing.note
    if existing is None:
        row = Actual(
            kpi_id=kpi.id,
            period=text,
            value=value,
            note=note,
            entered_by=actor,
            entered_at=utcnow(),
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="create",
            entity="actual",
            entity_id=row.id,
            after={"kpi": kpi.code, "period": text, "value": value, "note": note},
        )
        return LogResult("created", row, None, None)
    if existing.value == value and (existing.note or None) == note:
        return LogResult("unchanged", existing, existing.value, existing.note)
    before = {"kpi": kpi.code, "period": text, "value": existing.value, "note": existing.note}
    previous_value, previous_note = existing.value, existing.note
    existing.value = value
    existing.note = note
    existing.entered_by = actor
    existing.entered_at = utcnow()
    session.add(existing)
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="actual",
        entity_id=existing.id,
        before=before,
        after={"kpi": kpi.code, "period": text, "value": value, "note": note},
    )
    return LogResult("updated", existing, previous_value, previous_note)
