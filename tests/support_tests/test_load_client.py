"""The load client records every request as an outcome, even when waiting for its answer fails.

A client thread that died on a timeout would drop its request from the run, and a benchmark
ramp would then report "no error" at a load where people were left without an answer.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from testkit.fake_slack import ResponsePost
from testkit.load_client import KeepAliveClient, run_clients


class _EmptyAck(BaseHTTPRequestHandler):
    """Acks every POST with an empty 200, as bscbot acks a log it answers later."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _SlackThatNeverAnswers:
    """Where answers would arrive; waiting for one times out, as an overloaded server does."""

    def response_url(self, name: str = "response") -> str:
        return f"http://127.0.0.1:9/response/{name}"

    def wait_for_response(self, url: str, timeout: float) -> ResponsePost | None:
        raise TimeoutError("timed out")


@pytest.fixture
def acking_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EmptyAck)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_failed_wait_for_the_answer_is_an_error_outcome(acking_server: str) -> None:
    client = KeepAliveClient(acking_server, "secret", replies=_SlackThatNeverAnswers())

    outcome = client.command("log MRR 1", user_id="U1")

    assert outcome.status == 200
    assert not outcome.ok and not outcome.acknowledged
    assert outcome.error is not None and "TimeoutError" in outcome.error
    client.close()


def test_a_run_keeps_every_request_whose_answer_never_came(acking_server: str) -> None:
    run = run_clients(
        base_url=acking_server,
        secret="secret",
        clients=3,
        script=lambda client, n: "log MRR 1" if n < 2 else None,
        user_of=lambda index: f"U{index}",
        replies=_SlackThatNeverAnswers(),
    )

    assert len(run.outcomes) == 6
    assert all(o.error and "answer" in o.error for o in run.outcomes)
