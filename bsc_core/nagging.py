"""Who is owed a reminder about what, and the bookkeeping that keeps reminders sane.

Three things earn a person a reminder:

* ``red`` — a KPI red at its reporting period with no countermeasure filed for that period.
  Any countermeasure for the period, open or already done, answers it: the owner acted, and
  the period's number cannot change colour by itself.
* ``missing`` — no actual for the reporting period once its due date (:func:`status.due_date`)
  has passed.
* ``overdue`` — an open countermeasure past its due date; its own owner is reminded, grouped
  per KPI and period.

Hourly KPIs are left out: a production line's pace is watched live on the floor, and a daily
reminder about an hour long gone helps nobody. A computed KPI is never nagged as missing (its
sources are), and nothing is owed on a day the scorecard's calendar does not work: no round,
scheduled or run by an operator, nags about a scorecard on its day off.

Each item has a :class:`NagState` row (KPI, period, reason): how many days it was sent on,
the last of those days, how long it is snoozed, and when the chair was told. All dates there
are the *reminded person's* local dates (their Slack time zone), since "once a day" and
"until tomorrow" are about their day. The reporting period and due dates follow the
scorecard's own time zone, like every other view of the board.

:func:`owed` reads everything in a fixed number of queries whatever the number of KPIs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bsc_core.board import (
    HISTORY_PERIODS,
    KpiRef,
    KpiStatus,
    history_window,
    load_history,
    load_kpis,
    status_of,
)
from bsc_core.models import Countermeasure, NagState, SlackUser, utcnow
from bsc_core.periods import Frequency, Period
from bsc_core.status import Status, due_date

RED = "red"
MISSING = "missing"
OVERDUE = "overdue"
ESCALATING_REASONS = (RED, MISSING)
ESCALATE_AFTER = 3
ZONE_CACHE_FOR = timedelta(days=1)


@dataclass(frozen=True)
class NagMark:
    """What the bookkeeping knows about one item (a snapshot of its NagState row)."""

    reminders: int = 0
    last_sent_on: date | None = None
    snoozed_until: date | None = None
    escalated_on: date | None = None


@dataclass(frozen=True)
class OverdueCountermeasure:
    id: int
    action: str
    root_cause: str
    owner: str
    due_date: date


@dataclass(frozen=True)
class NagItem:
    """One thing one person is reminded about.

    Attributes:
        owner: who gets the reminder (the KPI's owner; for ``overdue``, the countermeasure's).
        row: the KPI at its reporting period (``red`` and ``missing``).
        due_on: ``missing``: the last day the actual was on time; ``overdue``: the earliest
            due date of its countermeasures.
    """

    reason: str
    kpi: KpiRef
    period: str
    owner: str
    row: KpiStatus | None = None
    due_on: date | None = None
    countermeasures: tuple[OverdueCountermeasure, ...] = ()
    mark: NagMark = field(default_factory=NagMark)

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.kpi.id, self.period, self.reason)

    @property
    def label(self) -> str:
        return f"{self.kpi.code} {self.period} {self.reason}"

    def snoozed(self, today: date) -> bool:
        return self.mark.snoozed_until is not None and today < self.mark.snoozed_until

    def reminded_on(self, today: date) -> bool:
        return self.mark.last_sent_on == today

    def unanswered(self, today: date) -> bool:
        """At least three reminders went out on earlier days and none was acted on."""
        sent = self.mark.last_sent_on
        return (
            self.reason in ESCALATING_REASONS
            and self.mark.reminders >= ESCALATE_AFTER
            and sent is not None
            and sent < today
            and not self.snoozed(today)
        )

    def due_for_escalation(self, today: date) -> bool:
        return self.unanswered(today) and self.mark.escalated_on is None


@dataclass(frozen=True)
class Escalation:
    """One chair DM: every unanswered item of a scorecard; ``new`` ones triggered it."""

    scorecard_id: int
    scorecard_slug: str
    scorecard_name: str
    chair: str
    items: tuple[NagItem, ...]
    new: tuple[NagItem, ...]


def local_date(moment: datetime, zone: str) -> date:
    """The date at ``moment`` in ``zone``; a naive ``moment`` is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone)).date()


def owed(
    session: Session,
    *,
    now: datetime,
    scorecard_ids: Sequence[int] | None = None,
    owner: str | None = None,
) -> list[NagItem]:
    """Everything owed a reminder at ``now``, with its bookkeeping, in five queries.

    Args:
        scorecard_ids: only these scorecards (``None``: all).
        owner: only the items that remind this person.
    """
    kpis = [
        k
        for k in load_kpis(session, scorecard_ids=scorecard_ids)
        if k.frequency is not Frequency.HOURLY
        and k.calendar.is_working_day(local_date(now, k.timezone))
    ]
    if not kpis:
        return []
    today = {k.id: local_date(now, k.timezone) for k in kpis}
    history = load_history(
        session, kpis, since=history_window(kpis, min(today.values()), HISTORY_PERIODS)
    )
    rows = [status_of(k, history, today[k.id]) for k in kpis]
    by_id = {k.id: k for k in kpis}
    red = [r for r in rows if r.status is Status.RED]
    answered = _answered(session, red)
    items: list[NagItem] = []
    for row in rows:
        k = row.kpi
        if row.status is Status.RED and (k.id, str(row.period)) not in answered:
            items.append(NagItem(RED, k, str(row.period), k.owner, row=row))
        elif row.status is Status.MISSING and not k.is_computed and _overdue_on(row, today[k.id]):
            items.append(
                NagItem(MISSING, k, str(row.period), k.owner, row=row, due_on=due_date(row.period))
            )
    items += _overdue(session, by_id, today)
    if owner is not None:
        items = [i for i in items if i.owner == owner]
    marks = _marks(session, items)
    return [replace(i, mark=marks.get(i.key, NagMark())) for i in items]


def _overdue_on(row: KpiStatus, today: date) -> bool:
    """A missing actual is past its due date (for daily KPIs, the working day after)."""
    return due_date(row.period) < today


def _answered(session: Session, red: list[KpiStatus]) -> set[tuple[int, str]]:
    """(KPI, period) pairs among ``red`` that have a countermeasure, open or done."""
    if not red:
        return set()
    wanted = {(r.kpi.id, str(r.period)) for r in red}
    found = session.exec(
        select(Countermeasure.kpi_id, Countermeasure.period).where(
            col(Countermeasure.kpi_id).in_([k for k, _ in wanted]),
            col(Countermeasure.period).in_(sorted({p for _, p in wanted})),
        )
    ).all()
    return {(k, p) for k, p in found} & wanted


def _overdue(
    session: Session, kpis: Mapping[int, KpiRef], today: Mapping[int, date]
) -> list[NagItem]:
    rows = session.exec(
        select(Countermeasure)
        .where(
            col(Countermeasure.kpi_id).in_(list(kpis)),
            Countermeasure.status == "open",
            col(Countermeasure.due_date).is_not(None),
        )
        .order_by(col(Countermeasure.due_date), col(Countermeasure.id))
    ).all()
    grouped: dict[tuple[int, str, str], list[Countermeasure]] = {}
    for cm in rows:
        if cm.due_date is not None and cm.due_date < today[cm.kpi_id]:
            grouped.setdefault((cm.kpi_id, cm.period, cm.owner), []).append(cm)
    items = []
    for (kpi_id, period, who), cms in grouped.items():
        overdue = tuple(
            OverdueCountermeasure(c.id or 0, c.action, c.root_cause, c.owner, c.due_date)  # type: ignore[arg-type]
            for c in cms
        )
        items.append(
            NagItem(
                OVERDUE,
                kpis[kpi_id],
                period,
                who,
                due_on=overdue[0].due_date,
                countermeasures=overdue,
            )
        )
    return items


def _state_rows(
    session: Session, items: Sequence[NagItem], *, lock: bool = False
) -> dict[tuple[int, str, str], NagState]:
    if not items:
        return {}
    keys = {i.key for i in items}
    query = select(NagState).where(
        col(NagState.kpi_id).in_(sorted({k for k, _, _ in keys})),
        col(NagState.period).in_(sorted({p for _, p, _ in keys})),
    )
    if lock:
        query = query.with_for_update()
    rows = {(s.kpi_id, s.period, s.reason): s for s in session.exec(query).all()}
    return {key: state for key, state in rows.items() if key in keys}


def _marks(session: Session, items: Sequence[NagItem]) -> dict[tuple[int, str, str], NagMark]:
    return {key: _mark(s) for key, s in _state_rows(session, items).items()}


def _mark(state: NagState) -> NagMark:
    return NagMark(state.reminders, state.last_sent_on, state.snoozed_until, state.escalated_on)


def _row_for(
    session: Session, rows: dict[tuple[int, str, str], NagState], item: NagItem
) -> NagState:
    state = rows.get(item.key)
    if state is None:
        state = NagState(kpi_id=item.kpi.id, period=item.period, reason=item.reason)
        rows[item.key] = state
    return state


def claim_reminders(
    session: Session, items: Sequence[NagItem], *, today: date, force: bool
) -> list[NagItem]:
    """Record that ``items`` are being sent today and return those that may be sent.

    Run it in a write session *before* sending, so two rounds running at once cannot both
    send: rows are locked (``FOR UPDATE``; SQLite's write transactions are exclusive) and a
    concurrent first insert fails on the unique key, so the caller's retry sees today's claim.
    Snoozed items are never claimed; items already sent today are claimed again only with
    ``force`` (an operator's round). ``reminders`` counts days, so a second round on the same
    day does not bring the chair's escalation closer. The returned items carry the mark from
    *before* the claim, which :func:`release_reminders` puts back if sending fails.
    """
    rows = _state_rows(session, items, lock=True)
    claimed = []
    for item in items:
        state = _row_for(session, rows, item)
        before = _mark(state) if state.id is not None else NagMark()
        current = replace(item, mark=before)
        if current.snoozed(today) or (current.reminded_on(today) and not force):
            continue
        if state.last_sent_on != today:
            state.reminders = (state.reminders or 0) + 1
            state.last_sent_on = today
        state.updated_at = utcnow()
        session.add(state)
        claimed.append(current)
    session.flush()
    return claimed


def release_reminders(session: Session, claimed: Sequence[NagItem]) -> None:
    """Undo :func:`claim_reminders` for items whose message could not be sent."""
    rows = _state_rows(session, claimed, lock=True)
    for item in claimed:
        state = rows.get(item.key)
        if state is None:
            continue
        state.reminders = item.mark.reminders
        state.last_sent_on = item.mark.last_sent_on
        state.updated_at = utcnow()
        session.add(state)


def snooze(session: Session, items: Sequence[NagItem], *, until: date) -> int:
    """Stop reminding about ``items`` before ``until`` (the reminded person's date)."""
    rows = _state_rows(session, items, lock=True)
    for item in items:
        state = _row_for(session, rows, item)
        state.snoozed_until = until
        state.updated_at = utcnow()
        session.add(state)
    return len(items)


def escalations(items: Iterable[NagItem], today_of: Mapping[str, date]) -> list[Escalation]:
    """One chair DM per scorecard where some item has just become unanswered.

    ``today_of`` maps each reminded person to their local date. The DM lists every unanswered
    item of the scorecard (those told before too, so the chair sees the whole picture); it is
    due only when at least one of them was never escalated.
    """
    by_card: dict[int, list[NagItem]] = {}
    for item in items:
        today = today_of.get(item.owner)
        if today is not None and item.unanswered(today):
            by_card.setdefault(item.kpi.scorecard_id, []).append(item)
    found = []
    for card_items in by_card.values():
        new = [i for i in card_items if i.mark.escalated_on is None]
        first = card_items[0].kpi
        if new and first.chair:
            found.append(
                Escalation(
                    scorecard_id=first.scorecard_id,
                    scorecard_slug=first.scorecard_slug,
                    scorecard_name=first.scorecard_name,
                    chair=first.chair,
                    items=tuple(card_items),
                    new=tuple(new),
                )
            )
    return found


def claim_escalation(session: Session, items: Sequence[NagItem], *, today: date) -> bool:
    """Mark ``items`` escalated today; False when another round already did (send nothing)."""
    rows = _state_rows(session, items, lock=True)
    fresh = [rows[i.key] for i in items if i.key in rows and rows[i.key].escalated_on is None]
    for state in fresh:
        state.escalated_on = today
        state.updated_at = utcnow()
        session.add(state)
    return bool(fresh)


def release_escalation(session: Session, items: Sequence[NagItem], *, today: date) -> None:
    """Undo :func:`claim_escalation` when the chair's DM could not be sent."""
    rows = _state_rows(session, items, lock=True)
    for item in items:
        state = rows.get(item.key)
        if state is not None and state.escalated_on == today:
            state.escalated_on = None
            session.add(state)


def cached_zones(
    session: Session, user_ids: Iterable[str], *, now: datetime
) -> tuple[dict[str, str], dict[str, str]]:
    """Users' Slack time zones from the cache: (fresh ones, stale ones to refresh).

    A zone fetched less than a day ago is fresh; an older one is still returned among the
    stale ones so a failed refresh can fall back on it.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return {}, {}
    rows = session.exec(select(SlackUser).where(col(SlackUser.user_id).in_(ids))).all()
    fresh: dict[str, str] = {}
    stale: dict[str, str] = {}
    aware_now = now if now.tzinfo else now.replace(tzinfo=UTC)
    for row in rows:
        if not row.tz:
            continue
        fetched = row.fetched_at
        if fetched is not None and fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=UTC)
        if fetched is not None and aware_now - fetched < ZONE_CACHE_FOR:
            fresh[row.user_id] = row.tz
        else:
            stale[row.user_id] = row.tz
    return fresh, stale


def remember_zones(session: Session, zones: Mapping[str, str], *, now: datetime) -> None:
    """Cache Slack time zones (other SlackUser fields, such as Home refreshes, are kept)."""
    if not zones:
        return
    rows = {
        r.user_id: r
        for r in session.exec(select(SlackUser).where(col(SlackUser.user_id).in_(list(zones))))
    }
    for user_id, tz in zones.items():
        row = rows.get(user_id) or SlackUser(user_id=user_id)
        row.tz = tz
        row.fetched_at = now
        session.add(row)


def period_text(kpi: KpiRef, period: str | None) -> str | None:
    """``period`` checked against the KPI's frequency, in canonical form; None if unreadable."""
    if not period:
        return None
    try:
        return str(Period.parse(period, kpi.frequency))
    except ValueError:
        return None
