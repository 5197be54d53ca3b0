"""A year of plausible scorecard life, generated: the project's main job, shown without Slack.

``generate_demo`` imports ``examples/acme.yaml`` and invents twelve months of actuals for every
KPI (hourly ones aside), deterministically from a seed: mostly on target, some amber, a few
red — plus the situations the reports exist for: a three-period red streak, a recovery, one
missing actual, countermeasures open, overdue and done, and initiatives in several states.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from bsc_core.board import (
    History,
    KpiRef,
    load_history,
    load_kpis,
    working_day_reporting_period,
)
from bsc_core.calendar import WorkCalendar
from bsc_core.db import Store
from bsc_core.demo_escalation import add_escalation
from bsc_core.demo_review import add_review_loop
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
RECOVERY_KPI = "OTD1"  # the plant's; the corporate OTD is computed from it
OVERDUE_KPI = "CHURN"
UNANSWERED_KPI = "DSO"
AMBER_KPI = "GM"
WENT_RED_KPI = "INCID"
#: A daily KPI of the plant that recovers in the huddle shown (red the day before).
RECOVERED_KPI = "SCRAP"
MISSING_CANDIDATES = ("TRAIN", "ATTR", "FPY", "TTR", "SCRAP")

#: Countermeasures that fit their KPI: (root cause, action), the likelier causes first.
KPI_ACTIONS: dict[str, list[tuple[str, str]]] = {
    "MRR": [
        ("Demand", "Review every renewal due next month with its account owner"),
        ("Process", "Send renewal quotes 60 days before the contract ends"),
    ],
    "GM": [
        ("Materials", "Renegotiate the packaging film price with both suppliers"),
        ("Process", "No discount below the floor price without finance sign-off"),
    ],
    "OPEX": [
        ("Process", "Freeze discretionary spend until the forecast is back on budget"),
        ("People", "Plan the night shift a week ahead to cut overtime"),
    ],
    "DSO": [
        ("Process", "Invoice on the day of delivery instead of at month end"),
        ("People", "Call every customer whose invoice is ten days overdue"),
    ],
    "CHURN": [
        ("Process", "Call every customer 60 days before their renewal"),
        ("People", "Give each top-50 account a named success manager"),
        ("Demand", "Offer a two-year price lock to customers at risk"),
    ],
    "TRAIN": [
        ("People", "Book the missed training slots into next month's rota"),
        ("Process", "Schedule training hours before the month starts"),
    ],
    "ATTR": [
        ("People", "Hold stay interviews with everyone in their second year"),
        ("Process", "Publish the salary bands and the promotion criteria"),
    ],
    "OTD1": [("Supplier", "Weekly call with the carrier on late collections")],
}


@dataclass(frozen=True)
class StoryActual:
    """An actual the demo logs the way a person does, so alerts follow from real logging."""

    code: str
    period: str
    value: float
    owner: str


@dataclass(frozen=True)
class DemoSummary:
    scorecards: list[str]
    actuals: int
    countermeasures: int
    missing: str | None
    #: The working day whose huddle the demo shows (the last one on or before ``today``).
    huddle_day: date | None = None
    logged: list[StoryActual] = field(default_factory=list)


def demo_huddle_day(today: date, calendar: WorkCalendar | None = None) -> date:
    """The huddle a reader of the demo should see: the scheduled huddle does not run on a
    day off, so on a Sunday it is Friday's."""
    return (calendar or WorkCalendar()).last_working_day(today) or today


def scorecard_huddle_day(session: Session, slug: str, today: date) -> date:
    """:func:`demo_huddle_day` by the scorecard's own working calendar."""
    card = session.exec(select(Scorecard).where(Scorecard.slug == slug)).first()
    if card is None:
        return demo_huddle_day(today)
    calendar = WorkCalendar.from_texts(
        days=card.calendar_days, hours=card.calendar_hours, holidays=card.holidays
    )
    return demo_huddle_day(today, calendar)


def generate_demo(
    store: Store,
    *,
    today: date,
    seed: int = 7,
    source: Path = EXAMPLE_FILE,
    log: Callable[[StoryActual], None] | None = None,
) -> DemoSummary:
    """Fill ``store`` (expected empty) with the example scorecards and a year of history.

    The same ``today`` and ``seed`` always give the same database content. The story is told
    as of the last working day (the huddle a reader sees). ``log`` is how a caller that can
    (the command line) logs the actual that turns a KPI red through the same code as the
    Slack command, so the alert shown is one the product sends; without it that actual is
    inserted like the others.
    """
    rng = random.Random(seed)
    specs = load_scorecard_file(source)
    with store.write() as session:
        for spec in specs:
            apply_scorecard(session, spec, actor=DEMO_ACTOR)
    with store.write() as session:
        kpis = [
            k
            for k in load_kpis(session)
            if k.frequency is not Frequency.HOURLY and not k.is_computed  # computed: from others
        ]
        history = load_history(session, kpis)
        missing = _missing_kpi(kpis, today)
        actuals = _actuals(rng, kpis, history, today, missing)
        story = _story_actuals(kpis, actuals, demo_huddle_day(today)) if log else []
        logged = {(s.code, s.period) for s in story}
        codes = {str(k.id): k.code for k in kpis}
        actuals = [a for a in actuals if (codes[str(a["kpi_id"])], a["period"]) not in logged]
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
        add_escalation(session, today=today)  # the plant's UP1 escalated last month (issue 17)
        add_review_loop(  # last month's review held in Slack (issue 18)
            session,
            slug=specs[0].slug,
            today=today,
            huddle_day=demo_huddle_day(today),
            red_kpi=STREAK_KPI,
        )
    for entry in story:
        assert log is not None
        log(entry)
    return DemoSummary(
        scorecards=[s.slug for s in specs],
        actuals=len(actuals) + len(hourly_rows) + len(story),
        countermeasures=len(cms),
        missing=missing.code if missing else None,
        huddle_day=demo_huddle_day(today),
        logged=story,
    )


def _story_actuals(
    kpis: list[KpiRef], actuals: list[dict[str, object]], day: date
) -> list[StoryActual]:
    """The actual that turns ``WENT_RED_KPI`` red in the huddle of ``day``, to be logged."""
    kpi = next((k for k in kpis if k.code == WENT_RED_KPI), None)
    if kpi is None:
        return []
    period = str(_shown(kpi, day))
    row = next((a for a in actuals if a["kpi_id"] == kpi.id and a["period"] == period), None)
    if row is None or kpi.owner is None:
        return []
    value = row["value"]
    assert isinstance(value, float)
    return [StoryActual(code=kpi.code, period=period, value=value, owner=kpi.owner)]


def _latest(kpi: KpiRef, today: date) -> Period:
    return latest_ended(kpi.frequency, today)


def _shown(kpi: KpiRef, day: date) -> Period:
    """The period the board shows for ``kpi`` on ``day`` when every actual is in."""
    if kpi.frequency is Frequency.DAILY:
        return working_day_reporting_period(kpi.calendar, day, lambda _p: True)
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
            # Whole numbers; a bad value is rounded further into the bad side, so "one
            # incident against a target of none" never rounds back to zero.
            bad_up = (wanted != Status.GREEN) == (sign < 0)
            raw = float(math.ceil(raw) if bad_up else math.floor(raw))
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
    """The scripted colours of the periods that carry the demo's story, told as of the
    huddle a reader sees (the last working day) against the working day before it."""
    day = demo_huddle_day(today)
    shown = _shown(kpi, day)
    before = _shown(kpi, WorkCalendar().previous_working_day(day))
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
    if kpi.code == RECOVERED_KPI:
        return {shown: Status.GREEN, before: Status.RED} if before != shown else {}
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
            if not kpi.calendar.is_working(period):
                continue  # nobody logs a day off
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
    """Open, overdue and done countermeasures, and a year of closed ones for the Pareto.

    Each fits its KPI (``KPI_ACTIONS``) and is written two days after the period it answers
    ended, before it falls due and before it is closed: the dates tell a possible story.
    """
    cards = {c.id: c for c in session.exec(select(Scorecard)).all()}
    by_code = {k.code: k for k in kpis}
    review_month = latest_ended(Frequency.MONTHLY, today)
    rows: list[dict[str, object]] = []

    def add(
        kpi: KpiRef,
        period: Period,
        *,
        due_in: int,
        closed_after: int | None = None,
        choice: int = 0,
    ) -> None:
        cause, action = _fitting_action(kpi, cards, choice)
        created_day = min(period.end_date + timedelta(days=2), today)
        created = datetime.combine(created_day, time(10), tzinfo=UTC)
        closed = None if closed_after is None else created_day + timedelta(days=closed_after)
        updated = datetime.combine(closed, time(16), tzinfo=UTC) if closed else created
        rows.append(
            {
                "kpi_id": kpi.id,
                "period": str(period),
                "root_cause": cause,
                "action": action,
                "owner": kpi.owner,
                "due_date": created_day + timedelta(days=due_in),
                "status": "open" if closed is None else "done",
                "created_by": kpi.owner,
                "created_at": created,
                "updated_at": updated,
            }
        )

    if STREAK_KPI in by_code:  # open, due in ten days: the streak is being worked on
        kpi = by_code[STREAK_KPI]
        period = _shown(kpi, today).shift(-2)
        add(kpi, period, due_in=(today - period.end_date).days + 8)
    if OVERDUE_KPI in by_code:  # open and past its due date
        kpi = by_code[OVERDUE_KPI]
        period = _shown(kpi, today)
        add(kpi, period, due_in=max(1, (today - period.end_date).days - 6))
    if RECOVERY_KPI in by_code:  # done, and the KPI is green again
        kpi = by_code[RECOVERY_KPI]
        period = _shown(kpi, today).prev()
        add(kpi, period, due_in=12, closed_after=5)
    # A year of closed countermeasures, skewed the way root causes usually are.
    monthly = [by_code[c] for c in ("GM", "OPEX", "TRAIN", "ATTR", "CHURN", "DSO") if c in by_code]
    for index in range(16):
        kpi = monthly[index % len(monthly)] if monthly else kpis[0]
        if index < 2:  # two closed during the month now under review
            period = (
                review_month.prev() if kpi.frequency is Frequency.MONTHLY else _latest(kpi, today)
            )
            add(kpi, period, due_in=20, closed_after=8 + 4 * index, choice=index)
            continue
        period = _latest(kpi, today).shift(-rng.randint(2, 11))
        closed_after = rng.randint(8, 28)
        add(
            kpi,
            period,
            due_in=closed_after + rng.randint(0, 7),
            closed_after=closed_after,
            choice=0 if rng.random() < 0.65 else 1 + rng.randint(0, 1),
        )
    return rows


def _fitting_action(
    kpi: KpiRef, cards: dict[int | None, Scorecard], choice: int
) -> tuple[str, str]:
    """A (root cause, action) that fits ``kpi``; the scorecard's first causes otherwise."""
    options = KPI_ACTIONS.get(kpi.code)
    if options:
        return options[choice % len(options)]
    card = cards.get(kpi.scorecard_id)
    causes = (json.loads(card.root_causes) if card and card.root_causes else []) or ["Process"]
    cause = causes[choice % len(causes)]
    return cause, f"Find and remove the {cause.lower()} cause of the {kpi.name.lower()} miss"


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
