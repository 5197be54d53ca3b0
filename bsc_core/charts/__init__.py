"""Charts for scorecard reviews and huddles: bowling, trend, Pareto, strategy map, quad, pace.

Every chart function takes plain dataclasses from ``bsc_core.charts.data`` and returns a
``Chart`` (figure, alt text, file name, title; ``chart.png()`` for the bytes).

Names are re-exported lazily: importing this package (or ``bsc_core.charts.data``) does not
import matplotlib, which takes a noticeable fraction of a second and is only needed by the
code paths that actually draw.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import Chart, render_png
    from .bowling import bowling_chart
    from .data import (
        ActionItem,
        BowlingCell,
        BowlingData,
        BowlingRow,
        MapObjective,
        PaceData,
        PacePoint,
        ParetoData,
        QuadData,
        StrategyMapData,
        TrendPoint,
        TrendSeries,
    )
    from .formatting import compact_number
    from .pace import pace_chart
    from .palette import STATUS_STYLE, StatusStyle, worst_status
    from .pareto import pareto_chart
    from .quad import quad_chart
    from .strategy import strategy_map
    from .trend import trend_chart, trend_small_multiples

_EXPORTS: dict[str, str] = {
    "Chart": "base",
    "render_png": "base",
    "bowling_chart": "bowling",
    "trend_chart": "trend",
    "trend_small_multiples": "trend",
    "pareto_chart": "pareto",
    "strategy_map": "strategy",
    "quad_chart": "quad",
    "pace_chart": "pace",
    "compact_number": "formatting",
    "STATUS_STYLE": "palette",
    "StatusStyle": "palette",
    "worst_status": "palette",
    "ActionItem": "data",
    "BowlingCell": "data",
    "BowlingData": "data",
    "BowlingRow": "data",
    "MapObjective": "data",
    "PaceData": "data",
    "PacePoint": "data",
    "ParetoData": "data",
    "QuadData": "data",
    "StrategyMapData": "data",
    "TrendPoint": "data",
    "TrendSeries": "data",
}

__all__ = [
    "STATUS_STYLE",
    "ActionItem",
    "BowlingCell",
    "BowlingData",
    "BowlingRow",
    "Chart",
    "MapObjective",
    "PaceData",
    "PacePoint",
    "ParetoData",
    "QuadData",
    "StatusStyle",
    "StrategyMapData",
    "TrendPoint",
    "TrendSeries",
    "bowling_chart",
    "compact_number",
    "pace_chart",
    "pareto_chart",
    "quad_chart",
    "render_png",
    "strategy_map",
    "trend_chart",
    "trend_small_multiples",
    "worst_status",
]


def __getattr__(name: str) -> Any:
    """Import the defining module on first use (PEP 562), so matplotlib loads only when drawing."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Advertise the lazy names to dir() and tab completion."""
    return sorted(set(globals()) | set(__all__))
