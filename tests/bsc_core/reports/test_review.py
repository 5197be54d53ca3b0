"""The monthly review: agenda by perspective, actions, initiatives, charts and Markdown."""

from __future__ import annotations

from bsc_core.db import Store
from bsc_core.periods import Period
from bsc_core.reports.charts import MAX_IMAGES, bowling_data, review_charts, trend_charts
from bsc_core.reports.render import render_review_markdown
from bsc_core.reports.review import ReviewData, build_review, last_ended_month
from commands.report_blocks import review_blocks
from tests.bsc_core.reports import scenario

OCTOBER = Period.parse("2026-10")


def _review(store: Store) -> ReviewData:
    card_id = scenario.build(store)
    with store.read() as session:
        return build_review(session, scorecard_id=card_id, month=OCTOBER)


def test_review_defaults_to_the_month_that_ended_last() -> None:
    assert str(last_ended_month(scenario.DAY)) == "2026-10"


def test_agenda_walks_perspectives_in_order_red_first(store: Store) -> None:
    data = _review(store)
    names = [p.name for p in data.perspectives]
    assert names[:2] == ["Financial", "Customer"]
    financial = data.perspectives[0]
    assert [r.kpi.code for r in financial.reds] == ["STREAK", "UP_R", "DN_R"]
    assert {r.kpi.code for r in financial.ambers} == {"UP_A", "DN_A"}
    assert {r.kpi.code for r in financial.others} == {"UP_G", "DN_G"}
    customer = data.perspectives[1]
    # Daily KPIs show October's days added up; none of them has an actual.
    assert customer.other_counts["missing"] == 5
    assert data.key == "review:team:2026-10"


def test_actions_since_the_last_review_and_root_causes(store: Store) -> None:
    data = _review(store)
    actions = [(a.kpi_code, a.status, a.overdue) for a in data.actions]
    # Due by 31 October and open (overdue), or done in October; DN_R's is due in December.
    assert actions == [("STREAK", "open", True), ("UP_A", "done", False)]
    assert dict(data.root_causes) == {"Process": 1, "People": 1, "<!channel> ping": 1}
    assert [i.status for i in data.initiatives] == ["at_risk"]
    assert ("C1", "F2") in data.links
    statuses = {o.code: (o.score, o.status) for o in data.objectives}
    # Weighted roll-up: UP_G 100, UP_A 50, UP_R 0; C1's KPIs have no points at all.
    assert statuses["F1"] == (50.0, "amber") and statuses["C1"] == (None, None)


def test_a_worst_rollup_colours_objectives_by_their_worst_kpi(store: Store) -> None:
    from sqlmodel import select

    from bsc_core.models import Scorecard

    card_id = scenario.build(store)
    with store.write() as session:
        card = session.exec(select(Scorecard).where(Scorecard.id == card_id)).one()
        card.rollup = "worst"
        session.add(card)
    with store.read() as session:
        data = build_review(session, scorecard_id=card_id, month=OCTOBER)
    statuses = {o.code: (o.score, o.status) for o in data.objectives}
    assert statuses["F1"] == (50.0, "red") and statuses["C1"][1] == "missing"
    assert data.perspectives[0].status == "red"


def test_review_message_and_markdown(store: Store) -> None:
    data = _review(store)
    blocks = review_blocks(data)
    text = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    assert blocks[0]["text"]["text"] == "Monthly review · Team · October 2026"
    assert text.index("*1. Financial*") < text.index("*2. Customer*")
    assert text.index("STREAK") < text.index("UP_A")  # red before amber
    assert "Actions since the last review" in text and "Decisions" in text
    assert "❗ *overdue* · *STREAK*" in text
    assert "🟡 at risk · *Pricing &lt;b&gt;review&lt;/b&gt;*" in text
    markdown = render_review_markdown(data)
    assert markdown.startswith("# Monthly review · Team · October 2026")
    assert "## 1. Financial" in markdown and "- 🔴 red **STREAK**" in markdown
    assert "<b>" not in markdown and "<!channel>" not in markdown


def test_review_charts_are_at_most_ten_with_alt_text(store: Store) -> None:
    data = _review(store)
    bowling = bowling_data(data)
    assert bowling.months[0] == "2026-01" and bowling.months[-1] == "2026-10"
    assert [r.perspective for r in bowling.rows][:7] == ["Financial"] * 7
    streak = next(r for r in bowling.rows if r.code == "STREAK")
    assert [c.status for c in streak.cells][-5:-1] == ["green", "red", "red", "red"]
    ytd = streak.cells[-1]  # July to October averaged: 83.75 against 100
    assert (ytd.month, ytd.actual, ytd.target, ytd.status) == ("YTD", 83.75, 100, "red")
    assert ytd.variance_pct == -16.25
    trends = trend_charts(data)
    assert len(trends) == 1  # 3 reds + 2 ambers > 3: one grid of small multiples
    charts = review_charts(None, data)
    assert 4 <= len(charts) <= MAX_IMAGES
    assert all(c.alt_text and c.filename.endswith(".png") for c in charts)
    assert len({c.filename for c in charts}) == len(charts)
    assert charts[0].png().startswith(b"\x89PNG\r\n\x1a\n")


def test_the_review_thread_adds_quad_charts_of_the_worst_reds_within_ten(store: Store) -> None:
    card_id = scenario.build(store)
    with store.read() as session:
        data = build_review(session, scorecard_id=card_id, month=OCTOBER)
        charts = review_charts(session, data)
    quads = [c for c in charts if c.filename.startswith("quad-")]
    reds = sorted((r for r in data.rows if r.status == "red"), key=lambda r: -r.streak)
    assert len(charts) <= MAX_IMAGES and quads
    assert quads[0].filename == f"quad-{reds[0].kpi.code.lower()}.png"  # the longest streak first
    panels = [ax.get_gid() for ax in quads[0].figure.axes if ":" not in (ax.get_gid() or ":")]
    assert panels == ["trend", "pareto", "actions", "summary"]


def test_the_review_lists_the_months_ideas_with_their_status(store: Store) -> None:
    from datetime import UTC, datetime

    from bsc_core.ideas import add_idea, decide_idea

    card_id = scenario.build(store)
    with store.write() as session:
        october = add_idea(
            session=session,
            scorecard_id=card_id,
            kpi_id=None,
            text="Shorter <b>stand-ups</b>",
            author="U0IDEA001",
        )
        october.created_at = datetime(2026, 10, 14, 9, tzinfo=UTC)
        november = add_idea(
            session=session,
            scorecard_id=card_id,
            kpi_id=None,
            text="Later idea",
            author="U0IDEA001",
        )
        november.created_at = datetime(2026, 11, 2, 9, tzinfo=UTC)
        session.flush()
        decide_idea(session=session, idea_id=october.id or 0, status="accepted", actor="U0CHAIR01")
    with store.read() as session:
        data = build_review(session, scorecard_id=card_id, month=OCTOBER)
    assert [i.text for i in data.ideas] == ["Shorter <b>stand-ups</b>"]
    text = "\n".join(b["text"]["text"] for b in review_blocks(data) if b.get("type") == "section")
    assert "Improvement ideas" in text and "👍 accepted" in text and "&lt;b&gt;stand-ups" in text


def test_an_hourly_kpi_is_the_sum_of_the_months_hours_in_the_review(store: Store) -> None:
    import io

    from bsc_core.imports.actuals_csv import read_actuals, write_actuals
    from tests.factories import import_docs, kpi, scorecard

    import_docs(
        store,
        scorecard(kpi("UP1", frequency="hourly", target=100, hours="07:00-09:00"), slug="line"),
    )
    rows = "code,period,value\n" + "".join(
        f"UP1,{day}T{h:02d},{v}\n"
        for day, v in (("2026-09-30", 100), ("2026-10-30", 80))
        for h in (7, 8)
    )
    with store.read() as session:
        parsed = read_actuals(session, io.StringIO(rows))
    with store.write() as session:
        write_actuals(session, parsed, actor="test")
        from sqlmodel import select

        from bsc_core.models import Scorecard

        card_id = session.exec(select(Scorecard.id).where(Scorecard.slug == "line")).one()
    with store.read() as session:
        data = build_review(session, scorecard_id=card_id, month=OCTOBER)
    row = data.rows[0]
    # 22 working days in October, two working hours each, 100 an hour: a plan of 4,400.
    assert (str(row.period), row.actual, row.target, row.status) == ("2026-10", 160, 4400, "red")
    assert row.coverage_text == "2/44 hours"
    cells = {c.month: (c.actual, c.status) for c in bowling_data(data).rows[0].cells}
    assert cells["2026-09"] == (200, "red") and cells["2026-10"] == (160, "red")


def test_the_bowling_chart_has_a_ytd_column_and_variance_in_each_cell(store: Store) -> None:
    from bsc_core.charts import bowling_chart

    data = _review(store)
    chart = bowling_chart(bowling_data(data))
    texts = {t.get_gid(): t.get_text() for t in chart.figure.axes[0].texts if t.get_gid()}
    assert texts["month:YTD"] == "YTD"
    assert texts["variance:STREAK:2026-10"] == "-30%"  # 70 against 100
    assert texts["variance:STREAK:YTD"] == "-16%"
    assert texts["actual:STREAK:YTD"] == "83.8"
