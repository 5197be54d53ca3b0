"""Pace chart: cumulative actual against cumulative plan, stopping at the last reported hour."""

from __future__ import annotations

import math

from bsc_core.charts.pace import pace_chart

from .helpers import axes_by_gid
from .samples import pace_data


def test_cumulative_lines() -> None:
    chart = pace_chart(pace_data())
    ax = axes_by_gid(chart.figure, "pace")
    lines = {line.get_gid(): line for line in ax.lines}
    assert list(lines["plan"].get_ydata()) == [60.0 * (i + 1) for i in range(8)]
    actual = list(lines["actual"].get_ydata())
    assert actual[:6] == [55, 115, 153, 194, 256, 314]
    assert all(math.isnan(v) for v in actual[6:])
    assert len(lines["points:red"].get_xdata()) == 2
    assert "314 units cumulative against a plan of 360 units by 11:00" in chart.alt_text
    assert chart.filename == "pace-out-2026-03-04.png"
