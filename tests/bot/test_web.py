"""The WSGI application's own guarantees, without a server around it."""

from __future__ import annotations

import threading
import time

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from bot.web import HealthProbe, WebApp


def test_an_app_that_skips_signature_checks_is_refused() -> None:
    unchecked = App(
        client=WebClient(token="xoxb-test"),
        signing_secret="test-secret",
        token_verification_enabled=False,
        request_verification_enabled=False,
    )

    with pytest.raises(RuntimeError, match="does not verify request signatures"):
        WebApp(unchecked)


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
