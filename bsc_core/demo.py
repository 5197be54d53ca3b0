"""A year of plausible scorecard life, generated: the project's main job, shown without Slack.

``generate_demo`` imports ``examples/acme.yaml`` and invents twelve months of actuals for every
KPI (hourly ones aside), deterministically from a seed: mostly on target, some amber, a few
red — plus the situations the reports exist for: a three-period red streak, a recovery, one
missing actual, countermeasures open, overdue and done, and initiatives in several states.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from bsc_core.board import History, KpiRef, load_history, load_kpis
from bsc_core.db import Store
from bsc_core.imports.scorecard_apply import apply_scorecard
from bsc_core.imports.scorecard_file import load_scorecard_file
from bsc_core.models import Actual, Countermeasure, Initiative, Scorecard
from bsc_core.periods import Frequency, Period, latest_ended
from bsc_core.status import Direction, Status, evaluate, overdue_from, reporting_period

EXAMPLE_FILE = Path(__file__).resolve().parents[1] / "examples" / "acme.yaml"
DEMO_ACTOR = "demo"
PERIODS_PER_YEAR = {
    Frequency.DAILY: 365,
    Frequency.WEEKLY: 52,
    Frequency.MONTHLY: 12,
    Frequency.QUARTERLY: 4,
}
#: Which KPI plays which part, when the scorecard has it (the example file does).
STREAK_KPI = "MRR"
RECOVERY_KPI = "OTD"
OVERDUE_KPI = "CHURN"
UNANSWERED_KPI = "DSO"
AMBER_KPI = "GM"
WENT_RED_KPI = "INCID"
MISSING_CANDIDATES = ("TRAIN", "ATTR", "FPY", "TTR", "SCRAP")

ACTIONS = {
    "People": "Pair new starters with a buddy for their first month",
    "Process": "Rewrite the hand-over checklist and train the team on it",
    "Equipment": "Schedule preventive maintenance on the packing line",
    "Materials": "Qualify a second grade of packaging film",
    "Supplier": "Weekly call with the supplier on late deliveries",
    "Demand": "Re-plan capacity with sales for the next quarter",
    "Measurement": "Recalibrate the gauges and audit the data entry",
}


@dataclass(frozen=True)
class DemoSummary:
    scorecards: list[str]
    actuals: int
    countermeasures: int
    missing: str | None


def generate_demo(
    store: Store, *, today: date, seed: int = 7, source: Path = EXAMPLE_FILE
) -> DemoSummary:
    """Fill ``store`` (expected empty) with the example scorecards and a year of history.

    The same ``today`` and ``seed`` always give the same database content.
    """
    rng = random.Random(seed)
    specs = load_scorecard_file(source)
    with store.write() as session:
        for spec in specs:
            apply_scorecard(session, spec, actor=DEMO_ACTOR)
    with store.write() as session:
        kpis = [k for k in load_kpis(session) if k.frequency is not Frequency.HOURLY]
        history = load_history(session, kpis)
        missing = _missing_kpi(kpis, today)
        actuals = _actuals(rng, kpis, history, today, missing)
        session.execute(insert(Actual), actuals)
        cms = _countermeasures(rng, session, kpis, today)
        if cms:
            session.execute(insert(Countermeasure), cms)
        _initiative_statuses(session)
        hourly = [k for k in load_kpis(session) if k.frequency is Frequency.HOURLY]
        hourly_rows = _hourly_actuals(rng, hourly, today)
        if hourly_rows:
            session.execute(insert(Actual), hourly_rows)
        _ideas(session, today)
    return DemoSummary(
        scorecards=[s.slug for s in specs],
        actuals=len(actuals) + len(hourly_rows),
        countermeasures=len(cms),
        missing=missing.code if missing else None,
    )


def _latest(kpi: KpiRef, today: date) -> Period:
    return latest_ended(kpi.frequency, today)


def _shown(kpi: KpiRef, day: date) -> Period:
    """The period the board shows for ``kpi`` on ``day`` when every actual is in."""
    return reporting_period(frequency=kpi.frequency, as_of=day, has_actual=lambda _p: True)


def _missing_kpi(kpis: list[KpiRef], today: date) -> KpiRef | None:
    """A KPI whose latest period is past its grace today, so dropping it shows as missing."""
    by_code = {k.code: k for k in kpis}
    for code in MISSING_CANDIDATES:
        kpi = by_code.get(code)
        latest = _latest(kpi, today) if kpi else None
        if kpi and latest and datetime.combine(today, time()) >= overdue_from(latest):
            return kpi
    return None


def _band(kpi: KpiRef, target: float) -> float:
    amount = float(kpi.tolerance.amount)
    return amount / 100 * abs(target) if kpi.tolerance.kind == "percent" else amount


def _value(rng: random.Random, kpi: KpiRef, target: float, wanted: Status) -> float:
    """A value of the wanted colour, rounded the way people write them."""
    band = _band(kpi, target)
    sign = 1 if kpi.direction is Direction.UP else -1
    scale = abs(target) or 1.0
    for _ in range(20):
        if wanted == Status.GREEN:
            raw = target + sign * scale * rng.uniform(0.0, 0.05)
        elif wanted == Status.AMBER:
            raw = target - sign * band * rng.uniform(0.3, 0.9)
        else:
            raw = target - sign * (band + scale * rng.uniform(0.04, 0.15))
        if kpi.unit in ("count",) or scale >= 1000:
            raw = round(raw)
        else:
            raw = round(raw, 1)
        raw = max(raw, 0.0)
        if (
            evaluate(actual=raw, target=target, direction=kpi.direction, tolerance=kpi.tolerance)
            == wanted
        ):
            return float(raw)
    return float(target)


def _script(kpi: KpiRef, today: date) -> dict[Period, Status]:
    """The scripted colours of the periods that carry the demo's story."""
    shown = _shown(kpi, today)
    before = _shown(kpi, today - timedelta(days=3 if today.weekday() == 0 else 1))
    if kpi.code == STREAK_KPI:
        return {
            shown: Status.RED,
            shown.prev(): Status.RED,
            shown.shift(-2): Status.RED,
            shown.shift(-3): Status.GREEN,
        }
    if kpi.code == RECOVERY_KPI:
        red = before if before != shown else shown.prev()
        return {red: Status.RED, red.prev(): Status.RED, shown: Status.GREEN}
    if kpi.code in (OVERDUE_KPI, UNANSWERED_KPI):
        return {shown: Status.RED, shown.prev(): Status.GREEN}
    if kpi.code == AMBER_KPI:
        return {shown: Status.AMBER}
    if kpi.code == WENT_RED_KPI:
        return {shown: Status.RED, before: Status.GREEN} if before != shown else {}
    return {}


def _actuals(
    rng: random.Random,
    kpis: list[KpiRef],
    history: History,
    today: date,
    missing: KpiRef | None,
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for kpi in kpis:
        latest = _latest(kpi, today)
        script = _script(kpi, today)
        for back in range(PERIODS_PER_YEAR[kpi.frequency] - 1, -1, -1):
            period = latest.shift(-back)
            if missing is not None and kpi.id == missing.id and period == latest:
                continue
            target = history.target(kpi, period)
            if target is None:
                continue
            wanted = script.get(period)
            if wanted is None:
                if kpi.code == "INCID" or target == 0:
                    wanted = Status.RED if rng.random() < 0.04 else Status.GREEN
                else:
                    roll = rng.random()
                    wanted = (
                        Status.GREEN if roll < 0.72 else Status.AMBER if roll < 0.9 else Status.RED
                    )
            note = None
            if kpi.code == STREAK_KPI and wanted == Status.RED and period == latest:
                note = "Two renewals slipped into next month"
            rows.append(
                {
                    "kpi_id": kpi.id,
                    "period": str(period),
                    "value": _value(rng, kpi, target, wanted),
                    "note": note,
                    "entered_by": kpi.owner,
                    "entered_at": datetime.combine(period.end_date, time(9), tzinfo=UTC)
                    + timedelta(days=1),
                }
            )
    return rows


def _countermeasures(
    rng: random.Random, session: Session, kpis: list[KpiRef], today: date
) -> list[dict[str, object]]:
    """Open, overdue and done countermeasures, and a year of closed ones for the Pareto."""
    cards = {c.id: c for c in session.exec(select(Scorecard)).all()}
    by_code = {k.code: k for k in kpis}
    month_end = latest_ended(Frequency.MONTHLY, today).end_date
    rows: list[dict[str, object]] = []

    def add(kpi: KpiRef, period: Period, cause: str, due: date, status: str, closed: date | None):
        created = datetime.combine(period.end_date + timedelta(days=2), time(10), tzinfo=UTC)
        updated = datetime.combine(closed, time(16), tzinfo=UTC) if closed else created
        rows.append(
            {
                "kpi_id": kpi.id,
                "period": str(period),
                "root_cause": cause,
                "action": ACTIONS.get(cause, f"Find and remove the cause ({cause})"),
                "owner": kpi.owner,
                "due_date": due,
                "status": status,
                "created_by": kpi.owner,
                "created_at": created,
                "updated_at": updated,
            }
        )

    def causes_of(kpi: KpiRef) -> list[str]:
        card = cards.get(kpi.scorecard_id)
        found = json.loads(card.root_causes) if card and card.root_causes else []
        return found or ["People", "Process", "Equipment"]

    if STREAK_KPI in by_code:
        kpi = by_code[STREAK_KPI]
        add(kpi, _shown(kpi, today).shift(-2), "Demand", today + timedelta(days=10), "open", None)
    if OVERDUE_KPI in by_code:
        kpi = by_code[OVERDUE_KPI]
        add(kpi, _shown(kpi, today), "Process", month_end - timedelta(days=3), "open", None)
    if RECOVERY_KPI in by_code:
        kpi = by_code[RECOVERY_KPI]
        red = _shown(kpi, today).prev()
        add(kpi, red, "Supplier", today - timedelta(days=1), "done", today - timedelta(days=2))
    # A year of closed countermeasures, skewed the way root causes usually are.
    weights = [8, 5, 3, 2, 2, 1, 1]
    monthly = [
        k
        for k in kpis
        if k.frequency is Frequency.MONTHLY
        and k.code in ("GM", "OPEX", "TRAIN", "ATTR", "CHURN", "DSO")
    ]
    for index in range(16):
        kpi = monthly[index % len(monthly)] if monthly else kpis[0]
        causes = causes_of(kpi)
        cause = rng.choices(causes, weights=weights[: len(causes)])[0]
        period = _latest(kpi, today).shift(-rng.randint(1, 11))
        if kpi.frequency is not Frequency.MONTHLY:
            period = _latest(kpi, today).shift(-rng.randint(1, 20))
        closed = period.end_date + timedelta(days=rng.randint(10, 30))
        if index < 2:  # two closed during the month now under review
            closed = month_end - timedelta(days=5 + index)
        add(kpi, period, cause, closed, "done", closed)
    return rows


def _initiative_statuses(session: Session) -> None:
    """Give the example's initiatives a spread of states."""
    states = {"Lean academy, cohort 3": "on_track", "Customer success playbook": "at_risk"}
    for name, status in states.items():
        session.execute(
            update(Initiative).where(col(Initiative.name) == name).values(status=status)
        )


#: The moment of "now" on a past demo day: the plant's line is a few hours into its shift.
DEMO_NOW = time(11, 20)


def demo_now(today: date, zone: str = "Europe/London") -> datetime:
    """The demo's "now": the real time when the demo is about today, else 11:20 that day."""
    from zoneinfo import ZoneInfo

    real = datetime.now(ZoneInfo(zone)).replace(tzinfo=None)
    return real if real.date() == today else datetime.combine(today, DEMO_NOW)


IDEAS = [
    (
        "acme",
        "OTD",
        "Load the trucks the evening before to beat the morning traffic",
        "U0OPSLEAD",
        0,
    ),
    ("acme", None, "Show the huddle on the big screen in the canteen", "U0PEOPLE1", 0),
    ("acme", "CHURN", "Call every customer 30 days before renewal", "U0SALES01", 6),
    ("acme-plant", "SCRAP", "Colour-code the film rolls by grade", "U0QUALITY", 0),
    ("acme-plant", "UP1", "Pre-stage the next order's materials at the line", "U0LINELEAD", 0),
]


def _hourly_actuals(rng: random.Random, kpis: list[KpiRef], today: date) -> list[dict[str, object]]:
    """Two weeks of hourly output on working days, and today's hours up to the demo's now."""
    from bsc_core.pace import hours_of_day

    rows: list[dict[str, object]] = []
    for kpi in kpis:
        now = demo_now(today, kpi.timezone)
        plan = kpi.default_target or 100.0
        for back in range(14, -1, -1):
            day = today - timedelta(days=back)
            if day.weekday() >= 5:
                continue
            for period in hours_of_day(kpi, day):
                if back == 0 and period.end_local > now:
                    break
                slow = period.hour in (9, 13) and rng.random() < 0.6
                value = round(plan * (rng.uniform(0.72, 0.86) if slow else rng.uniform(0.96, 1.1)))
                rows.append(
                    {
                        "kpi_id": kpi.id,
                        "period": str(period),
                        "value": float(value),
                        "note": "Changeover took longer" if slow and back == 0 else None,
                        "entered_by": kpi.owner,
                        "entered_at": datetime.combine(day, time(period.hour), tzinfo=UTC)
                        + timedelta(hours=1, minutes=5),
                    }
                )
    return rows


def _ideas(session: Session, today: date) -> None:
    """A few improvement ideas, most of them raised since the last huddle."""
    from bsc_core.ideas import add_idea

    cards = {c.slug: c.id for c in session.exec(select(Scorecard)).all()}
    codes = {k.code: k.id for k in load_kpis(session)}
    for slug, code, text, author, days_ago in IDEAS:
        if slug not in cards:
            continue
        idea = add_idea(
            session=session,
            scorecard_id=cards[slug] or 0,
            kpi_id=codes.get(code) if code else None,
            text=text,
            author=author,
        )
        idea.created_at = datetime.combine(today - timedelta(days=days_ago), time(7), tzinfo=UTC)
        if days_ago:
            idea.status = "accepted"
            idea.decided_by = "U0CHAIR01"
        session.add(idea)
