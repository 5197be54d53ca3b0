"""Every chart kind, drawn for awkward data, reads cleanly: no overlapping or cut-off text.

The checks live in ``layout.py``; this file is the matrix of chart kinds and scenarios. A
failure lists each offending text with its pixel extent, which is usually enough to see
which label ran into which.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bsc_core.charts.base import Chart, new_figure
from bsc_core.charts.bowling import bowling_chart
from bsc_core.charts.pace import pace_chart
from bsc_core.charts.pareto import pareto_chart
from bsc_core.charts.quad import quad_chart
from bsc_core.charts.strategy import strategy_map
from bsc_core.charts.trend import trend_chart, trend_small_multiples

from . import awkward, samples
from .layout import assert_readable, drawn_texts, layout_problems

SCENARIOS: dict[str, Callable[[], Chart]] = {
    "trend: 13 weekly periods across a year end": lambda: trend_chart(awkward.weekly_series()),
    "trend: monthly across a year end": lambda: trend_chart(awkward.monthly_series()),
    "trend: negative target": lambda: trend_chart(awkward.negative_series()),
    "trend: zero target": lambda: trend_chart(awkward.zero_target_series()),
    "trend: sample": lambda: trend_chart(samples.trend_series()),
    "small multiples: 12 long-named KPIs": lambda: trend_small_multiples(
        awkward.many_series(12), f"Red and amber KPIs of the {awkward.LONG_NAME} scorecard"
    ),
    "small multiples: one KPI": lambda: trend_small_multiples([awkward.weekly_series()], "One KPI"),
    "small multiples: four KPIs": lambda: trend_small_multiples(awkward.many_series(4), "Four"),
    "bowling: 30 KPIs across a year end": lambda: bowling_chart(awkward.bowling_thirty()),
    "bowling: sample": lambda: bowling_chart(samples.bowling_data()),
    "pareto: one cause": lambda: pareto_chart(awkward.one_cause()),
    "pareto: ten causes": lambda: pareto_chart(awkward.ten_causes()),
    "pareto: sample": lambda: pareto_chart(samples.pareto_data()),
    "strategy map: 30 objectives": lambda: strategy_map(awkward.strategy_thirty()),
    "strategy map: a link past a band": lambda: strategy_map(awkward.strategy_skipping_band()),
    "strategy map: sample": lambda: strategy_map(samples.strategy_data()),
    "quad: weekly, one cause, long actions": lambda: quad_chart(
        awkward.quad(awkward.weekly_series(), awkward.one_cause(), awkward.long_actions())
    ),
    "quad: negative target, ten causes": lambda: quad_chart(
        awkward.quad(
            awkward.negative_series(), awkward.ten_causes(), awkward.long_actions(3), target=-1e5
        )
    ),
    "quad: zero target, nothing yet": lambda: quad_chart(
        awkward.quad(awkward.zero_target_series(), awkward.ParetoData("x", []), [], target=0.0)
    ),
    "quad: sample": lambda: quad_chart(samples.quad_data()),
    "pace: 24 hours, zero plan": lambda: pace_chart(awkward.pace_day()),
    "pace: sample": lambda: pace_chart(samples.pace_data()),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_chart_text_neither_overlaps_nor_leaves_the_figure(scenario: str) -> None:
    chart = SCENARIOS[scenario]()
    assert_readable(chart.figure)
    assert chart.alt_text.strip().endswith(".")


def test_the_check_catches_overlapping_labels() -> None:
    figure = new_figure(4, 2)
    ax = figure.add_axes((0.1, 0.2, 0.8, 0.7))
    ax.set_xticks(range(13), [f"2026-W{w}" for w in range(40, 53)])
    problems = layout_problems(figure)
    assert any(p.startswith("overlap: '2026-W40'") for p in problems)


def test_the_check_catches_text_leaving_its_axes_and_the_figure() -> None:
    figure = new_figure(4, 2)
    ax = figure.add_axes((0.1, 0.2, 0.5, 0.7))
    ax.set_axis_off()
    ax.text(0.9, 0.5, "past the axes edge", transform=ax.transAxes)
    figure.text(0.7, 0.95, "and this one leaves the figure")
    problems = layout_problems(figure)
    assert any(p.startswith("leaves its axes") for p in problems)
    assert any(p.startswith("leaves the figure: 'and this one") for p in problems)


def test_the_check_ignores_ticks_outside_the_view() -> None:
    figure = new_figure(4, 2)
    ax = figure.add_axes((0.15, 0.2, 0.8, 0.7))
    ax.set_xticks([-50, 0, 5, 10, 60])
    ax.set_xlim(0, 10)
    assert list(ax.get_xticks()) == [-50, 0, 5, 10, 60]  # they exist as ticks...
    texts = [t.text for t in drawn_texts(figure)]
    assert "60" not in texts and "\u221250" not in texts  # ...but are not drawn
    assert layout_problems(figure) == []
