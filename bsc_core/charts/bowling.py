"""The bowling chart: one row per KPI, one column per month, target above actual.

It is the signature view of a monthly KPI review, so it is drawn as a table rather than a
plot. The whole chart lives in one Axes whose data units are inches (x to the right, y
downwards), which keeps cell sizes exact whatever the number of rows: the figure simply
grows taller with more KPIs.

Each cell shows three things so that no information rides on colour alone: the status
letter (top left), the target (top right) and the actual (bold, below). Red cells are
hatched as well.
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from .base import (
    LABEL_SIZE,
    SMALL_SIZE,
    TEXT_SIZE,
    TITLE_SIZE,
    Chart,
    fit_lines,
    new_figure,
    swatch_legend,
    text_inches,
)
from .data import BowlingCell, BowlingData, BowlingRow
from .formatting import (
    compact_number,
    join_codes,
    month_abbr,
    month_name,
    month_range,
    parse_month,
    period_ticks,
    plural,
    slugify,
    truncate,
)
from .palette import BAND_COLOURS, HATCH_COLOUR, MUTED_TEXT, STATUS_STYLE, TEXT_COLOUR

_MARGIN = 0.15
_LABEL_W = 2.2
_TITLE_H = 0.6
_HEADER_H = 0.4
_BAND_H = 0.34
_ROW_H = 0.6
_LEGEND_H = 0.55
_GAP = 0.025
#: Room for the status letter and the space after it, left of the target.
_LETTER_W = 0.2
_BLANK_EDGE = "#D9D9D9"
#: Statuses that mean the month has been reported on (a "missing" cell is due but empty).
_REPORTED = ("green", "amber", "red", "no_target")
YTD = "YTD"


def _cell_width(n_months: int, rows: list[BowlingRow] | None = None) -> float:
    """Narrow enough that 12 months fit ~10 in, wide enough for the widest number shown.

    A cell's top line holds the letter and the target, its bottom line the bold actual;
    both are measured, so "-105k" gets the room "62" does not need.
    """
    width = min(0.9, max(0.66, 7.9 / max(n_months, 1)))
    for row in rows or []:
        for cell in row.cells:
            top = _LETTER_W + text_inches(compact_number(cell.target), SMALL_SIZE)
            bottom = text_inches(compact_number(cell.actual), TEXT_SIZE, "bold")
            if cell.variance_pct is not None:
                bottom += 0.08 + text_inches(variance_text(cell.variance_pct), SMALL_SIZE)
            width = max(width, top + 0.1, bottom + 0.14)
    return width


def variance_text(pct: float) -> str:
    """A cell's variance %, signed as everywhere: '+3%', '-16%'."""
    return f"{pct:+.0f}%"


def columns_of(data: BowlingData) -> list[str]:
    """The months, then the YTD column when the rows carry one."""
    ytd = any(cell.month == YTD for row in data.rows for cell in row.cells)
    return list(data.months) + ([YTD] if ytd else [])


def group_rows(rows: list[BowlingRow]) -> list[tuple[str, list[BowlingRow]]]:
    """Rows grouped by perspective, in order of first appearance (the caller's order)."""
    groups: dict[str, list[BowlingRow]] = {}
    for row in rows:
        groups.setdefault(row.perspective, []).append(row)
    return list(groups.items())


def latest_reported_month(data: BowlingData) -> str | None:
    """The last month of ``data.months`` in which any KPI has an actual or a status."""
    for month in reversed(data.months):
        for row in data.rows:
            for cell in row.cells:
                if cell.month == month and (
                    cell.actual is not None or cell.status in _REPORTED + ("missing",)
                ):
                    return month
    return None


def _spans_years(months: list[str]) -> bool:
    return len({p[0] for p in map(parse_month, months) if p}) > 1


def _month_header(months: list[str], index: int) -> str:
    """'Mar', or 'Dec' over '2025' where the chart crosses a year end ('Dec 25' reads as a day)."""
    if not _spans_years(months):
        return month_abbr(months[index])
    return period_ticks(months)[index]


def _draw_cell(ax: Axes, x: float, y: float, w: float, row: BowlingRow, cell: BowlingCell) -> None:
    """One coloured, lettered cell; gids ``cell:<code>:<month>``, ``letter:…``, ``target:…``.

    The letter sits in a narrow column on the left, target and actual are stacked in the rest
    of the cell; units stay in the row label because a "$" or "%" in every cell costs the
    width that keeps twelve months legible.
    """
    style = STATUS_STYLE[cell.status]
    rect = Rectangle(
        (x + _GAP, y + _GAP),
        w - 2 * _GAP,
        _ROW_H - 2 * _GAP,
        facecolor=style.colour,
        edgecolor="white",
        linewidth=0.8,
        hatch=style.hatch or None,
    )
    if style.hatch:
        rect.set_hatchcolor(HATCH_COLOUR)
        rect.set_hatch_linewidth(0.9)
    rect.set_gid(f"cell:{row.code}:{cell.month}")
    ax.add_patch(rect)
    # On hatched cells a box in the cell colour keeps the characters clear of the hatch lines.
    box = None
    if style.hatch:
        box = {"boxstyle": "square,pad=0.06", "facecolor": style.colour, "edgecolor": "none"}
    common: dict[str, Any] = {"color": style.text_colour, "va": "center", "bbox": box}
    letter = ax.text(
        x + 0.07,
        y + 0.2,
        style.letter,
        fontsize=TEXT_SIZE,
        fontweight="bold",
        ha="left",
        **common,
    )
    letter.set_gid(f"letter:{row.code}:{cell.month}")
    centre = x + w / 2
    target = ax.text(
        x + w - 0.08,
        y + 0.2,
        compact_number(cell.target),
        fontsize=SMALL_SIZE,
        ha="right",
        **common,
    )
    target.set_gid(f"target:{row.code}:{cell.month}")
    with_variance = cell.variance_pct is not None
    actual = ax.text(
        x + 0.07 if with_variance else centre,
        y + 0.42,
        compact_number(cell.actual),
        fontsize=TEXT_SIZE,
        fontweight="bold",
        ha="left" if with_variance else "center",
        **common,
    )
    actual.set_gid(f"actual:{row.code}:{cell.month}")
    if cell.variance_pct is not None:
        variance = ax.text(
            x + w - 0.08,
            y + 0.42,
            variance_text(cell.variance_pct),
            fontsize=SMALL_SIZE,
            ha="right",
            **common,
        )
        variance.set_gid(f"variance:{row.code}:{cell.month}")


def _alt_text(data: BowlingData, latest: str | None) -> str:
    """'Bowling chart of Acme, Jan–Nov 2026: 16 KPIs, 3 red in November (MRR, NPS, OTD)…'."""
    kpis = plural(len(data.rows), "KPI")
    if latest is None:
        span = month_range(data.months)
        return f"Bowling chart of {data.title}, {span}: {kpis}, no actuals reported yet."
    end = data.months.index(latest)
    span = month_range(data.months[: end + 1])
    by_status: dict[str, list[str]] = {}
    if data.statuses:
        for row in data.rows:
            if row.code in data.statuses:
                by_status.setdefault(data.statuses[row.code], []).append(row.code)
        when = data.statuses_label or f"in {month_name(latest)}"
    else:
        for row in data.rows:
            for cell in row.cells:
                if cell.month == latest:
                    by_status.setdefault(cell.status, []).append(row.code)
        when = f"in {month_name(latest)}"
    reds = by_status.get("red", [])
    text = f"Bowling chart of {data.title}, {span}: {kpis}, "
    text += f"{len(reds)} red {when}"
    text += f" ({join_codes(reds)})" if reds else ""
    others = [
        f"{len(by_status[s])} {label}"
        for s, label in (
            ("amber", "amber"),
            ("green", "green"),
            ("missing", "missing"),
            ("no_target", "no target"),
        )
        if by_status.get(s)
    ]
    if others:
        text += "; " + ", ".join(others)
    return text + "."


def bowling_chart(data: BowlingData) -> Chart:
    """Draw the bowling chart: KPIs grouped under perspective bands, months as columns."""
    months = list(data.months)
    columns = columns_of(data)
    groups = group_rows(data.rows)
    cell_w = _cell_width(len(columns), data.rows)
    width = 2 * _MARGIN + _LABEL_W + cell_w * len(columns)
    header_h = _HEADER_H + (0.2 if _spans_years(months) else 0.0)
    body = len(groups) * _BAND_H + len(data.rows) * _ROW_H
    height = _TITLE_H + header_h + body + _LEGEND_H + 0.1
    if not data.rows:
        height += 0.6

    figure = new_figure(width, height)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_gid("bowling")
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.set_axis_off()

    latest = latest_reported_month(data)
    title = truncate(f"{data.title} \u00b7 {month_range(months)}" if months else data.title, 100)
    note = "Each cell: status, target, actual (bold), variance %"
    room = width - 2 * _MARGIN - text_inches(note, SMALL_SIZE) - 0.3
    ax.text(
        _MARGIN,
        _TITLE_H / 2,
        fit_lines(title, room, size=TITLE_SIZE, weight="bold", max_lines=1),
        fontsize=TITLE_SIZE,
        fontweight="bold",
        va="center",
    )
    ax.text(
        width - _MARGIN,
        _TITLE_H / 2,
        note,
        fontsize=SMALL_SIZE,
        ha="right",
        va="center",
        color=MUTED_TEXT,
    )

    x0 = _MARGIN + _LABEL_W
    y = _TITLE_H
    ax.text(
        _MARGIN,
        y + header_h / 2,
        "KPI",
        fontsize=LABEL_SIZE,
        fontweight="bold",
        va="center",
        color=MUTED_TEXT,
    )
    for i, month in enumerate(columns):
        header = ax.text(
            x0 + (i + 0.5) * cell_w,
            y + header_h / 2,
            _month_header(months, i) if month != YTD else YTD,
            fontsize=LABEL_SIZE,
            fontweight="bold",
            ha="center",
            va="center",
            color=TEXT_COLOUR if month != latest else "#000000",
        )
        header.set_gid(f"month:{month}")
        if month == latest:
            ax.plot(
                [x0 + i * cell_w + 0.08, x0 + (i + 1) * cell_w - 0.08],
                [y + header_h - 0.04] * 2,
                color="#000000",
                linewidth=2.5,
            )
    y += header_h

    if not data.rows:
        ax.text(
            width / 2,
            y + 0.3,
            "No KPIs on this scorecard yet",
            fontsize=TEXT_SIZE,
            ha="center",
            va="center",
            color=MUTED_TEXT,
        )
        y += 0.6

    statuses_seen: set[str] = set()
    month_index = {m: i for i, m in enumerate(columns)}
    for g, (perspective, rows) in enumerate(groups):
        band = Rectangle(
            (_MARGIN, y), width - 2 * _MARGIN, _BAND_H, facecolor="#E8E8E8", edgecolor="none"
        )
        band.set_gid(f"perspective:{perspective}")
        ax.add_patch(band)
        label = ax.text(
            _MARGIN + 0.08,
            y + _BAND_H / 2,
            truncate(perspective, 60),
            fontsize=TEXT_SIZE,
            fontweight="bold",
            va="center",
        )
        label.set_gid(f"perspective-label:{perspective}")
        y += _BAND_H
        for r, row in enumerate(rows):
            shade = Rectangle(
                (_MARGIN, y),
                _LABEL_W,
                _ROW_H,
                facecolor=BAND_COLOURS[(r + g) % 2],
                edgecolor="none",
            )
            ax.add_patch(shade)
            code = ax.text(
                _MARGIN + 0.08,
                y + 0.2,
                truncate(row.code, 12),
                fontsize=TEXT_SIZE,
                fontweight="bold",
                va="center",
            )
            code.set_gid(f"row:{row.code}")
            if row.unit:
                ax.text(
                    _MARGIN + _LABEL_W - 0.08,
                    y + 0.2,
                    truncate(row.unit, 8),
                    fontsize=SMALL_SIZE,
                    ha="right",
                    va="center",
                    color=MUTED_TEXT,
                )
            ax.text(
                _MARGIN + 0.08,
                y + 0.43,
                fit_lines(row.name, _LABEL_W - 0.16, size=SMALL_SIZE, max_lines=1),
                fontsize=SMALL_SIZE,
                va="center",
                color=MUTED_TEXT,
            )
            cells = {c.month: c for c in row.cells if c.month in month_index}
            for i, month in enumerate(columns):
                x = x0 + i * cell_w
                cell = cells.get(month)
                if cell is None:
                    blank = Rectangle(
                        (x + _GAP, y + _GAP),
                        cell_w - 2 * _GAP,
                        _ROW_H - 2 * _GAP,
                        facecolor="white",
                        edgecolor=_BLANK_EDGE,
                        linewidth=0.8,
                    )
                    blank.set_gid(f"blank:{row.code}:{month}")
                    ax.add_patch(blank)
                    continue
                statuses_seen.add(cell.status)
                _draw_cell(ax, x, y, cell_w, row, cell)
            y += _ROW_H

    shown = [style for status, style in STATUS_STYLE.items() if status in statuses_seen]
    swatch_legend(ax, _MARGIN, y + _LEGEND_H / 2 + 0.05, [(style, False) for style in shown])
    suffix = latest or (months[-1] if months else "empty")
    return Chart(
        figure=figure,
        alt_text=_alt_text(data, latest),
        filename=f"bowling-{slugify(data.title)}-{slugify(suffix)}.png",
        title=title,
    )
