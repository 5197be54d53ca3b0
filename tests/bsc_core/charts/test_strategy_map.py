"""Strategy map: a box per objective in its worst status, an arrow per link, bands in order."""

from __future__ import annotations

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from bsc_core.charts.palette import STATUS_STYLE
from bsc_core.charts.strategy import strategy_map

from .helpers import axes_by_gid, hex_of, patches_with_prefix, texts
from .samples import strategy_data


def test_one_box_per_objective_coloured_by_worst_status() -> None:
    chart = strategy_map(strategy_data())
    ax = axes_by_gid(chart.figure, "strategy-map")
    boxes = patches_with_prefix(ax, "objective:")
    assert set(boxes) == {"F1", "F2", "C1", "C2", "P1", "P2", "L1"}
    assert all(isinstance(box, FancyBboxPatch) for box in boxes.values())
    assert hex_of(boxes["C1"].get_facecolor()) == STATUS_STYLE["red"].colour.lower()
    assert boxes["C1"].get_hatch()
    assert hex_of(boxes["C2"].get_facecolor()) == STATUS_STYLE["amber"].colour.lower()
    assert hex_of(boxes["L1"].get_facecolor()) == "#ffffff"  # no status: neutral
    letters = {
        t.get_gid().split(":", 1)[1]: t.get_text()
        for t in ax.texts
        if (t.get_gid() or "").startswith("objective-letter:")
    }
    assert letters["C1"] == "R" and letters["P1"] == "M" and "L1" not in letters


def test_one_arrow_per_link_and_unknown_links_skipped() -> None:
    data = strategy_data()
    data.links.append(("L1", "NOPE"))
    ax = axes_by_gid(strategy_map(data).figure, "strategy-map")
    arrows = patches_with_prefix(ax, "link:")
    assert len(arrows) == len(data.links) - 1
    assert all(isinstance(a, FancyArrowPatch) for a in arrows.values())
    assert "L1->P1" in arrows


def test_bands_follow_the_given_order_top_to_bottom() -> None:
    chart = strategy_map(strategy_data())
    ax = axes_by_gid(chart.figure, "strategy-map")
    bands = patches_with_prefix(ax, "perspective:")
    order = sorted(bands, key=lambda name: bands[name].get_y())  # y grows downwards
    assert order == ["Financial", "Customer", "Internal Process", "Learning & Growth"]
    assert "2 red (Grow recurring revenue, Delight customers)" in chart.alt_text
    assert "Financial" in texts(chart.figure)
