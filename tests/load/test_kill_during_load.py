"""The web process dies (SIGKILL: a crash, an OOM kill) under load and comes back.

Whatever a person was told was saved must be in the store afterwards: the value is committed
before the ack says "Stored", so a crash can only lose requests that got no success reply.
"""

from __future__ import annotations

import threading
import time

from bsc_core.db import Store
from testkit.fake_slack import FakeSlack
from testkit.load_client import LoadRun, run_clients
from testkit.server_harness import BotServer
from tests.load.conftest import actual_events, own_code, own_period, stored_rows, user_id

CLIENTS = 20
LOGS_PER_CLIENT = 20


def script(client: int, n: int) -> str | None:
    if n >= LOGS_PER_CLIENT:
        return None
    return f"log {own_code(client)} {client * 1000 + n + 0.5} {own_period(n)}"


def _wait_for(predicate, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_every_success_reply_survives_a_sigkill_of_the_web_process(
    load_bot: BotServer, load_card: Store, fake_slack: FakeSlack
) -> None:
    result: list[LoadRun] = []
    worker = threading.Thread(
        target=lambda: result.append(
            run_clients(
                base_url=load_bot.url,
                secret=load_bot.secret,
                clients=CLIENTS,
                script=script,
                user_of=user_id,
                retry_refused=True,
                timeout=20,
                replies=fake_slack,
            )
        ),
        daemon=True,
    )
    worker.start()
    _wait_for(lambda: actual_events(load_card) >= CLIENTS * LOGS_PER_CLIENT // 4, timeout=60)
    load_bot.kill()
    killed_at = actual_events(load_card)
    time.sleep(0.5)
    load_bot.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "the load did not finish after the restart"
    run = result[0]

    # Interrupted: refused while the process was down, or acknowledged by the killed process
    # without ever being confirmed (its work died with it); the client sent those again.
    interrupted = [o for o in run.outcomes if o.status is None or (o.ok and not o.reply)]
    assert interrupted, "the kill happened after the load had finished; nothing was tested"
    assert killed_at < CLIENTS * LOGS_PER_CLIENT
    assert [o for o in run.outcomes if o.status is not None and o.status >= 500] == []

    stored = {(r.code, r.period): r.value for r in stored_rows(load_card)}
    saved = [o for o in run.outcomes if o.ok and ("Stored" in o.reply or "No change" in o.reply)]
    saved += [o for o in run.outcomes if o.ok and "updated" in o.reply]
    assert saved
    for outcome in saved:
        _, code, value, period = outcome.text.split()
        assert stored.get((code, period)) == float(value), outcome
    # Once the server was back every text was answered, so every one of them is stored.
    assert len(stored) == CLIENTS * LOGS_PER_CLIENT
