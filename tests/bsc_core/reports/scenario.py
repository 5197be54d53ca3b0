"""A small scorecard that holds every situation the reports must show.

Monday 23 November 2026, UTC; the previous huddle was Friday 20 November. Monthly KPIs report
October on both days; daily KPIs report 22 November today and 19 November (or 18, while the
19th has no number yet) on Friday — so the daily ones carry the changes:

* ``D_RED`` green → red (went red), ``D_REC`` red → green and ``D_AMB`` red → amber (recovered),
  ``D_NEW`` missing → green (newly logged);
* monthly ``UP_*`` and ``DN_*`` are green, amber and red in both directions;
* ``STREAK`` is red for three months with an overdue countermeasure, ``DN_R`` has an open one,
  ``UP_R`` none yet; ``MISS`` (owned by OTHER) has no October actual; ``NOTGT`` has no target.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from bsc_core.db import Store
from bsc_core.models import Actual, Countermeasure, Initiative, Kpi, Objective
from tests.factories import OTHER, OWNER, import_docs, kpi, scorecard

DAY = date(2026, 11, 23)
PREVIOUS = date(2026, 11, 20)
OCTOBER = "2026-10"


def build(store: Store, *, name: str = "Team", kpi_name: str | None = None) -> int:
    """Import the scenario; returns the scorecard id."""
    daily = {"frequency": "daily", "perspective": "Customer", "objective": "C1"}
    docs = scorecard(
        kpi("UP_G", perspective="Financial"),
        kpi("UP_A", perspective="Financial"),
        kpi("UP_R", perspective="Financial", name=kpi_name or "UP_R measure"),
        kpi("DN_G", direction="down", perspective="Financial", objective="F2"),
        kpi("DN_A", direction="down", perspective="Financial", objective="F2"),
        kpi("DN_R", direction="down", perspective="Financial", objective="F2"),
        kpi("STREAK", perspective="Financial", objective="F2"),
        kpi("MISS", owner=OTHER, perspective="Customer"),
        kpi("NOTGT", target=None, perspective="Customer"),
        kpi("D_RED", **daily),
        kpi("D_REC", **daily),
        kpi("D_AMB", **daily),
        kpi("D_NEW", **daily),
    )
    docs["scorecard"] = name
    # The daily KPIs report a Sunday: this team works every day (the default is mon-fri).
    docs["calendar"] = {"days": "every-day"}
    docs["root_causes"] = ["People", "Process", "<!channel> ping"]
    docs["objectives"][0]["initiatives"] = [
        {
            "name": "Pricing <b>review</b>",
            "owner": OWNER,
            "due": date(2027, 3, 31),
            "status": "at_risk",
        }
    ]
    docs["objectives"][1]["drivers"] = ["C1"]
    import_docs(store, docs)
    values = {
        "UP_G": {OCTOBER: 101},
        "UP_A": {OCTOBER: 97},
        "UP_R": {OCTOBER: 80, "2026-09": 100},
        "DN_G": {OCTOBER: 99},
        "DN_A": {OCTOBER: 103},
        "DN_R": {OCTOBER: 120, "2026-09": 100},
        "STREAK": {"2026-07": 100, "2026-08": 80, "2026-09": 85, OCTOBER: 70},
        "MISS": {"2026-09": 100},
        "NOTGT": {OCTOBER: 42},
        "D_RED": {"2026-11-19": 100, "2026-11-22": 80},
        "D_REC": {"2026-11-19": 80, "2026-11-22": 100},
        "D_AMB": {"2026-11-19": 80, "2026-11-22": 97},
        "D_NEW": {"2026-11-22": 100},
    }
    notes = {("UP_R", OCTOBER): "blame <@U0BOSS> & <!channel>"}
    with store.write() as session:
        kpis = {k.code: k for k in session.exec(select(Kpi)).all()}
        for code, by_period in values.items():
            for period, value in by_period.items():
                session.add(
                    Actual(
                        kpi_id=kpis[code].id,
                        period=period,
                        value=value,
                        note=notes.get((code, period)),
                        entered_by=OWNER,
                    )
                )
        session.add(
            Countermeasure(
                kpi_id=kpis["STREAK"].id,
                period="2026-09",
                root_cause="Process",
                action="Fix the <!channel> process & train",
                owner=OWNER,
                due_date=date(2026, 10, 30),
                status="open",
            )
        )
        session.add(
            Countermeasure(
                kpi_id=kpis["DN_R"].id,
                period=OCTOBER,
                root_cause="<!channel> ping",
                action="Re-plan",
                owner=OWNER,
                due_date=date(2026, 12, 1),
                status="open",
            )
        )
        session.add(
            Countermeasure(
                kpi_id=kpis["UP_A"].id,
                period="2026-08",
                root_cause="People",
                action="Train the team",
                owner=OWNER,
                due_date=date(2026, 10, 15),
                status="done",
                updated_at=datetime(2026, 10, 14, 12, tzinfo=UTC),
            )
        )
        card_id = session.exec(select(Objective)).first().scorecard_id  # type: ignore[union-attr]
        assert session.exec(select(Initiative)).first() is not None
    return card_id
