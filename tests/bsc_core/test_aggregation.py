"""Aggregation over time: each kind, gaps, the ISO-week rule, hours into days, coverage."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bsc_core.aggregation import (
    Aggregate,
    Coverage,
    ViewPeriod,
    aggregate_figure,
    combine,
    default_aggregate,
    latest_within,
    parse_view_period,
    periods_within,
)
from bsc_core.calendar import WorkCalendar
from bsc_core.periods import Frequency, Period, PeriodError

D = Decimal


@pytest.mark.parametrize(
    ("how", "values", "expected"),
    [
        ("sum", [1, 2, 3], D(6)),
        ("average", [1, 2, 3, 4], D("2.5")),
        ("last", [5, 1, 3], D(3)),
        ("min", [5, 1, 3], D(1)),
        ("max", [5, 1, 3], D(5)),
        ("sum", [], None),
        ("average", [], None),
    ],
)
def test_each_kind_combines_values(how: str, values: list[int], expected: Decimal | None) -> None:
    assert combine([D(v) for v in values], Aggregate(how)) == expected


def test_hourly_kpis_add_up_by_default_and_the_rest_average() -> None:
    assert default_aggregate(Frequency.HOURLY) is Aggregate.SUM
    for frequency in (Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY):
        assert default_aggregate(frequency) is Aggregate.AVERAGE


@pytest.mark.parametrize(
    ("month", "weeks"),
    [
        ("2026-10", ["2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44"]),
        ("2026-11", ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]),
        # 2026-12-31 is a Thursday: week 53 of 2026 belongs to December 2026
        ("2026-12", ["2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"]),
        # so January 2027 starts with week 1 of 2027 (Monday 4 January)
        ("2027-01", ["2027-W01", "2027-W02", "2027-W03", "2027-W04"]),
    ],
)
def test_a_week_belongs_to_the_month_of_its_thursday(month: str, weeks: list[str]) -> None:
    found = periods_within(Frequency.WEEKLY, parse_view_period(month))
    assert [p.text for p in found] == weeks


def test_a_week_belongs_to_the_year_of_its_thursday() -> None:
    weeks_2026 = periods_within(Frequency.WEEKLY, parse_view_period("2026"))
    assert weeks_2026[0].text == "2026-W01" and weeks_2026[-1].text == "2026-W53"
    assert len(weeks_2026) == 53
    # 2025-12-29 (week 1 of 2026) lies in December 2025 but belongs to January 2026
    assert "2026-W01" in [
        p.text for p in periods_within(Frequency.WEEKLY, parse_view_period("2026-01"))
    ]


def test_hours_belong_to_their_local_day() -> None:
    hours = periods_within(Frequency.HOURLY, parse_view_period("2026-11-23"))
    assert hours[0].text == "2026-11-23T00" and hours[-1].text == "2026-11-23T23"
    assert len(hours) == 24


def test_days_of_a_month_and_months_of_a_quarter() -> None:
    assert len(periods_within(Frequency.DAILY, parse_view_period("2026-02"))) == 28
    months = periods_within(Frequency.MONTHLY, parse_view_period("2026-Q3"))
    assert [m.text for m in months] == ["2026-07", "2026-08", "2026-09"]


def test_a_longer_kpi_shows_its_latest_period_ended_by_the_view() -> None:
    assert latest_within(Frequency.QUARTERLY, parse_view_period("2026-10")).text == "2026-Q3"
    assert latest_within(Frequency.QUARTERLY, parse_view_period("2026-12")).text == "2026-Q4"
    assert latest_within(Frequency.MONTHLY, parse_view_period("2026-W44")).text == "2026-10"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", "month 13 does not exist"),
        ("Oct 2026", "YYYY-MM, e.g. 2026-11"),
        ("", "yearly: YYYY"),
        ("2026-W54", "weeks are W01..W53"),
    ],
)
def test_a_bad_view_period_gets_the_expected_forms(text: str, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        parse_view_period(text)


def _figure(how: str, actuals: dict[str, float], targets: float = 0.0, *, calendar=None):  # type: ignore[no-untyped-def]
    calendar = calendar or WorkCalendar()
    days = periods_within(Frequency.DAILY, parse_view_period("2026-10"))
    return aggregate_figure(
        days,
        how=Aggregate(how),
        actual_of=lambda p: D(str(actuals[p.text])) if p.text in actuals else None,
        target_of=lambda p: D(str(targets)),
        is_working=calendar.is_working,
    )


def test_a_sum_over_a_month_counts_every_incident_and_sums_working_day_targets() -> None:
    figure = _figure("sum", {"2026-10-15": 1, "2026-10-30": 0}, targets=1)
    assert figure.actual == D(1)
    assert figure.target == D(22)  # 22 working days in October 2026
    assert figure.coverage == Coverage(have=2, due=22)


def test_an_average_ignores_the_gaps_and_coverage_shows_them() -> None:
    figure = _figure("average", {"2026-10-01": 2, "2026-10-02": 4}, targets=3)
    assert figure.actual == D(3)
    assert figure.target == D(3)
    assert figure.coverage == Coverage(have=2, due=22)


def test_an_actual_on_a_day_off_counts_in_the_figure_never_in_due() -> None:
    figure = _figure("sum", {"2026-10-03": 5}, targets=1)  # a Saturday
    assert figure.actual == D(5)
    assert figure.coverage == Coverage(have=0, due=22)


def test_last_reads_the_latest_actual() -> None:
    figure = _figure("last", {"2026-10-01": 10, "2026-10-20": 12}, targets=11)
    assert figure.actual == D(12)
    assert figure.target == D(11)


def test_no_actual_at_all_has_no_figure() -> None:
    figure = _figure("max", {}, targets=1)
    assert figure.actual is None
    assert figure.coverage == Coverage(have=0, due=22)


def test_periods_not_yet_ended_are_not_due() -> None:
    days = periods_within(Frequency.DAILY, parse_view_period("2026-11"))
    figure = aggregate_figure(
        days,
        how=Aggregate.SUM,
        actual_of=lambda p: D(1) if p.text == "2026-11-02" else None,
        target_of=lambda p: D(1),
        is_working=WorkCalendar().is_working,
        is_ended=lambda p: p < Period.parse("2026-11-05"),
    )
    assert figure.coverage == Coverage(have=1, due=3)  # 2, 3 and 4 November
    assert figure.target == D(3)


@given(st.integers(min_value=1901, max_value=2998), st.integers(min_value=1, max_value=53))
def test_every_iso_week_belongs_to_exactly_one_month_and_one_year(year: int, week: int) -> None:
    try:
        period = Period.parse(f"{year:04d}-W{week:02d}")
    except PeriodError:
        return  # a year without week 53
    thursday = period.start + timedelta(days=3)
    months = [
        m
        for m in (Period.containing(Frequency.MONTHLY, period.start).shift(n) for n in (-1, 0, 1))
        if period in periods_within(Frequency.WEEKLY, ViewPeriod.of(m))
    ]
    assert [m.text for m in months] == [f"{thursday.year:04d}-{thursday.month:02d}"]
    assert period in periods_within(Frequency.WEEKLY, ViewPeriod.year(thursday.year))


@given(st.lists(st.integers(min_value=-1000, max_value=1000), min_size=1, max_size=30))
def test_a_sum_is_the_average_times_the_count_and_min_last_max_are_values(
    values: list[int],
) -> None:
    numbers = [D(v) for v in values]
    total, mean = combine(numbers, Aggregate.SUM), combine(numbers, Aggregate.AVERAGE)
    assert total == sum(numbers)
    assert abs(total - mean * len(numbers)) < D("1e-20")  # type: ignore[operator]
    assert combine(numbers, Aggregate.MIN) <= combine(numbers, Aggregate.LAST)  # type: ignore[operator]
    assert combine(numbers, Aggregate.LAST) <= combine(numbers, Aggregate.MAX)  # type: ignore[operator]
