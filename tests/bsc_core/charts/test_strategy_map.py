"""Strategy map: a box per objective in its worst status, an arrow per link, bands in order."""

from __future__ import annotations

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from bsc_core.charts.data import StrategyMapData
from bsc_core.charts.palette import STATUS_STYLE
from bsc_core.charts.strategy import arc_points, route_bend, strategy_map

from . import awkward
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


def _crossings(chart) -> list[str]:
    """Links whose drawn path passes over a box that is neither its driver nor its driven."""
    ax = axes_by_gid(chart.figure, "strategy-map")
    chart.figure.canvas.draw()
    boxes = patches_with_prefix(ax, "objective:")
    crossings = []
    for arrow in ax.patches:
        gid = arrow.get_gid() or ""
        if not gid.startswith("link:"):
            continue
        driver, driven = gid[len("link:") :].split("->")
        points = [p for polygon in arrow.get_path().to_polygons() for p in polygon]
        for code, box in boxes.items():
            if code in (driver, driven):
                continue
            x0, y0 = box.get_x(), box.get_y()
            x1, y1 = x0 + box.get_width(), y0 + box.get_height()
            if any(x0 < x < x1 and y0 < y < y1 for x, y in points):
                crossings.append(f"{gid} passes under {code}")
    return crossings


def test_arrows_do_not_pass_under_other_objectives() -> None:
    chart = strategy_map(awkward.strategy_skipping_band())
    assert _crossings(chart) == []


def test_an_arrow_bends_around_a_box_between_its_ends() -> None:
    data = awkward.strategy_skipping_band()
    # F1 above C1 above P1 in one column: straight, P1 -> F1 would run under C1.
    chart = strategy_map(
        StrategyMapData(data.title, data.perspectives, data.objectives, [("P1", "F1")])
    )
    ax = axes_by_gid(chart.figure, "strategy-map")
    boxes = patches_with_prefix(ax, "objective:")
    centre = {
        code: (box.get_x() + box.get_width() / 2, box.get_y() + box.get_height() / 2)
        for code, box in boxes.items()
    }
    straight = arc_points(centre["P1"], centre["F1"], 0.0)
    c1 = boxes["C1"]
    assert any(
        c1.get_x() < x < c1.get_x() + c1.get_width() and c1.get_y() < y < c1.get_y() + 0.85
        for x, y in straight
    )
    others = [box for code, box in boxes.items() if code not in ("P1", "F1")]
    assert route_bend(centre["P1"], centre["F1"], others, same_row=False) != 0.0
    assert _crossings(chart) == []


def test_names_on_hatched_red_boxes_sit_on_a_white_plate() -> None:
    chart = strategy_map(awkward.strategy_skipping_band())
    ax = axes_by_gid(chart.figure, "strategy-map")
    chart.figure.canvas.draw()
    name = next(t for t in ax.texts if t.get_text() == "Run lean operations")
    plate = name.get_bbox_patch()
    assert plate is not None and hex_of(plate.get_facecolor()) == "#ffffff"
    green = next(t for t in ax.texts if t.get_text() == "Delight our customers")
    assert green.get_bbox_patch() is None  # no plate where there is no hatching to fight
