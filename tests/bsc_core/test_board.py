"""The board: each KPI at its reporting period, its status, streak, and `bscbot status`."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bsc_core.board import board
from bsc_core.imports.actuals_csv import read_actuals, write_actuals
from tests.factories import import_docs, kpi, scorecard

STATUS_KEYS = {
    "code",
    "name",
    "owner",
    "period",
    "actual",
    "target",
    "variance",
    "variance_pct",
    "status",
}


def _csv(store, text: str) -> None:  # type: ignore[no-untyped-def]
    with store.read() as session:
        rows = read_actuals(session, io.StringIO(text))
    with store.write() as session:
        write_actuals(session, rows, actor="test")


@pytest.fixture
def team(store):  # type: ignore[no-untyped-def]
    import_docs(
        store,
        scorecard(
            kpi("UPG", target=100),
            kpi("UPA", target=100),
            kpi("UPR", target=100),
            kpi("DNR", direction="down", amber=2, target=10),
            kpi("NOT", target=None),
            kpi("MIS", target=100),
            kpi("WK", frequency="weekly", target=50),
        ),
    )
    _csv(
        store,
        "code,period,value,note\n"
        "UPG,2026-10,100,\nUPA,2026-10,95,\nUPR,2026-08,80,\nUPR,2026-09,80,\n"
        "UPR,2026-10,94.99,bad month\n"
        "DNR,2026-10,12.5,\nNOT,2026-10,5,\nWK,2026-W46,40,\n",
    )
    return store


def test_each_kpi_is_shown_at_its_reporting_period_with_its_status(team) -> None:  # type: ignore[no-untyped-def]
    with team.read() as session:
        rows = {r.kpi.code: r for r in board(session, as_of=date(2026, 11, 23))}
    assert {c: (str(r.period), r.status.value) for c, r in rows.items()} == {
        "UPG": ("2026-10", "green"),
        "UPA": ("2026-10", "amber"),
        "UPR": ("2026-10", "red"),
        "DNR": ("2026-10", "red"),
        "NOT": ("2026-10", "no_target"),
        "MIS": ("2026-10", "missing"),
        "WK": ("2026-W46", "red"),
    }
    assert rows["UPR"].streak == 3 and rows["UPR"].note == "bad month"
    assert rows["DNR"].variance == 2.5 and rows["DNR"].variance_pct == 25.0


def test_within_the_grace_days_the_previous_month_is_still_reported(team) -> None:  # type: ignore[no-untyped-def]
    with team.read() as session:
        rows = {r.kpi.code: r for r in board(session, as_of=date(2026, 11, 5))}
    assert str(rows["MIS"].period) == "2026-09"
    assert str(rows["UPG"].period) == "2026-10"


def test_status_json_has_the_documented_keys_and_types(team) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        app, ["status", "--scorecard", "team", "--as-of", "2026-11-23", "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all(STATUS_KEYS <= set(r) for r in rows)
    upa = next(r for r in rows if r["code"] == "UPA")
    assert upa == {
        **upa,
        "actual": 95,
        "target": 100,
        "variance": -5,
        "variance_pct": -5.0,
        "status": "amber",
    }
    mis = next(r for r in rows if r["code"] == "MIS")
    assert (mis["actual"], mis["variance"], mis["status"]) == (None, None, "missing")


def test_status_table_lists_every_kpi(team) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["status", "--as-of", "2026-11-23"])
    assert result.exit_code == 0
    for code in ("UPG", "UPA", "UPR", "DNR", "NOT", "MIS", "WK"):
        assert code in result.stdout


def test_an_unknown_scorecard_is_an_error(team) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["status", "--scorecard", "nope"])
    assert result.exit_code == 1
    assert "unknown scorecard 'nope'" in result.output and "team" in result.output


def test_a_malformed_as_of_date_is_an_error(team) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["status", "--as-of", "23/11/2026"])
    assert result.exit_code == 1 and "YYYY-MM-DD" in result.output
