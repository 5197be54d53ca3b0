"""Trend charts: a KPI's actual against its target over the last 12 periods.

The actual is a line with one marker per period whose shape and colour follow the status,
so a red month is visible as an X even in greyscale. The target is a dashed step line
because targets are phased per period and change in steps, not gradually. Periods with a
missing actual get a hollow marker on the bottom edge: the gap is shown, not hidden.
"""

from __future__ import annotations

import math
from typing import Any

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .base import (
    SMALL_SIZE,
    TEXT_SIZE,
    TITLE_SIZE,
    Chart,
    axes_inches,
    fit_lines,
    marker_edge,
    new_figure,
    status_handles,
    style_axes,
    text_inches,
)
from .data import TrendPoint, TrendSeries
from .formatting import (
    cell_unit,
    compact_number,
    join_codes,
    month_range,
    parse_month,
    period_ticks,
    plural,
    slugify,
    truncate,
)
from .palette import ACTUAL_COLOUR, MUTED_TEXT, STATUS_STYLE, TARGET_COLOUR, status_style

#: The review looks at a year of monthly periods; older points only add clutter.
MAX_PERIODS = 12
#: One image per Slack message stays legible up to a 4 x 3 grid.
MAX_SMALL_MULTIPLES = 12


def last_points(series: TrendSeries, limit: int = MAX_PERIODS) -> list[TrendPoint]:
    """The points a trend chart shows (the most recent ``limit``)."""
    return list(series.points[-limit:])


def _nan(value: float | None) -> float:
    """None -> NaN so matplotlib breaks the line instead of drawing through a gap."""
    return math.nan if value is None else float(value)


def draw_trend(ax: Axes, series: TrendSeries, *, compact: bool = False) -> list[TrendPoint]:
    """Draw ``series`` into ``ax`` and return the points drawn.

    ``compact`` is for small multiples: smaller markers, fewer tick labels, no legend. Each
    status gets its own Line2D with gid ``"points:<status>"`` so tests and callers can find
    which periods were drawn with which marker.
    """
    points = last_points(series)
    xs = list(range(len(points)))
    style_axes(ax)
    if not points:
        ax.text(
            0.5,
            0.5,
            "No data yet",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=TEXT_SIZE,
            color="#555555",
        )
        ax.set_xticks([])
        ax.set_yticks([])
        return points

    targets = [_nan(p.target) for p in points]
    actuals = [_nan(p.actual) for p in points]
    if any(not math.isnan(t) for t in targets):
        (target_line,) = ax.plot(
            xs,
            targets,
            drawstyle="steps-mid",
            linestyle=(0, (5, 3)),
            color=TARGET_COLOUR,
            linewidth=1.6 if compact else 2.0,
            label="Target",
            zorder=2,
        )
        target_line.set_gid("target")
    (actual_line,) = ax.plot(
        xs,
        actuals,
        color=ACTUAL_COLOUR,
        linewidth=1.8 if compact else 2.4,
        label="Actual",
        zorder=3,
    )
    actual_line.set_gid("actual")

    size = 7 if compact else 10
    for status, style in STATUS_STYLE.items():
        idx = [i for i, p in enumerate(points) if p.status == status]
        if not idx:
            continue
        with_actual = [i for i in idx if points[i].actual is not None]
        without = [i for i in idx if points[i].actual is None]
        kwargs: dict[str, Any] = dict(
            linestyle="none",
            marker=style.marker,
            markersize=size,
            markerfacecolor=style.colour if style.marker_filled else "white",
            markeredgecolor=marker_edge(status),
            markeredgewidth=0.8 if style.marker_filled else 1.6,
            zorder=4,
        )
        if with_actual:
            (line,) = ax.plot(with_actual, [actuals[i] for i in with_actual], **kwargs)
            line.set_gid(f"points:{status}")
        if without:
            # No value to plot: sit the marker on the bottom edge, at its period.
            (line,) = ax.plot(
                without,
                [0.0] * len(without),
                transform=ax.get_xaxis_transform(),
                clip_on=False,
                **kwargs,
            )
            line.set_gid(f"points:{status}:no-actual")

    ax.set_xlim(-0.5, len(points) - 0.5)
    set_period_ticks(ax, [p.period for p in points])
    ax.yaxis.set_major_locator(MaxNLocator(nbins=3 if compact else 5))
    # Only '%' and currency symbols go on every tick; a word unit ("USD") labels the axis.
    unit = series.unit
    tick_unit = cell_unit(unit)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: compact_number(v, tick_unit)))
    if unit and not tick_unit:
        ax.set_ylabel(unit, fontsize=SMALL_SIZE, color=MUTED_TEXT, labelpad=2 if compact else 4)
    values = [v for v in actuals + targets if not math.isnan(v)]
    if values:
        low, high = min(values), max(values)
        pad = (high - low) * 0.12 or abs(high) * 0.1 or 1.0
        # Room above the highest point for the latest value's label.
        ax.set_ylim(low - pad, high + pad * (1 if compact else 2.2))

    last = next((i for i in reversed(xs) if points[i].actual is not None), None)
    if last is not None and not compact:
        _label_latest(ax, last, actuals[last], compact_number(points[last].actual, unit))
    return points


def set_period_ticks(ax: Axes, periods: list[str]) -> None:
    """Label as many periods as fit the axis width, always the latest, year under its start.

    The step is measured from the widest label and the axis width, so thirteen weeks in a
    small multiple get every third week while a full-width chart labels every other one.
    """
    if not periods:
        return
    width, _height = axes_inches(ax)
    widest = max(text_inches(label, SMALL_SIZE) for label in period_ticks(periods))
    room = max(1, int(width // (widest + 0.25)))
    step = max(1, math.ceil(len(periods) / room))
    ticks = list(range(len(periods)))[::-1][::step][::-1]
    ax.set_xticks(ticks, period_ticks([periods[i] for i in ticks]))


def _label_latest(ax: Axes, x: int, y: float, text: str) -> None:
    """The latest actual in bold above its marker, right-aligned so it stays inside the axes."""
    ax.annotate(
        text,
        (x, y),
        xytext=(4, 10),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=TEXT_SIZE,
        fontweight="bold",
        color=ACTUAL_COLOUR,
        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
        zorder=5,
    )


def trend_legend(ax: Axes, points: list[TrendPoint], *, fontsize: float = SMALL_SIZE) -> None:
    """Legend below the plot: the two lines and only the statuses that occur."""
    handles, _labels = ax.get_legend_handles_labels()
    handles = [h for h in handles if h.get_label() in ("Actual", "Target")]
    handles += status_handles(sorted({p.status for p in points}))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncols=min(len(handles), 4),
        fontsize=fontsize,
        frameon=False,
    )


def describe_trend(series: TrendSeries) -> str:
    """One sentence about a series: latest value, target, status and how many reds."""
    points = last_points(series)
    label = f"{series.code} ({series.name})" if series.name else series.code
    if not points:
        return f"{label}: no data yet."
    first, last = points[0].period, points[-1].period
    if parse_month(first) and parse_month(last):
        span = month_range([first, last])  # "Jan–Dec 2026" reads aloud better than "Jan 26"
    else:
        span = first if first == last else f"{first} to {last}"
    latest = points[-1]
    status = STATUS_STYLE[latest.status].label.lower()
    parts = [
        f"{label}, {span}: latest {compact_number(latest.actual, series.unit)}"
        f" against target {compact_number(latest.target, series.unit)} ({status})"
    ]
    reds = sum(1 for p in points if p.status == "red")
    if reds:
        parts.append(f"red in {reds} of the last {plural(len(points), 'period')}")
    return "; ".join(parts) + "."


def trend_chart(series: TrendSeries) -> Chart:
    """Actual against target for one KPI over its last 12 periods."""
    figure = new_figure(9, 5)
    ax = figure.add_axes((0.1, 0.24, 0.86, 0.58))
    ax.set_gid("trend")
    points = draw_trend(ax, series)
    if points:
        trend_legend(ax, points)
    title = truncate(f"{series.code} \u00b7 {series.name}" if series.name else series.code, 100)
    figure.text(
        0.1,
        1 - 0.15 / 5,
        fit_lines(title, 0.86 * 9, size=TITLE_SIZE, weight="bold"),
        fontsize=TITLE_SIZE,
        fontweight="bold",
        va="top",
        linespacing=1.1,
    )
    last_period = points[-1].period if points else "empty"
    return Chart(
        figure=figure,
        alt_text="Trend chart of " + describe_trend(series),
        filename=f"trend-{slugify(series.code)}-{slugify(last_period)}.png",
        title=title,
    )


def trend_small_multiples(series: list[TrendSeries], title: str) -> Chart:
    """A grid of mini trend charts, up to 12 per image (the caller splits longer lists).

    Each mini chart carries the KPI code and its latest status letter in the title, so the
    grid can be scanned for reds without relying on colour.
    """
    if not series:
        raise ValueError("trend_small_multiples needs at least one series")
    if len(series) > MAX_SMALL_MULTIPLES:
        raise ValueError(
            f"at most {MAX_SMALL_MULTIPLES} series per image, got {len(series)}; split the list"
        )
    ncols = 1 if len(series) == 1 else 2 if len(series) <= 4 else 3
    nrows = math.ceil(len(series) / ncols)
    height = 1.6 + 2.7 * nrows
    figure = new_figure(10, height)
    grid = figure.add_gridspec(
        nrows,
        ncols,
        left=0.085,
        right=0.97,
        top=1 - 1.05 / height,
        bottom=1.05 / height,
        hspace=1.05,
        wspace=0.3,
    )
    latest: dict[str, list[str]] = {}
    shown: set[str] = set()
    for index, item in enumerate(series):
        ax = figure.add_subplot(grid[index // ncols, index % ncols])
        ax.set_gid(f"trend:{item.code}")
        points = draw_trend(ax, item, compact=True)
        shown.update(p.status for p in points)
        letter = ""
        if points:
            style = status_style(points[-1].status)
            letter = f"[{style.letter}] "
            latest.setdefault(points[-1].status, []).append(item.code)
        width, _height = axes_inches(ax)
        ax.set_title(
            fit_lines(
                f"{letter}{item.code} \u00b7 {item.name}" if item.name else letter + item.code,
                width,
                size=TEXT_SIZE,
                weight="bold",
            ),
            fontsize=TEXT_SIZE,
            fontweight="bold",
            loc="left",
            linespacing=1.15,
        )
    figure.text(
        0.085,
        1 - 0.4 / height,
        fit_lines(title, 0.88 * 10, size=TITLE_SIZE, weight="bold", max_lines=1),
        fontsize=TITLE_SIZE,
        fontweight="bold",
        va="center",
    )
    handles = [
        Line2D([], [], color=ACTUAL_COLOUR, linewidth=1.8, label="Actual"),
        Line2D([], [], color=TARGET_COLOUR, linewidth=1.6, linestyle=(0, (5, 3)), label="Target"),
        *status_handles(sorted(shown)),
    ]
    figure.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.1 / height),
        ncols=min(len(handles), 6),
        fontsize=SMALL_SIZE,
        frameon=False,
    )
    counts = [
        f"{len(latest[s])} {s.replace('_', ' ')} ({join_codes(latest[s])})"
        for s in ("red", "amber", "missing")
        if s in latest
    ]
    summary = "; latest period: " + ", ".join(counts) if counts else ""
    return Chart(
        figure=figure,
        alt_text=f"Trend charts of {plural(len(series), 'KPI')} for {title}{summary}.",
        filename=f"trends-{slugify(title)}.png",
        title=title,
    )
