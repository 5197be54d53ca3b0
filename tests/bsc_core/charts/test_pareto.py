"""Pareto: bars largest first, cumulative line to 100%, a message when there is nothing."""

from __future__ import annotations

from bsc_core.charts.data import ParetoData
from bsc_core.charts.pareto import pareto_chart, sorted_counts

from .helpers import axes_by_gid, patches_with_prefix, texts
from .samples import pareto_data


def test_bars_descending_and_cumulative_line_ends_at_100() -> None:
    chart = pareto_chart(pareto_data())
    ax = axes_by_gid(chart.figure, "pareto")
    bars = sorted(patches_with_prefix(ax, "bar:").values(), key=lambda bar: bar.get_x())
    heights = [bar.get_height() for bar in bars]
    assert heights == sorted(heights, reverse=True) == [12, 7, 5, 3, 1]
    twin = axes_by_gid(chart.figure, "pareto:cumulative")
    line = next(line for line in twin.lines if line.get_gid() == "cumulative")
    ydata = list(line.get_ydata())
    assert ydata == sorted(ydata) and ydata[-1] == 100.0
    assert "Supplier shortage 12" in chart.alt_text


def test_empty_pareto_says_so() -> None:
    chart = pareto_chart(ParetoData("Root causes", []))
    assert "No countermeasures in the last 12 months" in texts(chart.figure)
    assert len(chart.figure.axes) == 1


def test_long_tail_is_merged_into_other() -> None:
    counts = sorted_counts(ParetoData("t", [(f"cause {i:02d}", 20 - i) for i in range(15)]))
    assert len(counts) == 10 and counts[-1][0] == "Other"
    assert sum(n for _c, n in counts) == sum(20 - i for i in range(15))
