"""The audit trail: who changed what, when — written in the caller's transaction.

Every change to definitions, targets, actuals and countermeasures calls :func:`record` inside
the same write session, so the change and its event commit together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from bsc_core.models import AuditEvent


def _json_default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _dump(values: Mapping[str, Any] | None) -> str | None:
    if values is None:
        return None
    return json.dumps(dict(values), default=_json_default, sort_keys=True, ensure_ascii=False)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit event to ``session`` (flushed and committed with the change)."""
    event = AuditEvent(
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=_dump(before),
        after=_dump(after),
    )
    session.add(event)
    return event


def audit_row(
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    at: datetime,
) -> dict[str, Any]:
    """The same event as a plain row, for bulk inserts (imports of many actuals)."""
    return {
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": _dump(before),
        "after": _dump(after),
        "at": at,
    }
