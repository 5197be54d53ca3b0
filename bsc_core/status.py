"""The status engine: how an actual compares with its target, and what is due.

Everything here is arithmetic on ``Decimal`` so that the colour of a KPI never
depends on binary floating point: ``95.0`` against a target of ``100`` with a
5 % band is exactly on the amber boundary, not a hair below it. Floats coming
from the database or from Slack are converted through ``str`` for that reason.

Rules for target ``T``, actual ``A`` and ``band`` (``p/100 * |T|`` for a
percent tolerance, the amount itself for an absolute one):

* direction up:   green if ``A >= T``; amber if ``A >= T - band``; else red.
* direction down: green if ``A <= T``; amber if ``A <= T + band``; else red.

A missing actual is ``MISSING`` even when there is no target, because the
owner still owes a number; an actual without a target is ``NO_TARGET``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Literal

from bsc_core.periods import Frequency, Period, latest_ended

Number = float | int | Decimal


class Status(StrEnum):
    """The colour of one KPI for one period; the value is what is stored."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    MISSING = "missing"
    NO_TARGET = "no_target"


class Direction(StrEnum):
    """Whether a higher (up) or a lower (down) actual is better."""

    UP = "up"
    DOWN = "down"


_TOLERANCE_FORM = "amber must be a percentage like 5% or an absolute amount like 2"


def _plain(amount: Decimal) -> str:
    """``amount`` without exponent or trailing zeros: 5, 2.5, 500."""
    return format(amount.normalize(), "f")


@dataclass(frozen=True)
class Tolerance:
    """How far from target an actual may be and still count as amber."""

    kind: Literal["percent", "absolute"]
    amount: Decimal

    def __post_init__(self) -> None:
        if self.kind not in ("percent", "absolute"):
            raise ValueError(f"tolerance kind must be 'percent' or 'absolute', not {self.kind!r}")
        object.__setattr__(self, "amount", _tolerance_amount(self.amount))

    @classmethod
    def parse(cls, text: str | int | float | Decimal | None) -> Tolerance:
        """Read a tolerance as written in configuration or a Slack command.

        ``"5%"`` is 5 percent of the target, ``"2"`` or ``2`` is an absolute
        amount of 2 units, and ``None`` (not configured) is the default 5 %.
        Negative, non-finite or unreadable values raise ``ValueError`` with a
        message showing the accepted forms.
        """
        if text is None:
            return DEFAULT_TOLERANCE
        if isinstance(text, str):
            return cls._parse_text(text)
        return cls("absolute", _tolerance_amount(text))

    @classmethod
    def _parse_text(cls, text: str) -> Tolerance:
        cleaned = text.strip()
        try:
            if cleaned.endswith("%"):
                return cls("percent", _tolerance_amount(cleaned[:-1]))
            return cls("absolute", _tolerance_amount(cleaned))
        except ValueError:
            raise ValueError(_tolerance_error(text)) from None

    def band(self, target: Decimal) -> Decimal:
        """The width of the amber band around ``target``."""
        if self.kind == "percent":
            return self.amount / 100 * abs(target)
        return self.amount

    def __str__(self) -> str:
        suffix = "%" if self.kind == "percent" else ""
        return f"{_plain(self.amount)}{suffix}"


def _tolerance_error(value: object) -> str:
    return f'{_TOLERANCE_FORM}, not "{value}"'


def _tolerance_amount(value: str | int | float | Decimal) -> Decimal:
    """A non-negative finite amount, or ``ValueError`` showing the accepted forms."""
    if isinstance(value, bool):
        raise ValueError(_tolerance_error(value))
    try:
        amount = Decimal(str(value)) if isinstance(value, float | str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(_tolerance_error(value)) from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(_tolerance_error(value))
    return amount


DEFAULT_TOLERANCE = Tolerance("percent", Decimal(5))


def to_decimal(value: Number | None) -> Decimal | None:
    """Exact ``Decimal`` for a number; floats go through ``str`` (95.0 -> 95.0).

    Booleans and non-finite values are refused: they are bugs upstream, and a
    NaN would silently colour a KPI red.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, float | int | Decimal):
        raise TypeError(f"a KPI value must be a number, not {value!r}")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"a KPI value must be a finite number, not {value}")
    return number


def evaluate(
    *,
    actual: Number | None,
    target: Number | None,
    direction: Direction,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> Status:
    """The status of one actual against its target.

    ``MISSING`` wins over ``NO_TARGET``: without an actual the owner owes a
    number whether or not a target has been set.
    """
    a = to_decimal(actual)
    t = to_decimal(target)
    if a is None:
        return Status.MISSING
    if t is None:
        return Status.NO_TARGET
    return _colour(actual=a, target=t, direction=Direction(direction), band=tolerance.band(t))


def _colour(*, actual: Decimal, target: Decimal, direction: Direction, band: Decimal) -> Status:
    """Apply the rule; flipping signs turns the down rule into the up rule."""
    sign = 1 if direction is Direction.UP else -1
    shortfall = (target - actual) * sign
    if shortfall <= 0:
        return Status.GREEN
    if shortfall <= band:
        return Status.AMBER
    return Status.RED


def variance(actual: Number | None, target: Number | None) -> Decimal | None:
    """``actual - target`` with its raw sign (not adjusted for direction)."""
    a = to_decimal(actual)
    t = to_decimal(target)
    if a is None or t is None:
        return None
    return a - t


def variance_pct(actual: Number | None, target: Number | None) -> Decimal | None:
    """``(actual - target) / |target| * 100``; ``None`` when undefined (T = 0 or missing)."""
    difference = variance(actual, target)
    t = to_decimal(target)
    if difference is None or t is None or t == 0:
        return None
    return difference / abs(t) * 100


DEFAULT_GRACE: dict[Frequency, timedelta] = {
    Frequency.HOURLY: timedelta(minutes=15),
    Frequency.DAILY: timedelta(days=1),
    Frequency.WEEKLY: timedelta(days=1),
    Frequency.MONTHLY: timedelta(days=5),
    Frequency.QUARTERLY: timedelta(days=10),
}


def overdue_from(period: Period, grace: timedelta | None = None) -> datetime:
    """The first local moment at which a missing actual for ``period`` is overdue."""
    if grace is None:
        grace = DEFAULT_GRACE[period.frequency]
    return period.end_local + grace


def due_date(period: Period, grace: timedelta | None = None) -> date:
    """The last date on which the actual for ``period`` is still on time.

    A missing actual is overdue on the dates after this one: for October with
    the monthly grace of 5 days that is from 6 November on.
    """
    return (overdue_from(period, grace) - timedelta(microseconds=1)).date()


def _as_local_datetime(as_of: date | datetime) -> datetime:
    """A date stands for the start of that day, so it is past a deadline at midnight."""
    if isinstance(as_of, datetime):
        return as_of
    return datetime.combine(as_of, time())


def reporting_period(
    *,
    frequency: Frequency,
    as_of: date | datetime,
    has_actual: Callable[[Period], bool],
    grace: timedelta | None = None,
) -> Period:
    """The period the scorecard should show (and nag about) at ``as_of``.

    The latest ended period becomes the reporting period as soon as it has an
    actual, or once its grace has passed even without one (then it is shown
    as missing). Until then the period before it is still the one to show, so
    the scorecard does not turn to "missing" the morning after a month ends.

    For a monthly KPI with 5 days of grace, October is reported from
    6 November on; on 1..5 November only if October already has an actual,
    otherwise September. Hourly KPIs need a naive local ``datetime``.
    """
    latest = latest_ended(frequency, as_of)
    if _as_local_datetime(as_of) >= overdue_from(latest, grace) or has_actual(latest):
        return latest
    return latest.prev()


def red_streak(statuses: Sequence[Status]) -> int:
    """How many periods in a row, up to the newest, were red (oldest first).

    Any other status, MISSING included, ends the streak: a missing number is
    chased separately and must not count as a confirmed red.
    """
    count = 0
    for status in reversed(statuses):
        if status != Status.RED:
            break
        count += 1
    return count


ChangeKind = Literal["went_red", "recovered", "newly_logged"]
_KIND_ORDER: dict[str, int] = {"went_red": 0, "recovered": 1, "newly_logged": 2}
_LOGGED = (Status.GREEN, Status.AMBER, Status.RED)


@dataclass(frozen=True)
class StatusChange:
    """One KPI whose status changed in a way worth announcing."""

    code: str
    before: Status | None
    after: Status
    kind: ChangeKind


def _change_kind(before: Status | None, after: Status) -> ChangeKind | None:
    """Classify one transition; ``None`` when it is not worth announcing."""
    if after == Status.RED and before != Status.RED:
        return "went_red"
    if before == Status.RED and after in (Status.GREEN, Status.AMBER):
        return "recovered"
    if before in (None, Status.MISSING) and after in _LOGGED:
        return "newly_logged"
    return None


def status_changes(before: Mapping[str, Status], after: Mapping[str, Status]) -> list[StatusChange]:
    """The announceable changes between two snapshots keyed by KPI code.

    A KPI absent from ``before`` counts as missing; one absent from ``after``
    is ignored. A KPI that goes from missing straight to red is reported once,
    as ``went_red``. The list is ordered went_red, recovered, newly_logged and
    then by code, which is the order a channel post presents them in.
    """
    changes: list[StatusChange] = []
    for code, new in after.items():
        old = before.get(code)
        kind = _change_kind(old, new)
        if kind is not None:
            changes.append(StatusChange(code=code, before=old, after=new, kind=kind))
    return sorted(changes, key=lambda change: (_KIND_ORDER[change.kind], change.code))


_SEVERITY: dict[Status, int] = {
    Status.NO_TARGET: 0,
    Status.GREEN: 1,
    Status.AMBER: 2,
    Status.MISSING: 3,
    Status.RED: 4,
}


def worst(statuses: Iterable[Status]) -> Status | None:
    """The most alarming status (red > missing > amber > green > no_target).

    Used to colour an objective on the strategy map by its KPIs; ``None`` when
    the objective has no KPIs.
    """
    return max((Status(status) for status in statuses), key=_SEVERITY.__getitem__, default=None)
