"""Plain input records for the chart functions.

The charts never see the scorecard's database models: callers translate whatever they hold
into these frozen dataclasses. Keeping the boundary this thin means the chart code can be
tested with literals, and importing this module stays cheap (no matplotlib), so the rest of
the bot can build chart inputs without paying for the plotting stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Every status a KPI period can have. Plain strings, so callers need no import from here.
STATUSES: tuple[str, ...] = ("green", "amber", "red", "missing", "no_target")

#: Countermeasure states; "overdue" is a separate flag because an open action can be late.
ACTION_STATUSES: tuple[str, ...] = ("open", "done")


def _check_status(status: str, where: str) -> None:
    """Fail at construction rather than draw a wrongly coloured cell later."""
    if status not in STATUSES:
        raise ValueError(f"{where}: unknown status {status!r}; expected one of {STATUSES}")


@dataclass(frozen=True)
class TrendPoint:
    """One period of a KPI: its target, its actual and the status the core computed."""

    period: str
    target: float | None
    actual: float | None
    status: str

    def __post_init__(self) -> None:
        _check_status(self.status, f"TrendPoint {self.period}")


@dataclass(frozen=True)
class TrendSeries:
    """A KPI's history, oldest first; the charts show the last 12 points."""

    code: str
    name: str
    unit: str
    points: list[TrendPoint] = field(default_factory=list)


@dataclass(frozen=True)
class BowlingCell:
    """One month of one KPI in the bowling chart; ``month`` is ``"YYYY-MM"``."""

    month: str
    target: float | None
    actual: float | None
    status: str
    variance_pct: float | None = None  # (actual - target) / |target| x 100, raw sign

    def __post_init__(self) -> None:
        _check_status(self.status, f"BowlingCell {self.month}")


@dataclass(frozen=True)
class BowlingRow:
    """One KPI row; months without a cell are drawn blank (not yet due, or not tracked)."""

    perspective: str
    code: str
    name: str
    unit: str
    cells: list[BowlingCell] = field(default_factory=list)


@dataclass(frozen=True)
class BowlingData:
    """The whole bowling chart: rows in display order, grouped by perspective by the caller."""

    title: str
    months: list[str]
    rows: list[BowlingRow] = field(default_factory=list)
    #: KPI code -> status as the message that posts the chart counts it (a quarterly KPI has
    #: no October cell but is still counted in October's review). When given, the caption
    #: counts these, so the chart tells the same story as its message.
    statuses: dict[str, str] = field(default_factory=dict)
    #: What ``statuses`` describe, for the caption: "the October 2026 review".
    statuses_label: str = ""


@dataclass(frozen=True)
class ParetoData:
    """Root-cause counts, in any order; the chart sorts them."""

    title: str
    counts: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class MapObjective:
    """A strategy-map objective; ``status`` is None when none of its KPIs has a status yet.

    The same code may appear more than once (one entry per KPI): the map merges them and
    colours the box by the worst status.
    """

    code: str
    name: str
    perspective: str
    status: str | None

    def __post_init__(self) -> None:
        if self.status is not None:
            _check_status(self.status, f"MapObjective {self.code}")


@dataclass(frozen=True)
class StrategyMapData:
    """Perspectives top to bottom (they are data: SQDCP boards use their own), and links
    as ``(driver_code, driven_code)`` pairs."""

    title: str
    perspectives: list[str]
    objectives: list[MapObjective] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ActionItem:
    """A countermeasure line of a quad chart's action plan; ``due`` is an ISO date string."""

    action: str
    owner: str
    due: str
    status: str
    overdue: bool
    root_cause: str

    def __post_init__(self) -> None:
        if self.status not in ACTION_STATUSES:
            raise ValueError(
                f"ActionItem {self.action!r}: unknown status {self.status!r}; "
                f"expected one of {ACTION_STATUSES}"
            )


@dataclass(frozen=True)
class QuadData:
    """Everything a one-page quad chart shows for one KPI.

    ``variance`` and ``variance_pct`` are taken as given, so the chart repeats whatever sign
    convention the core uses instead of inventing its own.
    """

    code: str
    name: str
    unit: str
    direction: str
    trend: TrendSeries
    pareto: ParetoData
    actions: list[ActionItem]
    latest_actual: float | None
    target: float | None
    variance: float | None
    variance_pct: float | None
    red_streak: int
    notes: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class PacePoint:
    """One hour of a production day: that hour's plan and actual (not cumulative)."""

    hour: str
    plan: float | None
    actual: float | None
    status: str

    def __post_init__(self) -> None:
        _check_status(self.status, f"PacePoint {self.hour}")


@dataclass(frozen=True)
class PaceData:
    """An hourly KPI for one day; the chart accumulates the hourly values itself."""

    code: str
    name: str
    unit: str
    day: str
    points: list[PacePoint] = field(default_factory=list)
