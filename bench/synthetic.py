"""Synthetic scorecards of any size, written in bulk, for benchmarks and size tests.

The rows go in with a handful of bulk inserts so building a 1,000-KPI card takes well under a
second; the mix (mostly monthly, some weekly and daily, both directions, a few reds, missing
actuals and open countermeasures) exercises every path of the reports.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert
from sqlmodel import col, select

from bsc_core.db import Store
from bsc_core.models import (
    Actual,
    Countermeasure,
    Kpi,
    Objective,
    ObjectiveLink,
    Perspective,
    Scorecard,
)
from bsc_core.periods import Frequency, latest_ended

PERSPECTIVES = ("Financial", "Customer", "Internal Process", "Learning & Growth")
HISTORY = {Frequency.MONTHLY: 24, Frequency.WEEKLY: 60, Frequency.DAILY: 90}


def build_synthetic(
    store: Store,
    *,
    kpis: int,
    slug: str = "synthetic",
    today: date = date(2026, 11, 23),
    seed: int = 1,
    name: str | None = None,
) -> int:
    """Create scorecard ``slug`` with ``kpis`` KPIs and their history; returns its id."""
    rng = random.Random(seed)
    prefix = "".join(ch for ch in slug.upper() if ch.isalnum())
    with store.write() as session:
        card = Scorecard(
            name=name or f"Synthetic {kpis}",
            slug=slug,
            channel_id="C0SYNTH001",
            chair="U0CHAIR01",
            timezone="UTC",
            root_causes='["People", "Process", "Equipment"]',
        )
        session.add(card)
        session.flush()
        assert card.id is not None
        perspectives = []
        for position, title in enumerate(PERSPECTIVES):
            p = Perspective(scorecard_id=card.id, name=title, position=position)
            session.add(p)
            perspectives.append(p)
        session.flush()
        n_objectives = max(4, min(20, kpis // 2))
        objectives = []
        for index in range(n_objectives):
            o = Objective(
                scorecard_id=card.id,
                perspective_id=perspectives[index % 4].id or 0,
                code=f"{prefix}O{index}",
                name=f"Objective {index}",
                owner="U0OWNER01",
                position=index,
            )
            session.add(o)
            objectives.append(o)
        session.flush()
        session.execute(
            insert(ObjectiveLink),
            [
                {"driver_id": objectives[i].id, "driven_id": objectives[i - 1].id}
                for i in range(1, len(objectives))
            ],
        )
        kpi_rows = []
        for index in range(kpis):
            frequency = (
                Frequency.DAILY
                if index % 10 == 9
                else Frequency.WEEKLY
                if index % 5 == 4
                else Frequency.MONTHLY
            )
            code = f"{prefix}_{index:04d}"
            kpi_rows.append(
                {
                    "code": code,
                    "code_key": code.upper(),
                    "name": f"Measure {index}",
                    "objective_id": objectives[index % n_objectives].id,
                    "owner": f"U0OWNER{index % 7:02d}",
                    "unit": "%",
                    "frequency": frequency.value,
                    "direction": "up" if index % 3 else "down",
                    "tolerance_kind": "percent",
                    "tolerance_amount": 5.0,
                    "kind": "lagging",
                    "active": True,
                    "default_target": 100.0,
                    "position": index,
                }
            )
        session.execute(insert(Kpi), kpi_rows)
        created = session.exec(
            select(Kpi).where(col(Kpi.code_key).in_([r["code_key"] for r in kpi_rows]))
        ).all()
        actuals = []
        countermeasures = []
        for kpi in created:
            frequency = Frequency(kpi.frequency)
            latest = latest_ended(frequency, today)
            sign = 1 if kpi.direction == "up" else -1
            for back in range(HISTORY[frequency]):
                period = latest.shift(-back)
                if back == 0 and rng.random() < 0.05:
                    continue  # a missing actual
                roll = rng.random()
                offset = 3 if roll < 0.7 else -3 if roll < 0.88 else -15
                actuals.append(
                    {
                        "kpi_id": kpi.id,
                        "period": str(period),
                        "value": 100.0 + sign * offset,
                        "note": None,
                        "entered_by": kpi.owner,
                    }
                )
            if rng.random() < 0.2:
                countermeasures.append(
                    {
                        "kpi_id": kpi.id,
                        "period": str(latest),
                        "root_cause": rng.choice(["People", "Process", "Equipment"]),
                        "action": "Fix it",
                        "owner": kpi.owner,
                        "due_date": today + timedelta(days=rng.randint(-10, 20)),
                        "status": rng.choice(["open", "done"]),
                    }
                )
        session.execute(insert(Actual), actuals)
        if countermeasures:
            session.execute(insert(Countermeasure), countermeasures)
        return card.id
