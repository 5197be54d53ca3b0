"""Fixtures for the load tests: a scorecard many people log to, and the real bot serving it
(as a real process for load and faults; in-process for the corpus and forgery tests).

Every user owns one daily KPI (``OWN00`` …) and may log five shared monthly ones (``SHR1`` …);
the shared ones are where concurrent writers collide on the same row. Users are admins so they
may log the shared KPIs: permissions are tested elsewhere, here only concurrency matters.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import func, select

from bsc_core.db import Store
from bsc_core.models import Actual, AuditEvent, Kpi
from bsc_core.periods import Frequency, latest_ended
from testkit.fake_slack import FakeSlack
from testkit.server_harness import BotServer
from tests.factories import import_docs, kpi, scorecard

USERS = 50
SHARED = 5
# The bot as deployed by default: one gunicorn worker with WEB_THREADS=8.
THREADS = 8


def user_id(index: int) -> str:
    return f"U0LOAD{index:03d}"


def own_code(index: int) -> str:
    return f"OWN{index:02d}"


def shared_code(index: int) -> str:
    return f"SHR{index % SHARED + 1}"


def own_period(n: int) -> str:
    """A distinct day per request of one user: yesterday, the day before, …"""
    return (date.today() - timedelta(days=1 + n)).isoformat()


def shared_period() -> str:
    """The month every user writes on the shared KPIs (the one that ended last)."""
    return str(latest_ended(Frequency.MONTHLY, date.today()))


@dataclass(frozen=True)
class Row:
    code: str
    period: str
    value: float


def stored_rows(store: Store) -> list[Row]:
    """Every actual in the store as (code, period, value)."""
    with store.read() as session:
        rows = session.exec(
            select(Kpi.code, Actual.period, Actual.value).join(Kpi, Kpi.id == Actual.kpi_id)
        ).all()
    return [Row(code, period, value) for code, period, value in rows]


def actual_events(store: Store) -> int:
    with store.read() as session:
        return int(
            session.exec(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "actual")
            ).one()
        )


@pytest.fixture
def load_card(store: Store) -> Store:
    """The store with the load scorecard imported (``USERS`` own KPIs, ``SHARED`` shared)."""
    own = [kpi(own_code(i), owner=user_id(i), frequency="daily", target=100) for i in range(USERS)]
    shared = [
        kpi(f"SHR{i + 1}", perspective="Customer", frequency="monthly") for i in range(SHARED)
    ]
    import_docs(store, scorecard(*own, *shared, slug="load"))
    return store


@pytest.fixture
def load_bot(load_card: Store, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[BotServer]:
    """``bscbot serve`` on the load scorecard, every load user an admin."""
    server = BotServer(
        database_url=load_card.url,
        slack_api_url=fake_slack.url,
        workdir=tmp_path / "bot",
        threads=THREADS,
        env={"BSC_ADMINS": ",".join(user_id(i) for i in range(USERS))},
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()
