"""KPIs viewed at a period (`bscbot status --period`) and the roll-up (`bscbot scores`)."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bsc_core.board import board
from bsc_core.imports.actuals_csv import read_actuals, write_actuals
from tests.factories import import_docs, kpi, scorecard


def _csv(store, rows: list[str]) -> None:  # type: ignore[no-untyped-def]
    with store.read() as session:
        parsed = read_actuals(session, io.StringIO("code,period,value\n" + "\n".join(rows) + "\n"))
    with store.write() as session:
        write_actuals(session, parsed, actor="test")


def _october_days() -> list[date]:
    first = date(2026, 10, 1)
    return [first + timedelta(days=n) for n in range(31)]


@pytest.fixture
def plant(store):  # type: ignore[no-untyped-def]
    """A corporate card over a Monday-Friday plant board whose OTD feeds the corporate one."""
    corporate = scorecard(
        kpi("INCID", frequency="daily", direction="down", amber=0, target=0, aggregate="sum"),
        kpi(
            "CYCLE",
            frequency="weekly",
            direction="down",
            target=5,
            aggregate="average",
            amber="10%",
            perspective="Internal Process",
            objective="P1",
            weight=2,
        ),
        kpi("NPS", frequency="quarterly", target=45, perspective="Customer", objective="C1"),
        kpi(
            "OTD",
            frequency="weekly",
            target=95,
            amber=2,
            perspective="Customer",
            objective="C1",
            **{"from": ["P1OTD", "P2OTD"], "combine": "average"},
        ),
        slug="corp",
        perspectives=[{"name": "Financial", "weight": 2}, "Customer", "Internal Process"],
    )
    below = scorecard(
        kpi("P1OTD", frequency="weekly", target=95, amber=2, owner="U0PLANT01"),
        kpi("P2OTD", frequency="weekly", target=95, amber=2, owner="U0PLANT01"),
        kpi("SCRAP", frequency="daily", direction="down", target=2),
        slug="plant",
        tier=2,
        parent="corp",
        channel="C0PLANT001",
    )
    import_docs(store, corporate, below)
    rows = [f"INCID,{d},{1 if d.day == 15 else 0}" for d in _october_days() if d.weekday() < 5]
    rows += ["CYCLE,2026-W40,4", "CYCLE,2026-W41,6", "CYCLE,2026-W43,5", "CYCLE,2026-W44,7"]
    rows += ["NPS,2026-Q3,50", "NPS,2026-Q4,10"]
    rows += ["P1OTD,2026-W44,90", "P2OTD,2026-W44,96", "P1OTD,2026-W43,97"]
    rows += ["SCRAP,2026-11-27,3"]  # Friday red; nothing on Saturday 28 November
    _csv(store, rows)
    return store


def _status(args: list[str]) -> dict[str, dict[str, Any]]:
    result = CliRunner().invoke(app, ["status", *args, "--json"])
    assert result.exit_code == 0, result.output
    return {row["code"]: row for row in json.loads(result.stdout)}


def test_a_daily_sum_counts_the_incident_of_the_15th_against_the_summed_target(plant) -> None:  # type: ignore[no-untyped-def]
    incid = _status(["--period", "2026-10"])["INCID"]
    assert (incid["actual"], incid["target"], incid["status"]) == (1.0, 0.0, "red")
    assert incid["coverage"] == {"have": 22, "due": 22}
    assert incid["aggregate"] == "sum"
    assert incid["period"] == "2026-10"
    assert incid["points"] == 0


def test_a_weekly_average_covers_weeks_40_to_44_with_its_gaps(plant) -> None:  # type: ignore[no-untyped-def]
    cycle = _status(["--period", "2026-10"])["CYCLE"]
    assert cycle["actual"] == 5.5  # weeks 40, 41, 43, 44; week 42 has no number
    assert cycle["coverage"] == {"have": 4, "due": 5}
    assert cycle["status"] == "amber"  # 5.5 against 5 is within the 10 % band
    assert cycle["weight"] == 2


def test_a_quarterly_kpi_in_a_month_shows_its_own_quarter(plant) -> None:  # type: ignore[no-untyped-def]
    nps = _status(["--period", "2026-10"])["NPS"]
    assert nps["period"] == "2026-Q3"
    assert (nps["actual"], nps["status"], nps["coverage"]) == (50.0, "green", None)


def test_a_computed_kpi_combines_the_boards_below(plant) -> None:  # type: ignore[no-untyped-def]
    week = _status(["--period", "2026-W44"])["OTD"]
    assert week["actual"] == 93.0
    assert week["computed_from"] == ["P1OTD", "P2OTD"]
    assert week["coverage"] == {"have": 2, "due": 2}
    assert week["status"] == "amber"
    one_source = _status(["--period", "2026-W43"])["OTD"]
    assert (one_source["actual"], one_source["coverage"]) == (97.0, {"have": 1, "due": 2})
    assert _status(["--period", "2026-W42"])["OTD"]["status"] == "missing"


def test_a_year_is_a_view_period(plant) -> None:  # type: ignore[no-untyped-def]
    year = _status(["--period", "2026"])
    assert year["INCID"]["period"] == "2026"
    assert year["INCID"]["actual"] == 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-13", "month 13 does not exist"),
        ("october", "yearly: YYYY, e.g. 2026"),
    ],
)
def test_a_bad_period_gets_the_expected_forms(plant, text: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["status", "--period", text])
    assert result.exit_code == 1
    assert expected in result.output.replace("\n", " ")


def test_a_saturday_is_never_missing_on_a_monday_to_friday_board(plant) -> None:  # type: ignore[no-untyped-def]
    with plant.read() as session:
        rows = {r.kpi.code: r for r in board(session, as_of=date(2026, 11, 30))}
    assert str(rows["SCRAP"].period) == "2026-11-27"  # Monday shows Friday, not Saturday
    assert rows["SCRAP"].status == "red"


def test_scores_are_weighted_means_and_list_the_boards_below(plant) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        app, ["scores", "--scorecard", "corp", "--period", "2026-10", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    objectives = {o["code"]: o for o in data["objectives"]}
    assert objectives["F1"]["score"] == 0.0 and objectives["F1"]["status"] == "red"  # INCID
    assert objectives["P1"]["score"] == 50.0  # CYCLE amber
    assert objectives["C1"]["score"] == 100.0  # NPS green; OTD (weeks 43-44 of the plant) green
    perspectives = {p["name"]: p for p in data["perspectives"]}
    assert perspectives["Financial"]["weight"] == 2.0
    # (0 × 2 + 100 × 1 + 50 × 1) / 4
    assert data["scorecard"] == {
        "slug": "corp",
        "name": "Corp",
        "score": 37.5,
        "status": "red",
        "rollup": "weighted",
    }
    assert [c["slug"] for c in data["children"]] == ["plant"]
    assert set(data["children"][0]) == {"slug", "name", "score", "status", "red"}


def test_scores_need_one_of_as_of_or_period(plant) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["scores", "--scorecard", "corp"])
    assert result.exit_code == 1
    assert "exactly one of --as-of" in result.output


def test_a_computed_kpi_cannot_be_logged_or_imported(plant) -> None:  # type: ignore[no-untyped-def]
    from bsc_core.errors import FieldError
    from bsc_core.imports.actuals_csv import ActualsFileError
    from commands.log_actual import log_actual
    from commands.reply import Caller
    from tests.factories import OWNER

    with pytest.raises(FieldError, match="OTD is computed \\(average\\) from P1OTD, P2OTD"):
        log_actual(
            store=plant,
            caller=Caller(OWNER, is_admin=True),
            code="OTD",
            value="95",
            period_text="2026-W44",
            note=None,
        )
    with pytest.raises(ActualsFileError, match="line 2: OTD is computed"):
        _csv(plant, ["OTD,2026-W44,95"])


def test_scores_as_of_a_day_read_the_board_of_that_day(plant) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        app, ["scores", "--scorecard", "plant", "--as-of", "2026-11-30", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # SCRAP shows Friday 27 November (red); the OTD weeks 47 and 48 have no number yet.
    assert data["objectives"][0]["kpis"] == ["P1OTD", "P2OTD", "SCRAP"]
    assert (data["scorecard"]["score"], data["scorecard"]["status"]) == (0.0, "red")
    assert data["children"] == []
    table = CliRunner().invoke(app, ["scores", "--scorecard", "corp", "--period", "2026-10"])
    assert "Boards below" in table.stdout and "plant" in table.stdout
