"""Applying a checked scorecard plan to the store, idempotently.

The file is the source of truth for definitions: importing the same file again changes nothing
(and writes no audit event), an edited target changes that target only, actuals are never
touched, and a KPI that left the file is deactivated rather than deleted so its history stays.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from bsc_core import audit
from bsc_core.cascade import SourceKpi, source_errors
from bsc_core.imports.scorecard_file import ScorecardFileError, ScorecardSpec
from bsc_core.imports.slack_edits import refuse_undoing_edits, remember_import
from bsc_core.initiative_updates import refuse_undoing_initiative_updates
from bsc_core.models import (
    Initiative,
    Kpi,
    Objective,
    ObjectiveLink,
    Perspective,
    Scorecard,
    Target,
)
from bsc_core.people import seed_names
from bsc_core.periods import Frequency


@dataclass
class ImportSummary:
    """What an import changed, for the command line's answer."""

    scorecard: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)


class _Applier:
    def __init__(self, session: Session, actor: str, summary: ImportSummary) -> None:
        self.session = session
        self.actor = actor
        self.summary = summary

    def sync(self, entity: str, label: str, row: Any, values: dict[str, Any]) -> Any:
        """Create ``row`` or update it to ``values``; audit only what really changed."""
        if row.id is None:
            for key, value in values.items():
                setattr(row, key, value)
            self.session.add(row)
            self.session.flush()
            audit.record(
                self.session,
                actor=self.actor,
                action="create",
                entity=entity,
                entity_id=row.id,
                after=values,
            )
            self.summary.created.append(label)
            return row
        before = {k: getattr(row, k) for k in values if getattr(row, k) != values[k]}
        if before:
            after = {k: values[k] for k in before}
            for key, value in after.items():
                setattr(row, key, value)
            self.session.add(row)
            audit.record(
                self.session,
                actor=self.actor,
                action="update",
                entity=entity,
                entity_id=row.id,
                before=before,
                after=after,
            )
            self.summary.updated.append(label)
        return row

    def delete(self, entity: str, label: str, row: Any, before: dict[str, Any]) -> None:
        audit.record(
            self.session,
            actor=self.actor,
            action="delete",
            entity=entity,
            entity_id=row.id,
            before=before,
        )
        self.session.delete(row)
        self.summary.updated.append(label)


def apply_scorecard(
    session: Session, spec: ScorecardSpec, *, actor: str, force: bool = False
) -> ImportSummary:
    """Create or update the scorecard in ``spec`` inside the caller's write session.

    Raises :class:`ScorecardFileError` (and the caller's transaction rolls back) when the
    file conflicts with the store: an unknown parent, a KPI code used by another scorecard,
    or (unless ``force``) owners and targets changed in Slack since the last import that the
    file would undo (:mod:`bsc_core.imports.slack_edits`).
    """
    _check_against_store(session, spec)
    summary = ImportSummary(scorecard=spec.slug)
    applier = _Applier(session, actor, summary)
    parent_id = None
    if spec.parent:
        parent_id = session.exec(select(Scorecard.id).where(Scorecard.slug == spec.parent)).one()
    card = session.exec(select(Scorecard).where(Scorecard.slug == spec.slug)).first()
    if card is not None and card.id is not None and not force:
        refuse_undoing_edits(session, scorecard_id=card.id, spec=spec)
        refuse_undoing_initiative_updates(session, spec)  # issue 18: initiatives from Slack
    card = applier.sync(
        "scorecard",
        f"scorecard {spec.slug}",
        card or Scorecard(name=spec.name, slug=spec.slug),
        {
            "name": spec.name,
            "tier": spec.tier,
            "parent_id": parent_id,
            "channel_id": spec.channel,
            "chair": spec.chair,
            "timezone": spec.timezone,
            "root_causes": json.dumps(spec.root_causes),
            "calendar_days": spec.calendar_days,
            "calendar_hours": spec.calendar_hours,
            "holidays": json.dumps(spec.holidays) if spec.holidays else None,
            "rollup": spec.rollup.value,
        },
    )
    perspectives = _sync_perspectives(applier, card, spec)
    objectives = _sync_objectives(applier, card, spec, perspectives)
    _sync_links(applier, spec, objectives)
    _sync_kpis(applier, card, spec, objectives)
    _sync_initiatives(applier, spec, objectives)
    _drop_unused_perspectives(applier, card, spec)
    seed_names(session, spec.people)
    remember_import(session, scorecard_id=card.id, spec=spec, actor=actor)
    return summary


def _check_against_store(session: Session, spec: ScorecardSpec) -> None:
    errors: list[str] = []
    if spec.parent:
        if spec.parent == spec.slug:
            errors.append(f"scorecard: parent {spec.parent!r} is this scorecard itself")
        elif not session.exec(select(Scorecard.id).where(Scorecard.slug == spec.parent)).first():
            errors.append(
                f"scorecard: parent {spec.parent!r} is not a known scorecard slug; "
                "import the parent's file first"
            )
    keys = {kpi.code.upper(): kpi.code for kpi in spec.kpis()}
    if keys:
        rows = session.exec(
            select(Kpi.code_key, Scorecard.slug)
            .join(Objective, col(Objective.id) == col(Kpi.objective_id))
            .join(Scorecard, col(Scorecard.id) == col(Objective.scorecard_id))
            .where(col(Kpi.code_key).in_(list(keys)))
        ).all()
        for key, slug in rows:
            if slug != spec.slug:
                errors.append(
                    f"KPI {keys[key]}: the code is already used by scorecard {slug!r} "
                    "(KPI codes are unique in the workspace, ignoring case)"
                )
    errors.extend(_source_errors(session, spec))
    if errors:
        raise ScorecardFileError(errors)


def _source_errors(session: Session, spec: ScorecardSpec) -> list[str]:
    """Computed KPIs checked against every KPI known: the store's and the whole file's."""
    if not any(kpi.computed_from for kpi in spec.kpis()) and not spec.file_kpis:
        return []
    known: dict[str, SourceKpi] = {}
    for code, frequency, sources in session.exec(
        select(Kpi.code, Kpi.frequency, Kpi.computed_from).where(col(Kpi.active) == True)  # noqa: E712
    ).all():
        found = tuple(s for s in (sources or "").split(",") if s)
        known[code.upper()] = SourceKpi(code, Frequency(frequency), found)
    known.update(spec.file_kpis)
    known.update({kpi.code.upper(): kpi.as_source() for kpi in spec.kpis()})
    mine = {kpi.code.upper(): kpi.code for kpi in spec.kpis()}
    return [
        f"KPI {mine[code]}: {message}"
        for code, messages in source_errors(known, blame=set(mine)).items()
        if code in mine
        for message in messages
    ]


def _sync_perspectives(
    applier: _Applier, card: Scorecard, spec: ScorecardSpec
) -> dict[str, Perspective]:
    existing = {
        p.name: p
        for p in applier.session.exec(
            select(Perspective).where(Perspective.scorecard_id == card.id)
        )
    }
    result = {}
    for position, name in enumerate(spec.perspectives, start=1):
        row = existing.get(name) or Perspective(scorecard_id=card.id, name=name, position=position)
        result[name] = applier.sync(
            "perspective",
            f"perspective {name}",
            row,
            {"position": position, "weight": spec.perspective_weights.get(name, 1.0)},
        )
    return result


def _drop_unused_perspectives(applier: _Applier, card: Scorecard, spec: ScorecardSpec) -> None:
    for row in applier.session.exec(select(Perspective).where(Perspective.scorecard_id == card.id)):
        if row.name in spec.perspectives:
            continue
        used = applier.session.exec(
            select(Objective.id).where(Objective.perspective_id == row.id)
        ).first()
        if not used:
            applier.delete(
                "perspective", f"perspective {row.name} removed", row, {"name": row.name}
            )


def _sync_objectives(
    applier: _Applier, card: Scorecard, spec: ScorecardSpec, perspectives: dict[str, Perspective]
) -> dict[str, Objective]:
    existing = {
        o.code: o
        for o in applier.session.exec(select(Objective).where(Objective.scorecard_id == card.id))
    }
    result = {}
    for position, o in enumerate(spec.objectives, start=1):
        row = existing.get(o.code) or Objective(
            scorecard_id=card.id,
            perspective_id=perspectives[o.perspective].id,
            code=o.code,
            name=o.name,
        )
        result[o.code] = applier.sync(
            "objective",
            f"objective {o.code}",
            row,
            {
                "name": o.name,
                "perspective_id": perspectives[o.perspective].id,
                "owner": o.owner,
                "position": position,
                "weight": o.weight,
            },
        )
    return result


def _sync_links(applier: _Applier, spec: ScorecardSpec, objectives: dict[str, Objective]) -> None:
    ids = [o.id for o in objectives.values()]
    existing = {
        (link.driver_id, link.driven_id): link
        for link in applier.session.exec(
            select(ObjectiveLink).where(col(ObjectiveLink.driven_id).in_(ids))
        )
    }
    wanted = {
        (objectives[driver].id, objectives[o.code].id): (driver, o.code)
        for o in spec.objectives
        for driver in o.drivers
    }
    for key, (driver, driven) in wanted.items():
        if key not in existing:
            applier.sync(
                "objective_link",
                f"link {driver} -> {driven}",
                ObjectiveLink(driver_id=key[0], driven_id=key[1]),
                {"driver_id": key[0], "driven_id": key[1]},
            )
    for key, link in existing.items():
        if key not in wanted:
            applier.delete(
                "objective_link", "link removed", link, {"driver_id": key[0], "driven_id": key[1]}
            )


def _sync_kpis(
    applier: _Applier, card: Scorecard, spec: ScorecardSpec, objectives: dict[str, Objective]
) -> None:
    session = applier.session
    existing = {
        k.code_key: k
        for k in session.exec(
            select(Kpi)
            .join(Objective, col(Objective.id) == col(Kpi.objective_id))
            .where(Objective.scorecard_id == card.id)
        )
    }
    in_file: set[str] = set()
    positions = iter(range(1, 10_000))
    for o in spec.objectives:
        for k in o.kpis:
            key = k.code.upper()
            in_file.add(key)
            row = existing.get(key) or Kpi(
                code=k.code,
                code_key=key,
                name=k.name,
                objective_id=objectives[o.code].id,
                owner=k.owner,
            )
            row = applier.sync(
                "kpi",
                f"KPI {k.code}",
                row,
                {
                    "code": k.code,
                    "name": k.name,
                    "objective_id": objectives[o.code].id,
                    "owner": k.owner,
                    "unit": k.unit,
                    "frequency": k.frequency.value,
                    "direction": k.direction.value,
                    "tolerance_kind": k.tolerance.kind,
                    "tolerance_amount": float(k.tolerance.amount),
                    "kind": k.kind,
                    "active": True,
                    "default_target": k.default_target,
                    "hours": k.hours,
                    "position": next(positions),
                    "aggregate": k.aggregate.value if k.aggregate else None,
                    "weight": k.weight,
                    "computed_from": ",".join(k.computed_from) or None,
                    "combine": k.combine,
                },
            )
            _sync_targets(applier, row, k.targets)
    for key, row in existing.items():
        if key not in in_file and row.active:
            row.active = False
            session.add(row)
            audit.record(
                session,
                actor=applier.actor,
                action="deactivate",
                entity="kpi",
                entity_id=row.id,
                before={"active": True},
                after={"active": False},
            )
            applier.summary.deactivated.append(row.code)


def _sync_targets(applier: _Applier, kpi: Kpi, targets: dict[str, float]) -> None:
    existing = {
        t.period: t for t in applier.session.exec(select(Target).where(Target.kpi_id == kpi.id))
    }
    for period, value in targets.items():
        row = existing.get(period) or Target(kpi_id=kpi.id, period=period, value=value)
        applier.sync("target", f"target {kpi.code} {period}", row, {"value": value})
    for period, row in existing.items():
        if period not in targets:
            applier.delete(
                "target",
                f"target {kpi.code} {period} removed",
                row,
                {"period": period, "value": row.value},
            )


def _sync_initiatives(
    applier: _Applier, spec: ScorecardSpec, objectives: dict[str, Objective]
) -> None:
    for o in spec.objectives:
        objective = objectives[o.code]
        existing = {
            i.name: i
            for i in applier.session.exec(
                select(Initiative).where(Initiative.objective_id == objective.id)
            )
        }
        for item in o.initiatives:
            row = existing.pop(item.name, None) or Initiative(
                objective_id=objective.id, name=item.name
            )
            applier.sync(
                "initiative",
                f"initiative {item.name}",
                row,
                {"owner": item.owner, "due_date": item.due_date, "status": item.status},
            )
        for row in existing.values():
            applier.delete("initiative", f"initiative {row.name} removed", row, {"name": row.name})
