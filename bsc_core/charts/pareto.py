"""Pareto chart of countermeasure root causes: bars descending, cumulative % on a twin axis.

The point of a Pareto is "fix these few causes first", so bars are sorted largest first and
the cumulative line shows where 80% is reached. With more than ``MAX_BARS`` causes the tail
is merged into one "Other" bar at the end (the usual Pareto convention), because a bar per
rare cause is unreadable at Slack's preview size.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from .base import (
    SMALL_SIZE,
    TEXT_SIZE,
    TITLE_SIZE,
    Chart,
    axes_inches,
    fit_lines,
    new_figure,
    style_axes,
)
from .data import ParetoData
from .formatting import join_codes, plural, slugify, truncate
from .palette import ACTUAL_COLOUR, MUTED_TEXT, TEXT_COLOUR

MAX_BARS = 10
OTHER = "Other"
EMPTY_MESSAGE = "No countermeasures in the last 12 months"
#: Line colour for the cumulative %: black with markers, distinct from the blue bars.
CUMULATIVE_COLOUR = "#000000"


def sorted_counts(data: ParetoData, max_bars: int = MAX_BARS) -> list[tuple[str, int]]:
    """Counts largest first (ties by name, for stable output), tail merged into 'Other'."""
    counts = [(cause, int(n)) for cause, n in data.counts if n > 0]
    counts.sort(key=lambda item: (-item[1], item[0]))
    if len(counts) > max_bars:
        head, tail = counts[: max_bars - 1], counts[max_bars - 1 :]
        counts = head + [(OTHER, sum(n for _cause, n in tail))]
    return counts


def cumulative_percent(counts: list[tuple[str, int]]) -> list[float]:
    """Running share of the total, ending at exactly 100."""
    total = sum(n for _cause, n in counts)
    running, result = 0, []
    for _cause, n in counts:
        running += n
        result.append(100.0 * running / total if total else 0.0)
    if result and total:
        result[-1] = 100.0
    return result


def draw_pareto(
    ax: Axes,
    data: ParetoData,
    *,
    empty_message: str = EMPTY_MESSAGE,
    max_bars: int = MAX_BARS,
) -> Axes | None:
    """Draw into ``ax``; return the twin axis holding the cumulative line (None when empty).

    The count axis runs to the total, so each cumulative point sits on or above its bar and a
    count written inside the bar can never be hidden by the line, even with a single cause.
    Cause names are wrapped horizontally to their bar's slot, never rotated into each other.

    Bars get gid ``"bar:<cause>"``, the line ``"cumulative"``, the twin axis
    ``"<gid of ax>:cumulative"`` so it is not mistaken for a panel of its own.
    """
    counts = sorted_counts(data, max_bars)
    if not counts:
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            empty_message,
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=TEXT_SIZE + 1,
            color=MUTED_TEXT,
            wrap=True,
        )
        return None
    style_axes(ax)
    width_in, height_in = axes_inches(ax)
    total = sum(n for _c, n in counts)
    xs = list(range(len(counts)))
    bars = ax.bar(xs, [n for _c, n in counts], color=ACTUAL_COLOUR, width=0.65, zorder=2)
    ax.set_ylim(0, total * 1.08)
    for bar, (cause, n) in zip(bars, counts, strict=True):
        bar.set_gid(f"bar:{cause}")
        inside = n / (total * 1.08) * height_in > 0.3
        label = ax.annotate(
            str(n),
            (bar.get_x() + bar.get_width() / 2, n),
            xytext=(0, -6 if inside else 3),
            textcoords="offset points",
            ha="center",
            va="top" if inside else "bottom",
            fontsize=SMALL_SIZE,
            fontweight="bold" if inside else "normal",
            color="white" if inside else TEXT_COLOUR,
            zorder=4,
        )
        label.set_gid(f"count:{cause}")
    slot = width_in / len(counts)
    ax.set_xticks(
        xs, [fit_lines(cause, slot - 0.12, size=SMALL_SIZE, max_lines=3) for cause, _n in counts]
    )
    ax.set_ylabel("Count", fontsize=SMALL_SIZE)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}"))

    twin = ax.twinx()
    twin.set_gid(f"{ax.get_gid() or 'pareto'}:cumulative")
    (line,) = twin.plot(
        xs,
        cumulative_percent(counts),
        color=CUMULATIVE_COLOUR,
        marker="o",
        markersize=5,
        linewidth=1.6,
        zorder=3,
    )
    line.set_gid("cumulative")
    twin.axhline(80, color="#888888", linestyle=(0, (2, 3)), linewidth=1)
    twin.set_ylim(0, 108)  # the same 8% headroom as the count axis: the two scales agree
    twin.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    twin.set_yticks([0, 20, 40, 60, 80, 100])
    twin.tick_params(labelsize=SMALL_SIZE)
    twin.spines["top"].set_visible(False)
    twin.spines["right"].set_color("#888888")
    return twin


def pareto_chart(data: ParetoData) -> Chart:
    """Root causes of countermeasures, most frequent first, with the cumulative share."""
    counts = sorted_counts(data)
    width = min(10.5, max(9.0, 1.1 + 1.05 * len(counts)))
    # Room under the bars for the longest cause name, wrapped to its bar's slot.
    slot = (width - 1.8) / max(len(counts), 1)
    lines = max(
        (
            fit_lines(c, slot - 0.12, size=SMALL_SIZE, max_lines=3).count("\n") + 1
            for c, _n in counts
        ),
        default=1,
    )
    plot_h, top_h, bottom_h = 3.2, 0.75, 0.35 + 0.18 * lines
    height = plot_h + top_h + bottom_h
    figure = new_figure(width, height)
    ax = figure.add_axes((0.9 / width, bottom_h / height, 1 - 1.8 / width, plot_h / height))
    ax.set_gid("pareto")
    draw_pareto(ax, data)
    title = truncate(data.title, 100)
    figure.text(
        0.9 / width,
        1 - 0.38 / height,
        fit_lines(title, width - 1.2, size=TITLE_SIZE, weight="bold", max_lines=1),
        fontsize=TITLE_SIZE,
        fontweight="bold",
        va="center",
    )
    if counts:
        total = sum(n for _c, n in counts)
        share = cumulative_percent(counts)
        top = next(i for i, pct in enumerate(share) if pct >= 80) + 1
        leaders = [f"{cause} {n}" for cause, n in counts[:3]]
        alt = (
            f"Pareto chart of {title}: {plural(total, 'countermeasure')} over "
            f"{plural(len(counts), 'root cause')}; most frequent: {join_codes(leaders)}; "
            f"the top {top} cover {share[top - 1]:.0f}%."
        )
    else:
        alt = f"Pareto chart of {title}: no countermeasures in the last 12 months."
    return Chart(figure=figure, alt_text=alt, filename=f"pareto-{slugify(title)}.png", title=title)
