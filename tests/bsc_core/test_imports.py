"""Importing scorecards (YAML) and history (CSV): idempotent, all or nothing, audited."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select

from bsc_core.board import board
from bsc_core.imports.actuals_csv import (
    ActualsFileError,
    export_actuals,
    read_actuals,
    write_actuals,
)
from bsc_core.imports.scorecard_file import (
    ScorecardFileError,
    load_scorecard_file,
    parse_scorecard_text,
)
from bsc_core.models import Actual, AuditEvent, Kpi, Objective, ObjectiveLink, Scorecard, Target
from tests.factories import import_docs, import_yaml, kpi, scorecard, to_yaml


def _count(store, model) -> int:  # type: ignore[no-untyped-def]
    with store.read() as session:
        return len(session.exec(select(model)).all())


def _import_csv(store, text: str) -> object:  # type: ignore[no-untyped-def]
    with store.read() as session:
        rows = read_actuals(session, io.StringIO(text))
    with store.write() as session:
        return write_actuals(session, rows, actor="test")


def test_the_example_imports_both_tiers_with_about_sixteen_kpis(store) -> None:  # type: ignore[no-untyped-def]
    specs = load_scorecard_file("examples/acme.yaml")
    with store.write() as session:
        from bsc_core.imports.scorecard_apply import apply_scorecard

        for spec in specs:
            apply_scorecard(session, spec, actor="test")
    with store.read() as session:
        cards = {c.slug: c for c in session.exec(select(Scorecard))}
        acme_kpis = session.exec(
            select(Kpi)
            .join(Objective, Objective.id == Kpi.objective_id)
            .where(Objective.scorecard_id == cards["acme"].id)
        ).all()
        perspectives = {k.kpi.perspective for k in board(session, scorecard_ids=[cards["acme"].id])}
    assert cards["acme-plant"].tier == 2 and cards["acme-plant"].parent_id == cards["acme"].id
    assert 14 <= len(acme_kpis) <= 18
    assert perspectives == {"Financial", "Customer", "Internal Process", "Learning & Growth"}
    assert _count(store, ObjectiveLink) > 0


def test_importing_the_same_file_again_changes_nothing(store) -> None:  # type: ignore[no-untyped-def]
    doc = scorecard(kpi("MRR", targets={"2026-01": 100}), kpi("NPS", perspective="Customer"))
    first = import_docs(store, doc)
    events = _count(store, AuditEvent)
    second = import_docs(store, doc)
    assert first[0].changed and not second[0].changed
    assert _count(store, AuditEvent) == events


def test_editing_a_target_changes_that_target_only_and_keeps_actuals(store) -> None:  # type: ignore[no-untyped-def]
    import_docs(store, scorecard(kpi("MRR", targets={"2026-01": 100, "2026-02": 110})))
    _import_csv(store, "code,period,value\nMRR,2026-01,95\nMRR,2026-02,120\n")
    summary = import_docs(store, scorecard(kpi("MRR", targets={"2026-01": 100, "2026-02": 115})))[0]
    assert summary.updated == ["target MRR 2026-02"] and not summary.created
    with store.read() as session:
        targets = {t.period: t.value for t in session.exec(select(Target))}
        actuals = {a.period: a.value for a in session.exec(select(Actual))}
    assert targets == {"2026-01": 100, "2026-02": 115}
    assert actuals == {"2026-01": 95, "2026-02": 120}


def test_a_kpi_removed_from_the_file_is_deactivated_not_deleted(store) -> None:  # type: ignore[no-untyped-def]
    import_docs(store, scorecard(kpi("MRR"), kpi("CHURN", direction="down")))
    _import_csv(store, "code,period,value\nCHURN,2026-01,3\n")
    summary = import_docs(store, scorecard(kpi("MRR")))[0]
    assert summary.deactivated == ["CHURN"]
    with store.read() as session:
        churn = session.exec(select(Kpi).where(Kpi.code == "CHURN")).one()
        codes = [r.kpi.code for r in board(session)]
        assert session.exec(select(Actual).where(Actual.kpi_id == churn.id)).one().value == 3
    assert churn.active is False and codes == ["MRR"]
    import_docs(store, scorecard(kpi("MRR"), kpi("CHURN", direction="down")))
    with store.read() as session:
        assert session.exec(select(Kpi).where(Kpi.code == "CHURN")).one().active is True


BROKEN = """\
scorecard: Broken
slug: broken
objectives:
  - code: F1
    perspective: Finance
    name: Grow
    kpis:
      - {code: MRR, name: Revenue, owner: U0A, frequency: monthly, direction: up,
         targets: {2026-13: 5}}
      - {code: mrr, name: Revenue again, owner: U0A, frequency: monthly, direction: up}
      - {code: NPS, name: Promoters, frequency: monthly, direction: sideways}
"""


def test_a_file_with_several_errors_reports_all_of_them_and_writes_nothing(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScorecardFileError) as caught:
        import_yaml(store, BROKEN)
    text = "\n".join(caught.value.errors)
    assert "objective F1: unknown perspective 'Finance'" in text
    assert "KPI MRR: target period '2026-13'" in text and "YYYY-MM" in text
    assert "KPI mrr: duplicate KPI code" in text
    assert "KPI NPS: missing `owner`" in text
    assert "direction must be one of up, down, got 'sideways'" in text
    assert len(caught.value.errors) == 5
    assert _count(store, Scorecard) == 0 and _count(store, AuditEvent) == 0


def test_a_yaml_syntax_error_names_its_line() -> None:
    with pytest.raises(ScorecardFileError) as caught:
        parse_scorecard_text("scorecard: X\nslug: x\nobjectives: [\n  - code: : :\n")
    assert "line " in caught.value.errors[0]


def test_a_kpi_code_taken_by_another_scorecard_is_refused_and_nothing_is_written(store) -> None:  # type: ignore[no-untyped-def]
    import_docs(store, scorecard(kpi("MRR")))
    events = _count(store, AuditEvent)
    with pytest.raises(ScorecardFileError, match="already used by scorecard 'team'"):
        import_docs(store, scorecard(kpi("mrr"), kpi("NEW"), slug="other"))
    assert _count(store, Scorecard) == 1 and _count(store, AuditEvent) == events


def test_a_child_scorecard_needs_a_known_parent(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScorecardFileError, match="parent 'nope' is not a known scorecard"):
        import_docs(store, scorecard(kpi("A"), slug="child", tier=2, parent="nope"))


def test_a_bad_csv_reports_every_bad_row_by_line_and_writes_nothing(store) -> None:  # type: ignore[no-untyped-def]
    import_docs(store, scorecard(kpi("MRR"), kpi("OTD", frequency="weekly")))
    bad = (
        "code,period,value,note\n"
        "MRR,2026-01,100,fine\n"
        "XYZ,2026-01,1,\n"
        "MRR,2026-W03,1,\n"
        "OTD,2026-W03,abc,\n"
        "OTD,2026-W04,nan,\n"
        "MRR,2099-01,5,\n"
        "MRR,2026-01,101,dupe\n"
    )
    with store.read() as session, pytest.raises(ActualsFileError) as caught:
        read_actuals(session, io.StringIO(bad))
    errors = caught.value.errors
    assert [e.split(":")[0] for e in errors] == [
        "line 3",
        "line 4",
        "line 5",
        "line 6",
        "line 7",
        "line 8",
    ]
    assert "unknown KPI code 'XYZ'" in errors[0]
    assert "YYYY-MM" in errors[1]
    assert "in the future" in errors[4]
    assert "also on line 2" in errors[5]
    assert _count(store, Actual) == 0


def test_a_csv_without_the_required_columns_is_refused() -> None:
    with pytest.raises(ActualsFileError, match="missing column"):
        read_actuals(None, io.StringIO("kpi,when,amount\n"))  # type: ignore[arg-type]


def test_a_later_import_replaces_the_value_and_the_audit_keeps_the_old_one(store) -> None:  # type: ignore[no-untyped-def]
    import_docs(store, scorecard(kpi("MRR")))
    first = _import_csv(store, "code,period,value\nMRR,2026-01,100\nMRR,2026-02,90\n")
    second = _import_csv(
        store, "code,period,value,note\nMRR,2026-01,100\nMRR,2026-02,95,restated\n"
    )
    assert (first.created, second.updated, second.unchanged) == (2, 1, 1)
    with store.read() as session:
        feb = session.exec(select(Actual).where(Actual.period == "2026-02")).one()
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "actual")).all()
    assert (feb.value, feb.note) == (95, "restated")
    assert len(events) == 3
    assert '"value": 90' in (events[-1].before or "")


def test_export_then_import_round_trips(store) -> None:  # type: ignore[no-untyped-def]
    import_docs(
        store, scorecard(kpi("MRR"), kpi("OTD", frequency="weekly"), kpi("INC", frequency="daily"))
    )
    original = (
        "code,period,value,note,user\n"
        "INC,2026-03-01,0,,U0OWNER01\n"
        'MRR,2026-01,1234.5,"Q1, strong",U0OWNER01\n'
        "MRR,2026-02,-7,,U0CHAIR01\n"
        "OTD,2026-W01,97.25,late truck,U0OWNER01\n"
    )
    _import_csv(store, original)
    with store.read() as session:
        card = session.exec(select(Scorecard)).one()
        out = io.StringIO()
        count = export_actuals(session, scorecard_id=card.id, out=out)
    assert count == 4
    assert out.getvalue() == original
    result = _import_csv(store, out.getvalue())
    assert result.unchanged == 4


def test_yaml_documents_in_one_file_are_checked_together() -> None:
    text = to_yaml(
        scorecard(kpi("MRR")), scorecard(kpi("mrr"), slug="child", tier=2, parent="team")
    )
    with pytest.raises(ScorecardFileError, match="duplicate KPI code"):
        parse_scorecard_text(text)
