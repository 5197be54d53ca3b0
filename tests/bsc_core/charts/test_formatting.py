"""compact_number and the other text helpers: they feed cells, axes, alt text and file names."""

from __future__ import annotations

import pytest

from bsc_core.charts.formatting import (
    compact_number,
    month_range,
    period_label,
    period_ticks,
    signed_number,
    slugify,
    truncate,
)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (None, "", "\u2013"),
        (float("nan"), "", "\u2013"),
        (0, "", "0"),
        (42, "", "42"),
        (3.14159, "", "3.14"),
        (42.54, "", "42.5"),
        (512.4, "", "512"),
        (1234, "", "1.2k"),
        (12_345, "", "12.3k"),
        (123_456, "", "123k"),
        (999_950, "", "1M"),
        (3_400_000, "", "3.4M"),
        (2_500_000_000, "", "2.5B"),
        (-1234, "", "-1.2k"),
        (-0.0, "", "0"),
        (97.5, "%", "97.5%"),
        (100, "%", "100%"),
        (-2.5, "%", "-2.5%"),
        (1_200_000, "$", "$1.2M"),
        (-1_200_000, "\u20ac", "-\u20ac1.2M"),
        (42, "pts", "42 pts"),
    ],
)
def test_compact_number(value: float | None, unit: str, expected: str) -> None:
    assert compact_number(value, unit) == expected


def test_signed_number_shows_plus_for_positive_only() -> None:
    assert signed_number(8, "pts") == "+8 pts"
    assert signed_number(-8) == "-8"
    assert signed_number(0) == "0"
    assert signed_number(None) == "\u2013"


def test_truncate_uses_an_ellipsis_only_when_cutting() -> None:
    assert truncate("Net Promoter Score", 40) == "Net Promoter Score"
    cut = truncate("Order cycle time from order to shipment", 12)
    assert len(cut) == 12 and cut.endswith("\u2026")


def test_slugify_and_periods() -> None:
    assert slugify("Acme Corp — Q4 / 2026!") == "acme-corp-q4-2026"
    assert slugify("???") == "chart"
    assert period_label("2026-03") == "Mar 2026"  # "Mar 26" reads as the 26th of March
    assert period_label("2026-W05") == "2026-W05"
    assert month_range(["2026-01", "2026-11"]) == "Jan\u2013Nov 2026"
    assert month_range(["2025-12", "2026-02"]) == "Dec 2025\u2013Feb 2026"


@pytest.mark.parametrize(
    ("periods", "labels"),
    [
        (["2025-12", "2026-01", "2026-02"], ["Dec\n2025", "Jan\n2026", "Feb"]),
        (["2026-W52", "2027-W01", "2027-W02"], ["W52\n2026", "W01\n2027", "W02"]),
        (["2026-Q3", "2026-Q4"], ["Q3\n2026", "Q4"]),
        (["2026-11-27", "2026-11-30"], ["27 Nov\n2026", "30 Nov"]),
        (["Shift A"], ["Shift A"]),
    ],
)
def test_period_ticks_put_the_year_on_a_second_line_where_it_changes(periods, labels) -> None:
    assert period_ticks(periods) == labels
