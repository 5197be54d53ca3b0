"""A load client that talks to the bot the way Slack does: signed POSTs over keep-alive HTTP.

Shared by the load tests and by ``bench.ack``. Each simulated client holds one
``http.client`` connection and reuses it (Slack's edge keeps connections open too), so the
figures measure the bot, not TCP handshakes. A dropped connection is reopened once per
request; anything that still fails is recorded as an outcome, never raised, so a load run
always ends with the full list of what every client saw.
"""

from __future__ import annotations

import http.client
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from testkit.fake_slack import ResponsePost
from testkit.signing import FORM, sign, slash_command_body

EVENTS_PATH = "/slack/events"
#: How long a client waits for the answer the bot sends through the response_url.
REPLY_WAIT = 8.0


class Replies(Protocol):
    """Where the bot's answers arrive: a :class:`~testkit.fake_slack.FakeSlack`, or a
    :class:`~testkit.fake_slack.RemoteFakeSlack` serving from another process."""

    def response_url(self, name: str = ...) -> str: ...

    def wait_for_response(self, url: str, timeout: float) -> ResponsePost | None: ...


def wait_for_answer(replies: Replies, response_url: str) -> str:
    """The text the bot posted to ``response_url``, waited for up to ``REPLY_WAIT`` seconds
    ("" if none came)."""
    posted = replies.wait_for_response(response_url, REPLY_WAIT)
    if posted is None:
        return ""
    body = posted.body
    return str(body.get("text", "")) if isinstance(body, dict) else str(body)


@dataclass
class Outcome:
    """One request as a client saw it: what was sent, what came back and how long it took."""

    user_id: str
    text: str
    status: int | None  # None: no HTTP answer (connection refused or dropped)
    reply: str
    seconds: float
    error: str | None = None
    reply_seconds: float | None = None  # until the answer arrived (ack or response_url)
    response_url: str | None = None  # where the bot answers after an empty ack

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None

    @property
    def acknowledged(self) -> bool:
        """The person was told their number is stored ("Stored …" or "… updated …")."""
        return self.ok and ("Stored" in self.reply or "updated" in self.reply)


class KeepAliveClient:
    """One persistent connection to the bot; not thread-safe (one per simulated client)."""

    def __init__(
        self,
        base_url: str,
        secret: str,
        *,
        timeout: float = 10.0,
        replies: Replies | None = None,
        wait_for_replies: bool = True,
    ) -> None:
        """Args:
        replies: the fake Slack whose response_urls the commands carry; the bot answers
            through them after its ack.
        wait_for_replies: wait for that answer (tests) or only time the ack (benchmark).
        """
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.secret = secret
        self.timeout = timeout
        self.replies = replies
        self.wait_for_replies = wait_for_replies and replies is not None
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def post_raw(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """POST ``body`` with ``headers``; reconnects once if a kept-alive socket was closed."""
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request("POST", EVENTS_PATH, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection (or restarted): retry once
                # on a fresh one, as any HTTP client would.
                self.close()
                if attempt == 2:
                    raise
            except OSError:
                self.close()
                raise
        raise AssertionError("unreachable")

    def command(self, text: str, *, user_id: str, channel_id: str = "C0TEAM0001") -> Outcome:
        """Send ``/kpi TEXT`` as ``user_id``; always returns an :class:`Outcome`.

        The answer is the ack's text when it carries one, otherwise what the bot then posts to
        the command's response_url (waited for up to ``REPLY_WAIT`` seconds).
        """
        response_url = self.replies.response_url(name="load") if self.replies else None
        fields = {"response_url": response_url} if response_url else {}
        body = slash_command_body(
            text=text, user_id=user_id, channel_id=channel_id, **fields
        ).encode()
        headers = {"Content-Type": FORM, **sign(self.secret, body)}
        started = time.perf_counter()
        try:
            status, data = self.post_raw(body, headers)
        except (OSError, http.client.HTTPException) as exc:
            seconds = time.perf_counter() - started
            return Outcome(user_id, text, None, "", seconds, repr(exc), response_url=response_url)
        elapsed = time.perf_counter() - started
        reply = data.decode("utf-8", "replace")
        if status == 200:
            reply = ""
            if data.strip():
                try:
                    reply = str(json.loads(data).get("text", ""))
                except ValueError:
                    reply = data.decode("utf-8", "replace")
        error = None
        if status == 200 and not reply and self.wait_for_replies and response_url:
            assert self.replies is not None  # wait_for_replies needs them
            try:
                reply = wait_for_answer(self.replies, response_url)
            except (OSError, http.client.HTTPException) as exc:
                error = f"acknowledged, but waiting for the answer failed: {exc!r}"
        return Outcome(
            user_id,
            text,
            status,
            reply,
            elapsed,
            error,
            time.perf_counter() - started,
            response_url=response_url,
        )


@dataclass
class LoadRun:
    """What every client of a run saw, in the order each client sent its requests."""

    outcomes: list[Outcome] = field(default_factory=list)
    wall_seconds: float = 0.0
    by_client: dict[int, list[Outcome]] = field(default_factory=dict)  # client index → its own

    @property
    def acknowledged(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.acknowledged]


Script = Callable[[int, int], str | None]
"""``script(client_index, request_index)`` → the /kpi text to send, or None to stop."""


def run_clients(
    *,
    base_url: str,
    secret: str,
    clients: int,
    script: Script,
    user_of: Callable[[int], str],
    stop: threading.Event | None = None,
    retry_refused: bool = False,
    timeout: float = 10.0,
    replies: Replies | None = None,
    wait_for_replies: bool = True,
) -> LoadRun:
    """Run ``clients`` threads, each sending ``script``'s texts in order until it returns None.

    Args:
        script: what client ``i`` sends as its ``n``-th request.
        user_of: the Slack user id of client ``i``.
        stop: set it to end the run early (each client finishes its current request).
        retry_refused: when the server is down (no HTTP answer) or acked without ever
            confirming, record the failure and send the same text again after a short pause
            instead of moving on; used by the crash test so every text is eventually answered
            once the server is back.
    """
    run = LoadRun()
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def worker(index: int) -> None:
        client = KeepAliveClient(
            base_url, secret, timeout=timeout, replies=replies, wait_for_replies=wait_for_replies
        )
        user = user_of(index)
        mine: list[Outcome] = []
        start.wait()
        n = 0
        try:
            while stop is None or not stop.is_set():
                text = script(index, n)
                if text is None:
                    break
                outcome = client.command(text, user_id=user)
                mine.append(outcome)
                unanswered = outcome.status == 200 and not outcome.reply and client.wait_for_replies
                if retry_refused and (outcome.status is None or unanswered):
                    # No answer at all, or an ack whose confirmation never came (the process
                    # died in between): a person would send it again.
                    time.sleep(0.1)
                    continue
                n += 1
        finally:
            client.close()
            with lock:
                run.outcomes.extend(mine)
                run.by_client[index] = mine

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.wall_seconds = time.perf_counter() - began
    return run


def percentile(sorted_values: list[float], q: float) -> float:
    """The ``q``-th percentile (0–100) by nearest rank; ``sorted_values`` must be sorted."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), math.ceil(q / 100 * len(sorted_values))))
    return sorted_values[rank - 1]
