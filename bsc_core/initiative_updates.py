"""Initiative updates from Slack: status, % complete and a note, with their history.

Each update is a row (never overwritten), so the review can say what changed since the last
review ("at risk → on track, 40 % → 65 %") and the minutes who changed what. The update also
sets ``Initiative.status``, so every other view reads the new status at once.

Slack edits are kept across imports: a scorecard file that still carries the old status of
an initiative updated in Slack (or no longer lists it) would undo the meeting's work, so
:func:`refuse_undoing_initiative_updates` lists those initiatives and stops the import
unless it is forced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bsc_core.audit import record
from bsc_core.errors import FieldError
from bsc_core.imports.scorecard_file import INITIATIVE_STATUSES, ScorecardSpec
from bsc_core.models import Initiative, InitiativeUpdate, Objective, Review, Scorecard, utcnow
from bsc_core.text import sanitize_text

STATUSES: tuple[str, ...] = tuple(INITIATIVE_STATUSES)
MAX_NOTE = 1000


class InitiativeUpdateError(FieldError):
    """An update cannot be stored; ``field`` is ``status``, ``percent`` or ``note``."""


def status_words(status: str | None) -> str:
    """``at_risk`` → ``at risk``: how a status reads in a sentence."""
    return (status or "").replace("_", " ")


def checked_percent(value: str | int | None) -> int | None:
    """A % complete from 0 to 100 (None when left empty); anything else is refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().rstrip("%").strip()
    try:
        number = int(text)
    except ValueError:
        raise InitiativeUpdateError(
            "percent", f"{text!r} is not a whole number; give the % complete from 0 to 100."
        ) from None
    if not 0 <= number <= 100:
        raise InitiativeUpdateError(
            "percent", f"{number} is outside 0–100; give the % complete from 0 to 100."
        )
    return number


def update_initiative(
    session: Session,
    *,
    initiative_id: int,
    status: str | None,
    percent: str | int | None,
    note: str | None,
    actor: str,
    review_id: int | None = None,
) -> InitiativeUpdate:
    """Store one update (audited) and set the initiative's status; raises
    :class:`InitiativeUpdateError` (nothing stored) on bad input."""
    initiative = session.get(Initiative, initiative_id, with_for_update=True)
    if initiative is None:
        raise InitiativeUpdateError("status", "That initiative no longer exists.")
    if status not in STATUSES:
        raise InitiativeUpdateError(
            "status", f"Choose a status: {', '.join(status_words(s) for s in STATUSES)}."
        )
    number = checked_percent(percent)
    cleaned = sanitize_text(note, multiline=True) or None
    if cleaned is not None and len(cleaned) > MAX_NOTE:
        raise InitiativeUpdateError(
            "note", f"The note has {len(cleaned):,} characters; it may have at most {MAX_NOTE:,}."
        )
    update = InitiativeUpdate(
        initiative_id=initiative_id,
        review_id=review_id,
        status=status,
        status_before=initiative.status,
        percent_complete=number,
        note=cleaned,
        updated_by=actor,
        updated_at=utcnow(),
    )
    before = {"status": initiative.status}
    initiative.status = status
    session.add(initiative)
    session.add(update)
    session.flush()
    record(
        session,
        actor=actor,
        action="update",
        entity="initiative",
        entity_id=initiative_id,
        before=before,
        after={"status": status, "percent_complete": number, "note": cleaned},
    )
    return update


@dataclass(frozen=True)
class InitiativeState:
    """An initiative now, and what changed since a moment (the last review)."""

    id: int
    status: str
    percent: int | None
    change: str


def change_text(
    before_status: str | None,
    before_percent: int | None,
    status: str,
    percent: int | None,
) -> str:
    """ "at risk → on track, 40 % → 65 %"; only the parts that changed; "" when none did."""
    parts = []
    if before_status is not None and before_status != status:
        parts.append(f"{status_words(before_status)} → {status_words(status)}")
    if percent is not None and before_percent != percent:
        start = f"{before_percent} % → " if before_percent is not None else ""
        parts.append(f"{start}{percent} %")
    return ", ".join(parts)


def initiative_states(
    session: Session, *, initiative_ids: list[int], since: datetime | None
) -> dict[int, InitiativeState]:
    """Each updated initiative's current state and its change since ``since`` (None: since
    before its first update), in one query."""
    if not initiative_ids:
        return {}
    rows = session.exec(
        select(InitiativeUpdate)
        .where(col(InitiativeUpdate.initiative_id).in_(initiative_ids))
        .order_by(col(InitiativeUpdate.updated_at), col(InitiativeUpdate.id))
    ).all()
    history: dict[int, list[InitiativeUpdate]] = {}
    for row in rows:
        history.setdefault(row.initiative_id, []).append(row)
    states = {}
    for initiative_id, updates in history.items():
        latest = updates[-1]
        earlier = [u for u in updates if since is not None and _aware(u.updated_at) <= since]
        base_status: str | None = updates[0].status_before
        base_percent: int | None = None
        if earlier:
            base_status, base_percent = earlier[-1].status, _last_percent(earlier)
        percent = _last_percent(updates)
        states[initiative_id] = InitiativeState(
            id=initiative_id,
            status=latest.status,
            percent=percent,
            change=change_text(base_status, base_percent, latest.status, percent),
        )
    return states


def _last_percent(updates: list[InitiativeUpdate]) -> int | None:
    """The latest % given: an update that leaves it empty keeps the one before."""
    for update in reversed(updates):
        if update.percent_complete is not None:
            return update.percent_complete
    return None


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def last_review_moment(session: Session, *, scorecard_id: int, month: str) -> datetime | None:
    """When the review before ``month`` ended: closed, else posted (None: there was none)."""
    review = session.exec(
        select(Review)
        .where(Review.scorecard_id == scorecard_id, col(Review.month) < month)
        .order_by(col(Review.month).desc())
    ).first()
    if review is None:
        return None
    return _aware(review.closed_at or review.posted_at)


@dataclass(frozen=True)
class UpdateRecord:
    """One update as the minutes list it."""

    initiative: str
    objective_code: str
    status: str
    status_before: str | None
    percent: int | None
    note: str | None
    updated_by: str
    updated_at: datetime


def updates_of_review(session: Session, *, review_id: int) -> list[UpdateRecord]:
    """The initiative updates made in the review's thread, in the order they were made."""
    rows = session.exec(
        select(InitiativeUpdate, Initiative.name, Objective.code)
        .join(Initiative, col(Initiative.id) == col(InitiativeUpdate.initiative_id))
        .join(Objective, col(Objective.id) == col(Initiative.objective_id))
        .where(InitiativeUpdate.review_id == review_id)
        .order_by(col(InitiativeUpdate.updated_at), col(InitiativeUpdate.id))
    ).all()
    return [
        UpdateRecord(
            initiative=name,
            objective_code=code,
            status=u.status,
            status_before=u.status_before,
            percent=u.percent_complete,
            note=u.note,
            updated_by=u.updated_by,
            updated_at=u.updated_at,
        )
        for u, name, code in rows
    ]


# -- imports ------------------------------------------------------------------------------------


def slack_edits_undone(session: Session, spec: ScorecardSpec) -> list[str]:
    """The initiatives whose Slack status the file would undo, one line each.

    An initiative counts as edited in Slack when its status is the one its latest Slack
    update set; the file undoes it by giving another status or by leaving it out.
    """
    card = session.exec(select(Scorecard).where(Scorecard.slug == spec.slug)).first()
    if card is None:
        return []
    rows = session.exec(
        select(Initiative, Objective.code)
        .join(Objective, col(Objective.id) == col(Initiative.objective_id))
        .where(Objective.scorecard_id == card.id)
    ).all()
    if not rows:
        return []
    latest: dict[int, InitiativeUpdate] = {}
    for row in session.exec(
        select(InitiativeUpdate)
        .where(col(InitiativeUpdate.initiative_id).in_([i.id for i, _ in rows]))
        .order_by(col(InitiativeUpdate.updated_at), col(InitiativeUpdate.id))
    ).all():
        latest[row.initiative_id] = row
    in_file = {(o.code, i.name): i.status for o in spec.objectives for i in o.initiatives}
    problems = []
    for initiative, code in rows:
        update = latest.get(initiative.id or 0)
        if update is None or update.status != initiative.status:
            continue
        wanted = in_file.get((code, initiative.name))
        when = f"{_aware(update.updated_at):%Y-%m-%d}"
        if wanted is None:
            problems.append(
                f"initiative {initiative.name!r} ({code}): updated in Slack on {when} "
                f"({status_words(update.status)}), but the file no longer lists it"
            )
        elif wanted != initiative.status:
            problems.append(
                f"initiative {initiative.name!r} ({code}): set to {status_words(update.status)} "
                f"in Slack on {when}; the file says {status_words(wanted)}"
            )
    return problems


def refuse_undoing_initiative_updates(session: Session, spec: ScorecardSpec) -> None:
    """Stop an import that would undo initiative updates made in Slack (the importer calls
    this unless ``--force``), with the same message as for other Slack edits: put the Slack
    status in the file, or import with ``--force`` to let the file win."""
    from bsc_core.imports.slack_edits import SlackEditsWouldBeUndone

    problems = slack_edits_undone(session, spec)
    if problems:
        raise SlackEditsWouldBeUndone(problems, slug=spec.slug)
