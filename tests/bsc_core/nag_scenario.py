"""A small team scorecard for the nagging tests: red, missing, green and someone else's red.

On Monday 2026-11-23 (the default "now", 10:00 in London) every KPI reports October:
MRR is red for the second month, GM has no October actual (due 2026-11-05), OK is green, and
CHURN (owned by OTHER) is red.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from bsc_core.actuals import record_actual
from bsc_core.countermeasures import file_countermeasure
from bsc_core.db import Store
from bsc_core.models import Kpi
from bsc_core.periods import Period
from tests.factories import CHAIR, OTHER, OWNER, import_docs, kpi, scorecard

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
__all__ = ["CHAIR", "MONDAY", "OTHER", "OWNER", "at", "file_cm", "log", "team"]


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    """A moment in November 2026, UTC (the same as London's time then)."""
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def log(store: Store, code: str, period: str, value: float) -> None:
    with store.write() as session:
        row = session.exec(select(Kpi).where(Kpi.code_key == code.upper())).one()
        record_actual(
            session=session,
            kpi=row,
            period=Period.parse(period),
            value=value,
            note=None,
            actor="test",
        )


def kpi_id(store: Store, code: str) -> int:
    with store.read() as session:
        return session.exec(select(Kpi.id).where(Kpi.code_key == code.upper())).one() or 0


def file_cm(
    store: Store,
    code: str,
    period: str = "2026-10",
    *,
    owner: str = OWNER,
    due: date | None = date(2026, 11, 30),
    action: str = "Call the top ten accounts",
) -> int:
    ident = kpi_id(store, code)
    with store.write() as session:
        cm = file_countermeasure(
            session=session,
            kpi_id=ident,
            period=period,
            root_cause="Process",
            action=action,
            owner=owner,
            due_date=due,
            actor=owner,
        )
        return cm.id or 0


def team(store: Store, **overrides: object) -> Store:
    import_docs(
        store,
        scorecard(
            kpi("MRR", unit="USD"),
            kpi("GM", unit="%"),
            kpi("OK"),
            kpi("CHURN", direction="down", target=2, owner=OTHER, perspective="Customer"),
            root_causes=["People", "Process", "Equipment"],
            **overrides,
        ),
    )
    log(store, "MRR", "2026-09", 80)
    log(store, "MRR", "2026-10", 80)
    log(store, "OK", "2026-10", 120)
    log(store, "CHURN", "2026-10", 5)
    return store
