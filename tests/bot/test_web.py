"""The WSGI application's own guarantees, without a server around it."""

from __future__ import annotations

import threading
import time

from slack_bolt import App
from slack_sdk import WebClient

from bot.web import HealthProbe, WebApp


def test_the_web_app_checks_signatures_itself_whatever_the_bolt_app_does() -> None:
    from testkit.signing import slash_command_body
    from tests.bot.in_process import WsgiSlackClient

    unchecked = App(
        client=WebClient(token="xoxb-test"),
        signing_secret="test-secret",
        token_verification_enabled=False,
        request_verification_enabled=False,
    )
    seen: list[str] = []
    unchecked.command("/kpi")(lambda ack, command: (seen.append(command["text"]), ack()))
    web = WebApp(unchecked, signing_secret="test-secret")

    forged = WsgiSlackClient(web, "another-secret").post(
        "/slack/events", slash_command_body("/kpi", text="log MRR 1")
    )

    assert forged.status == 401 and seen == []


def test_a_hanging_database_ping_is_reported_down_within_the_timeout() -> None:
    release = threading.Event()
    calls: list[float] = []

    def hanging_ping() -> bool:
        calls.append(time.monotonic())
        release.wait(10)
        return True

    probe = HealthProbe(hanging_ping, timeout=0.2)
    try:
        started = time.monotonic()
        results = [probe.database_ok(), probe.database_ok()]
        elapsed = time.monotonic() - started

        assert results == [False, False]
        assert elapsed < 1.0
        assert len(calls) == 1  # the second check waited on the ping in flight
    finally:
        release.set()


def test_a_ping_that_raises_means_down() -> None:
    def broken() -> bool:
        raise OSError("connection refused")

    assert HealthProbe(broken, timeout=1).database_ok() is False


def test_the_web_and_clock_processes_do_not_load_matplotlib_until_a_chart_is_drawn() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from bot.app import build_app\n"
        "from bot.web import create_wsgi_app\n"
        "import bot.cli, scheduler.clock, scheduler.jobs, scheduler.nag\n"
        "create_wsgi_app(build_app())\n"
        "print('matplotlib' in sys.modules)\n"
    )
    env = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "False"
