"""Quad chart: four panels, overdue actions flagged in words, empty states, notes."""

from __future__ import annotations

from bsc_core.charts.palette import OVERDUE_COLOUR
from bsc_core.charts.quad import PANELS, quad_chart

from .helpers import axes_by_gid, hex_of
from .samples import NOTES, quad_data


def _panels(figure):
    # A twin axis belongs to its panel and carries a "<panel>:" gid.
    return [ax.get_gid() for ax in figure.axes if ":" not in (ax.get_gid() or "")]


def test_exactly_four_panels() -> None:
    chart = quad_chart(quad_data())
    assert sorted(_panels(chart.figure)) == sorted(PANELS)
    assert sorted(PANELS) == ["actions", "pareto", "summary", "trend"]


def test_overdue_action_is_flagged_in_words_and_colour() -> None:
    chart = quad_chart(quad_data())
    ax = axes_by_gid(chart.figure, "actions")
    flags = [t for t in ax.texts if t.get_text() == "OVERDUE"]
    assert len(flags) == 1
    assert hex_of(flags[0].get_color()) == OVERDUE_COLOUR.lower()
    assert any((p.get_gid() or "").startswith("overdue-row:") for p in ax.patches)
    assert "1 overdue" in chart.alt_text


def test_summary_shows_numbers_and_only_the_last_three_notes() -> None:
    chart = quad_chart(quad_data())
    ax = axes_by_gid(chart.figure, "summary")
    shown = " ".join(t.get_text().replace("\n", " ") for t in ax.texts)
    for period, note in NOTES:
        assert period in shown and note in shown
    assert "old note" not in shown
    for value in ("41 pts", "55 pts", "-14 pts (-25.4%)", "3 periods"):
        assert value in shown


def test_empty_countermeasures() -> None:
    chart = quad_chart(quad_data(with_causes=False))
    assert "No countermeasures yet" in [
        t.get_text() for t in axes_by_gid(chart.figure, "pareto").texts
    ]
    assert "No actions yet" in [t.get_text() for t in axes_by_gid(chart.figure, "actions").texts]
    assert sorted(_panels(chart.figure)) == sorted(PANELS)
    assert "no countermeasures yet" in chart.alt_text
