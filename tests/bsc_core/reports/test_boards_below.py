"""Cascading in the reports: a card's review and huddle show the boards below it."""

from __future__ import annotations

import io
from datetime import date

from sqlmodel import select

from bsc_core.db import Store
from bsc_core.imports.actuals_csv import read_actuals, write_actuals
from bsc_core.models import Countermeasure, Kpi, Scorecard
from bsc_core.periods import Period
from bsc_core.reports.huddle import build_huddle
from bsc_core.reports.render import render_huddle_markdown, render_review_markdown
from bsc_core.reports.review import build_review
from tests.factories import import_docs, kpi, scorecard


def _build(store: Store) -> dict[str, int]:
    corp = scorecard(
        kpi("OTD", frequency="weekly", target=95, amber=2, **{"from": ["L1OTD", "L2OTD"]}),
        slug="corp",
    )
    line1 = scorecard(
        kpi("L1OTD", frequency="weekly", target=95, amber=2),
        kpi("L1SCRAP", frequency="monthly", direction="down", target=2),
        slug="line1",
        tier=2,
        parent="corp",
        channel="C0LINE0001",
    )
    line2 = scorecard(
        kpi("L2OTD", frequency="weekly", target=95, amber=2),
        slug="line2",
        tier=2,
        parent="corp",
        channel="C0LINE0002",
    )
    import_docs(store, corp, line1, line2)
    rows = (
        "code,period,value\n"
        + "".join(f"L1OTD,2026-W{w},80\nL2OTD,2026-W{w},99\n" for w in range(40, 48))
        + "L1SCRAP,2026-10,5\n"
    )
    with store.read() as session:
        parsed = read_actuals(session, io.StringIO(rows))
    with store.write() as session:
        write_actuals(session, parsed, actor="test")
        scrap = session.exec(select(Kpi).where(Kpi.code == "L1SCRAP")).one()
        session.add(
            Countermeasure(
                kpi_id=scrap.id, period="2026-10", root_cause="Process", action="Fix", owner="U0X"
            )
        )
    with store.read() as session:
        return {c.slug: c.id or 0 for c in session.exec(select(Scorecard)).all()}


def test_the_review_shows_the_boards_below_reds_first_and_their_unanswered_reds(
    store: Store,
) -> None:
    ids = _build(store)
    with store.read() as session:
        data = build_review(session, scorecard_id=ids["corp"], month=Period.parse("2026-10"))
    children = [(c.slug, c.red, c.node.status) for c in data.children]
    assert children == [("line1", 2, "red"), ("line2", 0, "green")]
    # L1SCRAP has a countermeasure for October; L1OTD's October weeks have none.
    assert [r.kpi.code for r in data.unanswered_below] == ["L1OTD"]
    otd = data.rows[0]
    assert (otd.actual, otd.coverage_text) == (89.5, "5/5 weeks")  # (80 + 99) / 2 each week
    markdown = render_review_markdown(data)
    assert "Boards below" in markdown
    assert markdown.index("Line1") < markdown.index("Line2")


def test_the_huddle_lists_the_boards_below(store: Store) -> None:
    ids = _build(store)
    with store.read() as session:
        data = build_huddle(session, scorecard_id=ids["corp"], day=date(2026, 11, 24))
        alone = build_huddle(session, scorecard_id=ids["line2"], day=date(2026, 11, 24))
    assert [(c.slug, c.red) for c in data.children] == [("line1", 2), ("line2", 0)]
    assert "Boards below" in render_huddle_markdown(data)
    assert alone.children == [] and "Boards below" not in render_huddle_markdown(alone)
