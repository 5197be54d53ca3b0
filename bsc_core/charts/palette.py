"""Status colours, letters, markers and hatches, in one place.

The colours come from the Okabe-Ito palette, which stays distinguishable for the common
forms of colour blindness. Colour is never the only signal: every status also has a letter
drawn in cells, a marker shape in line charts and, for red, a hatch, so a greyscale print
or a screen reader's alt text loses nothing. This module does not import matplotlib.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class StatusStyle:
    """How one status is drawn; ``marker_filled`` False means a hollow marker."""

    colour: str
    letter: str
    marker: str
    hatch: str
    label: str
    marker_filled: bool = True
    text_colour: str = "#000000"


STATUS_STYLE: dict[str, StatusStyle] = {
    "green": StatusStyle("#009E73", "G", "o", "", "On target"),
    "amber": StatusStyle("#E69F00", "A", "^", "", "Within tolerance"),
    "red": StatusStyle("#D55E00", "R", "X", "///", "Off target"),
    "missing": StatusStyle("#999999", "M", "o", "", "Missing actual", marker_filled=False),
    "no_target": StatusStyle("#DDDDDD", "\u2013", "D", "", "No target"),
}

#: Drawing for an objective or cell with no status at all (neutral, clearly not a RAG colour).
NEUTRAL_STYLE = StatusStyle("#FFFFFF", "", "o", "", "No status", marker_filled=False)

#: Okabe-Ito blue for the actual line and bars: no status colour, so it is never misread as one.
ACTUAL_COLOUR = "#0072B2"
TARGET_COLOUR = "#000000"
GRID_COLOUR = "#E5E5E5"
BAND_COLOURS = ("#F2F2F2", "#FAFAFA")
TEXT_COLOUR = "#1A1A1A"
MUTED_TEXT = "#555555"
EDGE_COLOUR = "#FFFFFF"
HATCH_COLOUR = "#FFFFFF"
#: Overdue actions: the red status colour is too light for text, so a darker shade of it.
OVERDUE_COLOUR = "#A33F00"

#: Worst first: a red KPI outranks everything; a missing actual outranks green because
#: unknown is not good news; "no_target" only beats having no status at all.
SEVERITY: tuple[str, ...] = ("red", "amber", "missing", "green", "no_target")


def status_style(status: str | None) -> StatusStyle:
    """Style for a status, with the neutral style for None (no KPI status yet)."""
    if status is None:
        return NEUTRAL_STYLE
    try:
        return STATUS_STYLE[status]
    except KeyError:
        raise ValueError(f"unknown status {status!r}") from None


def worst_status(statuses: Iterable[str | None]) -> str | None:
    """The most severe status of several (e.g. an objective's KPIs), None if none is set."""
    present = {s for s in statuses if s is not None}
    for status in SEVERITY:
        if status in present:
            return status
    return None
