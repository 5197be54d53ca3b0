"""Sample chart inputs shared by the chart tests (and handy for eyeballing renders)."""

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

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]

# (perspective, code, name, unit, target, actuals Jan..Nov, statuses Jan..Nov)
_KPIS = [
    ("Financial", "MRR", "Monthly recurring revenue", "$", 1_200_000.0, "gggaarrrrr r"),
    ("Financial", "GM", "Gross margin", "%", 42.5, "ggggggaggg g"),
    ("Customer", "NPS", "Net Promoter Score", "pts", 50.0, "gaaarrrrrr r"),
    ("Customer", "CHURN", "Customer churn", "%", 2.0, "ggggggggga a"),
    ("Internal Process", "OTD", "On-time delivery", "%", 97.5, "ggggggggaa r"),
    (
        "Internal Process",
        "CYC",
        "Order cycle time (days, from order to shipment)",
        "days",
        4.0,
        "ggmggggggg t",
    ),
    ("Learning & Growth", "TRN", "Training hours per employee", "h", 3.0, "ggggggggggmm"),
]
_LETTER = {"g": "green", "a": "amber", "r": "red", "m": "missing", "t": "no_target"}


def bowling_data() -> BowlingData:
    """Seven KPIs over four perspectives, Jan–Nov reported, December blank."""
    rows = []
    for perspective, code, name, unit, target, pattern in _KPIS:
        cells = []
        for month, letter in zip(MONTHS, pattern.replace(" ", ""), strict=False):
            status = _LETTER[letter]
            factor = {"green": 1.02, "amber": 0.97, "red": 0.85}.get(status)
            actual = round(target * factor, 2) if factor else None
            if status == "no_target":
                actual = target * 1.1
            cells.append(
                BowlingCell(month, None if status == "no_target" else target, actual, status)
            )
        rows.append(BowlingRow(perspective, code, name, unit, cells[:11]))
    return BowlingData("Acme Corp", MONTHS, rows)


def trend_series(code: str = "NPS", statuses: str = "ggaarrmrrrgr") -> TrendSeries:
    """Twelve monthly points with every status but no_target, plus one older point."""
    points = [TrendPoint("2025-12", 50.0, 51.0, "green")]
    for month, letter in zip(MONTHS, statuses, strict=True):
        status = _LETTER[letter]
        actual = {"green": 52.0, "amber": 48.0, "red": 41.0, "missing": None}[status]
        points.append(TrendPoint(month, 50.0 if month < "2026-07" else 55.0, actual, status))
    return TrendSeries(code, "Net Promoter Score", "pts", points)


def pareto_data() -> ParetoData:
    """Root causes in no particular order."""
    return ParetoData(
        "Root causes of late deliveries, 2026",
        [
            ("Carrier delay", 7),
            ("Supplier shortage", 12),
            ("Picking error", 3),
            ("Data entry mistake in the warehouse system", 5),
            ("Weather", 1),
        ],
    )


def strategy_data() -> StrategyMapData:
    """Four perspectives; 'C1' appears twice (two KPIs) with green and red."""
    objectives = [
        MapObjective("F1", "Grow recurring revenue", "Financial", "red"),
        MapObjective("F2", "Improve gross margin", "Financial", "green"),
        MapObjective("C1", "Delight customers", "Customer", "green"),
        MapObjective("C1", "Delight customers", "Customer", "red"),
        MapObjective("C2", "Keep customers longer", "Customer", "amber"),
        MapObjective(
            "P1", "Deliver on time, every time, to every customer", "Internal Process", "missing"
        ),
        MapObjective("P2", "Shorten order cycle", "Internal Process", "no_target"),
        MapObjective("L1", "Build skills for continuous improvement", "Learning & Growth", None),
    ]
    links = [
        ("L1", "P1"),
        ("L1", "P2"),
        ("P1", "C1"),
        ("P2", "C2"),
        ("C1", "F1"),
        ("C2", "F1"),
        ("P2", "F2"),
    ]
    return StrategyMapData(
        "Acme Corp strategy 2026",
        ["Financial", "Customer", "Internal Process", "Learning & Growth"],
        objectives,
        links,
    )


def actions() -> list[ActionItem]:
    """One overdue, one open, one done."""
    return [
        ActionItem(
            "Call the ten detractors from the last survey",
            "maria",
            "2026-10-15",
            "open",
            True,
            "Slow support replies",
        ),
        ActionItem(
            "Add a second support shift", "tom", "2026-12-01", "open", False, "Slow support replies"
        ),
        ActionItem("Fix the onboarding email", "li", "2026-09-30", "done", False, "Onboarding"),
    ]


NOTES = [
    ("2026-09", "Survey sample was small this month."),
    ("2026-10", "Support backlog doubled after the release; detractors mention wait times."),
    ("2026-11", "Second shift approved, starts in December."),
]


def quad_data(*, with_causes: bool = True) -> QuadData:
    """NPS in red for three months with an overdue action; optionally no root causes."""
    pareto = ParetoData(
        "NPS root causes",
        [("Slow support replies", 4), ("Onboarding", 2), ("Pricing", 1)] if with_causes else [],
    )
    return QuadData(
        code="NPS",
        name="Net Promoter Score",
        unit="pts",
        direction="higher_is_better",
        trend=trend_series(),
        pareto=pareto,
        actions=actions() if with_causes else [],
        latest_actual=41.0,
        target=55.0,
        variance=-14.0,
        variance_pct=-25.45,
        red_streak=3,
        notes=[("2026-08", "An old note that should not be shown.")] + NOTES,
    )


def pace_data() -> PaceData:
    """An eight-hour shift reported up to 13:00."""
    hours = [f"{h:02d}:00" for h in range(6, 14)]
    actual = [55, 60, 38, 41, 62, 58, None, None]
    status = ["green", "green", "red", "red", "green", "amber", "missing", "missing"]
    points = [
        PacePoint(hour, 60.0, None if a is None else float(a), s)
        for hour, a, s in zip(hours, actual, status, strict=True)
    ]
    points[6] = PacePoint(hours[6], 60.0, None, "missing")
    points[7] = PacePoint(hours[7], 60.0, None, "missing")
    return PaceData("OUT", "Units packed", "units", "2026-03-04", points)
