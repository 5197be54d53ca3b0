"""Scores and roll-up: how healthy an objective, a perspective and a scorecard are.

A KPI earns **points** from its status: green 100, amber 50, red 0; ``missing`` and
``no_target`` have none and are left out of every mean (and counted separately). The
**score** of an objective is the weighted mean of its KPIs' points, of a perspective the
weighted mean of its objectives' scores, of the scorecard the weighted mean of its
perspectives' scores — ``None`` when nothing beneath has points. A score is green at 80 or
above, amber at 50 or above, red below.

The **roll-up** decides the colour of what is above a KPI: ``weighted`` (the default) colours
by the score; ``worst`` takes the worst status beneath (the conservative alternative). Scores
are computed either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from bsc_core.status import Status, worst

GREEN_FROM = Decimal(80)
AMBER_FROM = Decimal(50)
POINTS: dict[Status, int] = {Status.GREEN: 100, Status.AMBER: 50, Status.RED: 0}
WEIGHT_FORM = "a weight is a number of 0 or more, e.g. 2 or 0.5 (default 1)"


class Rollup(StrEnum):
    """How a score's colour is decided; the value is what the file says."""

    WEIGHTED = "weighted"
    WORST = "worst"


class WeightError(ValueError):
    """A weight is not a number of 0 or more, or all weights within one parent are zero."""


def points(status: Status) -> int | None:
    """100, 50 or 0 for green, amber and red; ``None`` for ``missing`` and ``no_target``."""
    return POINTS.get(Status(status))


def check_weight(value: object) -> Decimal:
    """A weight as written in the file: a finite number of 0 or more."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise WeightError(f"{WEIGHT_FORM}, got {value!r}")
    amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise WeightError(f"{WEIGHT_FORM}, got {value!r}")
    return amount


def check_not_all_zero(weights: Sequence[float | Decimal]) -> None:
    """Refuse a parent whose children all weigh zero: its score could never exist."""
    if weights and all(Decimal(str(w)) == 0 for w in weights):
        raise WeightError("the weights within one parent cannot all be 0")


def weighted_mean(
    pairs: Iterable[tuple[Decimal | float | int | None, float | Decimal]],
) -> Decimal | None:
    """The mean of the values weighted by their weights, skipping ``None`` values.

    ``None`` when no value is left or their weights add up to zero.
    """
    total = Decimal(0)
    weight_sum = Decimal(0)
    for value, weight in pairs:
        if value is None:
            continue
        w = Decimal(str(weight))
        total += Decimal(str(value)) * w
        weight_sum += w
    if weight_sum == 0:
        return None
    return total / weight_sum


def score_status(score: Decimal | float | None) -> Status | None:
    """Green at 80 or above, amber at 50 or above, red below; ``None`` without a score."""
    if score is None:
        return None
    value = Decimal(str(score))
    if value >= GREEN_FROM:
        return Status.GREEN
    if value >= AMBER_FROM:
        return Status.AMBER
    return Status.RED


def rounded(score: Decimal | None) -> float | None:
    """A score as shown: one decimal, half up."""
    if score is None:
        return None
    return float(score.quantize(Decimal("0.1"), rounding="ROUND_HALF_UP"))


@dataclass(frozen=True)
class Node:
    """A scored level (objective, perspective, scorecard): its score and its colour.

    ``statuses`` are the KPI statuses beneath it, kept for the ``worst`` roll-up.
    """

    score: Decimal | None
    status: Status | None
    statuses: tuple[Status, ...] = field(default=())

    @property
    def without_status(self) -> int:
        """How many KPIs beneath have no points (missing or no target)."""
        return sum(1 for s in self.statuses if points(s) is None)


def roll_up(
    children: Sequence[tuple[Node, float | Decimal]], rollup: Rollup = Rollup.WEIGHTED
) -> Node:
    """A parent from its ``(child, weight)`` pairs: weighted mean of scores, colour by roll-up."""
    score = weighted_mean((child.score, weight) for child, weight in children)
    statuses = tuple(s for child, _ in children for s in child.statuses)
    return Node(score=score, status=_colour(score, statuses, rollup), statuses=statuses)


def kpi_group(
    kpis: Sequence[tuple[Status, float | Decimal]], rollup: Rollup = Rollup.WEIGHTED
) -> Node:
    """An objective from its KPIs' ``(status, weight)`` pairs."""
    score = weighted_mean((points(status), weight) for status, weight in kpis)
    statuses = tuple(Status(s) for s, _ in kpis)
    return Node(score=score, status=_colour(score, statuses, rollup), statuses=statuses)


def _colour(score: Decimal | None, statuses: Sequence[Status], rollup: Rollup) -> Status | None:
    if Rollup(rollup) is Rollup.WORST:
        return worst(statuses)
    return score_status(score)
