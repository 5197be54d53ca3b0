"""A scorecard's scores: its objectives, perspectives and itself, and the boards below it.

The pure rules are in :mod:`bsc_core.scores`; this module reads what they need — the weights
of objectives and perspectives, the scorecard's roll-up, its child scorecards — in a fixed
number of queries, and applies them to rows the caller already computed (the board as of a
day, or every KPI viewed at a period), so every report scores the figures it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from bsc_core.board import KpiStatus, load_history, load_kpis
from bsc_core.models import Objective, Perspective, Scorecard
from bsc_core.scores import Node, Rollup, kpi_group, roll_up, rounded
from bsc_core.status import Status


@dataclass(frozen=True)
class ObjectiveScore:
    id: int
    code: str
    name: str
    perspective: str
    weight: float
    node: Node
    kpis: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "perspective": self.perspective,
            "weight": self.weight,
            "score": rounded(self.node.score),
            "status": _status(self.node.status),
            "kpis": self.kpis,
        }


@dataclass(frozen=True)
class PerspectiveScore:
    name: str
    position: int
    weight: float
    node: Node

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "weight": self.weight,
            "score": rounded(self.node.score),
            "status": _status(self.node.status),
        }


@dataclass(frozen=True)
class ChildBoard:
    """A scorecard below this one: its score, status and how many KPIs are red."""

    id: int
    slug: str
    name: str
    node: Node
    red: int
    reds: list[KpiStatus] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "score": rounded(self.node.score),
            "status": _status(self.node.status),
            "red": self.red,
        }


@dataclass(frozen=True)
class ScorecardScores:
    """The roll-up of one scorecard, and its children's when they were asked for."""

    id: int
    slug: str
    name: str
    rollup: Rollup
    node: Node
    perspectives: list[PerspectiveScore]
    objectives: list[ObjectiveScore]
    children: list[ChildBoard] = field(default_factory=list)

    @property
    def without_status(self) -> int:
        return self.node.without_status

    @property
    def total(self) -> int:
        return len(self.node.statuses)

    def objective(self, objective_id: int) -> ObjectiveScore | None:
        return next((o for o in self.objectives if o.id == objective_id), None)

    def perspective(self, name: str) -> PerspectiveScore | None:
        return next((p for p in self.perspectives if p.name == name), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "scorecard": {
                "slug": self.slug,
                "name": self.name,
                "score": rounded(self.node.score),
                "status": _status(self.node.status),
                "rollup": self.rollup.value,
            },
            "perspectives": [p.as_json() for p in self.perspectives],
            "objectives": [o.as_json() for o in self.objectives],
            "children": [c.as_json() for c in self.children],
        }


def _status(status: Status | None) -> str | None:
    return None if status is None else status.value


@dataclass(frozen=True)
class _Structure:
    """What scoring needs of scorecards beyond their KPI rows."""

    cards: dict[int, Scorecard]
    perspectives: dict[int, list[Perspective]]
    objectives: dict[int, list[tuple[Objective, str]]]


def _load_structure(session: Session, scorecard_ids: Sequence[int]) -> _Structure:
    """Scorecards, perspectives and objectives of ``scorecard_ids`` in three queries."""
    ids = list(scorecard_ids)
    cards = {
        c.id or 0: c for c in session.exec(select(Scorecard).where(col(Scorecard.id).in_(ids)))
    }
    perspectives: dict[int, list[Perspective]] = {i: [] for i in ids}
    for p in session.exec(
        select(Perspective)
        .where(col(Perspective.scorecard_id).in_(ids))
        .order_by(col(Perspective.position))
    ):
        perspectives[p.scorecard_id].append(p)
    objectives: dict[int, list[tuple[Objective, str]]] = {i: [] for i in ids}
    for o, name in session.exec(
        select(Objective, Perspective.name)
        .join(Perspective, col(Perspective.id) == col(Objective.perspective_id))
        .where(col(Objective.scorecard_id).in_(ids))
        .order_by(col(Perspective.position), col(Objective.position))
    ).all():
        objectives[o.scorecard_id].append((o, name))
    return _Structure(cards, perspectives, objectives)


def score_card(
    structure: _Structure, scorecard_id: int, rows: Sequence[KpiStatus]
) -> ScorecardScores:
    """Score one scorecard from its KPI rows (pure, given its structure)."""
    card = structure.cards[scorecard_id]
    rollup = Rollup(card.rollup or "weighted")
    by_objective: dict[int, list[KpiStatus]] = {}
    for row in rows:
        if row.kpi.scorecard_id == scorecard_id:
            by_objective.setdefault(row.kpi.objective_id, []).append(row)
    objectives: list[ObjectiveScore] = []
    for objective, perspective in structure.objectives[scorecard_id]:
        mine = by_objective.get(objective.id or 0, [])
        node = kpi_group([(r.status, r.kpi.weight) for r in mine], rollup)
        objectives.append(
            ObjectiveScore(
                id=objective.id or 0,
                code=objective.code,
                name=objective.name,
                perspective=perspective,
                weight=objective.weight,
                node=node,
                kpis=[r.kpi.code for r in mine],
            )
        )
    perspectives = [
        PerspectiveScore(
            name=p.name,
            position=p.position,
            weight=p.weight,
            node=roll_up(
                [(o.node, o.weight) for o in objectives if o.perspective == p.name], rollup
            ),
        )
        for p in structure.perspectives[scorecard_id]
    ]
    node = roll_up([(p.node, p.weight) for p in perspectives], rollup)
    return ScorecardScores(
        id=scorecard_id,
        slug=card.slug,
        name=card.name,
        rollup=rollup,
        node=node,
        perspectives=perspectives,
        objectives=objectives,
    )


def child_ids(session: Session, scorecard_id: int) -> list[int]:
    """The scorecards whose ``parent`` is this one."""
    return [
        i
        for i in session.exec(
            select(Scorecard.id).where(Scorecard.parent_id == scorecard_id).order_by(Scorecard.slug)
        ).all()
        if i is not None
    ]


RowsFor = Callable[[Session, Sequence[int]], list[KpiStatus]]


def scorecard_scores(
    session: Session,
    *,
    scorecard_id: int,
    rows: Sequence[KpiStatus],
    child_rows: RowsFor | None = None,
) -> ScorecardScores:
    """The roll-up of ``scorecard_id`` from its ``rows``, with the boards below it.

    Args:
        child_rows: computes the child scorecards' rows (by the same rule as ``rows``: as of
            the same day, or at the same period); ``None`` leaves the children out.
    """
    children = child_ids(session, scorecard_id) if child_rows is not None else []
    structure = _load_structure(session, [scorecard_id, *children])
    scores = score_card(structure, scorecard_id, rows)
    if not children or child_rows is None:
        return scores
    below = child_rows(session, children)
    boards = []
    for child in children:
        child_score = score_card(structure, child, below)
        reds = [r for r in below if r.kpi.scorecard_id == child and r.status is Status.RED]
        boards.append(
            ChildBoard(
                id=child,
                slug=child_score.slug,
                name=child_score.name,
                node=child_score.node,
                red=len(reds),
                reds=reds,
            )
        )
    boards.sort(key=lambda b: (-b.red, b.node.score if b.node.score is not None else 101, b.slug))
    return ScorecardScores(**{**scores.__dict__, "children": boards})


def board_rows_as_of(as_of: Any) -> RowsFor:
    """Child rows as of a day, like the board (the huddle, the chair's Home)."""
    from bsc_core.board import HISTORY_PERIODS, history_window, status_of

    def rows(session: Session, ids: Sequence[int]) -> list[KpiStatus]:
        kpis = load_kpis(session, scorecard_ids=ids)
        history = load_history(session, kpis, since=history_window(kpis, as_of, HISTORY_PERIODS))
        return [status_of(k, history, as_of) for k in kpis]

    return rows


def view_rows(view: Any, now: Any = None) -> RowsFor:
    """Child rows viewed at a period, like ``status --period`` (the review)."""
    from bsc_core.measure import board_at

    def rows(session: Session, ids: Sequence[int]) -> list[KpiStatus]:
        return board_at(session, view=view, scorecard_ids=ids, now=now)

    return rows


def scores_of(session: Session, rows: Sequence[KpiStatus]) -> list[ScorecardScores]:
    """The roll-up of every scorecard the rows belong to (``bscbot status``), in their order."""
    ids = list(dict.fromkeys(r.kpi.scorecard_id for r in rows))
    if not ids:
        return []
    structure = _load_structure(session, ids)
    return [score_card(structure, card_id, rows) for card_id in ids]
