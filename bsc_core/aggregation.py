"""Aggregation over time: a KPI's own periods combined into a longer one, with coverage.

Each KPI says how its periods combine (``aggregate:``): flows add up (``sum``), rates average
(``average``), stocks are read at the end (``last``), and some teams want the ``min`` or
``max``. The target is combined by the same rule over the same periods, except that a ``sum``
adds only the targets of working periods (a day off has no plan). Which of a KPI's periods
lie within a longer one:

* hours and days belong to their local day;
* an ISO week belongs to the month, quarter and year that contain its Thursday, so each week
  is counted exactly once;
* months belong to their quarter and year.

**Coverage** tells the reader how much of the figure is there: of the due (working, ended)
periods within, how many have an actual. An actual logged on a non-working period counts in
the figure but never in ``due``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from bsc_core.periods import EXPECTED_FORM, Frequency, Period, PeriodError


class Aggregate(StrEnum):
    """How a KPI's periods combine into a longer one; the value is what the file says."""

    SUM = "sum"
    AVERAGE = "average"
    LAST = "last"
    MIN = "min"
    MAX = "max"


def default_aggregate(frequency: Frequency) -> Aggregate:
    """Hourly output adds up into the day (today's roll-up); everything else averages."""
    return Aggregate.SUM if Frequency(frequency) is Frequency.HOURLY else Aggregate.AVERAGE


def combine(values: Sequence[Decimal], how: Aggregate) -> Decimal | None:
    """The values (oldest first) combined by ``how``; ``None`` when there are none."""
    if not values:
        return None
    how = Aggregate(how)
    if how is Aggregate.SUM:
        return sum(values, Decimal(0))
    if how is Aggregate.AVERAGE:
        return sum(values, Decimal(0)) / len(values)
    if how is Aggregate.LAST:
        return values[-1]
    if how is Aggregate.MIN:
        return min(values)
    return max(values)


# -- the periods a view can be asked for -----------------------------------------------------

#: Frequencies from the shortest to the longest; a year is longer than all of them.
RANK: dict[Frequency, int] = {
    Frequency.HOURLY: 0,
    Frequency.DAILY: 1,
    Frequency.WEEKLY: 2,
    Frequency.MONTHLY: 3,
    Frequency.QUARTERLY: 4,
}
YEAR_RANK = 5
_YEAR = re.compile(r"(\d{4})", re.ASCII)
VIEW_FORMS = (
    "a period: "
    + "; ".join(f"{freq}: {form}" for freq, form in EXPECTED_FORM.items())
    + "; yearly: YYYY, e.g. 2026"
)


@dataclass(frozen=True)
class ViewPeriod:
    """The period a board is viewed at: any KPI period, or a calendar year (``2026``)."""

    text: str
    first: date
    last: date
    rank: int
    period: Period | None = None  # None for a year

    @classmethod
    def of(cls, period: Period) -> ViewPeriod:
        return cls(period.text, period.start_date, period.end_date, RANK[period.frequency], period)

    @classmethod
    def year(cls, year: int) -> ViewPeriod:
        return cls(f"{year:04d}", date(year, 1, 1), date(year, 12, 31), YEAR_RANK)

    @property
    def end_local(self) -> datetime:
        """The local moment the view period is over."""
        if self.period is not None:
            return self.period.end_local
        return datetime.combine(self.last + timedelta(days=1), time())

    def __str__(self) -> str:
        return self.text


def parse_view_period(text: str) -> ViewPeriod:
    """``2026-10``, ``2026-W44``, ``2026-Q3``, ``2026-11-02`` or ``2026``; else a clear error."""
    cleaned = text.strip()
    year = _YEAR.fullmatch(cleaned)
    if year is not None:
        number = int(year.group(1))
        if not 1900 <= number <= 9999:
            raise PeriodError(f"year {number} is outside 1900..9999; write {VIEW_FORMS}")
        return ViewPeriod.year(number)
    try:
        return ViewPeriod.of(Period.parse(cleaned))
    except PeriodError as error:
        if "is not a period" not in str(error):
            raise
        raise PeriodError(f"{cleaned or 'an empty text'} is not {VIEW_FORMS}") from None


def anchor(period: Period) -> date:
    """The day that decides which longer period ``period`` belongs to (a week's Thursday)."""
    if period.frequency is Frequency.WEEKLY:
        return period.start + timedelta(days=3)
    return period.start


def periods_within(frequency: Frequency, view: ViewPeriod) -> list[Period]:
    """The ``frequency`` periods that belong to ``view``, oldest first.

    Only meaningful for a frequency shorter than the view (or equal: the period itself).
    """
    frequency = Frequency(frequency)
    if frequency is Frequency.HOURLY:
        first = Period(Frequency.HOURLY, view.first, 0)
        last = Period(Frequency.HOURLY, view.last, 23)
    else:
        first = Period.containing(frequency, view.first - timedelta(days=3))
        last = Period.containing(frequency, view.last + timedelta(days=3))
    found: list[Period] = []
    cursor = first
    while cursor <= last:
        if view.first <= anchor(cursor) <= view.last:
            found.append(cursor)
        cursor = cursor.next()
    return found


def latest_within(frequency: Frequency, view: ViewPeriod) -> Period:
    """A KPI longer than the view: its latest period ended by the view's end (``2026-Q3``
    for a quarterly KPI in October's review), shown as itself, never as the view's."""
    after = view.last + timedelta(days=1)
    if frequency is Frequency.HOURLY:
        return Period.containing(frequency, datetime.combine(after, time())).prev()
    return Period.containing(frequency, after).prev()


# -- the aggregate figure --------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """How many due periods within have an actual, out of how many were due."""

    have: int
    due: int

    def as_json(self) -> dict[str, int]:
        return {"have": self.have, "due": self.due}


@dataclass(frozen=True)
class AggregateFigure:
    """A KPI over a longer period: combined actual and target, and coverage."""

    actual: Decimal | None
    target: Decimal | None
    coverage: Coverage


def aggregate_figure(
    periods: Sequence[Period],
    *,
    how: Aggregate,
    actual_of: Callable[[Period], Decimal | None],
    target_of: Callable[[Period], Decimal | None],
    is_working: Callable[[Period], bool],
    is_ended: Callable[[Period], bool] = lambda _period: True,
) -> AggregateFigure:
    """Combine ``periods`` (oldest first) by ``how``.

    Args:
        actual_of: the actual of one period (None when there is none).
        target_of: its target (None when none is set).
        is_working: whether the period owes a number (the working calendar).
        is_ended: whether the period is over; a period still running is due only once it is,
            and its plan counts only then (a month half gone is judged on its half).
    """
    actuals: list[Decimal] = []
    targets: list[Decimal] = []
    have = due = 0
    for period in periods:
        value = actual_of(period)
        working = is_working(period)
        ended = is_ended(period)
        if value is not None:
            actuals.append(value)
        if working and ended:
            due += 1
            have += value is not None
        if working and (ended or value is not None):
            target = target_of(period)
            if target is not None:
                targets.append(target)
    return AggregateFigure(
        actual=combine(actuals, how),
        target=combine(targets, how),
        coverage=Coverage(have=have, due=due),
    )
