"""Config-as-code and Slack edits never overwrite each other silently.

A chair may change a KPI's owner or targets from Slack (``/kpi owner``, ``/kpi target``), and
an initiative's status is updated at the review, while an admin keeps the scorecard's YAML
file. Each import remembers what it set for those fields
(:class:`~bsc_core.models.ImportedDefinition`). The next import compares the store with that
memory: what differs was changed since, in Slack. Where the file would set such a field to
anything but its current value, the import lists every such field and stops, unless forced.
A file that already carries the Slack edits (``bscbot export-scorecard``) imports quietly.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlmodel import Session, col, select

from bsc_core.imports.scorecard_file import ScorecardFileError, ScorecardSpec
from bsc_core.models import ImportedDefinition, Initiative, Kpi, Objective, Target, utcnow

#: Field → value, per thing: a KPI (``KPI MRR``: ``owner``, ``target`` for the flat target,
#: ``target PERIOD``) or an initiative (``initiative “CRM rollout” (F1)``: ``status``).
EditableFields = dict[str, dict[str, object]]

#: How many fields of one KPI are named before "and N more".
SHOWN_PER_THING = 4


class SlackEditsWouldBeUndone(ScorecardFileError):
    """The file would undo changes made in Slack since its last import; ``errors`` lists them."""

    def __init__(self, errors: list[str], *, slug: str) -> None:
        self.errors = errors
        ValueError.__init__(
            self,
            f"scorecard {slug}: this file would undo {len(errors)} change(s) made in Slack "
            "since the last import; nothing was imported:\n"
            + "\n".join(f"  - {e}" for e in errors)
            + "\nPut them in the file (`bscbot export-scorecard --scorecard "
            f"{slug} --out FILE.yaml` writes the current state), or import with --force "
            "to overwrite them.",
        )


def _kpi_label(code: str) -> str:
    return f"KPI {code.upper()}"


def _initiative_label(name: str, objective_code: str) -> str:
    return f"initiative “{name}” ({objective_code})"


def _kpi_fields(owner: str, flat: float | None, targets: Mapping[str, float]) -> dict[str, object]:
    fields: dict[str, object] = {"owner": owner, "target": flat}
    fields.update({f"target {period}": value for period, value in targets.items()})
    return fields


def fields_of_spec(spec: ScorecardSpec) -> EditableFields:
    """What the file sets for the fields Slack can edit."""
    fields: EditableFields = {
        _kpi_label(k.code): _kpi_fields(k.owner, k.default_target, k.targets) for k in spec.kpis()
    }
    for objective in spec.objectives:
        for item in objective.initiatives:
            fields[_initiative_label(item.name, objective.code)] = {"status": item.status}
    return fields


def fields_of_store(session: Session, scorecard_id: int) -> EditableFields:
    """What the store holds for those fields (active KPIs, every initiative)."""
    kpis = session.exec(
        select(Kpi)
        .join(Objective, col(Objective.id) == col(Kpi.objective_id))
        .where(Objective.scorecard_id == scorecard_id, col(Kpi.active) == True)  # noqa: E712
    ).all()
    targets: dict[int, dict[str, float]] = {}
    ids = [k.id for k in kpis]
    for row in session.exec(select(Target).where(col(Target.kpi_id).in_(ids))):
        targets.setdefault(row.kpi_id, {})[row.period] = row.value
    fields: EditableFields = {
        _kpi_label(k.code): _kpi_fields(k.owner, k.default_target, targets.get(k.id or 0, {}))
        for k in kpis
    }
    for name, status, objective_code in session.exec(
        select(col(Initiative.name), col(Initiative.status), col(Objective.code))
        .join(Objective, col(Objective.id) == col(Initiative.objective_id))
        .where(Objective.scorecard_id == scorecard_id)
    ):
        fields[_initiative_label(name, objective_code)] = {"status": status}
    return fields


def _remembered(session: Session, scorecard_id: int) -> ImportedDefinition | None:
    return session.exec(
        select(ImportedDefinition).where(ImportedDefinition.scorecard_id == scorecard_id)
    ).first()


def _shown(field: str, value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if field == "status":
        return str(value).replace("_", " ")  # at_risk → at risk, as the review says it
    return str(value)


def undone_edits(session: Session, *, scorecard_id: int, spec: ScorecardSpec) -> list[str]:
    """The Slack edits since the last import that importing ``spec`` would overwrite."""
    memory = _remembered(session, scorecard_id)
    if memory is None:
        return []  # never imported since edits were tracked: nothing to compare with
    imported: EditableFields = json.loads(memory.definition)
    wanted = fields_of_spec(spec)
    problems: list[str] = []
    for label, now in fields_of_store(session, scorecard_id).items():
        before = imported.get(label)
        if before is None:
            continue  # created since the last import: not a Slack edit of what it set
        in_file = wanted.get(label)
        lines = []
        for name in sorted(set(now) | set(before)):
            file_value = in_file.get(name) if in_file is not None else None
            if now.get(name) != before.get(name) and file_value != now.get(name):
                file_says = (
                    f"leaves the {label.split()[0]} out"
                    if in_file is None
                    else f"says {_shown(name, file_value)}"
                )
                lines.append(
                    f"{label} {name}: changed in Slack from {_shown(name, before.get(name))} "
                    f"to {_shown(name, now.get(name))}; the file {file_says}"
                )
        if len(lines) > SHOWN_PER_THING:
            hidden = len(lines) - SHOWN_PER_THING
            lines = [*lines[:SHOWN_PER_THING], f"{label}: and {hidden} more field(s)"]
        problems.extend(lines)
    return problems


def refuse_undoing_edits(session: Session, *, scorecard_id: int, spec: ScorecardSpec) -> None:
    """Raise :class:`SlackEditsWouldBeUndone` when the import would undo Slack edits."""
    problems = undone_edits(session, scorecard_id=scorecard_id, spec=spec)
    if problems:
        raise SlackEditsWouldBeUndone(problems, slug=spec.slug)


def remember_import(
    session: Session, *, scorecard_id: int, spec: ScorecardSpec, actor: str
) -> None:
    """Record what this import set, for the next import to compare with (a re-import of the
    same file writes nothing)."""
    row = _remembered(session, scorecard_id) or ImportedDefinition(scorecard_id=scorecard_id)
    definition = json.dumps(fields_of_spec(spec), sort_keys=True, ensure_ascii=False)
    if row.id is not None and row.definition == definition:
        return
    row.definition = definition
    row.imported_by = actor
    row.imported_at = utcnow()
    session.add(row)
