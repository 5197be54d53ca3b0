"""The measurement keys of a scorecard file: aggregate, calendar, weights, rollup, from/combine."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from bsc_core.imports.scorecard_file import ScorecardFileError, parse_scorecard_text
from bsc_core.models import Kpi, Objective, Perspective, Scorecard
from tests.factories import import_docs, import_yaml, kpi, scorecard, to_yaml


def _errors(*docs: dict[str, Any]) -> list[str]:
    with pytest.raises(ScorecardFileError) as caught:
        parse_scorecard_text(to_yaml(*docs))
    return caught.value.errors


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (
            scorecard(kpi("A", aggregate="median")),
            "objective F1, KPI A: aggregate must be one of sum, average, last, min, max",
        ),
        (
            scorecard(kpi("A"), calendar={"days": "mon-fry"}),
            "scorecard, calendar: unknown day 'fry'",
        ),
        (
            scorecard(kpi("A"), calendar={"hours": "8-17"}),
            'scorecard, calendar: hours must look like "08:00-17:00"',
        ),
        (
            scorecard(kpi("A"), calendar={"hours": "06:00-14:00,13:00-22:00"}),
            "scorecard, calendar: shifts in '06:00-14:00,13:00-22:00' overlap",
        ),
        (
            scorecard(kpi("A"), calendar={"holidays": ["Christmas"]}),
            "scorecard, calendar: holiday 'Christmas' is not a date",
        ),
        (
            scorecard(kpi("A"), calendar={"weekends": "sat"}),
            "scorecard, calendar: unknown key(s) weekends",
        ),
        (scorecard(kpi("A", hours="7-15")), "objective F1, KPI A: hours must look like"),
        (
            scorecard(kpi("A", weight=-1)),
            "objective F1, KPI A: a weight is a number of 0 or more, e.g. 2 or 0.5 (default 1), "
            "got -1",
        ),
        (scorecard(kpi("A", weight="heavy")), "objective F1, KPI A: a weight is a number"),
        (
            scorecard(kpi("A", weight=0), kpi("B", weight=0)),
            "objective F1, KPIs: the weights within one parent cannot all be 0",
        ),
        (
            scorecard(kpi("A"), perspectives=[{"name": "Financial", "weight": "x"}]),
            "scorecard, perspective Financial: a weight is a number",
        ),
        (
            scorecard(kpi("A"), perspectives=[{"label": "Financial"}]),
            "scorecard, perspective #1: `perspectives` must be a list of names or {name: NAME",
        ),
        (scorecard(kpi("A"), rollup="best"), "scorecard: rollup must be one of weighted, worst"),
        (
            scorecard(kpi("A", **{"from": "B,C"})),
            "source 'B,C' is not a KPI code",
        ),  # checked against the store at apply time
        (scorecard(kpi("A", combine="sum")), "objective F1, KPI A: `combine` needs `from`"),
        (
            scorecard(kpi("A", **{"from": ["B"], "combine": "median"})),
            "objective F1, KPI A: combine must be one of sum, average, min, max",
        ),
        (
            scorecard(kpi("A", frequency="weekly", **{"from": ["B"]}), kpi("B")),
            "scorecard team, KPI A: source B is monthly, longer than this weekly KPI",
        ),
        (
            scorecard(kpi("A", **{"from": ["B"]}), kpi("B", **{"from": ["A"]})),
            "scorecard team, KPI A: computed from itself (A from B from A)",
        ),
    ],
)
def test_each_malformed_key_is_an_error_with_its_place(doc: dict[str, Any], expected: str) -> None:
    if "is not a KPI code" in expected:
        parse_scorecard_text(to_yaml(doc))  # an unknown code may be on a board in the store
        return
    assert any(expected in error for error in _errors(doc)), _errors(doc)


def test_an_unknown_source_is_refused_at_import_and_nothing_is_written(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScorecardFileError, match="KPI A: source 'NOPE' is not a KPI code"):
        import_docs(store, scorecard(kpi("A", **{"from": ["NOPE"]})))
    with store.read() as session:
        assert session.exec(select(Scorecard)).all() == []


def test_a_cycle_through_the_store_is_refused(store) -> None:  # type: ignore[no-untyped-def]
    import_docs(store, scorecard(kpi("B"), slug="below"))
    import_docs(store, scorecard(kpi("A", **{"from": ["B"]}), slug="above"))
    with pytest.raises(
        ScorecardFileError, match=r"KPI B: computed from itself \(A from B from A\)"
    ):
        import_docs(store, scorecard(kpi("B", **{"from": ["A"]}), slug="below"))


def test_the_measurement_keys_are_stored_and_a_second_import_changes_nothing(store) -> None:  # type: ignore[no-untyped-def]
    text = """
    scorecard: Plant
    slug: plant
    calendar:
      days: mon-sat
      hours: "06:00-14:00,14:00-22:00"
      holidays: [2026-12-24, 2026-12-25]
    rollup: worst
    perspectives: [{name: Safety, weight: 3}, Quality]
    objectives:
      - code: S1
        perspective: Safety
        name: Nobody gets hurt
        weight: 2
        kpis:
          - {code: INCID, name: Incidents, owner: U0OWNER01, frequency: daily, direction: down,
             target: 0, amber: 0, aggregate: sum, weight: 3}
          - {code: TOTAL, name: Both lines, owner: U0OWNER01, frequency: daily, direction: down,
             target: 0, from: [INCID], combine: max}
      - code: Q1
        perspective: Quality
        name: Right first time
        kpis:
          - {code: FPY, name: Yield, owner: U0OWNER01, frequency: weekly, direction: up,
             target: 97}
    """
    import_yaml(store, text)
    with store.read() as session:
        card = session.exec(select(Scorecard)).one()
        assert (card.calendar_days, card.calendar_hours, card.rollup) == (
            "mon-sat",
            "06:00-14:00,14:00-22:00",
            "worst",
        )
        assert card.holidays == '["2026-12-24", "2026-12-25"]'
        weights = {p.name: p.weight for p in session.exec(select(Perspective))}
        assert weights == {"Safety": 3.0, "Quality": 1.0}
        assert {o.code: o.weight for o in session.exec(select(Objective))} == {"S1": 2.0, "Q1": 1.0}
        kpis = {k.code: k for k in session.exec(select(Kpi))}
        assert (kpis["INCID"].aggregate, kpis["INCID"].weight) == ("sum", 3.0)
        assert (kpis["TOTAL"].computed_from, kpis["TOTAL"].combine) == ("INCID", "max")
        assert kpis["FPY"].aggregate is None  # the frequency's default: average
    [again] = import_yaml(store, text)
    assert not again.changed
