"""Points, weighted means, the colour of a score and the worst roll-up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bsc_core.scores import (
    Rollup,
    WeightError,
    check_not_all_zero,
    check_weight,
    kpi_group,
    points,
    roll_up,
    rounded,
    score_status,
    weighted_mean,
)
from bsc_core.status import Status

G, A, R, M, N = Status.GREEN, Status.AMBER, Status.RED, Status.MISSING, Status.NO_TARGET


@pytest.mark.parametrize(("status", "expected"), [(G, 100), (A, 50), (R, 0), (M, None), (N, None)])
def test_points_of_each_status(status: Status, expected: int | None) -> None:
    assert points(status) == expected


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([(100, 1), (0, 1)], Decimal(50)),
        ([(100, 3), (0, 1)], Decimal(75)),
        ([(100, 1), (None, 5)], Decimal(100)),
        ([(None, 1)], None),
        ([], None),
        ([(100, 0), (0, 0)], None),
    ],
)
def test_weighted_mean_skips_values_without_points(pairs, expected) -> None:  # type: ignore[no-untyped-def]
    assert weighted_mean(pairs) == expected


@pytest.mark.parametrize(
    ("score", "expected"),
    [(100, G), (80, G), (79.9, A), (50, A), (49.9, R), (0, R), (None, None)],
)
def test_score_colours(score, expected) -> None:  # type: ignore[no-untyped-def]
    assert score_status(score) == expected


def test_costs_objective_is_amber_by_score_and_red_by_worst() -> None:
    weighted = kpi_group([(G, 1), (R, 1)])  # OPEX green, DSO red
    assert weighted.score == Decimal(50) and weighted.status is A
    worst = kpi_group([(G, 1), (R, 1)], Rollup.WORST)
    assert worst.score == Decimal(50) and worst.status is R


def test_missing_and_no_target_are_left_out_and_counted() -> None:
    node = kpi_group([(G, 1), (M, 1), (N, 2)])
    assert node.score == Decimal(100)
    assert node.without_status == 2
    assert kpi_group([(M, 1)]).score is None
    assert kpi_group([(M, 1)]).status is None


def test_a_perspective_and_a_card_are_weighted_means_of_the_level_below() -> None:
    finance = roll_up([(kpi_group([(G, 1)]), 2), (kpi_group([(R, 1)]), 1)])
    assert rounded(finance.score) == 66.7 and finance.status is A
    card = roll_up([(finance, 2), (kpi_group([(M, 1)]), 1)])
    assert rounded(card.score) == 66.7  # a perspective without points is left out
    assert roll_up([(finance, 1)], Rollup.WORST).status is R


@pytest.mark.parametrize("value", [-1, "2", True, float("nan"), None])
def test_bad_weights_are_refused(value: object) -> None:
    with pytest.raises(WeightError, match="weight is a number of 0 or more"):
        check_weight(value)


def test_all_zero_weights_are_refused() -> None:
    assert check_weight(0) == 0
    check_not_all_zero([0, 1])
    with pytest.raises(WeightError, match="cannot all be 0"):
        check_not_all_zero([0, 0.0])
