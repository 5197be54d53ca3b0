"""Trend charts: points per status with their markers, target line, small multiples."""

from __future__ import annotations

import pytest

from bsc_core.charts.data import TrendPoint, TrendSeries
from bsc_core.charts.palette import STATUS_STYLE
from bsc_core.charts.trend import trend_chart, trend_small_multiples

from .helpers import axes_by_gid
from .samples import trend_series


def _status_lines(ax):
    return {
        line.get_gid(): line for line in ax.lines if (line.get_gid() or "").startswith("points:")
    }


def test_last_twelve_points_with_a_marker_per_status() -> None:
    series = trend_series()  # 13 points: the oldest must be dropped
    ax = axes_by_gid(trend_chart(series).figure, "trend")
    lines = _status_lines(ax)
    assert sum(len(line.get_xdata()) for line in lines.values()) == 12
    shown = series.points[-12:]
    for status in {p.status for p in shown}:
        gid = f"points:{status}" if status != "missing" else "points:missing:no-actual"
        line = lines[gid]
        style = STATUS_STYLE[status]
        assert line.get_marker() == style.marker
        assert len(line.get_xdata()) == sum(1 for p in shown if p.status == status)
    assert lines["points:missing:no-actual"].get_markerfacecolor() == "white"


def test_actual_and_target_lines() -> None:
    ax = axes_by_gid(trend_chart(trend_series()).figure, "trend")
    by_gid = {line.get_gid(): line for line in ax.lines}
    assert len(by_gid["actual"].get_xdata()) == 12
    assert by_gid["target"].get_drawstyle() == "steps-mid"
    assert by_gid["target"].get_linestyle() != "-"


def test_alt_text_and_filename() -> None:
    chart = trend_chart(trend_series())
    assert chart.alt_text.startswith("Trend chart of NPS (Net Promoter Score), Jan\u2013Dec 2026")
    assert "red in 6 of the last 12 periods" in chart.alt_text
    assert chart.filename == "trend-nps-2026-12.png"


def test_series_without_points_or_targets() -> None:
    empty = trend_chart(TrendSeries("X", "Empty", "", []))
    assert "no data yet" in empty.alt_text
    no_target = TrendSeries("Y", "No target", "", [TrendPoint("2026-01", None, 3.0, "no_target")])
    ax = axes_by_gid(trend_chart(no_target).figure, "trend")
    assert "target" not in {line.get_gid() for line in ax.lines}
    assert _status_lines(ax)["points:no_target"].get_marker() == STATUS_STYLE["no_target"].marker


def test_small_multiples_one_panel_per_series_up_to_twelve() -> None:
    series = [trend_series(f"K{i}") for i in range(5)]
    chart = trend_small_multiples(series, "Red and amber KPIs")
    gids = [ax.get_gid() for ax in chart.figure.axes]
    assert gids == [f"trend:K{i}" for i in range(5)]
    assert "5 KPIs" in chart.alt_text and "red (K0, K1, K2, K3, K4)" in chart.alt_text
    with pytest.raises(ValueError):
        trend_small_multiples([trend_series(f"K{i}") for i in range(13)], "Too many")
