"""Escalations in the store: one open per KPI and period, even for two clicks at once, and the
month a review counts (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from bsc_core.db import Store
from bsc_core.escalations import month_of
from bsc_core.models import Escalation, Scorecard
from bsc_core.periods import Frequency, Period
from commands.escalations import Refused, raise_from_form, resolve_escalation, take_escalation
from commands.reply import Caller
from tests.bsc_core.nag_scenario import log
from tests.factories import CHAIR, OWNER, import_docs, kpi, scorecard

CORP_CHAIR = "U0CORPCH01"


@pytest.fixture
def boards(store: Store) -> Store:
    import_docs(
        store,
        scorecard(kpi("ROOT"), slug="corp", channel="C0CORP0001", chair=CORP_CHAIR),
        scorecard(kpi("OTD", target=95), slug="plant", tier=2, parent="corp", channel="C0P1"),
    )
    log(store, "OTD", "2026-10", 80)
    return store


def escalate(store: Store, request: str = "Need help") -> str:
    return raise_from_form(
        store=store, caller=Caller(OWNER), code="OTD", period="2026-10", request=request
    ).text


def rows(store: Store) -> list[Escalation]:
    with store.read() as session:
        return list(session.exec(select(Escalation).order_by(col(Escalation.id))))


def test_two_escalations_of_one_kpi_and_period_at_once_leave_exactly_one_open(
    boards: Store,
) -> None:
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def click() -> None:
        start.wait()
        try:
            outcomes.append(escalate(boards))
        except Refused as exc:
            outcomes.append(f"refused: {exc}")

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    escalated = [o for o in outcomes if o.startswith("⬆️ Escalated *OTD*")]
    refused = [o for o in outcomes if "already escalated" in o]
    assert (len(escalated), len(refused)) == (1, 1)
    assert len(rows(boards)) == 1


def test_a_resolved_escalation_frees_its_kpi_and_period_for_a_new_one(boards: Store) -> None:
    escalate(boards)
    first = rows(boards)[0]
    chair = Caller(CORP_CHAIR)
    take_escalation(store=boards, caller=chair, escalation_id=str(first.id), helper=CHAIR)
    with pytest.raises(Refused, match="already taken"):
        take_escalation(store=boards, caller=chair, escalation_id=str(first.id), helper=CHAIR)
    resolve_escalation(store=boards, caller=chair, escalation_id=str(first.id), note="Done")

    escalate(boards, "It is red again")

    assert [(r.status, r.open_key is None) for r in rows(boards)] == [
        ("resolved", True),
        ("open", False),
    ]


def test_the_month_counts_what_was_raised_taken_and_resolved_in_it(boards: Store) -> None:
    escalate(boards)
    with boards.write() as session:
        row = session.exec(select(Escalation)).one()
        row.raised_at = datetime(2026, 10, 30, 9, tzinfo=UTC)
        row.taken_at = datetime(2026, 10, 31, 9, tzinfo=UTC)
        row.resolved_at = datetime(2026, 11, 2, 9, tzinfo=UTC)
        row.status, row.helper, row.open_key = "resolved", CHAIR, None
        session.add(row)
        corp = session.exec(select(Scorecard).where(Scorecard.slug == "corp")).one()

    def counts(month: str) -> tuple[int, int, int, int]:
        with boards.read() as session:
            found = month_of(
                session,
                parent_id=corp.id or 0,
                month=Period.parse(month, Frequency.MONTHLY),
                zone="UTC",
            )
        return found.raised, found.taken, found.resolved, len(found.open)

    assert counts("2026-10") == (1, 1, 0, 1)  # still open when October ended
    assert counts("2026-11") == (0, 0, 1, 0)
    assert counts("2026-09") == (0, 0, 0, 0)
