"""One story per thread: the demo's huddle and review say the same numbers everywhere.

The headline of a message, the red lines under it, the captions of the charts in its thread,
the figures drawn on its quad charts and the chair's Home snapshot all come from the same rows;
a reader who compares any two of them must find the same count. Names, not IDs, everywhere a
Slack mention cannot be rendered.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from bsc_core.charts.formatting import compact_number
from bsc_core.db import Store
from bsc_core.demo import generate_demo
from bsc_core.reports.prepare import PreparedReport, prepare_huddle, prepare_review
from bsc_core.status import Status
from commands.home import chair_snapshots
from commands.report_blocks import report_blocks

SUNDAY = date(2026, 11, 29)
_COUNT = re.compile(r"(red|amber|green|missing|no target) \*(\d+)\*")
_CAPTION = re.compile(r"(\d+) (red|amber|green|missing|no target)\b")


def _headline(report: PreparedReport) -> dict[str, int]:
    """The counts of the message's first section, as Slack shows them."""
    first = next(b for b in report_blocks(report) if b["type"] == "section")
    return {status: int(n) for status, n in _COUNT.findall(first["text"]["text"])}


def _counts(data_counts: dict[Status, int]) -> dict[str, int]:
    return {str(s).replace("_", " "): n for s, n in data_counts.items() if n}


@pytest.fixture
def demo(store: Store) -> Store:
    generate_demo(store, today=SUNDAY)
    return store


def test_review_headline_captions_and_quad_charts_tell_the_same_story(demo: Store) -> None:
    with demo.read() as session:
        review = prepare_review(session, scorecard_slug="acme")
    data = review.data
    counts = _counts(data.counts)
    assert _headline(review) == counts
    captions = {c.filename.split("-")[0]: c.alt_text for c in review.charts}
    bowling = {status: int(n) for n, status in _CAPTION.findall(captions["bowling"])}
    assert bowling == counts
    trends = {status: int(n) for n, status in _CAPTION.findall(captions["trends"])}
    assert trends == {s: counts[s] for s in ("red", "amber") if s in counts}
    reds = {r.kpi.code: r for r in data.rows if r.status == Status.RED}
    quads = [c for c in review.charts if c.filename.startswith("quad-")]
    assert quads and all(q.alt_text.split()[3] in reds for q in quads)
    for quad in quads:
        row = reds[quad.alt_text.split()[3]]
        summary = next(a for a in quad.figure.axes if a.get_gid() == "summary")
        shown = {t.get_gid(): t.get_text() for t in summary.texts if t.get_gid()}
        assert shown["summary:latest-actual"] == compact_number(row.actual, row.kpi.unit)


def test_huddle_headline_red_lines_and_home_snapshot_agree(demo: Store) -> None:
    with demo.read() as session:
        huddles = [
            prepare_huddle(session, scorecard_slug=slug, day=SUNDAY)
            for slug in ("acme", "acme-plant")
        ]
    snapshots = {
        s.slug: s
        for s in chair_snapshots(store=demo, user_id="U0ADMIN01", is_admin=True, today=SUNDAY)
    }
    for huddle in huddles:
        counts = _counts(huddle.data.counts)
        assert _headline(huddle) == counts, huddle.key
        red_lines = [line for line in huddle.markdown.splitlines() if line.startswith("- 🔴")]
        assert len(red_lines) == counts.get("red", 0), huddle.key
        snapshot = snapshots[huddle.data.scorecard.slug]
        assert {k.replace("_", " "): n for k, n in snapshot.counts.items() if n} == counts
        for total in huddle.data.hourly:  # an hourly KPI is counted as its line shows it
            assert counts.get(str(total.status).replace("_", " "), 0) >= 1


def test_no_slack_id_outside_slack_blocks(demo: Store) -> None:
    with demo.read() as session:
        reports = [
            prepare_review(session, scorecard_slug="acme"),
            prepare_huddle(session, scorecard_slug="acme", day=SUNDAY),
            prepare_huddle(session, scorecard_slug="acme-plant", day=SUNDAY),
        ]
    for report in reports:
        assert not re.search(r"\bU0[A-Z0-9]+", report.markdown), report.key
        assert "<@U0" in str(report_blocks(report)), report.key  # Slack renders mentions itself
        for chart in report.charts:
            drawn = " ".join(
                t.get_text() for t in chart.figure.findobj(lambda a: hasattr(a, "get_text"))
            )
            assert not re.search(r"\bU0[A-Z0-9]+", drawn), chart.filename
    assert "Dana Whitfield" in reports[0].markdown
