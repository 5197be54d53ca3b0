"""Readability checks on a drawn figure: no two texts overlap, no text is cut off.

A chart can pass every structural test and still be unreadable: week labels that run into
each other, a title that leaves the image, an owner's name printed over the due date. These
checks draw the figure and compare the window extent of every text matplotlib actually drew
(tick labels, legend entries, titles, annotations), so a layout regression fails a test
instead of reaching a review meeting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

#: Pixels two extents may share before they count as overlapping: anti-aliasing, not text.
TOLERANCE = 1.0


@dataclass(frozen=True)
class DrawnText:
    """A text as it was drawn: its string, its extent in pixels and the Axes that holds it."""

    text: str
    extent: Bbox
    owner: Axes | None
    in_axes_texts: bool

    def __str__(self) -> str:
        box = self.extent
        return f"{self.text!r} at x {box.x0:.0f}-{box.x1:.0f}, y {box.y0:.0f}-{box.y1:.0f} px"


@contextmanager
def _recording(drawn: list[tuple[Text, RendererBase]]) -> Iterator[None]:
    """Record each Text that really draws (ticks outside the view and empty strings do not)."""
    original: Callable[..., None] = Text.draw

    def draw(self: Text, renderer: RendererBase) -> None:
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            drawn.append((self, renderer))

    Text.draw = draw  # type: ignore[method-assign]
    try:
        yield
    finally:
        Text.draw = original  # type: ignore[method-assign]


def drawn_texts(figure: Figure) -> list[DrawnText]:
    """Draw ``figure`` and return every text drawn, with its window extent."""
    drawn: list[tuple[Text, RendererBase]] = []
    with _recording(drawn):
        figure.canvas.draw()
    found: list[DrawnText] = []
    seen: set[int] = set()
    for text, renderer in drawn:
        if id(text) in seen:
            continue
        seen.add(id(text))
        owner = text.axes
        found.append(
            DrawnText(
                text=text.get_text(),
                extent=text.get_window_extent(renderer=renderer),
                owner=owner,
                in_axes_texts=owner is not None and text in owner.texts,
            )
        )
    return found


def _overlap(a: Bbox, b: Bbox) -> bool:
    return (
        min(a.x1, b.x1) - max(a.x0, b.x0) > TOLERANCE
        and min(a.y1, b.y1) - max(a.y0, b.y0) > TOLERANCE
    )


def _inside(inner: Bbox, outer: Bbox) -> bool:
    return (
        inner.x0 >= outer.x0 - TOLERANCE
        and inner.x1 <= outer.x1 + TOLERANCE
        and inner.y0 >= outer.y0 - TOLERANCE
        and inner.y1 <= outer.y1 + TOLERANCE
    )


def layout_problems(figure: Figure) -> list[str]:
    """Every overlap and overflow in ``figure``, in words (empty when the chart reads cleanly).

    A text placed with ``ax.text``/``ax.annotate`` must stay inside its Axes (where it would
    be clipped or run into a neighbour); every text must stay inside the figure; no two
    texts may overlap.
    """
    texts = drawn_texts(figure)
    page = figure.bbox
    problems: list[str] = []
    for item in texts:
        if not _inside(item.extent, page):
            problems.append(f"leaves the figure: {item}")
        elif item.in_axes_texts and item.owner is not None:
            if not _inside(item.extent, item.owner.bbox):
                problems.append(f"leaves its axes ({item.owner.get_gid()}): {item}")
    for i, first in enumerate(texts):
        for second in texts[i + 1 :]:
            if _overlap(first.extent, second.extent):
                problems.append(f"overlap: {first} and {second}")
    return problems


def assert_readable(figure: Figure) -> None:
    """Fail with the list of problems when any text overlaps another or is cut off."""
    problems = layout_problems(figure)
    assert not problems, "chart is not readable:\n  " + "\n  ".join(problems)
