"""Huddle read receipts: first clicks only, owners counted, the month's huddles in the review."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from bsc_core.db import Store
from bsc_core.models import Delivery, Scorecard
from bsc_core.periods import Period
from bsc_core.reports.review import build_review
from bsc_core.seen import find_huddle, huddle_key, month_huddles, record_seen, seen_count
from commands.report_blocks import review_blocks
from tests.factories import ADMIN, CHAIR, OTHER, OWNER, import_docs, kpi, scorecard

OCTOBER = Period.parse("2026-10")


def _card(store: Store) -> int:
    import_docs(store, scorecard(kpi("MRR"), kpi("CHURN", owner=OTHER), kpi("GM", owner=CHAIR)))
    with store.read() as session:
        return session.exec(select(Scorecard.id)).one() or 0


def _click(store: Store, day: date, *users: str) -> list[bool]:
    with store.write() as session:
        huddle = find_huddle(session, huddle_key("team", day))
        return [record_seen(session, huddle=huddle, user_id=user) for user in users]


def test_only_a_persons_first_click_counts(store: Store) -> None:
    _card(store)
    assert _click(store, date(2026, 10, 5), OWNER, OWNER, ADMIN) == [True, False, True]
    assert _click(store, date(2026, 10, 5), OWNER) == [False]
    with store.read() as session:
        count = seen_count(session, find_huddle(session, huddle_key("team", date(2026, 10, 5))))
    assert count.phrase == "Seen by 1 of 3 owners"  # ADMIN saw it but owns nothing
    assert count.not_seen == sorted([OTHER, CHAIR])


def test_the_review_counts_the_months_huddles_and_who_saw_each(store: Store) -> None:
    card_id = _card(store)
    with store.write() as session:  # the scheduler posted three huddles; one nobody clicked
        for day in (5, 6, 7):
            session.add(
                Delivery(
                    key=f"huddle:team:2026-10-{day:02d}",
                    kind="huddle",
                    scorecard_id=card_id,
                    due_at=datetime(2026, 10, day, 8, 45, tzinfo=UTC),
                    status="posted",
                )
            )
    _click(store, date(2026, 10, 5), OWNER, OTHER, CHAIR)
    _click(store, date(2026, 10, 6), OWNER)
    _click(store, date(2026, 11, 2), OWNER)  # another month

    with store.read() as session:
        huddles = month_huddles(session, scorecard_id=card_id, month=OCTOBER)
        review = build_review(session, scorecard_id=card_id, month=OCTOBER)
    assert [(h.day.day, h.seen_owners) for h in huddles] == [(5, 3), (6, 1), (7, 0)]
    text = "\n".join(b["text"]["text"] for b in review_blocks(review) if b["type"] == "section")
    assert "Huddles this month" in text
    assert "3 huddles · owners who saw each:" in text
    assert "3/3" in text and "1/3" in text and "0/3" in text


def test_a_month_without_huddles_adds_nothing_to_the_review(store: Store) -> None:
    card_id = _card(store)
    with store.read() as session:
        review = build_review(session, scorecard_id=card_id, month=OCTOBER)
    assert "Huddles this month" not in str(review_blocks(review))
