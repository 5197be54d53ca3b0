"""The quad chart: one page per KPI linking metric, insight and action.

Four panels, each an Axes with a gid so the bot (and tests) can find them: "trend" (actual
against target), "pareto" (root causes of its countermeasures), "actions" (the action plan,
overdue lines flagged in words as well as colour) and "summary" (the numbers and the last
three notes). The Pareto panel owns a twin axis with gid "pareto:cumulative"; it is part of
that panel, not a fifth one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from .base import (
    SMALL_SIZE,
    TEXT_SIZE,
    TITLE_SIZE,
    Chart,
    axes_inches,
    fit_lines,
    new_figure,
    status_handles,
    text_inches,
)
from .data import ActionItem, ParetoData, QuadData
from .formatting import compact_number, plural, signed_number, slugify, truncate
from .palette import MUTED_TEXT, OVERDUE_COLOUR, STATUS_STYLE, TEXT_COLOUR
from .pareto import draw_pareto
from .trend import draw_trend

PANELS = ("trend", "pareto", "actions", "summary")
NO_COUNTERMEASURES = "No countermeasures yet"
NO_ACTIONS = "No actions yet"
OVERDUE = "OVERDUE"
#: Fewer bars than a full Pareto: the panel is half a page wide and names must stay legible.
QUAD_PARETO_BARS = 4
_OVERDUE_ROW = "#FBE3D6"
_PANEL_TITLE: dict[str, Any] = {
    "fontsize": TEXT_SIZE + 1,
    "fontweight": "bold",
    "loc": "left",
    "pad": 8,
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# The page, in inches. The top half is fixed; the bottom half grows with the action plan and
# the notes (between _BOTTOM_MIN and _BOTTOM_MAX), so a KPI with one action does not leave a
# fifth of the page empty and one with eight does not squeeze them.
_WIDTH = 10.5
_TITLE_H = 0.55
_PANEL_TITLE_H = 0.38
_TOP_H = 2.45
_UNDER_TOP = 1.0  # tick labels (two lines) and the legend under the trend
_BOTTOM_MIN = 1.3
_BOTTOM_MAX = 3.1
_MARGIN_B = 0.15
_TREND = (0.8, 5.2)  # left, width
_PARETO = (6.75, 3.05)
_ACTIONS = (0.3, 6.35)
_SUMMARY = (6.9, 3.5)

_LINE_H = 0.17  # one 10 pt line, in inches
_ROW_PAD = 0.1
_HEADER_ROW = 0.3
_ACTION_LINES = 3
_CELL_LINES = 2
_SUMMARY_ROW = 0.25


def short_date(iso: str) -> str:
    """'2026-10-15' -> '15 Oct': the table is narrow and the year is rarely in doubt."""
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {_MONTHS[day.month - 1]}"


def ordered_actions(actions: list[ActionItem]) -> list[ActionItem]:
    """Overdue first, then open by due date, then done: the bad news at the top."""
    return sorted(
        actions,
        key=lambda a: (not (a.overdue and a.status != "done"), a.status == "done", a.due, a.action),
    )


def _inch_axes(ax: Axes) -> tuple[float, float]:
    """Make ``ax`` an invisible canvas measured in inches, y downwards; return its size."""
    width, height = axes_inches(ax)
    ax.set_axis_off()
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    return width, height


def _columns(width: float, actions: list[ActionItem]) -> list[tuple[str, float, float]]:
    """(name, left edge, width) in inches: date and status fixed, the rest measured.

    Root cause and owner get what their longest entry needs (a full name on two lines at
    most, so "U0CFO0001" or "Dana Whitfield" never runs into the due date); the action, the
    line people read first, gets everything left.
    """
    due = text_inches("30 Sep", SMALL_SIZE) + 0.15
    status = text_inches(OVERDUE, SMALL_SIZE, "bold") + 0.05
    rest = width - due - status

    def need(values: list[str], header: str, share: float) -> float:
        widest = max(
            [text_inches(header, SMALL_SIZE, "bold")] + [text_inches(v, SMALL_SIZE) for v in values]
        )
        return min(widest + 0.18, rest * share)

    cause = need([a.root_cause or "\u2013" for a in actions], "Root cause", 0.27)
    owner = need([a.owner for a in actions], "Owner", 0.24)
    widths = [("Action", rest - cause - owner), ("Root cause", cause), ("Owner", owner)]
    widths += [("Due", due), ("Status", status)]
    columns, x = [], 0.0
    for name, column_width in widths:
        columns.append((name, x, column_width))
        x += column_width
    return columns


def _action_rows(
    actions: list[ActionItem], width: float
) -> tuple[list[tuple[str, float, float]], list[tuple[ActionItem, list[str], float]]]:
    """The columns and, for each action in display order, its wrapped cells and row height."""
    columns = _columns(width, actions)
    rows = []
    for item in ordered_actions(actions):
        values = (item.action, item.root_cause or "\u2013", item.owner)
        cells = [
            fit_lines(value, w - 0.1, size=SMALL_SIZE, max_lines=lines)
            for value, (_n, _x, w), lines in zip(
                values, columns, (_ACTION_LINES, _CELL_LINES, _CELL_LINES), strict=False
            )
        ]
        lines = max(cell.count("\n") + 1 for cell in cells)
        rows.append((item, cells, lines * _LINE_H + _ROW_PAD))
    return columns, rows


def _actions_height(actions: list[ActionItem]) -> float:
    """The height the action plan wants, within the page's limits."""
    if not actions:
        return _BOTTOM_MIN
    _columns_, rows = _action_rows(actions, _ACTIONS[1])
    return _HEADER_ROW + sum(h for _i, _c, h in rows) + 0.05


def _draw_actions(ax: Axes, actions: list[ActionItem]) -> None:
    """The action plan as a hand-drawn table: action, root cause, owner, due date, status.

    Row heights follow their longest cell; rows that do not fit the panel are counted in a
    "+N more" line rather than squeezed.
    """
    width, height = _inch_axes(ax)
    ax.set_title("Action plan", **_PANEL_TITLE)
    if not actions:
        ax.text(
            width / 2,
            height * 0.4,
            NO_ACTIONS,
            ha="center",
            va="center",
            fontsize=TEXT_SIZE + 1,
            color=MUTED_TEXT,
        )
        return
    columns, rows = _action_rows(actions, width)
    for name, x, _w in columns:
        ax.text(
            x, 0.12, name, fontsize=SMALL_SIZE, fontweight="bold", va="center", color=MUTED_TEXT
        )
    ax.plot([0, width], [_HEADER_ROW - 0.04] * 2, color="#999999", linewidth=0.8)
    y = _HEADER_ROW
    for i, (item, cells, row_h) in enumerate(rows):
        more_line = _LINE_H + _ROW_PAD if i < len(rows) - 1 else 0.0
        if y + row_h + more_line > height:
            ax.text(
                0,
                y + _LINE_H / 2 + 0.04,
                f"+{len(rows) - i} more",
                fontsize=SMALL_SIZE,
                color=MUTED_TEXT,
                va="center",
                style="italic",
            )
            break
        middle = y + row_h / 2
        if item.overdue and item.status != "done":
            band = Rectangle(
                (0, y + 0.01), width, row_h - 0.02, facecolor=_OVERDUE_ROW, edgecolor="none"
            )
            band.set_zorder(0)
            band.set_gid(f"overdue-row:{i}")
            ax.add_patch(band)
            status, colour, weight = OVERDUE, OVERDUE_COLOUR, "bold"
        elif item.status == "done":
            status, colour, weight = "done", MUTED_TEXT, "normal"
        else:
            status, colour, weight = "open", TEXT_COLOUR, "normal"
        values = [*cells, short_date(item.due)]
        for (name, x, _w), value in zip(columns, values, strict=False):
            text = ax.text(
                x,
                middle,
                value,
                fontsize=SMALL_SIZE,
                va="center",
                linespacing=1.15,
                color=TEXT_COLOUR,
            )
            if name == "Action":
                text.set_gid(f"action:{i}")
        flag = ax.text(
            columns[-1][1],
            middle,
            status,
            fontsize=SMALL_SIZE,
            va="center",
            color=colour,
            fontweight=weight,
        )
        flag.set_gid(f"action-status:{i}")
        y += row_h


def _summary_rows(data: QuadData) -> list[tuple[str, str]]:
    unit = data.unit
    pct = "" if data.variance_pct is None else f" ({signed_number(data.variance_pct, '%')})"
    target = compact_number(data.target, unit)
    if data.direction:
        target += f" ({_direction_text(data.direction)} is better)"
    return [
        ("Latest actual", compact_number(data.latest_actual, unit)),
        ("Target", target),
        ("Variance", signed_number(data.variance, unit) + pct),
        ("Red streak", plural(data.red_streak, "period") if data.red_streak else "none"),
    ]


def _notes(data: QuadData, width: float) -> tuple[float, list[tuple[str, str]]]:
    """Where note text starts, and the last three notes wrapped to the panel (three lines
    at most each)."""
    notes = data.notes[-3:]
    note_x = max((text_inches(p, SMALL_SIZE, "bold") for p, _n in notes), default=0) + 0.15
    return note_x, [
        (period, fit_lines(note, width - note_x, size=SMALL_SIZE, max_lines=3))
        for period, note in notes
    ]


def _summary_height(data: QuadData) -> float:
    _x, notes = _notes(data, _SUMMARY[1])
    lines = sum(body.count("\n") + 1 for _p, body in notes) or 1
    return 0.12 + 4 * _SUMMARY_ROW + 0.2 + lines * _LINE_H + 0.08 * len(notes) + 0.05


def _draw_summary(ax: Axes, data: QuadData) -> None:
    """Latest actual, target (and which way is better), variance, red streak, last notes."""
    width, height = _inch_axes(ax)
    ax.set_title("Summary", **_PANEL_TITLE)
    rows = _summary_rows(data)
    value_x = max(text_inches(label, TEXT_SIZE) for label, _v in rows) + 0.2
    y = 0.12
    for label, value in rows:
        ax.text(0, y, label, fontsize=TEXT_SIZE, color=MUTED_TEXT, va="center")
        text = ax.text(
            value_x,
            y,
            fit_lines(value, width - value_x, size=TEXT_SIZE, weight="bold", max_lines=1),
            fontsize=TEXT_SIZE,
            fontweight="bold",
            va="center",
        )
        text.set_gid(f"summary:{label.lower().replace(' ', '-')}")
        y += _SUMMARY_ROW
    y += 0.04
    ax.text(0, y, "Notes", fontsize=TEXT_SIZE, fontweight="bold", va="center")
    y += 0.16
    note_x, notes = _notes(data, width)
    if not notes:
        ax.text(0, y, "No notes yet", fontsize=SMALL_SIZE, color=MUTED_TEXT, va="top")
    for i, (period, body) in enumerate(notes):
        lines = body.count("\n") + 1
        if y + lines * _LINE_H > height:
            break
        ax.text(0, y, period, fontsize=SMALL_SIZE, fontweight="bold", va="top", color=MUTED_TEXT)
        text = ax.text(note_x, y, body, fontsize=SMALL_SIZE, va="top", linespacing=1.15)
        text.set_gid(f"note:{i}")
        y += lines * _LINE_H + 0.08


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
    bottom_h = min(
        _BOTTOM_MAX, max(_BOTTOM_MIN, _actions_height(data.actions), _summary_height(data))
    )
    height = _TITLE_H + _PANEL_TITLE_H + _TOP_H + _UNDER_TOP + _PANEL_TITLE_H + bottom_h
    height += _MARGIN_B
    figure = new_figure(_WIDTH, height)

    def rect(
        left: float, width: float, top: float, panel_h: float
    ) -> tuple[float, float, float, float]:
        """Inches from the top-left corner to a figure-fraction rectangle."""
        return (left / _WIDTH, 1 - (top + panel_h) / height, width / _WIDTH, panel_h / height)

    top_y = _TITLE_H + _PANEL_TITLE_H
    bottom_y = top_y + _TOP_H + _UNDER_TOP + _PANEL_TITLE_H

    trend_ax = figure.add_axes(rect(*_TREND, top_y, _TOP_H))
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
            bbox_to_anchor=(0.5, -0.19),
            ncols=3,
            fontsize=SMALL_SIZE,
            frameon=False,
            handletextpad=0.3,
            columnspacing=0.8,
        )

    pareto_ax = figure.add_axes(rect(*_PARETO, top_y, _TOP_H))
    pareto_ax.set_gid("pareto")
    pareto_ax.set_title("Root causes", **_PANEL_TITLE)
    pareto = ParetoData(data.pareto.title, list(data.pareto.counts))
    draw_pareto(pareto_ax, pareto, empty_message=NO_COUNTERMEASURES, max_bars=QUAD_PARETO_BARS)

    actions_ax = figure.add_axes(rect(*_ACTIONS, bottom_y, bottom_h))
    actions_ax.set_gid("actions")
    _draw_actions(actions_ax, data.actions)

    summary_ax = figure.add_axes(rect(*_SUMMARY, bottom_y, bottom_h))
    summary_ax.set_gid("summary")
    _draw_summary(summary_ax, data)

    latest = data.trend.points[-1].status if data.trend.points else None
    badge = f"[{STATUS_STYLE[latest].letter}] " if latest else ""
    title = truncate(f"{data.code} \u00b7 {data.name}" if data.name else data.code, 100)
    label = STATUS_STYLE[latest].label if latest else ""
    room = _WIDTH - 0.3 - 0.15 - text_inches(label, TEXT_SIZE) - 0.3
    title_y = 1 - _TITLE_H / 2 / height
    figure.text(
        0.3 / _WIDTH,
        title_y,
        fit_lines(badge + title, room, size=TITLE_SIZE, weight="bold", max_lines=1),
        fontsize=TITLE_SIZE,
        fontweight="bold",
        va="center",
    )
    if latest:
        figure.text(
            1 - 0.15 / _WIDTH,
            title_y,
            label,
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
