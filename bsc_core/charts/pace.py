"""The hourly pace chart: a production day's cumulative actual against cumulative plan.

A line that falls behind the plan line is the signal a shop-floor lead acts on before the
end of the shift, so the gap at the latest reported hour is written out in the subtitle.
The input carries per-hour values; the chart accumulates them. Hours after the last reported
actual are the future and get no actual point; an unreported hour before it is drawn as a
hollow "missing" marker at the running total.
"""

from __future__ import annotations

import math

from matplotlib.ticker import FuncFormatter, MaxNLocator

from .base import (
    LABEL_SIZE,
    SMALL_SIZE,
    TEXT_SIZE,
    TITLE_SIZE,
    Chart,
    marker_edge,
    new_figure,
    status_handles,
    style_axes,
)
from .data import PaceData
from .formatting import (
    cell_unit,
    compact_number,
    join_codes,
    plural,
    signed_number,
    slugify,
    truncate,
)
from .palette import ACTUAL_COLOUR, MUTED_TEXT, STATUS_STYLE, TARGET_COLOUR


def cumulative(values: list[float | None]) -> list[float]:
    """Running totals, treating an unknown hour as zero so later totals stay comparable."""
    total, result = 0.0, []
    for value in values:
        total += value or 0.0
        result.append(total)
    return result


def pace_chart(data: PaceData) -> Chart:
    """Cumulative actual (status-marked per hour) against cumulative plan for one day."""
    points = data.points
    figure = new_figure(9, 5)
    ax = figure.add_axes((0.1, 0.22, 0.86, 0.6))
    ax.set_gid("pace")
    style_axes(ax)
    title = truncate(f"{data.code} \u00b7 {data.name}" if data.name else data.code, 50)
    figure.text(
        0.1, 0.95, f"{title} \u00b7 {data.day}", fontsize=TITLE_SIZE, fontweight="bold", va="center"
    )

    if not points:
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            "No hourly data yet",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=TEXT_SIZE,
            color=MUTED_TEXT,
        )
        return Chart(
            figure,
            f"Hourly pace of {title} on {data.day}: no data yet.",
            f"pace-{slugify(data.code)}-{slugify(data.day)}.png",
            title,
        )

    xs = list(range(len(points)))
    plan = cumulative([p.plan for p in points])
    reported = [i for i, p in enumerate(points) if p.actual is not None]
    last = reported[-1] if reported else -1
    running = cumulative([p.actual for p in points])
    actual = [running[i] if i <= last else math.nan for i in xs]

    if any(p.plan is not None for p in points):
        (plan_line,) = ax.plot(
            xs,
            plan,
            linestyle=(0, (5, 3)),
            color=TARGET_COLOUR,
            linewidth=2.0,
            label="Plan (cumulative)",
        )
        plan_line.set_gid("plan")
    (actual_line,) = ax.plot(
        xs, actual, color=ACTUAL_COLOUR, linewidth=2.4, label="Actual (cumulative)", zorder=3
    )
    actual_line.set_gid("actual")
    for status, style in STATUS_STYLE.items():
        idx = [i for i in xs if i <= last and points[i].status == status]
        if not idx:
            continue
        (line,) = ax.plot(
            idx,
            [actual[i] for i in idx],
            linestyle="none",
            marker=style.marker,
            markersize=10,
            markerfacecolor=style.colour if style.marker_filled else "white",
            markeredgecolor=marker_edge(status),
            markeredgewidth=0.8 if style.marker_filled else 1.6,
            zorder=4,
        )
        line.set_gid(f"points:{status}")

    step = max(1, math.ceil(len(points) / 12))
    ax.set_xticks(xs[::step], [p.hour for p in points][::step])
    ax.set_xlim(-0.5, len(points) - 0.5)
    ax.set_ylim(0, max(plan + [v for v in actual if not math.isnan(v)] + [1.0]) * 1.12)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    unit = data.unit
    tick_unit = cell_unit(unit)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: compact_number(v, tick_unit)))
    if unit and not tick_unit:
        ax.set_ylabel(f"{unit}, cumulative", fontsize=SMALL_SIZE, color=MUTED_TEXT)
    ax.set_xlabel("Hour", fontsize=SMALL_SIZE)

    shown = sorted({points[i].status for i in xs if i <= last})
    handles, _labels = ax.get_legend_handles_labels()
    ax.legend(
        handles=handles + status_handles(shown),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncols=4,
        fontsize=SMALL_SIZE,
        frameon=False,
    )

    reds = [points[i].hour for i in xs if i <= last and points[i].status == "red"]
    if last >= 0:
        done, due = running[last], plan[last]
        gap = done - due
        share = f", {done / due * 100:.0f}% of plan" if due else ""
        subtitle = (
            f"By {points[last].hour}: {compact_number(done, unit)} against "
            f"{compact_number(due, unit)} planned ({signed_number(gap, unit)}{share})"
        )
        alt = (
            f"Hourly pace of {data.code} ({data.name}) on {data.day}: "
            f"{compact_number(done, unit)} cumulative against a plan of "
            f"{compact_number(due, unit)} by {points[last].hour}"
            f" ({signed_number(gap, unit)}{share}); day plan {compact_number(plan[-1], unit)}"
        )
        if reds:
            alt += f"; {plural(len(reds), 'red hour')} ({join_codes(reds)})"
        alt += "."
    else:
        subtitle = f"No actuals yet; day plan {compact_number(plan[-1], unit)}"
        alt = f"Hourly pace of {data.code} ({data.name}) on {data.day}: {subtitle.lower()}."
    figure.text(0.1, 0.885, subtitle, fontsize=LABEL_SIZE, va="center", color=MUTED_TEXT)
    return Chart(
        figure=figure,
        alt_text=alt,
        filename=f"pace-{slugify(data.code)}-{slugify(data.day)}.png",
        title=title,
    )
