"""A web worker's ack listeners hand their follow-ups to the work process themselves.

Under ``bscbot serve`` every listener is registered through
:func:`bot.listeners.support.ack_and_lazy`: the ack listener runs in the request, then sends
each lazy listener's job down the pipe to a real companion process, which runs it with Bolt's
lazy listeners. These tests hold that hand-off to what Bolt's own lazy listeners promise: the
ack gets the listener's arguments, each follow-up runs once and in the companion, and it runs
even when the ack listener raised.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltResponse
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient

from bot.listeners.support import ack_and_lazy
from bot.work_process import WorkProcessRunner
from tests.support.fake_slack import FakeSlack
from tests.support.signing import slash_command_body


def acknowledge(ack: Ack, command: dict[str, Any]) -> None:
    if command["text"] == "boom":
        raise RuntimeError("the ack listener failed")
    ack(text=f"acknowledged {command['text']}")


def follow_up(command: dict[str, Any], client: WebClient) -> None:
    """Posts where it ran, so a test can tell the companion from the web worker."""
    client.chat_postMessage(channel=command["channel_id"], text=f"{command['text']} {os.getpid()}")


def _app() -> App:
    return App(
        client=WebClient(token="xoxb-test", base_url=os.environ["SLACK_API_URL"]),
        signing_secret="unused",
        process_before_response=True,
        token_verification_enabled=False,
        request_verification_enabled=False,
    )


def work_app() -> App:
    """The companion's App (built in the companion, so a module-level function)."""
    app = _app()
    app.command("/kpi")(**ack_and_lazy(app, acknowledge, follow_up))
    return app


@pytest.fixture
def web_app(fake_slack: FakeSlack) -> Iterator[tuple[App, WorkProcessRunner]]:
    runner = WorkProcessRunner(work_app)
    app = _app()
    app.listener_runner.lazy_listener_runner = runner
    app.command("/kpi")(**ack_and_lazy(app, acknowledge, follow_up))
    try:
        yield app, runner
    finally:
        runner.close()


def slash(app: App, text: str) -> BoltResponse:
    body = slash_command_body(text=text, channel_id="C0HANDOFF")
    return app.dispatch(BoltRequest(body=body, headers={}))


def posts(fake: FakeSlack, text: str, count: int, timeout: float = 30.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while True:
        found = [c.args["text"] for c in fake.posted_messages("C0HANDOFF")]
        found = [t for t in found if t.startswith(f"{text} ")]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_the_ack_answers_and_its_follow_up_runs_once_in_the_work_process(
    web_app: tuple[App, WorkProcessRunner], fake_slack: FakeSlack
) -> None:
    app, runner = web_app

    response = slash(app, "hello")

    assert response.status == 200
    assert "acknowledged hello" in response.body
    [post] = posts(fake_slack, "hello", 1)
    runner.close()  # drains: a second run of the follow-up would be posted by now
    assert [post] == posts(fake_slack, "hello", 1, timeout=0)
    assert int(post.split()[-1]) not in (os.getpid(), 0)


def test_the_follow_up_still_runs_when_the_ack_listener_raises(
    web_app: tuple[App, WorkProcessRunner], fake_slack: FakeSlack
) -> None:
    app, runner = web_app

    response = slash(app, "boom")

    assert response.status == 500  # Bolt's answer to a failed ack, as without the hand-off
    runner.close()
    assert len(posts(fake_slack, "boom", 1)) == 1


def test_without_a_work_process_bolt_runs_the_follow_up_in_a_thread(
    fake_slack: FakeSlack,
) -> None:
    app = work_app()

    assert "acknowledged hi" in slash(app, "hi").body
    [post] = posts(fake_slack, "hi", 1)
    assert int(post.split()[-1]) == os.getpid()
