"""Countermeasures: what an owner does about a red KPI, filed and closed with an audit trail.

Filing one is what stops the nagging for that KPI and period (see :mod:`bsc_core.nagging`),
and the huddle and the review read them back through :mod:`bsc_core.reports.common`.

Root causes: the select in the form offers the scorecard's configured categories (its YAML
``root_causes``) followed by every other cause already typed on that scorecard's
countermeasures. A cause typed as "new" is stored on the countermeasure only, never written
back into ``Scorecard.root_causes``: that column belongs to the YAML import, and writing to it
from Slack would make the next import of an unchanged file report a change and drop the cause.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from bsc_core.audit import record
from bsc_core.errors import FieldError
from bsc_core.models import Countermeasure, Kpi, Objective, Scorecard, utcnow
from bsc_core.text import sanitize_text

OPEN = "open"
DONE = "done"
MAX_ROOT_CAUSE = 60
MAX_ACTION = 2000


class CountermeasureError(FieldError):
    """A countermeasure cannot be filed or closed; ``field`` names the input at fault."""


def _snapshot(cm: Countermeasure) -> dict[str, object]:
    return {
        "kpi_id": cm.kpi_id,
        "period": cm.period,
        "root_cause": cm.root_cause,
        "action": cm.action,
        "owner": cm.owner,
        "due_date": cm.due_date,
        "status": cm.status,
    }


def file_countermeasure(
    *,
    session: Session,
    kpi_id: int,
    period: str,
    root_cause: str,
    action: str,
    owner: str,
    due_date: date | None,
    actor: str,
) -> Countermeasure:
    """Store a new open countermeasure (audited) in the caller's write session.

    An identical open countermeasure already on file (same KPI, period, action and owner) is
    returned as it is: a form submitted twice must not file the same action twice. Both texts
    are sanitised (the action keeps its line breaks); one over its limit is refused, not cut.
    """
    root_cause = " ".join(sanitize_text(root_cause).split())
    action = sanitize_text(action, multiline=True)
    if not root_cause:
        raise CountermeasureError("cause", "Choose a root cause or type a new one.")
    if len(root_cause) > MAX_ROOT_CAUSE:
        raise CountermeasureError(
            "cause",
            f"The root cause has {len(root_cause):,} characters; it may have at most "
            f"{MAX_ROOT_CAUSE}.",
        )
    if not action:
        raise CountermeasureError("action", "Say what will be done about it.")
    if len(action) > MAX_ACTION:
        raise CountermeasureError(
            "action",
            f"The action has {len(action):,} characters; it may have at most {MAX_ACTION:,}.",
        )
    existing = session.exec(
        select(Countermeasure).where(
            Countermeasure.kpi_id == kpi_id,
            Countermeasure.period == period,
            Countermeasure.owner == owner,
            Countermeasure.status == OPEN,
            Countermeasure.action == action,
        )
    ).first()
    if existing is not None:
        return existing
    cm = Countermeasure(
        kpi_id=kpi_id,
        period=period,
        root_cause=root_cause,
        action=action,
        owner=owner,
        due_date=due_date,
        status=OPEN,
        created_by=actor,
    )
    session.add(cm)
    session.flush()
    record(
        session,
        actor=actor,
        action="create",
        entity="countermeasure",
        entity_id=cm.id,
        after=_snapshot(cm),
    )
    return cm


def close_countermeasure(*, session: Session, cm_id: int, actor: str) -> Countermeasure:
    """Mark a countermeasure done (audited); closing a closed one changes nothing.

    Raises :class:`CountermeasureError` when there is no such countermeasure.
    """
    cm = session.exec(
        select(Countermeasure).where(Countermeasure.id == cm_id).with_for_update()
    ).first()
    if cm is None:
        raise CountermeasureError("id", f"There is no countermeasure #{cm_id}.")
    if cm.status == DONE:
        return cm
    before = _snapshot(cm)
    cm.status = DONE
    cm.updated_at = utcnow()
    session.add(cm)
    record(
        session,
        actor=actor,
        action="update",
        entity="countermeasure",
        entity_id=cm.id,
        before=before,
        after=_snapshot(cm),
    )
    return cm


def open_countermeasures_for(session: Session, kpi_ids: Sequence[int]) -> list[Countermeasure]:
    """The open countermeasures of ``kpi_ids``, soonest due first, in one query."""
    if not kpi_ids:
        return []
    return list(
        session.exec(
            select(Countermeasure)
            .where(col(Countermeasure.kpi_id).in_(list(kpi_ids)), Countermeasure.status == OPEN)
            .order_by(col(Countermeasure.due_date), col(Countermeasure.id))
        ).all()
    )


def configured_root_causes(card: Scorecard) -> list[str]:
    """The scorecard's own categories (its YAML ``root_causes``); [] when unset or unreadable."""
    if not card.root_causes:
        return []
    try:
        causes = json.loads(card.root_causes)
    except ValueError:
        return []
    return [str(c) for c in causes if str(c).strip()] if isinstance(causes, list) else []


def root_causes(session: Session, scorecard_id: int) -> list[str]:
    """The causes to offer: the configured categories, then causes typed on this card before.

    Case-insensitive duplicates are dropped, keeping the first spelling.
    """
    card = session.get(Scorecard, scorecard_id)
    offered = configured_root_causes(card) if card else []
    used = session.exec(
        select(Countermeasure.root_cause)
        .join(Kpi, col(Kpi.id) == col(Countermeasure.kpi_id))
        .join(Objective, col(Objective.id) == col(Kpi.objective_id))
        .where(Objective.scorecard_id == scorecard_id)
        .order_by(col(Countermeasure.id))
    ).all()
    seen: set[str] = set()
    out: list[str] = []
    for cause in [*offered, *used]:
        key = cause.strip().casefold()
        if key and key not in seen:
            seen.add(key)
            out.append(cause.strip())
    return out


def canonical_cause(typed: str, known: Sequence[str]) -> str:
    """``typed`` in the spelling of a known cause that matches it ignoring case, else as typed."""
    cleaned = " ".join(sanitize_text(typed).split())
    for cause in known:
        if cause.casefold() == cleaned.casefold():
            return cause
    return cleaned
