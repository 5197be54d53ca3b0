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

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch, Rectangle
from matplotlib.text import Text

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


def style_axes(ax: Axes, *, grid_axis: str = "y") -> None:
    """Quiet axes: no top/right spines, a light grid, readable tick labels."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color("#888888")
    ax.spines["bottom"].set_color("#888888")
    ax.tick_params(labelsize=SMALL_SIZE, colors=TEXT_COLOUR)
    ax.grid(True, axis=grid_axis, color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)


def text_width(ax: Axes, text: Text) -> float:
    """Width of a drawn text in the data units of an inch-based Axes (x increasing right)."""
    renderer = ax.figure.canvas.get_renderer()
    extent = text.get_window_extent(renderer=renderer)
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
        common = {
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
