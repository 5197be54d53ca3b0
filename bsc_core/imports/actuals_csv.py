"""Bulk history: importing actuals from CSV (all or nothing) and exporting them back.

The columns are ``code, period, value, note, user``; the last two are optional. Notes are
sanitised like every other text (:mod:`bsc_core.text`) and one over the note limit is a bad
row, never cut. Every row is
checked before anything is written; one bad row means the whole file is refused, with every
bad row's line number and reason. A good file is written in one transaction with bulk
statements (a hundred thousand rows take seconds, not minutes), each change audited.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from bsc_core.audit import audit_row
from bsc_core.board import KpiRef, load_kpis, local_today
from bsc_core.cascade import not_loggable
from bsc_core.models import Actual, AuditEvent, utcnow
from bsc_core.periods import Period, PeriodError
from bsc_core.text import MAX_NOTE, sanitize_text

COLUMNS = ["code", "period", "value", "note", "user"]
REQUIRED = ["code", "period", "value"]
Progress = Callable[[int], None]


class ActualsFileError(ValueError):
    """The CSV has bad rows; ``errors`` lists each with its line number."""

    def __init__(self, errors: list[str], *, source: str = "") -> None:
        self.errors = errors
        where = f" in {source}" if source else ""
        shown = errors[:200]
        more = f"\n  … and {len(errors) - len(shown)} more" if len(errors) > len(shown) else ""
        super().__init__(
            f"{len(errors)} bad row(s){where}; nothing was imported:\n"
            + "\n".join(f"  - {e}" for e in shown)
            + more
        )


@dataclass(frozen=True)
class ActualRow:
    line: int
    kpi: KpiRef
    period: Period
    value: float
    note: str | None
    user: str | None


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def parse_number(text: str) -> float:
    """A finite decimal number, as written in a spreadsheet export (no thousands separators)."""
    value = float(text.strip())
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def read_actuals(session: Session, stream: IO[str], *, source: str = "") -> list[ActualRow]:
    """Check every row of ``stream``; raise :class:`ActualsFileError` listing all bad rows."""
    reader = csv.DictReader(stream)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ActualsFileError(
            [f"line 1: missing column(s) {', '.join(missing)}; the header is {','.join(COLUMNS)}"],
            source=source,
        )
    reader.fieldnames = header
    kpis = {k.code.upper(): k for k in load_kpis(session, active_only=False)}
    today: dict[str, object] = {}
    rows: list[ActualRow] = []
    errors: list[str] = []
    seen: dict[tuple[int, str], int] = {}
    for raw in reader:
        line = reader.line_num
        code = (raw.get("code") or "").strip()
        kpi = kpis.get(code.upper())
        if kpi is None:
            errors.append(f"line {line}: unknown KPI code {code!r}")
            continue
        if kpi.is_computed:
            why = not_loggable(kpi.code, kpi.computed_from, kpi.combined_by.value)
            errors.append(f"line {line}: {why}")
            continue
        try:
            period = Period.parse(raw.get("period") or "", kpi.frequency)
        except PeriodError as exc:
            errors.append(f"line {line}: {exc}")
            continue
        local = today.setdefault(kpi.timezone, local_today(kpi.timezone))
        if period.start_date > local:  # type: ignore[operator]
            errors.append(f"line {line}: period {period} of {kpi.code} is in the future")
            continue
        try:
            value = parse_number(raw.get("value") or "")
        except ValueError:
            errors.append(
                f"line {line}: value {raw.get('value')!r} is not a number (write e.g. 1234.5)"
            )
            continue
        key = (kpi.id, str(period))
        if key in seen:
            errors.append(f"line {line}: {kpi.code} {period} is also on line {seen[key]}")
            continue
        note = sanitize_text(raw.get("note")) or None
        if note and len(note) > MAX_NOTE:
            errors.append(
                f"line {line}: the note has {len(note):,} characters; a note may have at most "
                f"{MAX_NOTE:,}"
            )
            continue
        seen[key] = line
        user = sanitize_text(raw.get("user")) or None
        rows.append(ActualRow(line, kpi, period, value, note, user))
    if errors:
        raise ActualsFileError(errors, source=source)
    return rows


def write_actuals(
    session: Session,
    rows: list[ActualRow],
    *,
    actor: str,
    progress: Progress | None = None,
    chunk: int = 2000,
) -> ImportResult:
    """Write checked rows in the caller's transaction: insert new, replace changed, audit both."""
    existing: dict[tuple[int, str], Actual] = {}
    kpi_ids = sorted({r.kpi.id for r in rows})
    for start in range(0, len(kpi_ids), 500):
        for a in session.exec(
            select(Actual).where(col(Actual.kpi_id).in_(kpi_ids[start : start + 500]))
        ):
            existing[(a.kpi_id, a.period)] = a
    now = utcnow()
    created = updated = unchanged = 0
    for batch in _chunks(rows, chunk):
        inserts, updates, audits = [], [], []
        for r in batch:
            key = (r.kpi.id, str(r.period))
            after = {"kpi": r.kpi.code, "period": key[1], "value": r.value, "note": r.note}
            old = existing.get(key)
            if old is None:
                inserts.append(
                    {
                        "kpi_id": r.kpi.id,
                        "period": key[1],
                        "value": r.value,
                        "note": r.note,
                        "entered_by": r.user or actor,
                        "entered_at": now,
                    }
                )
                audits.append(_audit(actor, "create", None, None, after, now))
                created += 1
            elif old.value == r.value and (old.note or None) == r.note:
                unchanged += 1
            else:
                updates.append(
                    {
                        "id": old.id,
                        "value": r.value,
                        "note": r.note,
                        "entered_by": r.user or actor,
                        "entered_at": now,
                    }
                )
                before = {"kpi": r.kpi.code, "period": key[1], "value": old.value, "note": old.note}
                audits.append(_audit(actor, "update", old.id, before, after, now))
                updated += 1
        if inserts:
            session.execute(insert(Actual), inserts)
        if updates:
            session.execute(update(Actual), updates)
        if audits:
            session.execute(insert(AuditEvent), audits)
        if progress:
            progress(len(batch))
    return ImportResult(created, updated, unchanged)


def _audit(
    actor: str, action: str, entity_id: int | None, before: dict | None, after: dict, at: datetime
) -> dict:
    return audit_row(
        actor=actor,
        action=f"import-{action}",
        entity="actual",
        entity_id=entity_id,
        before=before,
        after=after,
        at=at,
    )


def _chunks(rows: list[ActualRow], size: int) -> Iterator[list[ActualRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def export_actuals(session: Session, *, scorecard_id: int, out: IO[str]) -> int:
    """Write the scorecard's actuals in the import's columns; returns the number of rows."""
    kpis = {k.id: k for k in load_kpis(session, scorecard_ids=[scorecard_id], active_only=False)}
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    query = (
        select(Actual)
        .where(col(Actual.kpi_id).in_(list(kpis)))
        .order_by(col(Actual.kpi_id), col(Actual.period))
    )
    rows = sorted(
        session.exec(query), key=lambda a: (kpis[a.kpi_id].code, Period.parse(a.period).start_date)
    )
    for a in rows:
        writer.writerow(
            [kpis[a.kpi_id].code, a.period, _plain(a.value), a.note or "", a.entered_by or ""]
        )
        count += 1
    return count


def _plain(value: float) -> str:
    """``120000`` rather than ``120000.0``; other floats in their shortest exact form."""
    return str(int(value)) if value.is_integer() else repr(value)


def open_csv(path: str | Path) -> IO[str]:
    return open(path, newline="", encoding="utf-8-sig")
