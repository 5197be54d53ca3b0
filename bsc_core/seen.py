"""Who read the huddle: each person's first click on its Seen button, counted once.

A huddle is known by its key (``huddle:SLUG:YYYY-MM-DD``, the one its message metadata
carries). A click is an insert that does nothing when the person has clicked before — on
SQLite and PostgreSQL alike, so several people clicking at once are each counted exactly once
and a second click of the same person changes nothing.

"Owners" are the people who own an active KPI of the scorecard now: the huddle is theirs to
read. Others may click too; they are recorded, and not counted among the owners.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from bsc_core.models import Delivery, HuddleSeen, Kpi, Objective, Scorecard
from bsc_core.periods import Frequency, Period

PREFIX = "huddle:"


class NotAHuddle(ValueError):
    """The key names no huddle of a known scorecard."""


@dataclass(frozen=True)
class HuddleRef:
    scorecard_id: int
    slug: str
    day: date

    @property
    def key(self) -> str:
        return huddle_key(self.slug, self.day)


@dataclass(frozen=True)
class SeenCount:
    """How many of the scorecard's owners have seen one huddle, and who has not."""

    day: date
    owners: frozenset[str]
    seen: frozenset[str]

    @property
    def seen_owners(self) -> int:
        return len(self.owners & self.seen)

    @property
    def not_seen(self) -> list[str]:
        return sorted(self.owners - self.seen)

    @property
    def phrase(self) -> str:
        return f"Seen by {self.seen_owners} of {len(self.owners)} owners"


def huddle_key(slug: str, day: date) -> str:
    return f"{PREFIX}{slug}:{day.isoformat()}"


def find_huddle(session: Session, key: str, *, lock: bool = False) -> HuddleRef:
    """The scorecard and day a huddle key names; :class:`NotAHuddle` otherwise.

    Args:
        lock: hold the scorecard's row until the transaction ends (PostgreSQL), so that clicks
            arriving together take turns and the first one alone queues the message's edit.
    """
    slug, _, day_text = key.removeprefix(PREFIX).rpartition(":")
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        raise NotAHuddle(f"{key!r} is not a huddle") from None
    query = select(Scorecard).where(Scorecard.slug == slug)
    card = session.exec(query.with_for_update() if lock else query).first()
    if not key.startswith(PREFIX) or card is None or card.id is None:
        raise NotAHuddle(f"{key!r} is not a huddle of a known scorecard")
    return HuddleRef(card.id, slug, day)


def record_seen(session: Session, *, huddle: HuddleRef, user_id: str) -> bool:
    """Record ``user_id``'s click; True when it is their first for this huddle."""
    values = {
        "scorecard_id": huddle.scorecard_id,
        "huddle_key": huddle.key,
        "day": huddle.day,
        "user_id": user_id,
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(HuddleSeen)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["huddle_key", "user_id"])
        .returning(col(HuddleSeen.id))
    )
    return session.execute(statement).first() is not None


def owners_of(session: Session, scorecard_id: int) -> frozenset[str]:
    """The people who own an active KPI of the scorecard."""
    rows = session.exec(
        select(Kpi.owner)
        .join(Objective, col(Objective.id) == col(Kpi.objective_id))
        .where(Objective.scorecard_id == scorecard_id, col(Kpi.active) == True)  # noqa: E712
    ).all()
    return frozenset(rows)


def seen_count(session: Session, huddle: HuddleRef) -> SeenCount:
    seen = session.exec(select(HuddleSeen.user_id).where(HuddleSeen.huddle_key == huddle.key))
    return SeenCount(huddle.day, owners_of(session, huddle.scorecard_id), frozenset(seen.all()))


def month_huddles(session: Session, *, scorecard_id: int, month: Period) -> list[SeenCount]:
    """Each huddle of the month (or of any longer or shorter period), oldest first, with how
    many owners saw it.

    A huddle counts when the scheduler posted it (the delivery ledger) or someone clicked its
    Seen button (a huddle posted with ``/huddle`` has no ledger row).
    """
    card = session.get(Scorecard, scorecard_id)
    if card is None:
        return []
    first, last = month.start_date, month.end_date
    prefix = f"{PREFIX}{card.slug}:"
    days: set[date] = set()
    for key in session.exec(
        select(Delivery.key).where(
            Delivery.scorecard_id == scorecard_id,
            Delivery.kind == "huddle",
            Delivery.status == "posted",
            col(Delivery.key) >= prefix + first.isoformat(),
            col(Delivery.key) <= prefix + last.isoformat(),
        )
    ):
        days.add(date.fromisoformat(key.removeprefix(prefix)))
    seen: dict[date, set[str]] = {}
    for day, user in session.exec(
        select(col(HuddleSeen.day), col(HuddleSeen.user_id)).where(
            HuddleSeen.scorecard_id == scorecard_id,
            col(HuddleSeen.day) >= first,
            col(HuddleSeen.day) <= last,
        )
    ):
        seen.setdefault(day, set()).add(user)
    owners = owners_of(session, scorecard_id)
    return [
        SeenCount(day, owners, frozenset(seen.get(day, set()))) for day in sorted(days | set(seen))
    ]


def huddle_of_day(session: Session, *, scorecard_id: int, day: date) -> SeenCount | None:
    """Who has seen the scorecard's huddle of ``day``; None when no huddle is known to have
    gone out that day (no ledger row, no click)."""
    found = month_huddles(
        session, scorecard_id=scorecard_id, month=Period.containing(Frequency.DAILY, day)
    )
    return found[0] if found else None
