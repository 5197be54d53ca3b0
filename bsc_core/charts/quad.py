"""The quad chart: one page per KPI linking metric, insight and action.

Four panels, each an Axes with a gid so the bot (and tests) can find them: "trend" (actual
against target), "pareto" (root causes of its countermeasures), "actions" (the action plan,
overdue lines flagged in words as well as colour) and "summary" (the numbers and the last
three notes). The Pareto panel owns a twin axis with gid "pareto:cumulative"; it is part of
that panel, not a fifth one.
"""

from __future__ import annotations

import textwrap
from datetime import date

from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from .base import SMALL_SIZE, TEXT_SIZE, TITLE_SIZE, Chart, new_figure, status_handles
from .data import ActionItem, ParetoData, QuadData
from .formatting import compact_number, plural, signed_number, slugify, truncate
from .palette import MUTED_TEXT, OVERDUE_COLOUR, STATUS_STYLE, TEXT_COLOUR
from .pareto import draw_pareto
from .trend import draw_trend

PANELS = ("trend", "pareto", "actions", "summary")
NO_COUNTERMEASURES = "No countermeasures yet"
NO_ACTIONS = "No actions yet"
OVERDUE = "OVERDUE"
MAX_ACTION_ROWS = 6
_OVERDUE_ROW = "#FBE3D6"
_PANEL_TITLE = {"fontsize": TEXT_SIZE + 1, "fontweight": "bold", "loc": "left", "pad": 8}

#: Column left edges (axes fraction) and character budgets of the action table.
_COLUMNS = (("Action", 0.0, 30), ("Owner", 0.53, 10), ("Due", 0.7, 7), ("Status", 0.84, 8))
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(iso: str) -> str:
    """'2026-10-15' -> '15 Oct': the table is narrow and the year is rarely in doubt."""
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {_MONTHS[day.month - 1]}"


def ordered_actions(actions: list[ActionItem]) -> list[ActionItem]:
    """Overdue first, then open by due date, then done: the bad news at the top."""
    return sorted(actions, key=lambda a: (not a.overdue, a.status == "done", a.due, a.action))


def _draw_actions(ax: Axes, actions: list[ActionItem]) -> None:
    """The action plan as a hand-drawn table (more control over colour and fit than ax.table)."""
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("Action plan", **_PANEL_TITLE)
    if not actions:
        ax.text(
            0.5,
            0.7,
            NO_ACTIONS,
            ha="center",
            va="center",
            fontsize=TEXT_SIZE + 1,
            color=MUTED_TEXT,
        )
        return
    row_h = 0.15
    top = 0.95
    for name, x, _chars in _COLUMNS:
        ax.text(x, top, name, fontsize=SMALL_SIZE, fontweight="bold", va="center", color=MUTED_TEXT)
    ax.plot([0, 1], [top - 0.055] * 2, color="#999999", linewidth=0.8)
    shown = ordered_actions(actions)[
        : MAX_ACTION_ROWS - 1 if len(actions) > MAX_ACTION_ROWS else MAX_ACTION_ROWS
    ]
    for i, item in enumerate(shown):
        y = top - 0.035 - row_h * (i + 0.5)
        if item.overdue and item.status != "done":
            band = Rectangle(
                (0, y - row_h / 2 + 0.008),
                1,
                row_h - 0.016,
                facecolor=_OVERDUE_ROW,
                edgecolor="none",
                zorder=0,
            )
            band.set_gid(f"overdue-row:{i}")
            ax.add_patch(band)
            status, colour, weight = OVERDUE, OVERDUE_COLOUR, "bold"
        elif item.status == "done":
            status, colour, weight = "done", MUTED_TEXT, "normal"
        else:
            status, colour, weight = "open", TEXT_COLOUR, "normal"
        lines = textwrap.wrap(" ".join(item.action.split()), _COLUMNS[0][2]) or [""]
        if len(lines) > 2:
            lines = [lines[0], truncate(" ".join(lines[1:]), _COLUMNS[0][2])]
        action = ax.text(
            0,
            y,
            "\n".join(lines),
            fontsize=SMALL_SIZE,
            va="center",
            linespacing=1.05,
            color=TEXT_COLOUR,
        )
        action.set_gid(f"action:{i}")
        for (_name, x, chars), value in zip(
            _COLUMNS[1:3], (item.owner, short_date(item.due)), strict=True
        ):
            ax.text(
                x, y, truncate(value, chars), fontsize=SMALL_SIZE, va="center", color=TEXT_COLOUR
            )
        flag = ax.text(
            _COLUMNS[3][1],
            y,
            status,
            fontsize=SMALL_SIZE,
            va="center",
            color=colour,
            fontweight=weight,
        )
        flag.set_gid(f"action-status:{i}")
    if len(actions) > len(shown):
        ax.text(
            0,
            top - row_h * (len(shown) + 1),
            f"+{len(actions) - len(shown)} more",
            fontsize=SMALL_SIZE,
            color=MUTED_TEXT,
            va="center",
            style="italic",
        )


def _draw_summary(ax: Axes, data: QuadData) -> None:
    """Latest actual, target, variance, red streak, direction and the last three notes."""
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("Summary", **_PANEL_TITLE)
    unit = data.unit
    pct = "" if data.variance_pct is None else f" ({signed_number(data.variance_pct, '%')})"
    rows = [
        ("Latest actual", compact_number(data.latest_actual, unit)),
        ("Target", compact_number(data.target, unit)),
        ("Variance", signed_number(data.variance, unit) + pct),
        ("Red streak", plural(data.red_streak, "period") if data.red_streak else "none"),
    ]
    if data.direction:
        rows.append(("Better when", _direction_text(data.direction)))
    # Steps in inches, converted to axes fraction, so spacing survives layout changes.
    box = ax.get_position()
    inch = 1 / (box.height * ax.figure.get_figheight())
    y = 1 - 0.12 * inch
    for label, value in rows:
        ax.text(0, y, label, fontsize=TEXT_SIZE, color=MUTED_TEXT, va="center")
        text = ax.text(0.4, y, value, fontsize=TEXT_SIZE, fontweight="bold", va="center")
        text.set_gid(f"summary:{label.lower().replace(' ', '-')}")
        y -= 0.24 * inch
    y -= 0.06 * inch
    ax.text(0, y, "Notes", fontsize=TEXT_SIZE, fontweight="bold", va="center")
    y -= 0.16 * inch
    notes = data.notes[-3:]
    if not notes:
        ax.text(0, y, "No notes yet", fontsize=SMALL_SIZE, color=MUTED_TEXT, va="top")
    for i, (period, note) in enumerate(notes):
        lines = textwrap.wrap(" ".join(note.split()), 40) or [""]
        if len(lines) > 2:
            lines = [lines[0], truncate(" ".join(lines[1:]), 40)]
        ax.text(0, y, period, fontsize=SMALL_SIZE, fontweight="bold", va="top", color=MUTED_TEXT)
        text = ax.text(0.22, y, "\n".join(lines), fontsize=SMALL_SIZE, va="top", linespacing=1.1)
        text.set_gid(f"note:{i}")
        y -= (0.18 * len(lines) + 0.08) * inch


def _direction_text(direction: str) -> str:
    """'higher'/'higher_is_better' -> 'higher'; unknown values are shown as given."""
    lowered = direction.lower()
    if "higher" in lowered or lowered in ("up", "increase", "max"):
        return "higher"
    if "lower" in lowered or lowered in ("down", "decrease", "min"):
        return "lower"
    return direction


def _alt_text(data: QuadData, title: str) -> str:
    """A sentence covering all four panels, numbers first."""
    unit = data.unit
    parts = [
        f"Quad chart for {title}: latest {compact_number(data.latest_actual, unit)} against "
        f"target {compact_number(data.target, unit)}, variance "
        f"{signed_number(data.variance, unit)}"
        + ("" if data.variance_pct is None else f" ({signed_number(data.variance_pct, '%')})")
    ]
    if data.red_streak:
        parts.append(f"red for {plural(data.red_streak, 'period')} in a row")
    causes = [c for c, n in data.pareto.counts if n > 0]
    if causes:
        top = max(data.pareto.counts, key=lambda item: (item[1], item[0]))
        parts.append(f"{plural(len(causes), 'root cause')}, most often {top[0]}")
    else:
        parts.append("no countermeasures yet")
    overdue = sum(1 for a in data.actions if a.overdue and a.status != "done")
    open_ = sum(1 for a in data.actions if a.status == "open")
    parts.append(
        f"{plural(len(data.actions), 'action')} ({open_} open"
        + (f", {overdue} overdue" if overdue else "")
        + ")"
    )
    return "; ".join(parts) + "."


def quad_chart(data: QuadData) -> Chart:
    """Trend, root-cause Pareto, action plan and summary for one KPI, on one page."""
    figure = new_figure(10, 7.6)
    # Two grids: the bottom row gives the action table more width than the summary.
    top = figure.add_gridspec(1, 2, left=0.075, right=0.93, top=0.87, bottom=0.6, wspace=0.32)
    bottom = figure.add_gridspec(
        1, 2, left=0.075, right=0.97, top=0.41, bottom=0.02, wspace=0.08, width_ratios=(1.3, 1)
    )
    trend_ax = figure.add_subplot(top[0, 0])
    trend_ax.set_gid("trend")
    points = draw_trend(trend_ax, data.trend)
    trend_ax.set_title("Trend against target", **_PANEL_TITLE)
    if points:
        handles, _labels = trend_ax.get_legend_handles_labels()
        handles = [h for h in handles if h.get_label() in ("Actual", "Target")]
        handles += status_handles(sorted({p.status for p in points}))
        trend_ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.13),
            ncols=3,
            fontsize=SMALL_SIZE - 1 if len(handles) > 3 else SMALL_SIZE,
            frameon=False,
            handletextpad=0.3,
            columnspacing=0.8,
        )
        for tick in trend_ax.get_xticklabels():
            tick.set_fontsize(SMALL_SIZE)

    pareto_ax = figure.add_subplot(top[0, 1])
    pareto_ax.set_gid("pareto")
    pareto_ax.set_title("Root causes", **_PANEL_TITLE)
    pareto = ParetoData(data.pareto.title, list(data.pareto.counts))
    draw_pareto(pareto_ax, pareto, empty_message=NO_COUNTERMEASURES, label_chars=12)

    actions_ax = figure.add_subplot(bottom[0, 0])
    actions_ax.set_gid("actions")
    _draw_actions(actions_ax, data.actions)

    summary_ax = figure.add_subplot(bottom[0, 1])
    summary_ax.set_gid("summary")
    _draw_summary(summary_ax, data)

    latest = data.trend.points[-1].status if data.trend.points else None
    badge = f"[{STATUS_STYLE[latest].letter}] " if latest else ""
    title = truncate(f"{data.code} \u00b7 {data.name}" if data.name else data.code, 64)
    figure.text(0.075, 0.955, badge + title, fontsize=TITLE_SIZE, fontweight="bold", va="center")
    if latest:
        figure.text(
            0.93,
            0.955,
            STATUS_STYLE[latest].label,
            fontsize=TEXT_SIZE,
            ha="right",
            va="center",
            color=MUTED_TEXT,
        )
    return Chart(
        figure=figure,
        alt_text=_alt_text(data, f"{data.code} ({data.name})" if data.name else data.code),
        filename=f"quad-{slugify(data.code)}.png",
        title=title,
    )
