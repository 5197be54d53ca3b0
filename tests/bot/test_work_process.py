"""The web worker's companion work process, as people using the bot depend on it.

Acks come from the gunicorn worker; the answers ("Stored …") come from its work process. These
tests kill, stop and fool that pair the way deploys, crashes and odd requests do, through the
real ``bscbot serve`` on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import select

from bsc_core.db import Store
from bsc_core.models import Actual, Kpi
from tests.bot.server_harness import BotServer
from tests.bot.slack_session import SlackUser
from tests.factories import CHANNEL, OWNER
from tests.support.fake_slack import FakeSlack
from tests.support.signing import slash_command_body


def logged_once(bot: BotServer, fake: FakeSlack) -> SlackUser:
    """The KPI owner, after one log answered (so the worker and its work process are up)."""
    person = SlackUser(bot.client, fake, OWNER, CHANNEL)
    assert "Stored *MRR*" in person.reply("log MRR 90000 2026-10")
    return person


def stored_values(store: Store, code: str = "MRR") -> dict[str, float]:
    with store.read() as session:
        kpi = session.exec(select(Kpi).where(Kpi.code == code)).one()
        return {
            a.period: a.value for a in session.exec(select(Actual).where(Actual.kpi_id == kpi.id))
        }


def alive(pid: int) -> bool:
    """Whether any thread of ``pid`` still runs. A killed process shows as a zombie as soon as
    its main thread is gone, but keeps its files (the job pipe) open until its last thread
    has exited: only then is it dead to its parent."""
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            state = (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in ("Z", "X"):
            return True
    return False


def wait_until(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


MONTHS = [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 9)]


def test_each_worker_answers_through_one_work_process(
    bot: BotServer, fake_slack: FakeSlack, store: Store
) -> None:
    logged_once(bot, fake_slack)

    [worker] = bot.worker_pids()
    [work] = bot.work_pids()
    assert work != worker
    assert stored_values(store)["2026-10"] == 90000


def test_a_work_process_that_dies_is_replaced_and_the_next_log_is_answered(
    bot: BotServer, fake_slack: FakeSlack, store: Store
) -> None:
    person = logged_once(bot, fake_slack)
    [first] = bot.work_pids()

    os.kill(first, signal.SIGKILL)
    assert wait_until(lambda: not alive(first))

    text = person.reply("log MRR 91000 2026-10")
    assert "MRR" in text and "91,000" in text
    assert stored_values(store)["2026-10"] == 91000
    [second] = bot.work_pids()
    assert second != first
    assert "work process exited" in bot.log_text()


def test_a_graceful_stop_finishes_every_acknowledged_log_first(
    bot: BotServer, fake_slack: FakeSlack, store: Store
) -> None:
    person = SlackUser(bot.client, fake_slack, OWNER, CHANNEL)
    urls = []
    for month in MONTHS:
        response = person.command(f"log MRR {int(month[-2:]) * 1000 + 50000} {month}")
        assert response.status == 200 and not response.text.strip()  # acknowledged, empty
        urls.append(person.last_response_url)

    bot.stop()  # SIGTERM, as a deploy does, right behind the last ack

    values = stored_values(store)
    assert {m: values.get(m) for m in MONTHS} == {
        m: float(int(m[-2:]) * 1000 + 50000) for m in MONTHS
    }
    for url in urls:
        [answer] = fake_slack.responses_for(url)
        assert "Stored" in answer.body["text"]


def test_the_work_process_of_a_killed_worker_exits_and_a_new_pair_answers(
    bot: BotServer, fake_slack: FakeSlack, store: Store
) -> None:
    person = logged_once(bot, fake_slack)
    [worker] = bot.worker_pids()
    [work] = bot.work_pids()

    os.kill(worker, signal.SIGKILL)  # gunicorn's master starts a new worker

    assert wait_until(lambda: not alive(work)), "the orphaned work process lingered"
    assert wait_until(lambda: len(bot.work_pids()) == 1 and bot.work_pids() != [work])
    text = person.reply("log MRR 92000 2026-10")
    assert "92,000" in text
    assert stored_values(store)["2026-10"] == 92000


def test_bolt_lazy_headers_from_outside_do_not_skip_the_ack(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    """Bolt runs only a lazy listener for requests carrying its internal headers; a request
    from outside must still get its ack (here: the correction of a malformed command)."""
    body = slash_command_body(
        text="log MRR lots",
        user_id=OWNER,
        channel_id=CHANNEL,
        response_url=fake_slack.response_url(name="lazy headers"),
    )
    response = bot.client.post(
        "/slack/events",
        body,
        headers={"X-Slack-Bolt-Lazy-Only": "1", "X-Slack-Bolt-Lazy-Function-Name": "kpi_after"},
    )

    assert response.status == 200
    assert "lots" in response.json()["text"]
