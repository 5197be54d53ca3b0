"""The palette: every status distinguishable without colour."""

from __future__ import annotations

from bsc_core.charts.data import STATUSES
from bsc_core.charts.palette import STATUS_STYLE, worst_status


def test_every_status_has_a_style_with_distinct_letter_and_marker() -> None:
    assert set(STATUS_STYLE) == set(STATUSES)
    letters = [s.letter for s in STATUS_STYLE.values()]
    assert len(set(letters)) == len(letters)
    shapes = [(s.marker, s.marker_filled) for s in STATUS_STYLE.values()]
    assert len(set(shapes)) == len(shapes)
    assert STATUS_STYLE["red"].hatch
    assert not STATUS_STYLE["missing"].marker_filled


def test_okabe_ito_colours() -> None:
    assert STATUS_STYLE["green"].colour == "#009E73"
    assert STATUS_STYLE["amber"].colour == "#E69F00"
    assert STATUS_STYLE["red"].colour == "#D55E00"


def test_worst_status() -> None:
    assert worst_status(["green", "amber", "red"]) == "red"
    assert worst_status(["green", "missing"]) == "missing"
    assert worst_status(["green", None]) == "green"
    assert worst_status([None, None]) is None
    assert worst_status([]) is None
