"""Hourly KPIs: the hour a log goes to, working hours, the day's roll-up and the pace."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest

from bsc_core.board import KpiRef, load_history, load_kpis
from bsc_core.hours import working_moment
from bsc_core.imports.actuals_csv import read_actuals, write_actuals
from bsc_core.pace import daily_status, hours_of_day, last_working_day, pace_rows
from bsc_core.periods import Frequency, Period
from bsc_core.status import Status, reporting_period
from commands.log_actual import default_period
from tests.factories import import_docs, kpi, scorecard


@pytest.fixture
def line(store):  # type: ignore[no-untyped-def]
    import_docs(
        store,
        scorecard(
            kpi("UP1", frequency="hourly", target=100, amber="10%", hours="07:00-15:00"),
            timezone="Europe/London",
        ),
    )
    return store


def _up1(store) -> KpiRef:  # type: ignore[no-untyped-def]
    with store.read() as session:
        return load_kpis(session, codes=["UP1"])[0]


def _log(store, rows: str) -> None:  # type: ignore[no-untyped-def]
    with store.read() as session:
        parsed = read_actuals(session, io.StringIO("code,period,value\n" + rows))
    with store.write() as session:
        write_actuals(session, parsed, actor="test")


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 23, 14, 10), "2026-11-23T13"),  # within 15 minutes: the hour that ended
        (datetime(2026, 11, 23, 14, 15), "2026-11-23T14"),  # after the grace: the current hour
        (datetime(2026, 11, 24, 0, 5), "2026-11-23T23"),  # across midnight
        (datetime(2026, 3, 29, 2, 10), "2026-03-29T00"),  # spring forward: 01:xx never happened
        (datetime(2026, 10, 25, 3, 5), "2026-10-25T02"),  # after the autumn repeat
    ],
)
def test_an_hourly_log_without_period_goes_to_the_hour_by_the_grace_rule(
    line, now, expected
) -> None:  # type: ignore[no-untyped-def]
    assert str(default_period(_up1(line), now)) == expected


def test_working_hours_decide_which_hours_have_a_plan(line) -> None:  # type: ignore[no-untyped-def]
    hours = hours_of_day(_up1(line), date(2026, 11, 23))
    assert [p.hour for p in hours] == [7, 8, 9, 10, 11, 12, 13, 14]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (datetime(2026, 11, 23, 16, 10), "2026-11-23T14"),  # after the shift: its last hour
        (datetime(2026, 11, 23, 6, 0), "2026-11-20T14"),  # Monday before the shift: Friday's last
        (datetime(2026, 11, 22, 12, 0), "2026-11-20T14"),  # Sunday: Friday's last
        (datetime(2026, 11, 23, 10, 20), "2026-11-23T09"),  # mid-shift: the last hour due
    ],
)
def test_the_reporting_hour_is_a_working_hour(line, as_of, expected) -> None:  # type: ignore[no-untyped-def]
    up1 = _up1(line)
    logged = {"2026-11-23T09", "2026-11-20T14", "2026-11-23T14"}
    period = reporting_period(
        frequency=Frequency.HOURLY,
        as_of=working_moment(up1.hours, as_of),
        has_actual=lambda p: str(p) in logged,
    )
    assert str(period) == expected


def test_hourly_actuals_roll_up_into_the_days_total_against_its_plan(line) -> None:  # type: ignore[no-untyped-def]
    up1 = _up1(line)
    rows = "".join(
        f"UP1,2026-10-30T{h:02d},{v}\n"
        for h, v in zip(range(7, 15), [100, 90, 80, 100, 100, 100, 100, 50], strict=True)
    )
    _log(line, rows + "UP1,2026-10-30T20,999\n")  # an hour outside the shift does not count
    with line.read() as session:
        history = load_history(session, [up1])
    day = daily_status(up1, history, date(2026, 10, 30))
    assert (day.actual, day.target, day.status) == (720, 800, Status.AMBER)  # 10 % band edge
    assert day.period == Period(Frequency.DAILY, date(2026, 10, 30))
    assert last_working_day(Period.parse("2026-10")) == date(2026, 10, 30)  # 31st is a Saturday


def test_pace_is_the_cumulative_actual_against_the_cumulative_plan(line) -> None:  # type: ignore[no-untyped-def]
    up1 = _up1(line)
    _log(line, "UP1,2026-11-23T07,110\nUP1,2026-11-23T08,85\nUP1,2026-11-23T09,95\n")
    with line.read() as session:
        history = load_history(session, [up1])
    rows = pace_rows(up1, history, day=date(2026, 11, 23), now=datetime(2026, 11, 23, 10, 30))
    assert [(r.period.hour, r.status) for r in rows] == [
        (7, Status.GREEN),
        (8, Status.RED),
        (9, Status.AMBER),
    ]
    assert (rows[-1].cumulative_actual, rows[-1].cumulative_plan) == (290, 300)
