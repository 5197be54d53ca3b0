"""Awkward chart inputs: the data that breaks layouts in real scorecards.

Thirteen weekly periods across a year end, 40-character names, a single root cause and ten
of them, long action texts, negative and zero targets, thirty KPIs. Each builder returns a
chart input; ``test_layout.py`` draws every chart kind with them and checks readability.
"""

from __future__ import annotations

from bsc_core.charts.data import (
    ActionItem,
    BowlingCell,
    BowlingData,
    BowlingRow,
    MapObjective,
    PaceData,
    PacePoint,
    ParetoData,
    QuadData,
    StrategyMapData,
    TrendPoint,
    TrendSeries,
)

LONG_NAME = "Percentage of orders shipped complete ok"  # 40 characters
LONG_PERSON = "Maximiliana Wolkenstein-Oberhausen"
LONG_ACTION = (
    "Rewrite the supplier onboarding checklist, train every buyer on it and audit the first "
    "twenty purchase orders placed under the new rules"
)
LONG_CAUSE = "Supplier shipped the wrong packaging film"

WEEKS_ACROSS_YEAR = [f"2026-W{w:02d}" for w in range(44, 54)] + [
    f"2027-W{w:02d}" for w in range(1, 4)
]
MONTHS_ACROSS_YEAR = ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]
STATUS_CYCLE = ("green", "amber", "red", "green", "missing", "red", "green")


def _points(periods: list[str], target: float, actuals: list[float | None]) -> list[TrendPoint]:
    points = []
    for i, (period, actual) in enumerate(zip(periods, actuals, strict=True)):
        status = "missing" if actual is None else STATUS_CYCLE[i % len(STATUS_CYCLE)]
        if status == "missing" and actual is not None:
            status = "green"
        points.append(TrendPoint(period, target, actual, status))
    return points


def weekly_series(code: str = "OTIF", name: str = LONG_NAME) -> TrendSeries:
    """Thirteen weeks across a year end, a 40-character name, a word unit."""
    actuals: list[float | None] = [96.0, 97.5, 93.0, 98.0, None, 91.0, 99.0] * 2
    return TrendSeries(code, name, "orders", _points(WEEKS_ACROSS_YEAR, 97.0, actuals[:13]))


def monthly_series(code: str = "MRR", name: str = "Monthly recurring revenue") -> TrendSeries:
    """Twelve months from December to November: the year changes inside the axis."""
    actuals: list[float | None] = [1.21e6, 1.2e6, 1.02e6, 1.06e6, None, 1.1e6] * 2
    return TrendSeries(code, name, "USD", _points(MONTHS_ACROSS_YEAR, 1.15e6, actuals))


def negative_series(code: str = "CASH", name: str = LONG_NAME) -> TrendSeries:
    """A net cash flow around a negative target, through zero."""
    actuals: list[float | None] = [-250e3, -120e3, 0.0, 35e3, -410e3, None] * 2
    return TrendSeries(code, name, "USD", _points(MONTHS_ACROSS_YEAR, -100e3, actuals))


def zero_target_series(code: str = "INCID", name: str = "Safety incidents") -> TrendSeries:
    """A lower-is-better count whose target is zero and whose actuals are mostly zero."""
    actuals: list[float | None] = [0.0, 0.0, 1.0, 0.0, 3.0, 0.0] * 2
    return TrendSeries(code, name, "count", _points(MONTHS_ACROSS_YEAR, 0.0, actuals))


def thirty_codes() -> list[str]:
    return [f"K{n:02d}LONGCODE" for n in range(1, 31)]


def many_series(count: int = 12) -> list[TrendSeries]:
    """Mixed frequencies, units and signs with long names, for the small multiples."""
    makers = (weekly_series, monthly_series, negative_series, zero_target_series)
    return [
        makers[i % len(makers)](code=code, name=LONG_NAME)
        for i, code in enumerate(thirty_codes()[:count])
    ]


def bowling_thirty() -> BowlingData:
    """Thirty KPIs with long names in five perspectives, December to November."""
    rows = []
    perspectives = ("Financial", "Customer", "Internal Process", LONG_NAME, "Learning & Growth")
    for i, code in enumerate(thirty_codes()):
        target = (-100e3, 0.0, 97.5, 1.2e6, 12.0)[i % 5]
        cells = []
        for j, month in enumerate(MONTHS_ACROSS_YEAR):
            status = ("green", "amber", "red", "missing", "no_target")[(i + j) % 5]
            actual = None if status == "missing" else target * 1.05 - 123456.0 * (i % 2)
            cells.append(
                BowlingCell(month, None if status == "no_target" else target, actual, status)
            )
        rows.append(
            BowlingRow(perspectives[i // 6], code, LONG_NAME, "USD" if i % 2 else "%", cells)
        )
    return BowlingData(f"{LONG_NAME} scorecard", MONTHS_ACROSS_YEAR, rows)


def one_cause() -> ParetoData:
    return ParetoData("Root causes of late deliveries", [(LONG_CAUSE, 1)])


def ten_causes() -> ParetoData:
    causes = [f"{LONG_CAUSE[: 30 + i]} {i}" for i in range(10)]
    return ParetoData(
        f"Root causes: {LONG_NAME} and more", list(zip(causes, range(20, 0, -2), strict=True))
    )


def strategy_thirty() -> StrategyMapData:
    """Thirty objectives with long names, links across bands and inside one."""
    perspectives = ["Financial", "Customer", "Internal Process", "Learning & Growth"]
    objectives = []
    for i in range(30):
        status = ("red", "green", "amber", None, "missing")[i % 5]
        objectives.append(MapObjective(f"O{i}", f"{LONG_NAME} {i}", perspectives[i % 4], status))
    links = [(f"O{i}", f"O{i - 3}") for i in range(3, 30, 2)] + [("O4", "O8"), ("O27", "O0")]
    return StrategyMapData(f"{LONG_NAME} strategy", perspectives, objectives, links)


def strategy_skipping_band() -> StrategyMapData:
    """The demo's shape: a link from the process band to finance passing the customer band."""
    perspectives = ["Financial", "Customer", "Internal Process", "Learning & Growth"]
    objectives = [
        MapObjective("F1", "Grow recurring revenue", "Financial", "red"),
        MapObjective("F2", "Keep costs under control", "Financial", "red"),
        MapObjective("C1", "Delight our customers", "Customer", "green"),
        MapObjective("C2", "Keep the customers we win", "Customer", "red"),
        MapObjective("P1", "Deliver on time, first time", "Internal Process", "green"),
        MapObjective("P2", "Run lean operations", "Internal Process", "red"),
        MapObjective("P3", "Resolve support tickets fast", "Internal Process", "green"),
        MapObjective("L1", "Build skills", "Learning & Growth", "missing"),
        MapObjective("L2", "Keep a motivated team", "Learning & Growth", "green"),
    ]
    links = [
        ("C1", "F1"),
        ("C2", "F1"),
        ("C2", "F2"),
        ("P1", "C1"),
        ("P1", "C2"),
        ("P2", "F2"),
        ("P3", "C1"),
        ("L1", "P1"),
        ("L1", "P3"),
        ("L2", "P2"),
    ]
    return StrategyMapData("Acme Corp, October 2026", perspectives, objectives, links)


def long_actions(count: int = 8) -> list[ActionItem]:
    items = []
    for i in range(count):
        items.append(
            ActionItem(
                LONG_ACTION if i % 2 == 0 else "Call the carrier",
                LONG_PERSON if i % 3 == 0 else "U0CFO0001",
                f"2026-{(i % 12) + 1:02d}-{(i % 27) + 1:02d}",
                "done" if i % 4 == 3 else "open",
                i % 3 == 1,
                LONG_CAUSE if i % 2 else "People",
            )
        )
    return items


def quad(
    trend: TrendSeries, pareto: ParetoData, actions: list[ActionItem], *, target: float = 97.0
) -> QuadData:
    return QuadData(
        code=trend.code,
        name=trend.name,
        unit=trend.unit,
        direction="higher_is_better",
        trend=trend,
        pareto=pareto,
        actions=actions,
        latest_actual=trend.points[-1].actual if trend.points else None,
        target=target,
        variance=-12345.6,
        variance_pct=-123.4,
        red_streak=13,
        notes=[(p, LONG_ACTION) for p in ("2026-W51", "2026-W52", "2027-W01")],
    )


def pace_day(hours: int = 24, plan: float = 0.0) -> PaceData:
    """A whole day of hours, a zero plan, a long name."""
    points = []
    for h in range(hours):
        actual = None if h > hours - 4 else float(h % 5)
        status = "missing" if actual is None else ("green", "red", "amber")[h % 3]
        points.append(PacePoint(f"{h:02d}:00", plan, actual, status))
    return PaceData("UP1", LONG_NAME, "units", "2026-11-27", points)
