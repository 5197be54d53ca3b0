"""Writing a scorecard back out as the YAML ``bscbot import`` reads (``bscbot export-scorecard``).

Targets and owners may be changed in Slack; the file an admin keeps must be able to catch up.
The document holds every key the importer reads (:mod:`bsc_core.imports.scorecard_file`),
written so that importing it again changes nothing: the same order (positions come from it),
the flat and the per-period targets, the weights, the calendar, the computed KPIs' sources.
Keys at their default are left out, as an admin would write them. Deactivated KPIs are not
written: the import deactivates what the file leaves out, which they already are.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import yaml
from sqlmodel import Session, col, select

from bsc_core.imports.scorecard_file import DEFAULT_PERSPECTIVES, DEFAULT_ROOT_CAUSES
from bsc_core.models import (
    Initiative,
    Kpi,
    Objective,
    ObjectiveLink,
    Perspective,
    Scorecard,
    SlackUser,
    Target,
)
from bsc_core.status import Tolerance


class ExportError(LookupError):
    """There is no such scorecard."""


def _number(value: float) -> int | float:
    """A whole number as an integer (``100000``, not ``100000.0``): as an admin writes it."""
    return int(value) if float(value).is_integer() else value


def scorecard_document(session: Session, slug: str) -> dict[str, Any]:
    """The scorecard ``slug`` as the mapping its YAML file holds."""
    card = session.exec(select(Scorecard).where(Scorecard.slug == slug)).first()
    if card is None or card.id is None:
        raise ExportError(f"there is no scorecard {slug!r}")
    doc: dict[str, Any] = {"scorecard": card.name, "slug": card.slug, "tier": card.tier}
    if card.parent_id is not None:
        parent = session.get(Scorecard, card.parent_id)
        doc["parent"] = parent.slug if parent else None
    for key, value in (("channel", card.channel_id), ("chair", card.chair)):
        if value:
            doc[key] = value
    doc["timezone"] = card.timezone
    perspectives = list(
        session.exec(
            select(Perspective)
            .where(Perspective.scorecard_id == card.id)
            .order_by(col(Perspective.position))
        )
    )
    objectives = _objectives(session, card.id, {p.id: p.name for p in perspectives})
    people = _people(session, card, objectives)
    if people:
        doc["people"] = people
    calendar: dict[str, Any] = {"days": card.calendar_days}
    if card.calendar_hours:
        calendar["hours"] = card.calendar_hours
    holidays = json.loads(card.holidays) if card.holidays else []
    if holidays:
        calendar["holidays"] = holidays
    doc["calendar"] = calendar
    doc["rollup"] = card.rollup
    names = [p.name for p in perspectives]
    if names != DEFAULT_PERSPECTIVES or any(p.weight != 1.0 for p in perspectives):
        doc["perspectives"] = [
            p.name if p.weight == 1.0 else {"name": p.name, "weight": _number(p.weight)}
            for p in perspectives
        ]
    root_causes = json.loads(card.root_causes) if card.root_causes else DEFAULT_ROOT_CAUSES
    doc["root_causes"] = root_causes
    doc["objectives"] = objectives
    return doc


def _objectives(
    session: Session, scorecard_id: int, perspective_names: dict[int | None, str]
) -> list[dict[str, Any]]:
    objectives = list(
        session.exec(
            select(Objective)
            .where(Objective.scorecard_id == scorecard_id)
            .order_by(col(Objective.position), col(Objective.id))
        )
    )
    codes = {o.id: o.code for o in objectives}
    drivers: dict[int, list[str]] = {}
    links = session.exec(
        select(ObjectiveLink)
        .where(col(ObjectiveLink.driven_id).in_(list(codes)))
        .order_by(col(ObjectiveLink.id))
    )
    for link in links:
        if link.driver_id in codes:
            drivers.setdefault(link.driven_id, []).append(codes[link.driver_id])
    kpis: dict[int, list[Kpi]] = {}
    for kpi in session.exec(
        select(Kpi)
        .where(col(Kpi.objective_id).in_(list(codes)), col(Kpi.active) == True)  # noqa: E712
        .order_by(col(Kpi.position), col(Kpi.id))
    ):
        kpis.setdefault(kpi.objective_id, []).append(kpi)
    targets: dict[int, dict[str, float]] = {}
    every = [k.id for group in kpis.values() for k in group]
    for row in session.exec(
        select(Target).where(col(Target.kpi_id).in_(every)).order_by(col(Target.period))
    ):
        targets.setdefault(row.kpi_id, {})[row.period] = row.value
    result = []
    for objective in objectives:
        entry: dict[str, Any] = {
            "code": objective.code,
            "perspective": perspective_names[objective.perspective_id],
            "name": objective.name,
        }
        if objective.owner:
            entry["owner"] = objective.owner
        if objective.weight != 1.0:
            entry["weight"] = _number(objective.weight)
        if drivers.get(objective.id or 0):
            entry["drivers"] = drivers[objective.id or 0]
        entry["kpis"] = [
            _kpi(k, targets.get(k.id or 0, {})) for k in kpis.get(objective.id or 0, [])
        ]
        initiatives = _initiatives(session, objective.id or 0)
        if initiatives:
            entry["initiatives"] = initiatives
        result.append(entry)
    return result


def _kpi(kpi: Kpi, targets: dict[str, float]) -> dict[str, Any]:
    entry: dict[str, Any] = {"code": kpi.code, "name": kpi.name, "owner": kpi.owner}
    if kpi.unit:
        entry["unit"] = kpi.unit
    entry["frequency"] = kpi.frequency
    entry["direction"] = kpi.direction
    kind: Any = kpi.tolerance_kind
    entry["amber"] = str(Tolerance(kind, Decimal(repr(kpi.tolerance_amount))))
    entry["kind"] = kpi.kind
    if kpi.default_target is not None:
        entry["target"] = _number(kpi.default_target)
    if targets:
        entry["targets"] = {period: _number(targets[period]) for period in sorted(targets)}
    if kpi.hours:
        entry["hours"] = kpi.hours
    if kpi.aggregate:
        entry["aggregate"] = kpi.aggregate
    if kpi.weight != 1.0:
        entry["weight"] = _number(kpi.weight)
    if kpi.computed_from:
        entry["from"] = kpi.computed_from.split(",")
    if kpi.combine:
        entry["combine"] = kpi.combine
    return entry


def _initiatives(session: Session, objective_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Initiative)
        .where(Initiative.objective_id == objective_id)
        .order_by(col(Initiative.id))
    )
    result = []
    for row in rows:
        entry: dict[str, Any] = {"name": row.name}
        if row.owner:
            entry["owner"] = row.owner
        if row.due_date:
            entry["due"] = row.due_date
        entry["status"] = row.status
        result.append(entry)
    return result


def _people(session: Session, card: Scorecard, objectives: list[dict[str, Any]]) -> dict[str, str]:
    """Names of the people the scorecard names (chair, owners), as far as they are known."""
    found: set[str | None] = {card.chair}
    for objective in objectives:
        found.add(objective.get("owner"))
        found.update(k["owner"] for k in objective["kpis"])
        found.update(i.get("owner") for i in objective.get("initiatives", []))
    ids = {user for user in found if user}
    if not ids:
        return {}
    rows = session.exec(select(SlackUser).where(col(SlackUser.user_id).in_(sorted(ids))))
    known = {row.user_id: row.display_name for row in rows if row.display_name}
    return {user_id: known[user_id] for user_id in sorted(known)}


def export_scorecard_yaml(session: Session, slug: str) -> str:
    """The YAML text of the scorecard ``slug``, with a first line saying where it came from."""
    document = scorecard_document(session, slug)
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return f"# Exported by `bscbot export-scorecard --scorecard {slug}`.\n{text}"
