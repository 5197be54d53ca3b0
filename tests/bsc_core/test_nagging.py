"""What each person is owed a reminder about, and the reminders' bookkeeping (both databases)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from bsc_core.countermeasures import (
    CountermeasureError,
    close_countermeasure,
    file_countermeasure,
    root_causes,
)
from bsc_core.db import Store
from bsc_core.models import AuditEvent, Countermeasure, NagState, Scorecard
from bsc_core.nagging import (
    MISSING,
    OVERDUE,
    RED,
    claim_reminders,
    escalations,
    owed,
    release_reminders,
    snooze,
)
from tests.bsc_core.nag_scenario import (
    CHAIR,
    MONDAY,
    OTHER,
    OWNER,
    at,
    file_cm,
    kpi_id,
    log,
    team,
)
from tests.factories import import_docs, kpi, scorecard

TODAY = MONDAY.date()


def labels(store: Store, now=MONDAY, **kwargs) -> set[str]:  # type: ignore[no-untyped-def]
    with store.read() as session:
        return {i.label for i in owed(session, now=now, **kwargs)}


def items(store: Store, now=MONDAY, **kwargs):  # type: ignore[no-untyped-def]
    with store.read() as session:
        return owed(session, now=now, **kwargs)


def test_red_without_countermeasure_and_missing_past_due_are_owed(store: Store) -> None:
    team(store)
    assert labels(store) == {"MRR 2026-10 red", "GM 2026-10 missing", "CHURN 2026-10 red"}
    found = {i.label: i for i in items(store)}
    mrr = found["MRR 2026-10 red"]
    assert (mrr.owner, mrr.row.actual, mrr.row.target, mrr.row.streak) == (OWNER, 80, 100, 2)
    assert found["GM 2026-10 missing"].due_on == date(2026, 11, 5)
    assert found["CHURN 2026-10 red"].owner == OTHER


def test_only_the_persons_own_items_when_asked(store: Store) -> None:
    team(store)
    assert labels(store, owner=OTHER) == {"CHURN 2026-10 red"}


def test_a_missing_actual_within_its_grace_is_not_owed_yet(store: Store) -> None:
    team(store)
    # On 3 December November is not due until the 5th; October is the period still shown.
    log(store, "GM", "2026-10", 99)
    assert "GM 2026-11 missing" not in labels(store, now=at(3, month=12))


@pytest.mark.parametrize("status", ["open", "done"])
def test_any_countermeasure_for_the_period_answers_a_red_kpi(store: Store, status: str) -> None:
    team(store)
    cm_id = file_cm(store, "MRR")
    if status == "done":
        with store.write() as session:
            close_countermeasure(session=session, cm_id=cm_id, actor=OWNER)
    assert "MRR 2026-10 red" not in labels(store)
    # A countermeasure for an earlier period does not answer this one.
    file_cm(store, "CHURN", "2026-09", owner=OTHER)
    assert "CHURN 2026-10 red" in labels(store)


def test_an_open_countermeasure_past_due_reminds_its_own_owner(store: Store) -> None:
    team(store)
    file_cm(store, "MRR", owner=OTHER, due=date(2026, 11, 20), action="Fix pricing")
    found = [i for i in items(store, owner=OTHER) if i.reason == OVERDUE]
    assert len(found) == 1 and found[0].countermeasures[0].action == "Fix pricing"
    assert found[0].due_on == date(2026, 11, 20)
    # Due today is not overdue; done is not overdue.
    file_cm(store, "GM", owner=OTHER, due=TODAY, action="Ask finance")
    assert [i.kpi.code for i in items(store, owner=OTHER) if i.reason == OVERDUE] == ["MRR"]


def test_owed_takes_a_fixed_number_of_queries(store: Store) -> None:
    team(store)
    import_docs(
        store,
        scorecard(*[kpi(f"K{n}") for n in range(12)], slug="big", channel="C0BIG00001"),
    )
    for n in range(12):
        log(store, f"K{n}", "2026-10", 10)
        file_cm(store, f"K{n}", due=date(2026, 11, 1), action=f"a{n}")
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        with store.read() as session:
            found = owed(session, now=MONDAY)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert len([i for i in found if i.reason == OVERDUE]) == 12
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 7


def test_reminders_count_days_and_a_second_claim_the_same_day_needs_force(store: Store) -> None:
    team(store)
    owed_now = items(store, owner=OWNER)
    with store.write() as session:
        assert len(claim_reminders(session, owed_now, today=TODAY, force=False)) == 2
    again = items(store, owner=OWNER)
    with store.write() as session:
        assert claim_reminders(session, again, today=TODAY, force=False) == []
        assert len(claim_reminders(session, again, today=TODAY, force=True)) == 2
    with store.read() as session:
        states = session.exec(select(NagState)).all()
    assert {(s.reason, s.reminders, s.last_sent_on) for s in states} == {
        (RED, 1, TODAY),
        (MISSING, 1, TODAY),
    }


def test_a_released_claim_is_sent_again(store: Store) -> None:
    team(store)
    with store.write() as session:
        claimed = claim_reminders(session, items(store, owner=OWNER), today=TODAY, force=False)
    with store.write() as session:
        release_reminders(session, claimed)
    with store.write() as session:
        assert (
            len(claim_reminders(session, items(store, owner=OWNER), today=TODAY, force=False)) == 2
        )


def test_snoozed_items_are_not_claimed_until_the_day_given(store: Store) -> None:
    team(store)
    with store.write() as session:
        snooze(session, items(store, owner=OWNER), until=TODAY + timedelta(days=1))
    with store.write() as session:
        assert claim_reminders(session, items(store, owner=OWNER), today=TODAY, force=True) == []
    tomorrow = TODAY + timedelta(days=1)
    later = items(store, now=at(24), owner=OWNER)
    with store.write() as session:
        assert len(claim_reminders(session, later, today=tomorrow, force=False)) == 2


def test_three_unanswered_days_escalate_each_scorecard_once(store: Store) -> None:
    team(store)
    for day in (23, 24, 25):
        with store.write() as session:
            claim_reminders(session, items(store, now=at(day)), today=at(day).date(), force=False)
    today_of = {OWNER: at(25).date(), OTHER: at(25).date()}
    assert escalations(items(store, now=at(25)), today_of) == []  # the third is not ignored yet
    today_of = {OWNER: at(26).date(), OTHER: at(26).date()}
    [esc] = escalations(items(store, now=at(26)), today_of)
    assert esc.chair == CHAIR and esc.scorecard_slug == "team"
    assert {i.label for i in esc.items} == {
        "MRR 2026-10 red",
        "GM 2026-10 missing",
        "CHURN 2026-10 red",
    }


def test_countermeasures_are_audited_and_a_double_submit_files_one(store: Store) -> None:
    team(store)
    first = file_cm(store, "MRR")
    assert file_cm(store, "MRR") == first
    with store.write() as session:
        close_countermeasure(session=session, cm_id=first, actor=CHAIR)
        close_countermeasure(session=session, cm_id=first, actor=CHAIR)
    with store.read() as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "countermeasure"))
        kinds = [(e.action, e.actor) for e in events]
        assert session.get(Countermeasure, first).status == "done"  # type: ignore[union-attr]
    assert kinds == [("create", OWNER), ("update", CHAIR)]


@pytest.mark.parametrize(
    ("cause", "action", "field"), [("", "do it", "cause"), ("People", "  ", "action")]
)
def test_a_countermeasure_needs_a_cause_and_an_action(
    store: Store, cause: str, action: str, field: str
) -> None:
    team(store)
    with pytest.raises(CountermeasureError) as raised, store.write() as session:
        file_countermeasure(
            session=session,
            kpi_id=kpi_id(store, "MRR"),
            period="2026-10",
            root_cause=cause,
            action=action,
            owner=OWNER,
            due_date=None,
            actor=OWNER,
        )
    assert raised.value.field == field


def test_root_causes_offer_the_configured_ones_then_those_typed_before(store: Store) -> None:
    team(store)
    with store.write() as session:
        file_countermeasure(
            session=session,
            kpi_id=kpi_id(store, "MRR"),
            period="2026-10",
            root_cause="Supplier delay",
            action="Second source",
            owner=OWNER,
            due_date=None,
            actor=OWNER,
        )
    with store.read() as session:
        card = session.exec(select(Scorecard)).one()
        assert root_causes(session, card.id or 0) == [
            "People",
            "Process",
            "Equipment",
            "Supplier delay",
        ]
        # The scorecard's own list (owned by the YAML import) is left alone.
        assert json.loads(card.root_causes or "[]") == ["People", "Process", "Equipment"]
