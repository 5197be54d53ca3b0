"""Reading a scorecard definition (YAML) into a checked plan, reporting every error at once.

An admin sets a scorecard up by editing one file and importing it again and again, so the
reader reports every problem in one run — each with where it is and what the right form is —
and hands back a plan only when the whole file is sound. Nothing touches the database here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bsc_core.aggregation import Aggregate, default_aggregate
from bsc_core.calendar import CalendarError, parse_days, parse_holidays, parse_hours
from bsc_core.cascade import COMBINE_CHOICES, SourceKpi, source_errors
from bsc_core.people import check_people
from bsc_core.periods import Frequency, Period, PeriodError
from bsc_core.scores import Rollup, WeightError, check_not_all_zero, check_weight
from bsc_core.status import Direction, Tolerance
from bsc_core.text import sanitize_text

DEFAULT_PERSPECTIVES = ["Financial", "Customer", "Internal Process", "Learning & Growth"]
DEFAULT_ROOT_CAUSES = ["People", "Process", "Equipment", "Materials", "Environment", "Measurement"]
KPI_KINDS = ("leading", "lagging")
INITIATIVE_STATUSES = ("planned", "on_track", "at_risk", "late", "done", "cancelled")


class ScorecardFileError(ValueError):
    """The file has errors; ``errors`` lists each with its place."""

    def __init__(self, errors: list[str], *, source: str = "") -> None:
        self.errors = errors
        where = f" in {source}" if source else ""
        super().__init__(
            f"{len(errors)} error(s){where}; nothing was imported:\n"
            + "\n".join(f"  - {e}" for e in errors)
        )


@dataclass
class KpiSpec:
    code: str
    name: str
    owner: str
    unit: str
    frequency: Frequency
    direction: Direction
    tolerance: Tolerance
    kind: str
    default_target: float | None
    targets: dict[str, float]
    hours: str | None = None
    aggregate: Aggregate | None = None  # None: the frequency's default
    weight: float = 1.0
    computed_from: list[str] = field(default_factory=list)
    combine: str | None = None

    @property
    def effective_aggregate(self) -> Aggregate:
        return self.aggregate or default_aggregate(self.frequency)

    def as_source(self) -> SourceKpi:
        return SourceKpi(self.code, self.frequency, tuple(self.computed_from))


@dataclass
class InitiativeSpec:
    name: str
    owner: str | None
    due_date: Any
    status: str


@dataclass
class ObjectiveSpec:
    code: str
    name: str
    perspective: str
    owner: str | None
    drivers: list[str]
    kpis: list[KpiSpec] = field(default_factory=list)
    initiatives: list[InitiativeSpec] = field(default_factory=list)
    weight: float = 1.0


@dataclass
class ScorecardSpec:
    name: str
    slug: str
    tier: int
    parent: str | None
    channel: str | None
    chair: str | None
    timezone: str
    perspectives: list[str]
    root_causes: list[str]
    objectives: list[ObjectiveSpec]
    perspective_weights: dict[str, float] = field(default_factory=dict)
    calendar_days: str = "mon-fri"
    calendar_hours: str | None = None
    holidays: list[str] = field(default_factory=list)
    rollup: Rollup = Rollup.WEIGHTED
    #: Slack user ID → name, for charts and minutes before Slack has told us (``people:``).
    people: dict[str, str] = field(default_factory=dict)
    #: Every KPI of the file (upper-case code → what cascading checks), so a KPI computed from
    #: a board in a later document of the same file can be checked against the store too.
    file_kpis: dict[str, SourceKpi] = field(default_factory=dict)

    def kpis(self) -> list[KpiSpec]:
        return [kpi for objective in self.objectives for kpi in objective.kpis]


class _Checker:
    """Collects errors while reading, so the whole file is checked in one pass."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def text(
        self, data: dict[str, Any], key: str, where: str, *, required: bool = True
    ) -> str | None:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(where, f"missing `{key}`")
            return None
        if not isinstance(value, str | int | float):
            self.error(where, f"`{key}` must be text, not {type(value).__name__}")
            return None
        text = sanitize_text(str(value))  # no bidi overrides or invisible controls in names
        if not text and required:
            self.error(where, f"`{key}` holds only invisible characters; write it out")
        return text or None

    def number(self, value: Any, where: str, what: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(where, f"{what} must be a number, got {value!r}")
            return None
        if value != value or value in (float("inf"), float("-inf")):
            self.error(where, f"{what} must be a finite number, got {value!r}")
            return None
        return float(value)


def load_scorecard_file(path: str | Path) -> list[ScorecardSpec]:
    """Read and check the file at ``path``; raises :class:`ScorecardFileError` listing all errors.

    A file holds one scorecard, or several separated by ``---`` (a parent before its children).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScorecardFileError(
            [f"cannot read the file: {exc.strerror}"], source=str(path)
        ) from exc
    return parse_scorecard_text(text, source=str(path))


def parse_scorecard_text(text: str, *, source: str = "") -> list[ScorecardSpec]:
    """Parse YAML text into scorecard plans or raise with every error found."""
    try:
        documents = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "the file"
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScorecardFileError([f"{where}: not valid YAML ({problem})"], source=source) from exc
    if not documents:
        raise ScorecardFileError(
            ["the file is empty; it starts with `scorecard: NAME`"], source=source
        )
    errors: list[str] = []
    specs: list[ScorecardSpec] = []
    for number, data in enumerate(documents, start=1):
        prefix = f"document {number}, " if len(documents) > 1 else ""
        if not isinstance(data, dict):
            errors.append(
                f"{prefix}the scorecard must be a mapping that starts with `scorecard: NAME`"
            )
            continue
        checker = _Checker()
        spec = _read_scorecard(data, checker)
        errors.extend(prefix + e for e in checker.errors)
        if spec is not None:
            specs.append(spec)
    errors.extend(_cross_document_errors(specs))
    errors.extend(_cascade_errors(specs))
    if errors:
        raise ScorecardFileError(errors, source=source)
    return specs


def _cross_document_errors(specs: list[ScorecardSpec]) -> list[str]:
    errors = []
    owners: dict[str, str] = {}
    slugs: set[str] = set()
    for spec in specs:
        if spec.slug in slugs:
            errors.append(f"scorecard {spec.slug}: the slug appears twice in the file")
        slugs.add(spec.slug)
        for kpi in spec.kpis():
            key = kpi.code.upper()
            if key in owners and owners[key] != spec.slug:
                errors.append(
                    f"scorecard {spec.slug}, KPI {kpi.code}: duplicate KPI code "
                    f"(also in scorecard {owners[key]}; codes are unique in the workspace)"
                )
            owners.setdefault(key, spec.slug)
    return errors


def _cascade_errors(specs: list[ScorecardSpec]) -> list[str]:
    """Longer sources and cycles within the file; unknown codes wait for the store's KPIs."""
    known = {kpi.code.upper(): kpi.as_source() for spec in specs for kpi in spec.kpis()}
    for spec in specs:
        spec.file_kpis = known
    places = {
        kpi.code.upper(): f"scorecard {spec.slug}, KPI {kpi.code}"
        for spec in specs
        for kpi in spec.kpis()
    }
    return [
        f"{places[code]}: {message}"
        for code, messages in source_errors(known).items()
        for message in messages
        if "is not a KPI code" not in message
    ]


def _read_scorecard(data: dict[str, Any], c: _Checker) -> ScorecardSpec | None:
    where = "scorecard"
    name = c.text(data, "scorecard", where)
    slug = c.text(data, "slug", where)
    if slug is not None and not slug.replace("-", "").replace("_", "").isalnum():
        c.error(where, f"slug {slug!r} may hold only letters, digits, - and _ (e.g. acme-sales)")
    tier = data.get("tier", 1)
    if tier not in (1, 2, 3):
        c.error(where, f"tier must be 1, 2 or 3, got {tier!r}")
    parent = c.text(data, "parent", where, required=False)
    if tier in (2, 3) and parent is None:
        c.error(where, f"a tier-{tier} scorecard names its `parent` (the parent scorecard's slug)")
    timezone = c.text(data, "timezone", where, required=False) or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        c.error(where, f"timezone {timezone!r} is not an IANA time zone (e.g. Europe/London)")
    channel = c.text(data, "channel", where, required=False)
    if channel is not None and not (channel[:1] in "CG" and channel.isalnum()):
        c.error(where, f"channel must be a Slack channel ID like C0123456789, got {channel!r}")
    chair = c.text(data, "chair", where, required=False)
    try:
        people = check_people(data.get("people"))
    except ValueError as error:
        c.error(where, str(error))
        people = {}
    perspectives, perspective_weights = _read_perspectives(data, c)
    calendar = _read_calendar(data, c)
    rollup = _read_choice(data, "rollup", [r.value for r in Rollup], where, c, "weighted")
    root_causes = _read_name_list(data, "root_causes", DEFAULT_ROOT_CAUSES, c)
    objectives_data = data.get("objectives") or []
    if not isinstance(objectives_data, list):
        c.error(where, "`objectives` must be a list")
        objectives_data = []
    objectives = [
        o
        for index, item in enumerate(objectives_data, start=1)
        if (o := _read_objective(item, index, perspectives, c)) is not None
    ]
    _check_unique_codes(objectives, c)
    _check_weights(objectives, c)
    if name is None or slug is None:
        return None
    return ScorecardSpec(
        name=name,
        slug=slug,
        tier=tier if tier in (1, 2, 3) else 1,
        parent=parent,
        channel=channel,
        chair=chair,
        timezone=timezone,
        perspectives=perspectives,
        root_causes=root_causes,
        objectives=objectives,
        perspective_weights=perspective_weights,
        calendar_days=calendar[0],
        calendar_hours=calendar[1],
        holidays=calendar[2],
        rollup=Rollup(rollup or "weighted"),
        people=people,
    )


def _read_perspectives(data: dict[str, Any], c: _Checker) -> tuple[list[str], dict[str, float]]:
    """``perspectives: [{name: Financial, weight: 2}, Customer, …]``: names and weights."""
    value = data.get("perspectives")
    if value is None:
        return list(DEFAULT_PERSPECTIVES), {}
    form = (
        "`perspectives` must be a list of names or {name: NAME, weight: N}, "
        "e.g. [{name: Financial, weight: 2}, Customer]"
    )
    if not isinstance(value, list) or not value:
        c.error("scorecard", form)
        return list(DEFAULT_PERSPECTIVES), {}
    names: list[str] = []
    weights: dict[str, float] = {}
    for index, item in enumerate(value, start=1):
        where = f"scorecard, perspective #{index}"
        if isinstance(item, str) and sanitize_text(item):
            names.append(sanitize_text(item))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            c.error(where, form)
            continue
        unknown = sorted(set(item) - {"name", "weight"})
        if unknown:
            c.error(where, f"unknown key(s) {', '.join(map(str, unknown))}; {form}")
        name = sanitize_text(item["name"])
        names.append(name)
        if "weight" in item:
            weight = _weight(item["weight"], f"scorecard, perspective {name}", c)
            if weight is not None:
                weights[name] = weight
    if not names:
        return list(DEFAULT_PERSPECTIVES), {}
    if len({n.lower() for n in names}) != len(names):
        c.error("scorecard", "`perspectives` names one entry twice")
    try:
        check_not_all_zero([weights.get(n, 1.0) for n in names])
    except WeightError as exc:
        c.error("scorecard, perspectives", str(exc))
    return names, weights


def _read_calendar(data: dict[str, Any], c: _Checker) -> tuple[str, str | None, list[str]]:
    """The scorecard's working calendar as canonical texts: days, hours, holiday dates."""
    from bsc_core.calendar import days_text

    where = "scorecard, calendar"
    value = data.get("calendar")
    if value is None:
        return "mon-fri", None, []
    if not isinstance(value, dict):
        c.error(where, 'must be a mapping, e.g. {days: mon-fri, hours: "08:00-17:00"}')
        return "mon-fri", None, []
    unknown = sorted(set(map(str, value)) - {"days", "hours", "holidays"})
    if unknown:
        c.error(where, f"unknown key(s) {', '.join(unknown)}; the keys are days, hours, holidays")
    days, hours, holidays = "mon-fri", None, []
    try:
        days = days_text(parse_days(value.get("days")))
    except CalendarError as exc:
        c.error(where, str(exc))
    if value.get("hours") is not None:
        try:
            parse_hours(value["hours"])
            hours = str(value["hours"]).replace(" ", "")
        except CalendarError as exc:
            c.error(where, str(exc))
    try:
        holidays = [d.isoformat() for d in parse_holidays(value.get("holidays"))]
    except CalendarError as exc:
        c.error(where, str(exc))
    return days, hours, holidays


def _weight(value: Any, where: str, c: _Checker) -> float | None:
    try:
        return float(check_weight(value))
    except WeightError as exc:
        c.error(where, str(exc))
        return None


def _check_weights(objectives: list[ObjectiveSpec], c: _Checker) -> None:
    """Within one parent, the weights cannot all be zero."""
    by_perspective: dict[str, list[float]] = {}
    for objective in objectives:
        by_perspective.setdefault(objective.perspective, []).append(objective.weight)
        try:
            check_not_all_zero([k.weight for k in objective.kpis])
        except WeightError as exc:
            c.error(f"objective {objective.code}, KPIs", str(exc))
    for perspective, weights in by_perspective.items():
        try:
            check_not_all_zero(weights)
        except WeightError as exc:
            c.error(f"perspective {perspective}, objectives", str(exc))


def _read_name_list(data: dict[str, Any], key: str, default: list[str], c: _Checker) -> list[str]:
    value = data.get(key)
    if value is None:
        return list(default)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        c.error("scorecard", f"`{key}` must be a list of names, e.g. [{', '.join(default[:2])}]")
        return list(default)
    names = [sanitize_text(v) for v in value]
    if not all(names):
        c.error("scorecard", f"`{key}` has an empty name")
    if len({n.lower() for n in names}) != len(names):
        c.error("scorecard", f"`{key}` names one entry twice")
    return names


def _read_objective(
    data: Any, index: int, perspectives: list[str], c: _Checker
) -> ObjectiveSpec | None:
    if not isinstance(data, dict):
        c.error(f"objective #{index}", "must be a mapping with code, perspective, name, owner")
        return None
    code = c.text(data, "code", f"objective #{index}")
    where = f"objective {code}" if code else f"objective #{index}"
    name = c.text(data, "name", where)
    perspective = c.text(data, "perspective", where)
    if perspective is not None and perspective not in perspectives:
        c.error(where, f"unknown perspective {perspective!r}; expected one of {perspectives}")
    owner = c.text(data, "owner", where, required=False)
    drivers = data.get("drivers") or []
    if not isinstance(drivers, list) or not all(isinstance(d, str) for d in drivers):
        c.error(where, "`drivers` must be a list of objective codes, e.g. [C1, P2]")
        drivers = []
    kpis_data = data.get("kpis") or []
    if not isinstance(kpis_data, list):
        c.error(where, "`kpis` must be a list")
        kpis_data = []
    kpis = [
        k
        for i, item in enumerate(kpis_data, start=1)
        if (k := _read_kpi(item, f"{where}, KPI #{i}", c)) is not None
    ]
    initiatives = [
        i
        for n, item in enumerate(data.get("initiatives") or [], start=1)
        if (i := _read_initiative(item, f"{where}, initiative #{n}", c)) is not None
    ]
    weight = 1.0
    if "weight" in data:
        found = _weight(data["weight"], where, c)
        weight = 1.0 if found is None else found
    if code is None or name is None or perspective is None:
        return None
    return ObjectiveSpec(
        weight=weight,
        code=code,
        name=name,
        perspective=perspective,
        owner=owner,
        drivers=[d.strip() for d in drivers],
        kpis=kpis,
        initiatives=initiatives,
    )


def _read_kpi(data: Any, where: str, c: _Checker) -> KpiSpec | None:
    if not isinstance(data, dict):
        c.error(where, "must be a mapping with code, name, owner, frequency, direction")
        return None
    code = c.text(data, "code", where)
    if code is not None:
        where = where.rsplit(", KPI #", 1)[0] + f", KPI {code}"
        if not code.replace("_", "").replace("-", "").isalnum() or len(code) > 32:
            c.error(where, f"code {code!r} may hold only letters, digits, - and _ (e.g. MRR)")
    name = c.text(data, "name", where)
    owner = c.text(data, "owner", where)
    if owner is not None and not (owner[:1] in "UW" and owner.isalnum()):
        c.error(where, f"owner must be a Slack user ID like U0123ABCD, got {owner!r}")
    unit = c.text(data, "unit", where, required=False) or ""
    frequency = _read_choice(data, "frequency", [f.value for f in Frequency], where, c, "monthly")
    direction = _read_choice(data, "direction", [d.value for d in Direction], where, c, None)
    kind = _read_choice(data, "kind", list(KPI_KINDS), where, c, "lagging")
    try:
        tolerance = Tolerance.parse(data.get("amber"))
    except ValueError as exc:
        c.error(where, str(exc))
        tolerance = Tolerance.parse(None)
    default_target = None
    if data.get("target") is not None:
        default_target = c.number(data["target"], where, "target")
    targets: dict[str, float] = {}
    raw_targets = data.get("targets") or {}
    if not isinstance(raw_targets, dict):
        c.error(where, "`targets` must map periods to numbers, e.g. {2026-01: 100000}")
        raw_targets = {}
    for raw_period, raw_value in raw_targets.items():
        if frequency is None:
            break
        try:
            period = Period.parse(str(raw_period), Frequency(frequency))
        except PeriodError as exc:
            c.error(where, f"target period {raw_period!r}: {exc}")
            continue
        value = c.number(raw_value, where, f"target for {period}")
        if value is not None:
            targets[str(period)] = value
    hours = c.text(data, "hours", where, required=False)
    if hours is not None:
        try:
            parse_hours(hours)
        except CalendarError as exc:
            c.error(where, str(exc))
    aggregate = None
    if data.get("aggregate") is not None:
        chosen = _read_choice(data, "aggregate", [a.value for a in Aggregate], where, c, None)
        aggregate = Aggregate(chosen) if chosen else None
    weight = 1.0
    if "weight" in data:
        found = _weight(data["weight"], where, c)
        weight = 1.0 if found is None else found
    computed_from, combine = _read_sources(data, where, c)
    if None in (code, name, owner, frequency, direction, kind):
        return None
    return KpiSpec(
        code=str(code),
        name=str(name),
        owner=str(owner),
        unit=unit,
        frequency=Frequency(frequency),
        direction=Direction(direction),
        tolerance=tolerance,
        kind=str(kind),
        default_target=default_target,
        targets=targets,
        hours=hours,
        aggregate=aggregate,
        weight=weight,
        computed_from=computed_from,
        combine=combine,
    )


def _read_sources(data: dict[str, Any], where: str, c: _Checker) -> tuple[list[str], str | None]:
    """``from: [P1OTD, P2OTD]`` and ``combine:``; a combine without sources is a mistake."""
    raw = data.get("from")
    sources: list[str] = []
    if raw is not None:
        if isinstance(raw, str):
            raw = [raw]
        if (
            not isinstance(raw, list)
            or not raw
            or not all(isinstance(s, str) and s.strip() for s in raw)
        ):
            c.error(where, "`from` must be a list of KPI codes, e.g. [P1OTD, P2OTD]")
        else:
            sources = [s.strip() for s in raw]
            if len({s.upper() for s in sources}) != len(sources):
                c.error(where, "`from` names one source twice")
    combine = None
    if data.get("combine") is not None:
        combine = _read_choice(data, "combine", list(COMBINE_CHOICES), where, c, None)
        if not sources and raw is None:
            c.error(where, "`combine` needs `from`: the KPIs this one is computed from")
    return sources, combine


def _read_choice(
    data: dict[str, Any],
    key: str,
    choices: list[str],
    where: str,
    c: _Checker,
    default: str | None,
) -> str | None:
    value = data.get(key, default)
    if value is None:
        c.error(where, f"missing `{key}` (one of {', '.join(choices)})")
        return None
    text = str(value).strip().lower()
    if text not in choices:
        c.error(where, f"{key} must be one of {', '.join(choices)}, got {value!r}")
        return None
    return text


def _read_initiative(data: Any, where: str, c: _Checker) -> InitiativeSpec | None:
    if not isinstance(data, dict):
        c.error(where, "must be a mapping with name, owner, due, status")
        return None
    name = c.text(data, "name", where)
    status = _read_choice(data, "status", list(INITIATIVE_STATUSES), where, c, "planned")
    due = data.get("due")
    if due is not None and not hasattr(due, "isoformat"):
        c.error(where, f"due must be a date like 2026-12-31, got {due!r}")
        due = None
    if name is None or status is None:
        return None
    return InitiativeSpec(
        name=name, owner=c.text(data, "owner", where, required=False), due_date=due, status=status
    )


def _check_unique_codes(objectives: list[ObjectiveSpec], c: _Checker) -> None:
    seen_objectives: set[str] = set()
    seen_kpis: dict[str, str] = {}
    for objective in objectives:
        if objective.code.upper() in seen_objectives:
            c.error(f"objective {objective.code}", "duplicate objective code")
        seen_objectives.add(objective.code.upper())
        for kpi in objective.kpis:
            key = kpi.code.upper()
            if key in seen_kpis:
                c.error(
                    f"objective {objective.code}, KPI {kpi.code}",
                    f"duplicate KPI code (codes ignore case; also used as {seen_kpis[key]})",
                )
            else:
                seen_kpis[key] = kpi.code
    codes = {o.code for o in objectives}
    for objective in objectives:
        for driver in objective.drivers:
            if driver not in codes:
                c.error(
                    f"objective {objective.code}",
                    f"driver {driver!r} is not an objective of this scorecard",
                )
