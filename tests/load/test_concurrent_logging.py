"""Fifty people log at once through the real server: nothing acknowledged is lost or doubled.

Every submission carries a value no other submission uses, so each stored number and each
audit event can be traced back to exactly one request.
"""

from __future__ import annotations

from collections import Counter

from bsc_core.db import Store
from testkit.fake_slack import FakeSlack
from testkit.load_client import Outcome, run_clients
from testkit.server_harness import BotServer
from tests.load.conftest import (
    USERS,
    actual_events,
    own_code,
    own_period,
    shared_code,
    shared_period,
    stored_rows,
    user_id,
)

LOGS_PER_USER = 10


def unique_value(client: int, n: int) -> float:
    return client * 1000 + n + 0.25


def mixed_script(client: int, n: int) -> str | None:
    """Even requests log the user's own KPI (a new day each), odd ones a shared KPI."""
    if n >= LOGS_PER_USER:
        return None
    value = unique_value(client, n)
    if n % 2 == 0:
        return f"log {own_code(client)} {value} {own_period(n)}"
    return f"log {shared_code(client + n)} {value} {shared_period()}"


def _code_period_value(outcome: Outcome) -> tuple[str, str, float]:
    _, code, value, period = outcome.text.split()
    return code, period, float(value)


def test_every_acknowledged_log_is_stored_once_and_audited_once(
    load_bot: BotServer, load_card: Store, fake_slack: FakeSlack
) -> None:
    run = run_clients(
        base_url=load_bot.url,
        secret=load_bot.secret,
        clients=USERS,
        script=mixed_script,
        user_of=user_id,
        replies=fake_slack,
    )

    assert len(run.outcomes) == USERS * LOGS_PER_USER
    failures = [o for o in run.outcomes if not o.ok]
    assert failures == [], failures[:5]
    assert [o for o in run.outcomes if "locked" in o.reply.lower()] == []
    # Every value is new, so every submission must have been stored or updated.
    not_acknowledged = [o for o in run.outcomes if not o.acknowledged]
    assert not_acknowledged == [], not_acknowledged[:5]

    rows = stored_rows(load_card)
    keys = Counter((r.code, r.period) for r in rows)
    assert [k for k, n in keys.items() if n > 1] == []
    stored = {(r.code, r.period): r.value for r in rows}

    acknowledged = [_code_period_value(o) for o in run.acknowledged]
    by_key: dict[tuple[str, str], set[float]] = {}
    for code, period, value in acknowledged:
        by_key.setdefault((code, period), set()).add(value)
    assert set(stored) == set(by_key)
    for key, values in by_key.items():
        # Own KPIs: the one value sent. Shared ones: whichever acknowledged write came last.
        assert stored[key] in values, (key, stored[key])
    own = [k for k in by_key if k[0].startswith("OWN")]
    assert len(own) == USERS * LOGS_PER_USER // 2

    # One audit event per change: every acknowledged submission changed something.
    assert actual_events(load_card) == len(acknowledged)
    assert max(o.seconds for o in run.outcomes) < 3.0
