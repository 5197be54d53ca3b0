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
    _log(line, rows)
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


def test_an_hour_logged_outside_the_shift_counts_in_the_day_but_has_no_plan(line) -> None:  # type: ignore[no-untyped-def]
    up1 = _up1(line)
    _log(line, "UP1,2026-10-30T07,100\nUP1,2026-10-30T20,50\n")
    with line.read() as session:
        history = load_history(session, [up1])
    day = daily_status(up1, history, date(2026, 10, 30))
    assert (day.actual, day.target) == (150, 800)


def _pace(store, now: datetime) -> str:  # type: ignore[no-untyped-def]
    from commands.kpi_charts import pace_reply
    from commands.kpi_parser import Pace
    from commands.reply import Caller
    from tests.factories import OWNER

    return pace_reply(Pace("UP1"), store=store, caller=Caller(OWNER), now=now).text


def test_pace_on_a_sunday_says_there_is_no_plan_and_shows_fridays(line) -> None:  # type: ignore[no-untyped-def]
    _log(line, "UP1,2026-11-27T07,110\nUP1,2026-11-27T08,85\n")
    text = _pace(line, datetime(2026, 11, 29, 11, 0))
    assert text.startswith("There is no plan today: it is not a working day.")
    assert "on the last working day, Friday 27 November: 195 against a plan of 800" in text
    assert "missing" not in text.split("\n")[1]  # Friday's hours are over: 07:00 is shown


def test_pace_on_a_working_day_is_todays(line) -> None:  # type: ignore[no-untyped-def]
    _log(line, "UP1,2026-11-23T07,110\n")
    text = _pace(line, datetime(2026, 11, 23, 8, 30))
    assert "today: 110 against a plan of 100" in text


def test_the_huddle_shows_the_previous_working_day_of_the_lines_calendar(store) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from bsc_core.models import Scorecard
    from bsc_core.reports.huddle import build_huddle

    import_docs(
        store,
        scorecard(
            kpi("UP1", frequency="hourly", target=100, hours="07:00-09:00"),
            calendar={"days": "mon-fri", "holidays": ["2026-11-27"]},  # Friday off
        ),
    )
    _log(store, "UP1,2026-11-26T07,90\nUP1,2026-11-26T08,100\n")
    with store.read() as session:
        card_id = session.exec(select(Scorecard.id)).one()
        data = build_huddle(session, scorecard_id=card_id, day=date(2026, 11, 30))
    [total] = data.hourly
    assert (total.day, total.actual, total.plan) == (date(2026, 11, 26), 190, 200)
