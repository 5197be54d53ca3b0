"""Computed KPIs: combining sources, missing sources, and the import's checks."""

from __future__ import annotations

from decimal import Decimal

from bsc_core.aggregation import Aggregate, Coverage
from bsc_core.cascade import SourceKpi, computed_value, find_cycles, source_errors
from bsc_core.periods import Frequency

W, M, D = Frequency.WEEKLY, Frequency.MONTHLY, Frequency.DAILY


def test_sources_combine_and_coverage_counts_those_with_a_value() -> None:
    values = {"P1OTD": Decimal(90), "P2OTD": Decimal(96), "P3OTD": None}
    result = computed_value(["P1OTD", "P2OTD", "P3OTD"], how=Aggregate.AVERAGE, value_of=values.get)
    assert result.value == Decimal(93)
    assert result.coverage == Coverage(have=2, due=3)


def test_no_source_value_means_no_value() -> None:
    result = computed_value(["A", "B"], how=Aggregate.SUM, value_of=lambda _code: None)
    assert result.value is None
    assert result.coverage == Coverage(have=0, due=2)


def test_cycles_are_found_once_whatever_their_length() -> None:
    assert find_cycles({"A": ["B"], "B": ["A"]}) == [["A", "B", "A"]]
    assert find_cycles({"A": ["B"], "B": ["C"], "C": ["A"], "D": ["A"]}) == [["A", "B", "C", "A"]]
    assert find_cycles({"A": ["A"]}) == [["A", "A"]]
    assert find_cycles({"A": ["B", "C"], "B": ["C"], "C": []}) == []


def test_unknown_longer_and_cyclic_sources_are_errors_of_the_computed_kpi() -> None:
    kpis = {
        "OTD": SourceKpi("OTD", W, ("P1OTD", "NOPE")),
        "P1OTD": SourceKpi("P1OTD", M),
        "A": SourceKpi("A", D, ("B",)),
        "B": SourceKpi("B", D, ("A",)),
        "OK": SourceKpi("OK", M, ("P1OTD",)),
    }
    errors = source_errors(kpis)
    assert "source 'NOPE' is not a KPI code of any scorecard" in errors["OTD"]
    assert any("longer than this weekly KPI" in e for e in errors["OTD"])
    assert errors["A"] == ["computed from itself (A from B from A); remove one of these sources"]
    assert "OK" not in errors and "B" not in errors
