"""Bowling chart structure: rows, columns, colours, hatches, letters, perspective bands."""

from __future__ import annotations

import pytest

from bsc_core.charts.bowling import bowling_chart
from bsc_core.charts.data import BowlingData
from bsc_core.charts.palette import STATUS_STYLE

from .helpers import axes_by_gid, hex_of, patches_with_prefix, texts
from .samples import MONTHS, bowling_data


@pytest.fixture(scope="module")
def chart():
    return bowling_chart(bowling_data())


def test_one_row_per_kpi_and_one_column_per_month(chart) -> None:
    data = bowling_data()
    ax = axes_by_gid(chart.figure, "bowling")
    row_labels = [t for t in ax.texts if (t.get_gid() or "").startswith("row:")]
    assert len(row_labels) == len(data.rows)
    cells = patches_with_prefix(ax, "cell:")
    blanks = patches_with_prefix(ax, "blank:")
    for row in data.rows:
        months = {key.split(":", 1)[1] for key in (*cells, *blanks) if key.startswith(row.code)}
        assert months == set(MONTHS)
    headers = [t for t in ax.texts if (t.get_gid() or "").startswith("month:")]
    assert len(headers) == len(MONTHS)


def test_cells_are_coloured_lettered_and_red_is_hatched(chart) -> None:
    ax = axes_by_gid(chart.figure, "bowling")
    cells = patches_with_prefix(ax, "cell:")
    letters = {
        t.get_gid()[len("letter:") :]: t.get_text()
        for t in ax.texts
        if (t.get_gid() or "").startswith("letter:")
    }
    checked = set()
    for row in bowling_data().rows:
        for cell in row.cells:
            key = f"{row.code}:{cell.month}"
            style = STATUS_STYLE[cell.status]
            patch = cells[key]
            assert hex_of(patch.get_facecolor()) == style.colour.lower()
            assert bool(patch.get_hatch()) == (cell.status == "red")
            assert letters[key] == style.letter
            checked.add(cell.status)
    assert checked == set(STATUS_STYLE)


def test_december_is_blank_and_perspectives_are_labelled(chart) -> None:
    ax = axes_by_gid(chart.figure, "bowling")
    blanks = patches_with_prefix(ax, "blank:")
    assert {key.split(":", 1)[1] for key in blanks} == {"2026-12"}
    all_texts = texts(chart.figure)
    for perspective in ("Financial", "Customer", "Internal Process", "Learning & Growth"):
        assert perspective in all_texts
    assert "1.2M" in all_texts and "97.5" in all_texts


def test_alt_text_and_filename_name_the_red_kpis(chart) -> None:
    assert chart.alt_text.startswith("Bowling chart of Acme Corp, Jan\u2013Nov 2026: 7 KPIs")
    assert "3 red in November (MRR, NPS, OTD)" in chart.alt_text
    assert chart.filename == "bowling-acme-corp-2026-11.png"


def test_long_names_are_truncated(chart) -> None:
    assert any(t.endswith("\u2026") and t.startswith("Order cycle") for t in texts(chart.figure))


def test_empty_scorecard_still_renders() -> None:
    chart = bowling_chart(BowlingData("Empty", ["2026-01"], []))
    assert chart.png().startswith(b"\x89PNG")
    assert "0 KPIs" in chart.alt_text
