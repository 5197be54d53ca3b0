"""Pareto chart of countermeasure root causes: bars descending, cumulative % on a twin axis.

The point of a Pareto is "fix these few causes first", so bars are sorted largest first and
the cumulative line shows where 80% is reached. With more than ``MAX_BARS`` causes the tail
is merged into one "Other" bar at the end (the usual Pareto convention), because a bar per
rare cause is unreadable at Slack's preview size.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from .base import SMALL_SIZE, TEXT_SIZE, TITLE_SIZE, Chart, new_figure, style_axes
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
    ax: Axes, data: ParetoData, *, empty_message: str = EMPTY_MESSAGE, label_chars: int = 14
) -> Axes | None:
    """Draw into ``ax``; return the twin axis holding the cumulative line (None when empty).

    Bars get gid ``"bar:<cause>"``, the line ``"cumulative"``, the twin axis
    ``"<gid of ax>:cumulative"`` so it is not mistaken for a panel of its own.
    """
    counts = sorted_counts(data)
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
    xs = list(range(len(counts)))
    bars = ax.bar(xs, [n for _c, n in counts], color=ACTUAL_COLOUR, width=0.65, zorder=2)
    for bar, (cause, n) in zip(bars, counts, strict=True):
        bar.set_gid(f"bar:{cause}")
        ax.annotate(
            str(n),
            (bar.get_x() + bar.get_width() / 2, n),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=SMALL_SIZE,
            color=TEXT_COLOUR,
        )
    rotate = len(counts) > 4
    ax.set_xticks(
        xs,
        [truncate(cause, label_chars) for cause, _n in counts],
        rotation=30 if rotate else 0,
        ha="right" if rotate else "center",
        rotation_mode="anchor",
    )
    ax.set_ylabel("Count", fontsize=SMALL_SIZE)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}"))
    ax.set_ylim(0, max(n for _c, n in counts) * 1.18)

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
    twin.set_ylim(0, 108)
    twin.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    twin.set_yticks([0, 20, 40, 60, 80, 100])
    twin.tick_params(labelsize=SMALL_SIZE)
    twin.spines["top"].set_visible(False)
    twin.spines["right"].set_color("#888888")
    return twin


def pareto_chart(data: ParetoData) -> Chart:
    """Root causes of countermeasures, most frequent first, with the cumulative share."""
    figure = new_figure(9, 5.2)
    ax = figure.add_axes((0.1, 0.26, 0.8, 0.6))
    ax.set_gid("pareto")
    draw_pareto(ax, data, label_chars=18)
    title = truncate(data.title, 70)
    figure.text(0.1, 0.94, title, fontsize=TITLE_SIZE, fontweight="bold", va="center")
    counts = sorted_counts(data)
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
