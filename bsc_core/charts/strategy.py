"""The strategy map: perspective bands top to bottom, objectives as status-coloured boxes,
cause-and-effect arrows from driver to driven objective.

Like the bowling chart it is drawn in one Axes whose data units are inches (y downwards),
so boxes, rounding and arrow heads keep their shape whatever the number of perspectives.
Perspectives are data (SQDCP boards, non-profits with Customer on top), so the bands follow
the given order instead of a fixed enum.
"""

from __future__ import annotations

import math
import textwrap

from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from .base import SMALL_SIZE, TEXT_SIZE, TITLE_SIZE, Chart, new_figure, swatch_legend
from .data import MapObjective, StrategyMapData
from .formatting import join_codes, plural, slugify, truncate
from .palette import BAND_COLOURS, MUTED_TEXT, STATUS_STYLE, TEXT_COLOUR, status_style, worst_status

_WIDTH = 10.0
_MARGIN = 0.15
_LABEL_W = 1.75
_TITLE_H = 0.6
_ROW_H = 1.35
_BOX_H = 0.85
_LEGEND_H = 0.5
_PER_ROW = 5
_ARROW_COLOUR = "#333333"
_NEUTRAL_EDGE = "#777777"


def merge_objectives(objectives: list[MapObjective]) -> list[MapObjective]:
    """One objective per code, coloured by the worst status given for it.

    Callers may pass one entry per KPI; the objective is only as healthy as its worst KPI.
    """
    merged: dict[str, MapObjective] = {}
    statuses: dict[str, list[str | None]] = {}
    for objective in objectives:
        merged.setdefault(objective.code, objective)
        statuses.setdefault(objective.code, []).append(objective.status)
    return [
        MapObjective(o.code, o.name, o.perspective, worst_status(statuses[o.code]))
        for o in merged.values()
    ]


def _bands(data: StrategyMapData, objectives: list[MapObjective]) -> list[tuple[str, list]]:
    """Perspectives in the given order; unknown ones (a data slip) are appended, not lost."""
    order = list(dict.fromkeys(data.perspectives))
    for objective in objectives:
        if objective.perspective not in order:
            order.append(objective.perspective)
    return [(p, [o for o in objectives if o.perspective == p]) for p in order]


def _box_text(name: str, width_in: float) -> str:
    """Wrap a name to the box width (about 13 characters per inch at 10 pt), three lines max."""
    chars = max(8, int(width_in * 12.5))
    lines = textwrap.wrap(" ".join(name.split()), chars) or [""]
    if len(lines) > 3:
        lines = lines[:2] + [truncate(" ".join(lines[2:]), chars)]
    return "\n".join(lines)


def _draw_box(ax: Axes, objective: MapObjective, x: float, y: float, w: float) -> FancyBboxPatch:
    """A rounded box with gid ``objective:<code>``, its status letter and wrapped name."""
    style = status_style(objective.status)
    neutral = objective.status is None
    box = FancyBboxPatch(
        (x, y),
        w,
        _BOX_H,
        boxstyle="round,pad=0,rounding_size=0.14",
        facecolor=style.colour,
        edgecolor=_NEUTRAL_EDGE if neutral else "#333333",
        linewidth=1.2,
        linestyle="--" if neutral else "-",
        hatch=style.hatch or None,
        zorder=3,
    )
    if style.hatch:
        box.set_hatchcolor("#FFFFFF")
        box.set_hatch_linewidth(0.8)
    box.set_gid(f"objective:{objective.code}")
    ax.add_patch(box)
    backing = None
    if style.hatch:
        # Dark text on hatching is hard to read: a white plate keeps the stripes visible
        # around the words while the words themselves sit on a calm background.
        backing = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"}
    if style.letter:
        letter = ax.text(
            x + 0.1,
            y + 0.16,
            style.letter,
            fontsize=SMALL_SIZE,
            fontweight="bold",
            ha="left",
            va="center",
            color=style.text_colour,
            zorder=4,
            bbox=backing,
        )
        letter.set_gid(f"objective-letter:{objective.code}")
    ax.text(
        x + w / 2,
        y + _BOX_H / 2 + 0.05,
        _box_text(objective.name, w - 0.3),
        fontsize=SMALL_SIZE,
        ha="center",
        va="center",
        color=TEXT_COLOUR,
        zorder=4,
        linespacing=1.1,
        bbox=backing,
    )
    return box


#: Bends tried in order: straight first, then ever wider arcs to either side.
_BENDS = (0.0, 0.15, -0.15, 0.3, -0.3, 0.45, -0.45, 0.6, -0.6, 0.8, -0.8)
_CLEARANCE = 0.06


def arc_points(
    start: tuple[float, float], end: tuple[float, float], rad: float, samples: int = 60
) -> list[tuple[float, float]]:
    """Points along matplotlib's "arc3" connection between two points of an inch-based,
    y-downwards Axes (arc3 bends in display space, where y points up)."""
    (x1, y1), (x2, y2) = (start[0], -start[1]), (end[0], -end[1])
    cx = (x1 + x2) / 2 + rad * (y2 - y1)
    cy = (y1 + y2) / 2 - rad * (x2 - x1)
    points = []
    for i in range(samples + 1):
        t = i / samples
        x = (1 - t) ** 2 * x1 + 2 * (1 - t) * t * cx + t**2 * x2
        y = (1 - t) ** 2 * y1 + 2 * (1 - t) * t * cy + t**2 * y2
        points.append((x, -y))
    return points


def _hits(points: list[tuple[float, float]], boxes: list[FancyBboxPatch]) -> int:
    """How many sampled points fall inside (or just next to) one of ``boxes``."""
    count = 0
    for x, y in points:
        for box in boxes:
            if (
                box.get_x() - _CLEARANCE <= x <= box.get_x() + box.get_width() + _CLEARANCE
                and box.get_y() - _CLEARANCE <= y <= box.get_y() + box.get_height() + _CLEARANCE
            ):
                count += 1
                break
    return count


def route_bend(
    start: tuple[float, float],
    end: tuple[float, float],
    others: list[FancyBboxPatch],
    *,
    same_row: bool,
) -> float:
    """The least bent arc from ``start`` to ``end`` that passes no other objective's box.

    An arrow drawn under a box reads as passing through that objective ("Run lean operations
    -> Keep costs under control" seen as going via "Keep the customers we win"), so the arc
    bends around it; when no bend is clear, the one touching the fewest boxes is used.
    """
    bends = [b for b in _BENDS if b != 0.0] if same_row else list(_BENDS)
    scored = [
        (_hits(arc_points(start, end, bend), others), i, bend) for i, bend in enumerate(bends)
    ]
    return min(scored)[2]


def _draw_legend(ax: Axes, y: float, statuses: set[str | None]) -> None:
    """Swatch, letter and meaning for the statuses on the map (plus 'No status')."""
    entries = [(status_style(s), False) for s in STATUS_STYLE if s in statuses]
    if None in statuses:
        entries.append((status_style(None), True))
    swatch_legend(ax, _MARGIN, y, entries, rounded=True)


def strategy_map(data: StrategyMapData) -> Chart:
    """Draw the strategy map; returns one box per objective code and one arrow per link."""
    objectives = merge_objectives(data.objectives)
    bands = _bands(data, objectives)
    rows_per_band = [max(1, math.ceil(len(objs) / _PER_ROW)) for _p, objs in bands]
    height = _TITLE_H + _ROW_H * sum(rows_per_band) + _LEGEND_H + 0.1

    figure = new_figure(_WIDTH, height)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_gid("strategy-map")
    ax.set_xlim(0, _WIDTH)
    ax.set_ylim(height, 0)
    ax.set_axis_off()
    title = truncate(data.title, 80)
    ax.text(_MARGIN, _TITLE_H / 2, title, fontsize=TITLE_SIZE, fontweight="bold", va="center")

    boxes: dict[str, FancyBboxPatch] = {}
    rows_of: dict[str, int] = {}
    y = _TITLE_H
    area_x = _MARGIN + _LABEL_W
    area_w = _WIDTH - _MARGIN - area_x
    row_index = 0
    for b, ((perspective, objs), n_rows) in enumerate(zip(bands, rows_per_band, strict=True)):
        band_h = _ROW_H * n_rows
        band = Rectangle(
            (_MARGIN, y),
            _WIDTH - 2 * _MARGIN,
            band_h,
            facecolor=BAND_COLOURS[b % 2],
            edgecolor="#D0D0D0",
            linewidth=0.6,
        )
        band.set_gid(f"perspective:{perspective}")
        ax.add_patch(band)
        label = ax.text(
            _MARGIN + 0.1,
            y + band_h / 2,
            "\n".join(textwrap.wrap(perspective, 14)[:3]) or perspective,
            fontsize=TEXT_SIZE,
            fontweight="bold",
            va="center",
            color=MUTED_TEXT,
        )
        label.set_gid(f"perspective-label:{perspective}")
        if not objs:
            ax.text(
                area_x + area_w / 2,
                y + band_h / 2,
                "No objectives",
                fontsize=SMALL_SIZE,
                ha="center",
                va="center",
                color=MUTED_TEXT,
                style="italic",
            )
        for r in range(n_rows):
            chunk = objs[r * _PER_ROW : (r + 1) * _PER_ROW]
            slot = area_w / max(len(chunk), 1)
            box_w = min(slot - 0.3, 2.6)
            top = y + r * _ROW_H + (_ROW_H - _BOX_H) / 2
            for i, objective in enumerate(chunk):
                x = area_x + slot * i + (slot - box_w) / 2
                boxes[objective.code] = _draw_box(ax, objective, x, top, box_w)
                rows_of[objective.code] = row_index + r
        row_index += n_rows
        y += band_h

    drawn = 0
    for driver, driven in dict.fromkeys(data.links):
        if driver not in boxes or driven not in boxes or driver == driven:
            continue
        box_a, box_b = boxes[driver], boxes[driven]
        centre_a = (box_a.get_x() + box_a.get_width() / 2, box_a.get_y() + _BOX_H / 2)
        centre_b = (box_b.get_x() + box_b.get_width() / 2, box_b.get_y() + _BOX_H / 2)
        same_row = rows_of[driver] == rows_of[driven]
        others = [box for code, box in boxes.items() if code not in (driver, driven)]
        rad = route_bend(centre_a, centre_b, others, same_row=same_row)
        arrow = FancyArrowPatch(
            centre_a,
            centre_b,
            patchA=box_a,
            patchB=box_b,
            arrowstyle="-|>",
            mutation_scale=16,
            connectionstyle=f"arc3,rad={rad}",
            color=_ARROW_COLOUR,
            linewidth=1.4,
            shrinkA=2,
            shrinkB=2,
            zorder=2,
        )
        arrow.set_gid(f"link:{driver}->{driven}")
        ax.add_patch(arrow)
        drawn += 1

    _draw_legend(ax, height - _LEGEND_H / 2 - 0.05, {o.status for o in objectives})

    by_status: dict[str | None, list[str]] = {}
    for objective in objectives:
        by_status.setdefault(objective.status, []).append(objective.name)
    alt = (
        f"Strategy map of {title}: {plural(len(objectives), 'objective')} in "
        f"{plural(len(bands), 'perspective')} ({', '.join(p for p, _o in bands)}), "
        f"{plural(drawn, 'link')}"
    )
    details = [
        f"{len(by_status[s])} {s} ({join_codes(by_status[s], 5)})"
        for s in ("red", "amber", "missing")
        if by_status.get(s)
    ]
    if by_status.get("green"):
        details.append(f"{len(by_status['green'])} green")
    alt += "; " + ", ".join(details) + "." if details else "."
    return Chart(
        figure=figure, alt_text=alt, filename=f"strategy-map-{slugify(data.title)}.png", title=title
    )
