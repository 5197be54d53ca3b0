"""Specification of the status engine: colours, variances, due periods, changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from bsc_core.periods import Frequency, Period
from bsc_core.status import (
    DEFAULT_GRACE,
    DEFAULT_TOLERANCE,
    Direction,
    Status,
    StatusChange,
    Tolerance,
    due_date,
    evaluate,
    overdue_from,
    red_streak,
    reporting_period,
    status_changes,
    variance,
    variance_pct,
    worst,
)

UP, DOWN = Direction.UP, Direction.DOWN
GREEN, AMBER, RED = Status.GREEN, Status.AMBER, Status.RED
MISSING, NO_TARGET = Status.MISSING, Status.NO_TARGET
PCT5 = Tolerance("percent", Decimal(5))
ABS2 = Tolerance("absolute", Decimal(2))


# -- evaluate -------------------------------------------------------------------

COLOUR_RULES = [
    # direction up, 5 % of |100| = band 5: green >= 100, amber >= 95
    (UP, 100, PCT5, 120, GREEN),
    (UP, 100, PCT5, 100, GREEN),
    (UP, 100, PCT5, 99.99, AMBER),
    (UP, 100, PCT5, 95, AMBER),
    (UP, 100, PCT5, 94.99, RED),
    (UP, 100, PCT5, 0, RED),
    # direction down, band 5: green <= 100, amber <= 105
    (DOWN, 100, PCT5, 80, GREEN),
    (DOWN, 100, PCT5, 100, GREEN),
    (DOWN, 100, PCT5, 100.01, AMBER),
    (DOWN, 100, PCT5, 105, AMBER),
    (DOWN, 100, PCT5, 105.01, RED),
    # absolute band 2
    (UP, 50, ABS2, 50, GREEN),
    (UP, 50, ABS2, 48, AMBER),
    (UP, 50, ABS2, 47.99, RED),
    (DOWN, 50, ABS2, 50, GREEN),
    (DOWN, 50, ABS2, 52, AMBER),
    (DOWN, 50, ABS2, 52.01, RED),
    # target 0: a percent band is 0 wide, an absolute band still applies
    (UP, 0, PCT5, 0, GREEN),
    (UP, 0, PCT5, -0.01, RED),
    (DOWN, 0, PCT5, 0, GREEN),
    (DOWN, 0, PCT5, 0.01, RED),
    (UP, 0, ABS2, -2, AMBER),
    (UP, 0, ABS2, -2.01, RED),
    (DOWN, 0, ABS2, 2, AMBER),
    (DOWN, 0, ABS2, 2.01, RED),
    # negative targets: the band is a share of |T|, so it is 5 for T = -100
    (UP, -100, PCT5, -100, GREEN),
    (UP, -100, PCT5, -105, AMBER),
    (UP, -100, PCT5, -105.01, RED),
    (DOWN, -100, PCT5, -100, GREEN),
    (DOWN, -100, PCT5, -95, AMBER),
    (DOWN, -100, PCT5, -94.99, RED),
]


@pytest.mark.parametrize(("direction", "target", "tolerance", "actual", "expected"), COLOUR_RULES)
def test_actual_against_target_gives_green_amber_or_red(
    direction: Direction, target: float, tolerance: Tolerance, actual: float, expected: Status
) -> None:
    status = evaluate(actual=actual, target=target, direction=direction, tolerance=tolerance)
    assert status is expected


@pytest.mark.parametrize("actual", [95.0, 95, Decimal("95.0"), Decimal(95)])
def test_the_amber_boundary_is_exact_for_floats_ints_and_decimals(actual: float) -> None:
    assert evaluate(actual=actual, target=100.0, direction=UP) is AMBER
    assert (
        evaluate(actual=actual, target=90.0, direction=DOWN, tolerance=Tolerance.parse(5)) is AMBER
    )


def test_boundaries_binary_floats_would_miss_are_still_amber() -> None:
    # In floats 1.1 - 1.1 * 0.1 is 0.9900000000000001, which would make 0.99 red.
    ten_pct = Tolerance.parse("10%")
    assert evaluate(actual=0.99, target=1.1, direction=UP, tolerance=ten_pct) is AMBER
    assert evaluate(actual=0.98, target=1.1, direction=UP, tolerance=ten_pct) is RED
    assert evaluate(actual=1.21, target=1.1, direction=DOWN, tolerance=ten_pct) is AMBER


def test_default_tolerance_is_five_percent() -> None:
    assert DEFAULT_TOLERANCE == Tolerance("percent", Decimal(5))
    assert evaluate(actual=95, target=100, direction=UP) is AMBER
    assert evaluate(actual=94, target=100, direction=UP) is RED


def test_direction_may_be_given_as_its_stored_text() -> None:
    assert evaluate(actual=96, target=100, direction="up") is AMBER  # type: ignore[arg-type]
    assert evaluate(actual=96, target=100, direction="down") is GREEN  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("actual", "target", "expected"),
    [
        (None, 100, MISSING),
        (None, None, MISSING),
        (50, None, NO_TARGET),
        (0, None, NO_TARGET),
    ],
)
def test_missing_actual_beats_missing_target(
    actual: float | None, target: float | None, expected: Status
) -> None:
    for direction in Direction:
        assert evaluate(actual=actual, target=target, direction=direction) is expected


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("NaN"), True, "95"])
def test_non_numbers_are_refused_rather_than_coloured(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        evaluate(actual=bad, target=100, direction=UP)  # type: ignore[arg-type]


# -- variance ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "target", "difference", "percent"),
    [
        (95.0, 100, Decimal("-5.0"), Decimal("-5")),
        (110, 100, Decimal(10), Decimal(10)),
        (100, 100, Decimal(0), Decimal(0)),
        (-90, -100, Decimal(10), Decimal(10)),
        (-110, -100, Decimal(-10), Decimal(-10)),
        (5, 0, Decimal(5), None),
        (0.3, 0.1, Decimal("0.2"), Decimal(200)),
        (None, 100, None, None),
        (100, None, None, None),
        (None, None, None, None),
    ],
)
def test_variance_has_the_raw_sign_whatever_the_direction(
    actual: float | None,
    target: float | None,
    difference: Decimal | None,
    percent: Decimal | None,
) -> None:
    assert variance(actual, target) == difference
    assert variance_pct(actual, target) == percent


def test_variances_are_decimals() -> None:
    assert isinstance(variance(1.5, 1), Decimal)
    assert isinstance(variance_pct(1.5, 1), Decimal)


# -- tolerance --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kind", "amount", "text"),
    [
        ("5%", "percent", Decimal(5), "5%"),
        (" 7.5 % ", "percent", Decimal("7.5"), "7.5%"),
        ("0%", "percent", Decimal(0), "0%"),
        ("2", "absolute", Decimal(2), "2"),
        ("0.25", "absolute", Decimal("0.25"), "0.25"),
        ("2.50", "absolute", Decimal("2.5"), "2.5"),
        ("500", "absolute", Decimal(500), "500"),
        (2, "absolute", Decimal(2), "2"),
        (2.5, "absolute", Decimal("2.5"), "2.5"),
        (0.1, "absolute", Decimal("0.1"), "0.1"),
        (Decimal("3"), "absolute", Decimal(3), "3"),
        (None, "percent", Decimal(5), "5%"),
    ],
)
def test_tolerance_parses_percentages_and_absolute_amounts(
    given: str | float | Decimal | None, kind: str, amount: Decimal, text: str
) -> None:
    tolerance = Tolerance.parse(given)
    assert (tolerance.kind, tolerance.amount) == (kind, amount)
    assert str(tolerance) == text
    assert Tolerance.parse(str(tolerance)) == tolerance


@pytest.mark.parametrize(
    "given", ["-5%", "-1", -2, -0.5, "", "%", "five", "5%%", "5 percent", "nan", "inf", True]
)
def test_tolerance_refuses_negative_or_garbage_showing_the_accepted_forms(given: object) -> None:
    with pytest.raises(ValueError) as error:
        Tolerance.parse(given)  # type: ignore[arg-type]
    assert "amber must be a percentage like 5% or an absolute amount like 2" in str(error.value)


def test_tolerance_band_is_a_share_of_the_targets_size_or_a_fixed_amount() -> None:
    assert PCT5.band(Decimal(200)) == Decimal(10)
    assert PCT5.band(Decimal(-200)) == Decimal(10)
    assert PCT5.band(Decimal(0)) == Decimal(0)
    assert ABS2.band(Decimal(1000)) == Decimal(2)


def test_a_tolerance_cannot_be_built_negative() -> None:
    with pytest.raises(ValueError):
        Tolerance("absolute", Decimal(-1))
    with pytest.raises(ValueError):
        Tolerance("relative", Decimal(1))  # type: ignore[arg-type]


# -- reporting period ---------------------------------------------------------------


def _with_actuals(*texts: str) -> Callable[[Period], bool]:
    """A has_actual callback that knows actuals only for the given periods."""
    return lambda period: period.text in texts


def _nothing_logged(period: Period) -> bool:
    return False


REPORTING = [
    # frequency, as_of, periods with actuals, expected reporting period
    # monthly, grace 5 days: October is due after 5 November
    (Frequency.MONTHLY, date(2026, 10, 31), (), "2026-09"),
    (Frequency.MONTHLY, date(2026, 11, 1), (), "2026-09"),
    (Frequency.MONTHLY, date(2026, 11, 1), ("2026-10",), "2026-10"),
    (Frequency.MONTHLY, date(2026, 11, 5), (), "2026-09"),
    (Frequency.MONTHLY, date(2026, 11, 5), ("2026-10",), "2026-10"),
    (Frequency.MONTHLY, date(2026, 11, 6), (), "2026-10"),
    (Frequency.MONTHLY, date(2026, 11, 6), ("2026-10",), "2026-10"),
    (Frequency.MONTHLY, date(2027, 1, 5), (), "2026-11"),
    (Frequency.MONTHLY, date(2027, 1, 6), (), "2026-12"),
    # daily, grace 1 day: yesterday is due from the day after tomorrow
    (Frequency.DAILY, date(2026, 11, 23), (), "2026-11-21"),
    (Frequency.DAILY, date(2026, 11, 23), ("2026-11-22",), "2026-11-22"),
    (Frequency.DAILY, date(2026, 11, 24), (), "2026-11-22"),
    (Frequency.DAILY, date(2027, 1, 1), (), "2026-12-30"),
    (Frequency.DAILY, date(2027, 1, 1), ("2026-12-31",), "2026-12-31"),
    # weekly, grace 1 day, across the ISO year boundary (2026 has W53)
    (Frequency.WEEKLY, date(2027, 1, 4), (), "2026-W52"),
    (Frequency.WEEKLY, date(2027, 1, 4), ("2026-W53",), "2026-W53"),
    (Frequency.WEEKLY, date(2027, 1, 5), (), "2026-W53"),
    (Frequency.WEEKLY, date(2027, 1, 11), (), "2026-W53"),
    (Frequency.WEEKLY, date(2027, 1, 12), (), "2027-W01"),
    (Frequency.WEEKLY, date(2026, 1, 5), (), "2025-W52"),
    (Frequency.WEEKLY, date(2026, 1, 6), (), "2026-W01"),
    # quarterly, grace 10 days
    (Frequency.QUARTERLY, date(2027, 1, 1), (), "2026-Q3"),
    (Frequency.QUARTERLY, date(2027, 1, 10), (), "2026-Q3"),
    (Frequency.QUARTERLY, date(2027, 1, 10), ("2026-Q4",), "2026-Q4"),
    (Frequency.QUARTERLY, date(2027, 1, 11), (), "2026-Q4"),
    (Frequency.QUARTERLY, date(2026, 4, 11), (), "2026-Q1"),
    # hourly, grace 15 minutes
    (Frequency.HOURLY, datetime(2026, 11, 23, 15, 0), (), "2026-11-23T13"),
    (Frequency.HOURLY, datetime(2026, 11, 23, 15, 14, 59), (), "2026-11-23T13"),
    (Frequency.HOURLY, datetime(2026, 11, 23, 15, 14), ("2026-11-23T14",), "2026-11-23T14"),
    (Frequency.HOURLY, datetime(2026, 11, 23, 15, 15), (), "2026-11-23T14"),
    (Frequency.HOURLY, datetime(2026, 11, 23, 15, 59), (), "2026-11-23T14"),
    (Frequency.HOURLY, datetime(2026, 11, 24, 0, 10), (), "2026-11-23T22"),
    (Frequency.HOURLY, datetime(2026, 11, 24, 0, 15), (), "2026-11-23T23"),
]


@pytest.mark.parametrize(("frequency", "as_of", "logged", "expected"), REPORTING)
def test_reporting_period_waits_for_the_grace_unless_the_actual_is_in(
    frequency: Frequency, as_of: date, logged: tuple[str, ...], expected: str
) -> None:
    period = reporting_period(frequency=frequency, as_of=as_of, has_actual=_with_actuals(*logged))
    assert period.text == expected


def test_reporting_period_uses_an_explicit_grace() -> None:
    period = reporting_period(
        frequency=Frequency.MONTHLY,
        as_of=date(2026, 11, 1),
        has_actual=_nothing_logged,
        grace=timedelta(0),
    )
    assert period.text == "2026-10"
    period = reporting_period(
        frequency=Frequency.MONTHLY,
        as_of=date(2026, 11, 20),
        has_actual=_nothing_logged,
        grace=timedelta(days=20),
    )
    assert period.text == "2026-09"


def test_reporting_period_does_not_ask_for_actuals_once_the_grace_is_over() -> None:
    asked: list[Period] = []

    def has_actual(period: Period) -> bool:
        asked.append(period)
        return False

    reporting_period(frequency=Frequency.MONTHLY, as_of=date(2026, 11, 6), has_actual=has_actual)
    assert asked == []


def test_hourly_reporting_period_needs_a_datetime() -> None:
    with pytest.raises(TypeError):
        reporting_period(
            frequency=Frequency.HOURLY, as_of=date(2026, 11, 23), has_actual=_nothing_logged
        )


def test_default_grace_per_frequency() -> None:
    assert DEFAULT_GRACE == {
        Frequency.HOURLY: timedelta(minutes=15),
        Frequency.DAILY: timedelta(days=1),
        Frequency.WEEKLY: timedelta(days=1),
        Frequency.MONTHLY: timedelta(days=5),
        Frequency.QUARTERLY: timedelta(days=10),
    }


@pytest.mark.parametrize(
    ("text", "grace", "last_on_time_day"),
    [
        ("2026-10", None, date(2026, 11, 5)),
        ("2026-10", timedelta(0), date(2026, 10, 31)),
        ("2026-11-22", None, date(2026, 11, 23)),
        ("2026-W53", None, date(2027, 1, 4)),
        ("2026-Q4", None, date(2027, 1, 10)),
        ("2026-11-23T14", None, date(2026, 11, 23)),
        ("2026-11-23T23", None, date(2026, 11, 24)),
    ],
)
def test_due_date_is_the_last_day_a_missing_actual_is_on_time(
    text: str, grace: timedelta | None, last_on_time_day: date
) -> None:
    assert due_date(Period.parse(text), grace) == last_on_time_day


def test_overdue_from_is_the_end_of_the_period_plus_grace() -> None:
    assert overdue_from(Period.parse("2026-10")) == datetime(2026, 11, 6)
    assert overdue_from(Period.parse("2026-11-23T14")) == datetime(2026, 11, 23, 15, 15)


# -- red streak -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "streak"),
    [
        ([], 0),
        ([GREEN], 0),
        ([RED], 1),
        ([RED, RED, RED], 3),
        ([RED, RED, GREEN], 0),
        ([GREEN, RED, RED], 2),
        ([RED, AMBER, RED, RED], 2),
        ([RED, MISSING, RED], 1),
        ([RED, RED, MISSING], 0),
    ],
)
def test_red_streak_counts_consecutive_reds_up_to_the_newest(
    statuses: list[Status], streak: int
) -> None:
    assert red_streak(statuses) == streak


# -- status changes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        (GREEN, RED, "went_red"),
        (AMBER, RED, "went_red"),
        (MISSING, RED, "went_red"),
        (NO_TARGET, RED, "went_red"),
        (None, RED, "went_red"),
        (RED, GREEN, "recovered"),
        (RED, AMBER, "recovered"),
        (MISSING, GREEN, "newly_logged"),
        (MISSING, AMBER, "newly_logged"),
        (None, GREEN, "newly_logged"),
        (None, AMBER, "newly_logged"),
        (RED, RED, None),
        (RED, MISSING, None),
        (RED, NO_TARGET, None),
        (GREEN, AMBER, None),
        (AMBER, GREEN, None),
        (GREEN, GREEN, None),
        (MISSING, MISSING, None),
        (MISSING, NO_TARGET, None),
        (NO_TARGET, GREEN, None),
        (GREEN, MISSING, None),
    ],
)
def test_each_transition_is_announced_as_at_most_one_kind(
    before: Status | None, after: Status, kind: str | None
) -> None:
    old = {} if before is None else {"K1": before}
    changes = status_changes(old, {"K1": after})
    expected = [] if kind is None else [StatusChange("K1", before, after, kind)]  # type: ignore[arg-type]
    assert changes == expected


def test_status_changes_are_grouped_by_kind_then_sorted_by_code() -> None:
    before = {
        "F2": GREEN,
        "C1": RED,
        "F1": AMBER,
        "P1": MISSING,
        "A1": RED,
        "L1": GREEN,
    }
    after = {
        "F2": RED,
        "C1": GREEN,
        "F1": RED,
        "P1": AMBER,
        "A1": AMBER,
        "L1": GREEN,
        "N1": GREEN,
    }
    changes = status_changes(before, after)
    assert [(c.kind, c.code) for c in changes] == [
        ("went_red", "F1"),
        ("went_red", "F2"),
        ("recovered", "A1"),
        ("recovered", "C1"),
        ("newly_logged", "N1"),
        ("newly_logged", "P1"),
    ]


def test_kpis_gone_from_the_new_snapshot_are_not_announced() -> None:
    assert status_changes({"OLD": RED}, {}) == []


# -- worst ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], None),
        ([NO_TARGET], NO_TARGET),
        ([NO_TARGET, GREEN], GREEN),
        ([GREEN, AMBER, NO_TARGET], AMBER),
        ([AMBER, MISSING, GREEN], MISSING),
        ([MISSING, RED, AMBER], RED),
        ([GREEN, GREEN], GREEN),
    ],
)
def test_worst_picks_red_over_missing_over_amber_over_green_over_no_target(
    statuses: list[Status], expected: Status | None
) -> None:
    assert worst(statuses) == expected
    assert worst(reversed(statuses)) == expected
    assert worst(iter(statuses)) == expected
