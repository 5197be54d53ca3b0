"""The ``Chart`` result type, deterministic PNG rendering and shared drawing helpers.

Figures are built with the object API (``matplotlib.figure.Figure`` plus an Agg canvas),
never pyplot: pyplot keeps global state, which is neither thread-safe nor needed in a bot
that renders charts from several Slack handlers at once. Nothing here changes rcParams;
every size and colour is passed explicitly so two renders of the same data match byte for
byte.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch, Rectangle
from matplotlib.text import Text

from .formatting import ELLIPSIS
from .palette import HATCH_COLOUR, STATUS_STYLE, TEXT_COLOUR, StatusStyle, status_style

#: Fixed so the pixel size (and the bytes) never depend on a caller's rcParams.
DPI = 120

#: Font sizes in points. At 120 dpi a 9-10 inch figure is shrunk to roughly 360-700 px in a
#: Slack preview, so nothing goes below 10 pt.
TITLE_SIZE = 15
LABEL_SIZE = 12
TEXT_SIZE = 11
SMALL_SIZE = 10

_PNG_METADATA: dict[str, str | None] = {"Software": None}


@dataclass
class Chart:
    """A rendered-ready chart: the figure plus what Slack needs to post it accessibly."""

    figure: Figure
    alt_text: str
    filename: str
    title: str

    def png(self) -> bytes:
        """The chart as PNG bytes (deterministic: same data, same bytes)."""
        return render_png(self.figure)


def new_figure(width: float, height: float) -> Figure:
    """A Figure attached to an Agg canvas, with a white background and no global state."""
    figure = Figure(figsize=(width, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    return figure


def render_png(figure: Figure, dpi: int = DPI) -> bytes:
    """Save ``figure`` as PNG bytes.

    The "Software" text chunk carries matplotlib's version, which would make bytes change
    with an upgrade for no visible reason; dropping it leaves a PNG that depends only on the
    drawing. Agg draws no timestamps, so the output is byte-identical across runs.
    """
    buffer = io.BytesIO()
    figure.savefig(
        buffer, format="png", dpi=dpi, metadata=_PNG_METADATA, facecolor=figure.get_facecolor()
    )
    return buffer.getvalue()


def status_handles(statuses: list[str], *, with_letters: bool = False) -> list[Line2D]:
    """Legend entries (marker + label) for the statuses actually shown, in palette order."""
    handles: list[Line2D] = []
    for status, style in STATUS_STYLE.items():
        if status not in statuses:
            continue
        label = f"{style.letter} {style.label}" if with_letters else style.label
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=style.marker,
                markersize=9,
                markerfacecolor=style.colour if style.marker_filled else "none",
                markeredgecolor=marker_edge(status),
                markeredgewidth=1.5 if not style.marker_filled else 0.8,
                label=label,
            )
        )
    return handles


def status_patches(statuses: list[str]) -> list[Patch]:
    """Legend swatches for table-like charts: colour, hatch and letter in the label."""
    patches: list[Patch] = []
    for status, style in STATUS_STYLE.items():
        if status in statuses:
            patches.append(
                Patch(
                    facecolor=style.colour,
                    edgecolor="#666666",
                    hatch=style.hatch or None,
                    label=f"{style.letter}  {style.label}",
                )
            )
    return patches


def marker_edge(status: str) -> str:
    """Marker outline: dark for hollow markers (the only thing visible), thin black else."""
    style = status_style(status)
    return "#444444" if not style.marker_filled else TEXT_COLOUR


def style_axes(ax: Axes, *, grid_axis: Literal["both", "x", "y"] = "y") -> None:
    """Quiet axes: no top/right spines, a light grid, readable tick labels."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color("#888888")
    ax.spines["bottom"].set_color("#888888")
    ax.tick_params(labelsize=SMALL_SIZE, colors=TEXT_COLOUR)
    ax.grid(True, axis=grid_axis, color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)


def axes_inches(ax: Axes) -> tuple[float, float]:
    """Width and height of ``ax`` in inches (layouts are measured, not guessed)."""
    figure = ax.figure
    assert isinstance(figure, Figure)
    box = ax.get_position()
    return box.width * figure.get_figwidth(), box.height * figure.get_figheight()


def text_width(ax: Axes, text: Text) -> float:
    """Width of a drawn text in the data units of an inch-based Axes (x increasing right)."""
    extent = text.get_window_extent()
    return extent.width / ax.figure.dpi


def swatch_legend(
    ax: Axes,
    x: float,
    y: float,
    entries: list[tuple[StatusStyle, bool]],
    *,
    rounded: bool = False,
) -> float:
    """Draw 'swatch + letter + label' entries left to right on an inch-based Axes.

    ``entries`` pairs a style with whether its swatch is dashed (neutral). Widths are
    measured, not guessed, so long labels never run into each other. Returns the end x.
    """
    for style, dashed in entries:
        common: dict[str, Any] = {
            "facecolor": style.colour,
            "edgecolor": "#777777" if dashed else "#444444",
            "linewidth": 0.8,
            "linestyle": "--" if dashed else "-",
            "hatch": style.hatch or None,
        }
        if rounded:
            swatch: Patch = FancyBboxPatch(
                (x, y - 0.13), 0.34, 0.26, boxstyle="round,pad=0,rounding_size=0.06", **common
            )
        else:
            swatch = Rectangle((x, y - 0.13), 0.34, 0.26, **common)
        if style.hatch:
            swatch.set_hatchcolor(HATCH_COLOUR)
        swatch.set_gid(f"legend:{style.label}")
        ax.add_patch(swatch)
        ax.text(
            x + 0.17,
            y,
            style.letter,
            fontsize=SMALL_SIZE,
            fontweight="bold",
            ha="center",
            va="center",
            color=style.text_colour,
        )
        label = ax.text(
            x + 0.42, y, style.label, fontsize=SMALL_SIZE, va="center", color=TEXT_COLOUR
        )
        x += 0.42 + text_width(ax, label) + 0.3
    return x


@lru_cache(maxsize=1)
def _measuring_canvas() -> FigureCanvasAgg:
    """A private canvas at the charts' dpi, only for measuring text before a figure exists."""
    return FigureCanvasAgg(Figure(dpi=DPI))


@lru_cache(maxsize=4096)
def text_inches(text: str, size: float, weight: str = "normal") -> float:
    """Width in inches of ``text`` (its widest line) in the charts' font at ``size`` points.

    Layouts size columns and cells from this instead of guessing characters per inch, so a
    long owner name or a negative number gets the room it needs.
    """
    renderer = _measuring_canvas().get_renderer()
    prop = FontProperties(size=size, weight=weight)
    widest = 0.0
    for line in text.split("\n"):
        width, _height, _descent = renderer.get_text_width_height_descent(line, prop, ismath=False)
        widest = max(widest, width)
    return widest / DPI


def _shorten(line: str, width: float, size: float, weight: str) -> str:
    """Cut ``line`` with an ellipsis until it fits ``width`` inches."""
    if text_inches(line, size, weight) <= width:
        return line
    while line and text_inches(line + ELLIPSIS, size, weight) > width:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


def fit_lines(
    text: str, width: float, *, size: float, weight: str = "normal", max_lines: int = 2
) -> str:
    """Wrap ``text`` on words to ``width`` inches, at most ``max_lines`` lines, the last cut.

    Measured, not counted: "WWW" and "iii" differ threefold in width. A word longer than a
    line is cut rather than allowed to run into the next column.
    """
    words = " ".join(text.split()).split(" ")
    lines: list[str] = []
    current = ""
    for index, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if text_inches(candidate, size, weight) <= width:
            current = candidate
            continue
        if len(lines) == max_lines - 1:
            # The last line allowed: it takes the rest, cut with an ellipsis below.
            current = " ".join(([current] if current else []) + words[index:])
            break
        if current:
            lines.append(current)
        current = word
    lines.append(current)
    return "\n".join(_shorten(line, width, size, weight) for line in lines)
