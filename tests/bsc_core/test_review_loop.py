"""The review loop's domain: decisions and their states, initiative history and change since
the last review, the minutes, the huddle's week and imports that would undo Slack updates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bsc_core.db import Store
from bsc_core.decisions import (
    DecisionError,
    complete_decision,
    decisions_since_last_review,
    record_decision,
)
from bsc_core.imports.slack_edits import SlackEditsWouldBeUndone
from bsc_core.initiative_updates import (
    InitiativeUpdateError,
    change_text,
    initiative_states,
    update_initiative,
)
from bsc_core.minutes import build_minutes
from bsc_core.models import Initiative, Kpi, Review
from bsc_core.reports.huddle import build_huddle
from bsc_core.reviews import close_review, record_posted, reopen_review
from tests.factories import CHAIR, OTHER, OWNER, import_docs, kpi, scorecard

TODAY = date(2026, 11, 23)


def team(*, initiative_status: str = "at_risk") -> dict[str, object]:
    doc = scorecard(kpi("MRR", unit="USD"))
    doc["objectives"][0]["initiatives"] = [  # type: ignore[index]
        {"name": "CRM rollout", "owner": OTHER, "status": initiative_status}
    ]
    return doc


@pytest.fixture
def card(store: Store) -> Store:
    import_docs(store, team())
    return store


def post(store: Store, month: str) -> int:
    with store.write() as session:
        review = record_posted(
            session,
            scorecard_id=1,
            month=month,
            channel_id="C0TEAM0001",
            message_ts=f"{month}.1",
            agenda=f"# Monthly review · {month}\n\n- MRR red",
        )
        return review.id or 0


def decide(store: Store, review_id: int, text: str, **kwargs: object) -> int:
    values: dict[str, object] = {"kpi_id": None, "owner": OWNER, "due_date": TODAY}
    values.update(kwargs)
    with store.write() as session:
        decision = record_decision(
            session,
            review_id=review_id,
            text=text,
            actor=CHAIR,
            today=TODAY,
            **values,  # type: ignore[arg-type]
        )
        return decision.id or 0


def initiative_id(store: Store) -> int:
    with store.read() as session:
        return session.exec(select(Initiative)).one().id or 0


@pytest.mark.parametrize(
    ("before", "before_pct", "status", "pct", "expected"),
    [
        ("at_risk", 40, "on_track", 65, "at risk → on track, 40 % → 65 %"),
        ("on_track", 40, "on_track", 65, "40 % → 65 %"),
        ("planned", None, "on_track", 10, "planned → on track, 10 %"),
        ("late", 50, "late", 50, ""),
        ("late", 50, "done", None, "late → done"),
    ],
)
def test_the_change_since_the_last_review_reads_as_a_sentence(
    before: str, before_pct: int | None, status: str, pct: int | None, expected: str
) -> None:
    assert change_text(before, before_pct, status, pct) == expected


def test_decisions_are_refused_when_empty_past_due_or_on_a_closed_review(card: Store) -> None:
    review = post(card, "2026-10")
    for text, due, field in (("  \u200b ", TODAY, "decision"), ("Go", TODAY - timedelta(1), "due")):
        with pytest.raises(DecisionError) as refused:
            decide(card, review, text, due_date=due)
        assert refused.value.field == field
    with card.write() as session:
        close_review(session, review_id=review, actor=CHAIR, minutes="# m")
    with pytest.raises(DecisionError, match="closed"):
        decide(card, review, "Too late")
    with card.write() as session:
        reopen_review(session, review_id=review, actor=CHAIR)
    assert decide(card, review, "After reopening")


def test_the_next_review_lists_the_last_reviews_decisions_and_older_open_actions(
    card: Store,
) -> None:
    september = post(card, "2026-09")
    old_open = decide(card, september, "Old action, still open", due_date=TODAY + timedelta(30))
    decide(card, september, "Old note", owner=None, due_date=None)
    october = post(card, "2026-10")
    done = decide(card, october, "Hire two SDRs", due_date=TODAY + timedelta(3))
    late = decide(card, october, "Call the bank", due_date=TODAY + timedelta(1))
    noted = decide(card, october, "Keep the price", owner=None, due_date=None)
    with card.write() as session:
        complete_decision(session, decision_id=done, actor=OWNER)
    with card.read() as session:
        listed = decisions_since_last_review(
            session, scorecard_id=1, month="2026-11", day=TODAY + timedelta(2)
        )
    assert [(d.id, d.state) for d in listed] == [
        (late, "overdue"),
        (old_open, "open"),
        (noted, "noted"),
        (done, "done"),
    ]


def test_initiative_updates_keep_history_and_refuse_a_percent_outside_0_to_100(
    card: Store,
) -> None:
    initiative = initiative_id(card)
    for bad in ("101", "-5", "half"):
        with pytest.raises(InitiativeUpdateError) as refused, card.write() as session:
            update_initiative(
                session,
                initiative_id=initiative,
                status="late",
                percent=bad,
                note=None,
                actor=CHAIR,
            )
        assert refused.value.field == "percent"
    with card.write() as session:
        update_initiative(
            session,
            initiative_id=initiative,
            status="at_risk",
            percent="40",
            note=None,
            actor=CHAIR,
        )
    moment = datetime.now(UTC)
    with card.write() as session:
        update_initiative(
            session, initiative_id=initiative, status="on_track", percent=65, note="", actor=OTHER
        )
        assert session.get(Initiative, initiative).status == "on_track"  # type: ignore[union-attr]
    with card.read() as session:
        since = initiative_states(session, initiative_ids=[initiative], since=moment)
        ever = initiative_states(session, initiative_ids=[initiative], since=None)
    assert since[initiative].change == "at risk → on track, 40 % → 65 %"
    assert ever[initiative].change == "at risk → on track, 65 %"  # from the import: no % before


def test_minutes_hold_decisions_updates_and_the_agenda_escaped_with_names(card: Store) -> None:
    review = post(card, "2026-10")
    with card.read() as session:
        mrr = session.exec(select(Kpi)).one().id
    decide(card, review, "Stop <script> & [links](http://x)", kpi_id=mrr)
    with card.write() as session:
        update_initiative(
            session,
            initiative_id=initiative_id(card),
            status="on_track",
            percent=65,
            note="Pilot <b>live</b>",
            actor=OTHER,
            review_id=review,
        )
    with card.read() as session:
        row = session.get(Review, review)
        assert row is not None
        text = build_minutes(
            session,
            review=row,
            closed_by=CHAIR,
            closed_at=datetime.now(UTC),
            name_of={CHAIR: "Alex Morgan", OWNER: "Dana"}.get,  # type: ignore[arg-type]
        )
    assert "## Decisions (1)" in text and "Stop &lt;script&gt;" in text and "KPI **MRR**" in text
    assert "owner Dana" in text and "recorded by Alex Morgan" in text
    assert "**CRM rollout** (F1): at risk → on track, 65 %" in text and "&lt;b&gt;" in text
    assert "## The agenda as it stood" in text and "## Monthly review · 2026-10" in text
    assert "<script>" not in text


def test_the_huddle_mentions_open_decisions_falling_due_this_week(card: Store) -> None:
    review = post(card, "2026-10")
    monday = TODAY  # 2026-11-23 is a Monday
    decide(card, review, "Due Friday", due_date=monday + timedelta(4))
    decide(card, review, "Due next week", due_date=monday + timedelta(8))
    done = decide(card, review, "Done already", due_date=monday + timedelta(2))
    with card.write() as session:
        complete_decision(session, decision_id=done, actor=OWNER)
    with card.read() as session:
        huddle = build_huddle(session, scorecard_id=1, day=monday + timedelta(1))
    assert [d.text for d in huddle.decisions_due] == ["Due Friday"]


def test_an_import_that_would_undo_a_slack_update_stops_unless_forced(card: Store) -> None:
    from bsc_core.imports.scorecard_apply import apply_scorecard
    from bsc_core.imports.scorecard_file import parse_scorecard_text
    from tests.factories import to_yaml

    with card.write() as session:
        update_initiative(
            session,
            initiative_id=initiative_id(card),
            status="on_track",
            percent=65,
            note=None,
            actor=OTHER,
        )
    [spec] = parse_scorecard_text(to_yaml(team()))
    with pytest.raises(SlackEditsWouldBeUndone) as refused, card.write() as session:
        apply_scorecard(session, spec, actor="test")
    assert "CRM rollout" in str(refused.value) and "the file says at risk" in str(refused.value)
    with card.read() as session:
        assert session.exec(select(Initiative)).one().status == "on_track"
    # A file that carries the Slack status imports quietly; --force lets the file win.
    [same] = parse_scorecard_text(to_yaml(team(initiative_status="on_track")))
    with card.write() as session:
        apply_scorecard(session, same, actor="test")
    with card.write() as session:
        apply_scorecard(session, spec, actor="test", force=True)
    with card.read() as session:
        assert session.exec(select(Initiative)).one().status == "at_risk"
