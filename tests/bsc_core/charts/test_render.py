"""Rendering: deterministic PNG bytes, the Chart contract, and no matplotlib at import time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import bsc_core.charts as charts
from bsc_core.charts import Chart

from .samples import bowling_data, pace_data, pareto_data, quad_data, strategy_data, trend_series

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parents[3]

BUILDERS = {
    "bowling": lambda: charts.bowling_chart(bowling_data()),
    "trend": lambda: charts.trend_chart(trend_series()),
    "small": lambda: charts.trend_small_multiples([trend_series("A"), trend_series("B")], "KPIs"),
    "pareto": lambda: charts.pareto_chart(pareto_data()),
    "map": lambda: charts.strategy_map(strategy_data()),
    "quad": lambda: charts.quad_chart(quad_data()),
    "pace": lambda: charts.pace_chart(pace_data()),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_same_data_gives_identical_png(name: str) -> None:
    first = BUILDERS[name]()
    second = BUILDERS[name]()
    assert isinstance(first, Chart)
    png = first.png()
    assert png.startswith(PNG_SIGNATURE)
    assert png == second.png()
    assert png == first.png()  # rendering twice does not change the figure
    assert b"Software" not in png and b"matplotlib" not in png
    assert first.alt_text.endswith(".") and first.title
    assert first.filename.endswith(".png") and " " not in first.filename


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_figures_are_slack_sized(name: str) -> None:
    width, _height = BUILDERS[name]().figure.get_size_inches()
    assert 8 <= width <= 10.5


def test_alt_texts_mention_red_kpis() -> None:
    assert "(MRR, NPS, OTD)" in BUILDERS["bowling"]().alt_text
    assert "red" in BUILDERS["quad"]().alt_text


def test_data_module_does_not_import_matplotlib() -> None:
    code = (
        "import sys, bsc_core.charts, bsc_core.charts.data, bsc_core.charts.palette, "
        "bsc_core.charts.formatting; print('matplotlib' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_lazy_exports_resolve() -> None:
    for name in charts.__all__:
        assert getattr(charts, name) is not None
    assert callable(charts.strategy_map)
    with pytest.raises(AttributeError):
        charts.no_such_chart  # noqa: B018
