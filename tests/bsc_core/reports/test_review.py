"""The monthly review: agenda by perspective, actions, initiatives, charts and Markdown."""

from __future__ import annotations

from bsc_core.db import Store
from bsc_core.periods import Period
from bsc_core.reports.charts import MAX_IMAGES, bowling_data, review_charts, trend_charts
from bsc_core.reports.render import render_review_blocks, render_review_markdown
from bsc_core.reports.review import ReviewData, build_review, last_ended_month
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
    # Daily KPIs show the month's last day, 31 October, which has no actual.
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
    statuses = {o.code: o.status for o in data.objectives}
    assert statuses["F1"] == "red" and statuses["C1"] == "missing"


def test_review_message_and_markdown(store: Store) -> None:
    data = _review(store)
    blocks = render_review_blocks(data)
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
    assert [c.status for c in streak.cells][-4:] == ["green", "red", "red", "red"]
    trends = trend_charts(data)
    assert len(trends) == 1  # 3 reds + 2 ambers > 3: one grid of small multiples
    charts = review_charts(None, data)
    assert 4 <= len(charts) <= MAX_IMAGES
    assert all(c.alt_text and c.filename.endswith(".png") for c in charts)
    assert len({c.filename for c in charts}) == len(charts)
    assert charts[0].png().startswith(b"\x89PNG\r\n\x1a\n")
