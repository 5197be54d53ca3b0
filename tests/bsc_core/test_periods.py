"""Specification of reporting periods: text forms, ordering and arithmetic."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bsc_core.periods import (
    EXPECTED_FORM,
    Frequency,
    Period,
    PeriodError,
    latest_ended,
    looks_like_period,
    periods_between,
)

HOURLY, DAILY, WEEKLY, MONTHLY, QUARTERLY = (
    Frequency.HOURLY,
    Frequency.DAILY,
    Frequency.WEEKLY,
    Frequency.MONTHLY,
    Frequency.QUARTERLY,
)

# Keep generated periods clear of the supported range's edges so that
# next()/prev() stay in range.
days = st.dates(min_value=date(1901, 1, 1), max_value=date(9998, 12, 31))
moments = st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(9998, 12, 31))
frequencies = st.sampled_from(list(Frequency))


@st.composite
def periods(draw: st.DrawFn, frequency: Frequency | None = None) -> Period:
    chosen = frequency if frequency is not None else draw(frequencies)
    return Period.containing(chosen, draw(moments))


@st.composite
def canonical_texts(draw: st.DrawFn) -> str:
    """Canonical texts built independently of the code under test."""
    frequency = draw(frequencies)
    day = draw(days)
    if frequency is HOURLY:
        return f"{day.isoformat()}T{draw(st.integers(0, 23)):02d}"
    if frequency is DAILY:
        return day.isoformat()
    if frequency is WEEKLY:
        iso = day.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    if frequency is MONTHLY:
        return f"{day.year:04d}-{day.month:02d}"
    return f"{day.year:04d}-Q{draw(st.integers(1, 4))}"


# -- canonical text -------------------------------------------------------------

CANONICAL = [
    ("2026-11-23T14", HOURLY, date(2026, 11, 23), 14),
    ("2026-11-23", DAILY, date(2026, 11, 23), None),
    ("2026-W48", WEEKLY, date(2026, 11, 23), None),
    ("2026-11", MONTHLY, date(2026, 11, 1), None),
    ("2026-Q4", QUARTERLY, date(2026, 10, 1), None),
]


@pytest.mark.parametrize(("text", "frequency", "start", "hour"), CANONICAL)
def test_each_canonical_form_parses_to_its_frequency_and_start(
    text: str, frequency: Frequency, start: date, hour: int | None
) -> None:
    period = Period.parse(text)
    assert period == Period(frequency, start, hour)
    assert Period.parse(text, frequency) == period


@pytest.mark.parametrize(("text", "frequency", "start", "hour"), CANONICAL)
def test_str_text_and_format_all_give_the_canonical_form(
    text: str, frequency: Frequency, start: date, hour: int | None
) -> None:
    period = Period(frequency, start, hour)
    assert str(period) == period.text == format(period) == f"{period}" == text


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("  2026-11 \n", "2026-11"),
        ("2026-w48", "2026-W48"),
        ("2026-q4", "2026-Q4"),
        ("2026-11-23t14", "2026-11-23T14"),
    ],
)
def test_whitespace_and_lower_case_letters_are_accepted_and_normalised(
    text: str, canonical: str
) -> None:
    assert Period.parse(text).text == canonical


@given(periods())
def test_parsing_the_text_of_any_period_gives_it_back(period: Period) -> None:
    assert Period.parse(str(period)) == period
    assert Period.parse(str(period), period.frequency) == period


@given(canonical_texts())
def test_formatting_any_parsed_canonical_text_gives_it_back(text: str) -> None:
    assert str(Period.parse(text)) == text


def test_weekly_text_uses_the_iso_year_not_the_calendar_year() -> None:
    assert Period.containing(WEEKLY, date(2025, 12, 29)).text == "2026-W01"
    assert Period.containing(WEEKLY, date(2027, 1, 3)).text == "2026-W53"
    assert Period.parse("2026-W01").start_date == date(2025, 12, 29)


@pytest.mark.parametrize("year", [2004, 2009, 2015, 2020, 2026, 2032])
def test_week_53_exists_in_iso_years_that_have_it(year: int) -> None:
    period = Period.parse(f"{year}-W53")
    assert period.start_date == date.fromisocalendar(year, 53, 1)
    assert period.next().text == f"{year + 1}-W01"


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024, 2025, 2027])
def test_week_53_is_refused_in_iso_years_with_52_weeks(year: int) -> None:
    with pytest.raises(PeriodError) as error:
        Period.parse(f"{year}-W53")
    assert EXPECTED_FORM[WEEKLY] in str(error.value)
    assert "52 weeks" in str(error.value)


# -- refused texts ----------------------------------------------------------------

MALFORMED = [
    ("2026-13", MONTHLY, "month 13"),
    ("2026-00", MONTHLY, "month 00"),
    ("2026-1", MONTHLY, "expected form"),
    ("2026-W54", WEEKLY, "week 54"),
    ("2026-W00", WEEKLY, "week 00"),
    ("2025-W53", WEEKLY, "52 weeks"),
    ("2026-W7", WEEKLY, "expected form"),
    ("2026-Q5", QUARTERLY, "quarter 5"),
    ("2026-Q0", QUARTERLY, "quarter 0"),
    ("2026-02-30", DAILY, "no day 30"),
    ("2026-04-31", DAILY, "no day 31"),
    ("2026-11-23T24", HOURLY, "hour 24"),
    ("2026-11-23T9", HOURLY, "expected form"),
    ("1899-12", MONTHLY, "year 1899"),
    ("0000-01-01", DAILY, "year 0"),
    ("10000-01", MONTHLY, "expected form"),
]


@pytest.mark.parametrize(("text", "frequency", "problem"), MALFORMED)
def test_malformed_text_is_refused_naming_the_problem_and_the_expected_form(
    text: str, frequency: Frequency, problem: str
) -> None:
    for given_frequency in (None, frequency):
        with pytest.raises(PeriodError) as error:
            Period.parse(text, given_frequency)
        message = str(error.value)
        assert text in message
        assert problem in message
        assert EXPECTED_FORM[frequency] in message


@pytest.mark.parametrize("text", ["", "   ", "next month", "November", "2026/11", "٢٠٢٦-١١"])
def test_text_that_is_no_period_at_all_is_refused_listing_every_form(text: str) -> None:
    with pytest.raises(PeriodError) as error:
        Period.parse(text)
    for form in EXPECTED_FORM.values():
        assert form in str(error.value)


def test_a_period_of_another_frequency_is_refused_with_the_kpis_form() -> None:
    with pytest.raises(PeriodError) as error:
        Period.parse("2026-W48", MONTHLY)
    assert str(error.value) == (
        "2026-W48 is a weekly period, but this KPI is monthly: write it as YYYY-MM, e.g. 2026-11"
    )


@pytest.mark.parametrize("text", [row[0] for row in CANONICAL])
@pytest.mark.parametrize("kpi_frequency", list(Frequency))
def test_every_form_is_refused_for_every_other_frequency(
    text: str, kpi_frequency: Frequency
) -> None:
    actual = Period.parse(text).frequency
    if actual is kpi_frequency:
        return
    with pytest.raises(PeriodError) as error:
        Period.parse(text, kpi_frequency)
    message = str(error.value)
    assert f"is a {actual} period, but this KPI is {kpi_frequency}" in message
    assert EXPECTED_FORM[kpi_frequency] in message


def test_period_errors_are_value_errors() -> None:
    assert issubclass(PeriodError, ValueError)


def test_expected_forms_cover_every_frequency_with_an_example() -> None:
    assert set(EXPECTED_FORM) == set(Frequency)
    for frequency, form in EXPECTED_FORM.items():
        example = form.split("e.g. ")[1]
        assert Period.parse(example).frequency is frequency
    assert EXPECTED_FORM[MONTHLY] == "YYYY-MM, e.g. 2026-11"


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("2026-11", True),
        ("2026-13", True),
        ("2026-W99", True),
        ("2026-", True),
        (" 2026-11", True),
        ("2026", False),
        ("202-11", False),
        ("great month", False),
        ("12.5", False),
        ("", False),
    ],
)
def test_looks_like_period_means_four_digits_and_a_dash(token: str, expected: bool) -> None:
    assert looks_like_period(token) is expected


# -- construction ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "start", "hour"),
    [
        (MONTHLY, date(2026, 11, 2), None),
        (WEEKLY, date(2026, 11, 24), None),
        (QUARTERLY, date(2026, 11, 1), None),
        (MONTHLY, date(2026, 11, 1), 3),
        (HOURLY, date(2026, 11, 23), None),
        (HOURLY, date(2026, 11, 23), 24),
        (DAILY, date(1899, 12, 31), None),
    ],
)
def test_constructing_an_impossible_period_is_refused(
    frequency: Frequency, start: date, hour: int | None
) -> None:
    with pytest.raises(PeriodError):
        Period(frequency, start, hour)


# -- ordering -------------------------------------------------------------------


@given(frequencies.flatmap(lambda f: st.tuples(periods(f), periods(f))))
def test_ordering_follows_start_times(pair: tuple[Period, Period]) -> None:
    a, b = pair
    assert (a < b) == (a.start_local < b.start_local)
    assert (a <= b) == (a.start_local <= b.start_local)
    assert (a > b) == (a.start_local > b.start_local)
    assert (a >= b) == (a.start_local >= b.start_local)
    assert (a == b) == (a.start_local == b.start_local)


def test_sorted_orders_periods_of_one_frequency() -> None:
    texts = ["2026-11", "2025-12", "2026-01", "2026-10"]
    ordered = sorted(Period.parse(text) for text in texts)
    assert [p.text for p in ordered] == ["2025-12", "2026-01", "2026-10", "2026-11"]


def test_comparing_periods_of_different_frequencies_raises_type_error() -> None:
    with pytest.raises(TypeError):
        _ = Period.parse("2026-11") < Period.parse("2026-Q4")
    with pytest.raises(TypeError):
        sorted([Period.parse("2026-11"), Period.parse("2026-W48")])


def test_periods_of_different_frequencies_are_simply_unequal() -> None:
    assert Period.parse("2026-11-23") != Period.parse("2026-W48")


def test_periods_are_hashable_values() -> None:
    assert len({Period.parse("2026-11"), Period.parse(" 2026-11 ")}) == 1


# -- arithmetic -----------------------------------------------------------------


@given(periods())
def test_next_and_prev_are_inverse(period: Period) -> None:
    assert period.next().prev() == period
    assert period.prev().next() == period
    assert period.prev() < period < period.next()


@given(periods(), st.integers(-40, 40))
def test_shift_is_repeated_next_or_prev(period: Period, n: int) -> None:
    step = Period.next if n >= 0 else Period.prev
    expected = period
    for _ in range(abs(n)):
        expected = step(expected)
    assert period.shift(n) == expected
    assert period.shift(n).shift(-n) == period


@given(periods())
def test_consecutive_periods_touch_without_gap_or_overlap(period: Period) -> None:
    assert period.next().start_local == period.end_local
    if period.frequency is not HOURLY:
        assert period.next().start_date == period.end_date + timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "following", "preceding"),
    [
        ("2026-11-23T23", "2026-11-24T00", "2026-11-23T22"),
        ("2026-12-31T23", "2027-01-01T00", "2026-12-31T22"),
        ("2026-03-01T00", "2026-03-01T01", "2026-02-28T23"),
        ("2024-02-28", "2024-02-29", "2024-02-27"),
        ("2026-12-31", "2027-01-01", "2026-12-30"),
        ("2026-W53", "2027-W01", "2026-W52"),
        ("2025-W52", "2026-W01", "2025-W51"),
        ("2026-12", "2027-01", "2026-11"),
        ("2026-Q4", "2027-Q1", "2026-Q3"),
        ("2026-Q1", "2026-Q2", "2025-Q4"),
    ],
)
def test_next_and_prev_cross_day_week_and_year_boundaries(
    text: str, following: str, preceding: str
) -> None:
    period = Period.parse(text)
    assert period.next().text == following
    assert period.prev().text == preceding


def test_shifting_outside_the_supported_years_is_refused() -> None:
    with pytest.raises(PeriodError):
        Period.parse("9999-12").next()
    with pytest.raises(PeriodError):
        Period.parse("1900-01-01").prev()
    with pytest.raises(PeriodError):
        Period.parse("1900-W01").prev()


# -- extent -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-11-23T14", date(2026, 11, 23), date(2026, 11, 23)),
        ("2026-11-23", date(2026, 11, 23), date(2026, 11, 23)),
        ("2026-W48", date(2026, 11, 23), date(2026, 11, 29)),
        ("2026-W53", date(2026, 12, 28), date(2027, 1, 3)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("9999-Q4", date(9999, 10, 1), date(9999, 12, 31)),
    ],
)
def test_start_and_end_dates_are_inclusive(text: str, start: date, end: date) -> None:
    period = Period.parse(text)
    assert (period.start_date, period.end_date) == (start, end)


def test_an_hour_runs_from_its_start_to_the_next_hour_in_local_time() -> None:
    period = Period.parse("2026-11-23T14")
    assert period.start_local == datetime(2026, 11, 23, 14)
    assert period.end_local == datetime(2026, 11, 23, 15)
    late = Period.parse("2026-11-23T23")
    assert late.end_local == datetime(2026, 11, 24, 0)


@given(frequencies, moments)
def test_the_period_containing_a_moment_contains_it(frequency: Frequency, when: datetime) -> None:
    period = Period.containing(frequency, when)
    assert period.contains(when)
    assert period.contains(when.date())
    assert not period.next().contains(when)
    assert not period.prev().contains(when)


@given(frequencies.filter(lambda f: f is not HOURLY), days)
def test_the_period_containing_a_date_contains_it(frequency: Frequency, day: date) -> None:
    period = Period.containing(frequency, day)
    assert period.contains(day)
    assert period.start_date <= day <= period.end_date
    assert not period.next().contains(day)


def test_an_hourly_period_needs_a_datetime() -> None:
    with pytest.raises(TypeError):
        Period.containing(HOURLY, date(2026, 11, 23))


def test_an_hour_contains_only_the_moments_of_that_hour() -> None:
    period = Period.parse("2026-11-23T14")
    assert period.contains(datetime(2026, 11, 23, 14, 0))
    assert period.contains(datetime(2026, 11, 23, 14, 59, 59))
    assert not period.contains(datetime(2026, 11, 23, 15, 0))
    assert not period.contains(datetime(2026, 11, 23, 13, 59, 59))


# -- latest ended and ranges ------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "today", "expected"),
    [
        (DAILY, date(2026, 11, 23), "2026-11-22"),
        (DAILY, date(2027, 1, 1), "2026-12-31"),
        (WEEKLY, date(2026, 11, 23), "2026-W47"),
        (WEEKLY, date(2026, 11, 29), "2026-W47"),
        (WEEKLY, date(2026, 11, 30), "2026-W48"),
        (WEEKLY, date(2027, 1, 4), "2026-W53"),
        (MONTHLY, date(2026, 11, 1), "2026-10"),
        (MONTHLY, date(2026, 11, 30), "2026-10"),
        (MONTHLY, date(2027, 1, 1), "2026-12"),
        (QUARTERLY, date(2026, 12, 31), "2026-Q3"),
        (QUARTERLY, date(2027, 1, 1), "2026-Q4"),
        (HOURLY, datetime(2026, 11, 23, 14, 0), "2026-11-23T13"),
        (HOURLY, datetime(2026, 11, 23, 14, 59), "2026-11-23T13"),
        (HOURLY, datetime(2026, 11, 24, 0, 5), "2026-11-23T23"),
    ],
)
def test_latest_ended_is_the_last_period_already_over(
    frequency: Frequency, today: date, expected: str
) -> None:
    assert latest_ended(frequency, today).text == expected


@given(frequencies.filter(lambda f: f is not HOURLY), days)
def test_latest_ended_ends_before_today_and_its_successor_does_not(
    frequency: Frequency, today: date
) -> None:
    period = latest_ended(frequency, today)
    assert period.end_date < today
    assert period.next().end_date >= today


def test_periods_between_is_inclusive_and_ordered() -> None:
    first, last = Period.parse("2026-11"), Period.parse("2027-02")
    assert [p.text for p in periods_between(first, last)] == [
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
    ]
    assert periods_between(first, first) == [first]
    assert periods_between(last, first) == []


def test_periods_between_crosses_midnight_for_hours() -> None:
    texts = [
        p.text
        for p in periods_between(Period.parse("2026-11-23T22"), Period.parse("2026-11-24T01"))
    ]
    assert texts == ["2026-11-23T22", "2026-11-23T23", "2026-11-24T00", "2026-11-24T01"]


def test_periods_between_refuses_mixed_frequencies() -> None:
    with pytest.raises(TypeError):
        periods_between(Period.parse("2026-11"), Period.parse("2026-Q4"))
