"""A fake Slack Web API served over real HTTP on 127.0.0.1.

Why a real server instead of patching ``WebClient``: the bot builds its own
clients from ``SLACK_API_URL`` and bolt makes calls on its behalf (auth.test,
respond via response_url, lazy listeners in other threads). Serving HTTP lets
the genuine slack_sdk code paths run - request encoding, retry handlers,
``files_upload_v2``'s three-step dance - so the tests catch mistakes in how the
bot *uses* the SDK, not just in its own logic.

The fake is deliberately small and close to Slack's documented behaviour; it
is not a Slack simulator. Where Slack's behaviour is ambiguous the fake chooses
the strict reading (for instance ``conversations.history`` leaves out thread
replies, like Slack) so that code passing here does not rely on leniency that
production would not give.
"""

from __future__ import annotations

import copy
import email.parser
import email.policy
import inspect
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

BOT_USER_ID = "UBOT"
BOT_ID = "B0BOT"
TEAM_ID = "T0TEAM"
APP_ID = "A0BSCBOT"
DEFAULT_TZ = "Europe/London"

# Arguments Slack accepts as JSON-encoded strings in form bodies. They are kept
# exactly as they arrived in ``Call.args`` (so tests can see the wire format)
# and decoded on demand by ``Call.json``.
JSON_FIELDS = frozenset(
    {"blocks", "attachments", "metadata", "view", "files", "unfurls", "user_auth_blocks"}
)


@dataclass
class Call:
    """One request the fake received, as the code under test sent it."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    http_method: str = "POST"
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def token(self) -> str | None:
        """The token used, whether sent as a Bearer header or a form field."""
        auth = self.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip() or None
        token = self.args.get("token")
        return str(token) if token else None

    @property
    def ok(self) -> bool:
        """Whether the fake answered this call successfully."""
        return self.status == 200 and bool(self.response.get("ok"))

    @property
    def channel(self) -> str | None:
        """The channel the call targeted, if it names one."""
        return _channel_of(self.args)

    def json(self, name: str) -> Any:
        """Return argument ``name`` decoded from JSON if it arrived as a string.

        slack_sdk sends some methods as JSON bodies (already structured) and
        others as forms (JSON text); tests should not care which.
        """
        value = self.args.get(name)
        if isinstance(value, (str, bytes)):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value


@dataclass
class Upload:
    """A file that went through the whole external-upload flow."""

    file_id: str
    filename: str
    title: str | None
    alt_txt: str | None
    snippet_type: str | None
    length: int | None
    data: bytes
    channel_id: str | None
    channels: str | None
    thread_ts: str | None
    initial_comment: str | None


@dataclass
class ResponsePost:
    """A POST to a response_url handed out by ``FakeSlack.response_url``."""

    token: str
    name: str
    body: Any
    headers: dict[str, str]
    status: int = 200

    def json(self) -> Any:
        """The posted payload (kept for symmetry with ``Call.json``)."""
        return self.body


@dataclass
class _Fault:
    method: str
    error: str
    remaining: int
    channel: str | None


@dataclass
class _RateLimit:
    method: str | None
    every: int
    retry_after: int
    remaining: int | None
    seen: int = 0


#: Where a client in another process waits for the post to one of its response_urls.
WAIT_ROUTE = "_fake/response/"


class _Handler(BaseHTTPRequestHandler):
    """Translates raw HTTP into ``FakeSlack._handle`` calls."""

    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; on a kept-alive connection Nagle's algorithm
    # would hold the body back until the client's delayed ACK, 40 ms later.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean; the fake records everything itself."""

    def do_POST(self) -> None:  # noqa: N802 - name fixed by http.server
        self._dispatch("POST")

    def do_GET(self) -> None:  # noqa: N802 - name fixed by http.server
        self._dispatch("GET")

    def _dispatch(self, verb: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, extra_headers, payload = self.server.fake._handle(verb, self.path, headers, body)
        if isinstance(payload, bytes):
            data, ctype = payload, "text/plain; charset=utf-8"
        else:
            data, ctype = json.dumps(payload).encode(), "application/json; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for key, value in extra_headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 drops connections when 100 load clients connect at
    # once, and the kernel's SYN retries then stall them for seconds; Slack's edge does not.
    request_queue_size = 256

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)


class FakeSlack:
    """Fake Slack Web API with recordings and bounded fault injection.

    Usage::

        with FakeSlack() as fake:
            client = WebClient(token="xoxb-test", base_url=fake.url)
            client.chat_postMessage(channel="C1", text="hi")
            assert fake.posted_messages("C1")[0].args["text"] == "hi"

    All state is guarded by one lock because the server answers from several
    threads and lazy listeners post concurrently with the test's assertions.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        # Wakes whoever waits for a response_url post (see wait_for_response).
        self._response_posted = threading.Condition(self._lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        # Monotonic across resets so a ts is unique for the whole session.
        self._seq = itertools.count(1)
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.members: dict[str, list[str]] = {}
        self._clear()

    # ------------------------------------------------------------------ life
    def start(self) -> FakeSlack:
        """Bind a free port on 127.0.0.1 and serve from a daemon thread."""
        if self._server is not None:
            return self
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return int(self._server.server_address[1])

    @property
    def root(self) -> str:
        """``http://127.0.0.1:PORT`` - the origin for upload and response URLs."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """Base URL for ``WebClient(base_url=...)``; the trailing slash matters
        because slack_sdk joins method names with ``urljoin``."""
        return f"{self.root}/api/"

    # ------------------------------------------------------------ recordings
    def _clear(self) -> None:
        self.calls: list[Call] = []
        self.uploads: list[Upload] = []
        self.responses: list[ResponsePost] = []
        self._responses_by_token: dict[str, list[ResponsePost]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self.joined: set[str] = set()
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self._pending_files: dict[str, dict[str, Any]] = {}
        self._response_names: dict[str, str] = {}
        self._faults: list[_Fault] = []
        self._channel_failures: dict[str, str] = {}
        self._rate_limits: list[_RateLimit] = []
        self._delays: dict[str, float] = {}

    def reset(self) -> None:
        """Forget recordings, stored messages, configured users/channels and
        all faults, so one test's setup cannot leak into the next."""
        with self._lock:
            self._clear()
            self.users = {}
            self.channels = {}
            self.members = {}

    def calls_to(self, method: str) -> list[Call]:
        """Every call to ``method``, including failed and rate-limited ones."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def posted_messages(self, channel: str | None = None) -> list[Call]:
        """Successful chat.postMessage calls (thread replies included),
        optionally only those for ``channel`` (as sent or as resolved, so a
        post to ``U1`` matches both ``"U1"`` and ``"DU1"``)."""
        with self._lock:
            found = [c for c in self.calls if c.method == "chat.postMessage" and c.ok]
        if channel is None:
            return found
        return [c for c in found if channel in (c.args.get("channel"), c.response.get("channel"))]

    def ephemeral_messages(self, channel: str | None = None, user: str | None = None) -> list[Call]:
        """Successful chat.postEphemeral calls, optionally filtered."""
        found = [c for c in self.calls_to("chat.postEphemeral") if c.ok]
        if channel is not None:
            found = [c for c in found if c.args.get("channel") == channel]
        if user is not None:
            found = [c for c in found if c.args.get("user") == user]
        return found

    def history(self, channel: str) -> list[dict[str, Any]]:
        """All stored messages of ``channel`` (replies too), oldest first."""
        with self._lock:
            return copy.deepcopy(self._messages.get(channel, []))

    def add_message(
        self,
        channel: str,
        text: str = "",
        *,
        user: str = "U1",
        blocks: list[dict[str, Any]] | None = None,
        metadata: dict[str, Any] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """Seed a message as if someone posted it in Slack; returns its ts."""
        with self._lock:
            msg = self._store_message(channel, text, blocks, metadata, thread_ts, user=user)
            return str(msg["ts"])

    def response_url(self, name: str = "response") -> str:
        """A fresh response_url that records what is POSTed to it."""
        token = _new_token(name, self._seq)
        with self._lock:
            self._response_names[token] = name
        return f"{self.root}/response/{token}"

    def responses_for(self, name_or_url: str) -> list[ResponsePost]:
        """Posts to response URLs created with this name (or exactly this URL)."""
        token = _token_of(name_or_url)
        with self._lock:
            return [r for r in self.responses if r.name == name_or_url or r.token == token]

    def wait_for_response(self, url: str, timeout: float) -> ResponsePost | None:
        """The first post to ``url``, waiting up to ``timeout`` seconds for it (else None).

        Woken by the post itself, so many clients can wait at once without polling.
        """
        token = _token_of(url)
        with self._response_posted:
            self._response_posted.wait_for(lambda: token in self._responses_by_token, timeout)
            posts = self._responses_by_token.get(token)
            return posts[0] if posts else None

    # --------------------------------------------------------------- faults
    def fail(
        self,
        method: str,
        error: str = "channel_not_found",
        times: int = 1,
        channel: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (for ``channel`` only,
        if given) answer ``{"ok": false, "error": error}``.

        ``method`` may also be ``"upload"`` (the upload URL answers 500) or
        ``"response_url"`` (answers 404 with the error as text).
        """
        with self._lock:
            self._faults.append(_Fault(method, error, times, channel))

    def set_channel(
        self,
        channel: str,
        *,
        is_private: bool,
        members: list[str] | None = None,
        bot_is_member: bool = True,
    ) -> None:
        """Say what ``conversations.info`` and ``conversations.members`` answer for
        ``channel`` (until ``reset``). As in Slack, a private channel the bot is not in
        answers ``channel_not_found`` to both."""
        with self._lock:
            self.channels[channel] = {"is_private": is_private, "is_member": bot_is_member}
            self.members[channel] = list(members or [])

    def fail_for_channel(self, channel: str, error: str = "channel_not_found") -> None:
        """Fail every call that names ``channel`` until ``reset``."""
        with self._lock:
            self._channel_failures[channel] = error

    def rate_limit(
        self,
        method: str | None = None,
        every: int = 3,
        retry_after: int = 1,
        times: int | None = None,
    ) -> None:
        """Answer every ``every``-th call (of ``method``, or of all methods)
        with HTTP 429, ``Retry-After`` and ``ratelimited``; at most ``times``
        times when given, so retrying clients always get through eventually."""
        if every < 1:
            raise ValueError("every must be >= 1")
        with self._lock:
            self._rate_limits.append(_RateLimit(method, every, retry_after, times))

    def delay(self, method: str, seconds: float) -> None:
        """Sleep before answering ``method`` (to test timeouts and acks)."""
        with self._lock:
            self._delays[method] = seconds

    def wait_for(
        self, predicate: Callable[..., Any], timeout: float = 5.0, interval: float = 0.02
    ) -> Any:
        """Poll until ``predicate`` returns something truthy and return it.

        Lazy listeners post after the HTTP ack, so assertions must wait.
        ``predicate`` may take no argument or this fake.
        """
        takes_fake = _accepts_argument(predicate)
        deadline = time.monotonic() + timeout
        while True:
            result = predicate(self) if takes_fake else predicate()
            if result:
                return result
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"condition not met within {timeout}s; Slack calls so far:\n{self.summary()}"
                )
            time.sleep(interval)

    def summary(self) -> str:
        """A one-line-per-call digest, for assertion messages."""
        with self._lock:
            lines = []
            for c in self.calls:
                where = f" channel={c.channel}" if c.channel else ""
                outcome = "ok" if c.ok else f"{c.status} {c.response.get('error')}"
                lines.append(f"  {c.method}{where} -> {outcome}")
            lines += [f"  response_url {r.name}: {r.body!r:.120}" for r in self.responses]
        return "\n".join(lines) or "  (none)"

    # -------------------------------------------------------------- serving
    def _handle(
        self, verb: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], dict[str, Any] | bytes]:
        parts = urlsplit(path)
        route = parts.path.strip("/")
        if route.startswith("upload/"):
            return self._handle_upload(route.split("/", 1)[1], headers, body)
        if route.startswith("response/"):
            return self._handle_response_url(route.split("/", 1)[1], headers, body)
        if route.startswith(WAIT_ROUTE):
            # Long poll for a response_url post, for clients in another process.
            timeout = float(dict(parse_qsl(parts.query)).get("timeout", "5"))
            post = self.wait_for_response(route[len(WAIT_ROUTE) :], min(timeout, 30.0))
            return 200, {}, {"found": post is not None, "body": post.body if post else None}
        method = route[4:] if route.startswith("api/") else route
        args = dict(parse_qsl(parts.query, keep_blank_values=True))
        args.update(_parse_body(headers, body))
        call = Call(method=method, args=args, headers=headers, http_method=verb)

        with self._lock:
            self.calls.append(call)
            delay = self._delays.get(method, 0.0)
        if delay:
            time.sleep(delay)

        with self._lock:
            status, extra, payload = self._answer(call)
            call.status, call.response = status, payload
        return status, extra, payload

    def _answer(self, call: Call) -> tuple[int, dict[str, str], dict[str, Any]]:
        for limit in self._rate_limits:
            if limit.method not in (None, call.method) or limit.remaining == 0:
                continue
            limit.seen += 1
            if limit.seen % limit.every == 0:
                if limit.remaining is not None:
                    limit.remaining -= 1
                return 429, {"Retry-After": str(limit.retry_after)}, _error("ratelimited")
        if call.method == "files.upload":
            # Retired by Slack in favour of the external upload flow.
            return 200, {}, _error("method_deprecated")
        handler = _HANDLERS.get(call.method)
        if handler is None:
            return 200, {}, _error("unknown_method")
        if not call.token:
            return 200, {}, _error("not_authed")
        channel = call.channel
        if channel is not None and channel in self._channel_failures:
            return 200, {}, _error(self._channel_failures[channel])
        fault = self._take_fault(call.method, channel)
        if fault is not None:
            return 200, {}, _error(fault)
        try:
            return 200, {}, handler(self, call.args)
        except _SlackError as err:
            return 200, {}, _error(err.code)

    def _take_fault(self, method: str, channel: str | None) -> str | None:
        for fault in self._faults:
            if fault.method != method or fault.remaining <= 0:
                continue
            if fault.channel is not None and fault.channel != channel:
                continue
            fault.remaining -= 1
            return fault.error
        return None

    def _handle_upload(
        self, file_id: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], dict[str, Any] | bytes]:
        with self._lock:
            fault = self._take_fault("upload", None)
            if fault is not None:
                return 500, {}, fault.encode()
            pending = self._pending_files.get(file_id)
            if pending is None:
                return 404, {}, b"file not found"
            data = _multipart_file(headers, body)
            pending["data"] = data
        return 200, {}, f"OK - {len(data)}".encode()

    def _handle_response_url(
        self, token: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], dict[str, Any] | bytes]:
        try:
            payload: Any = json.loads(body) if body else {}
        except ValueError:
            payload = body.decode("utf-8", "replace")
        with self._lock:
            name = self._response_names.get(token, token)
            post = ResponsePost(token=token, name=name, body=payload, headers=headers)
            self.responses.append(post)
            self._responses_by_token.setdefault(token, []).append(post)
            self._response_posted.notify_all()
            fault = self._take_fault("response_url", None)
            if fault is not None:
                post.status = 404
                return 404, {}, fault.encode()
        return 200, {}, {"ok": True}

    # ------------------------------------------------------------- messages
    def _next_ts(self) -> str:
        micros = 1_700_000_000_000_000 + next(self._seq) * 100
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _store_message(
        self,
        channel: str,
        text: str,
        blocks: Any,
        metadata: Any,
        thread_ts: str | None,
        *,
        user: str = BOT_USER_ID,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        ts = self._next_ts()
        msg: dict[str, Any] = {
            "type": "message",
            "user": user,
            "text": text or "",
            "ts": ts,
            "team": TEAM_ID,
        }
        if user == BOT_USER_ID:
            msg.update({"bot_id": BOT_ID, "app_id": APP_ID})
        if blocks:
            msg["blocks"] = blocks
        if metadata:
            msg["metadata"] = metadata
        if extra:
            msg.update(extra)
        messages = self._messages.setdefault(channel, [])
        if thread_ts:
            msg["thread_ts"] = thread_ts
            msg["parent_user_id"] = BOT_USER_ID
            for parent in messages:
                if parent["ts"] == thread_ts:
                    parent["thread_ts"] = thread_ts
                    parent["reply_count"] = parent.get("reply_count", 0) + 1
                    parent["latest_reply"] = ts
                    msg["parent_user_id"] = parent.get("user", BOT_USER_ID)
        messages.append(msg)
        return msg

    def _find_message(self, channel: str, ts: str) -> dict[str, Any]:
        for msg in self._messages.get(channel, []):
            if msg["ts"] == ts:
                return msg
        raise _SlackError("message_not_found")

    def _user(self, uid: str) -> dict[str, Any]:
        override = copy.deepcopy(self.users.get(uid, {}))
        tz = override.get("tz", DEFAULT_TZ)
        offset = datetime.now(ZoneInfo(tz)).utcoffset()
        real_name = override.get("real_name", f"User {uid}")
        profile = {
            "real_name": real_name,
            "display_name": override.get("name", uid.lower()),
            "email": f"{uid.lower()}@example.com",
            "image_48": "https://example.com/avatar.png",
        }
        profile.update(override.pop("profile", {}))
        user: dict[str, Any] = {
            "id": uid,
            "team_id": TEAM_ID,
            "name": uid.lower(),
            "real_name": real_name,
            "deleted": False,
            "is_bot": uid == BOT_USER_ID,
            "is_admin": False,
            "tz": tz,
            "tz_label": tz,
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
        }
        user.update(override)
        user["profile"] = profile
        return user


class _SlackError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _error(code: str) -> dict[str, Any]:
    return {"ok": False, "error": code}


def _channel_of(args: dict[str, Any]) -> str | None:
    value = args.get("channel") or args.get("channel_id")
    return str(value) if value else None


def _accepts_argument(func: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(
        p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL) for p in params
    )


def _parse_body(headers: dict[str, str], body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    ctype = headers.get("content-type", "").lower()
    if ctype.startswith("application/json"):
        parsed = json.loads(body)
        return parsed if isinstance(parsed, dict) else {"_json": parsed}
    if ctype.startswith("multipart/form-data"):
        return {name: value for name, value, _ in _multipart_parts(headers, body)}
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


def _multipart_parts(headers: dict[str, str], body: bytes) -> Iterator[tuple[str, Any, bool]]:
    """Yield (field name, value, is_file) for a multipart body; files as bytes."""
    head = f"Content-Type: {headers.get('content-type', '')}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition") or ""
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            yield name, payload, True
        else:
            yield name, payload.decode("utf-8", "replace"), False


def _multipart_file(headers: dict[str, str], body: bytes) -> bytes:
    """The uploaded bytes: the file part of a multipart body, else the body."""
    if headers.get("content-type", "").lower().startswith("multipart/form-data"):
        for _, value, is_file in _multipart_parts(headers, body):
            if is_file:
                return bytes(value)
    return body


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def _decoded(args: dict[str, Any], name: str) -> Any:
    value = args.get(name)
    if isinstance(value, str) and name in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError as exc:
            raise _SlackError(f"invalid_{name}") from exc
    return value


def _require(args: dict[str, Any], *names: str) -> None:
    for name in names:
        if args.get(name) in (None, ""):
            raise _SlackError("channel_not_found" if name == "channel" else "invalid_arguments")


def _resolve_channel(channel: str) -> str:
    # Posting to a user ID delivers to the app's DM with that user.
    return f"D{channel}" if channel[:1] in ("U", "W") else channel


# ----------------------------------------------------------------- handlers
def _auth_test(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    return {
        "ok": True,
        "url": "https://bsc-test.slack.com/",
        "team": "BSC Test",
        "user": "bscbot",
        "team_id": TEAM_ID,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
        "app_id": APP_ID,
        "is_enterprise_install": False,
    }


def _post_message(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    _require(args, "channel")
    blocks, attachments = _decoded(args, "blocks"), _decoded(args, "attachments")
    text = args.get("text") or ""
    if not text and not blocks and not attachments:
        raise _SlackError("no_text")
    channel = _resolve_channel(str(args["channel"]))
    thread_ts = args.get("thread_ts") or None
    msg = fake._store_message(channel, text, blocks, _decoded(args, "metadata"), thread_ts)
    return {"ok": True, "channel": channel, "ts": msg["ts"], "message": copy.deepcopy(msg)}


def _post_ephemeral(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    _require(args, "channel", "user")
    if not args.get("text") and not args.get("blocks") and not args.get("attachments"):
        raise _SlackError("no_text")
    return {"ok": True, "message_ts": fake._next_ts()}


def _update(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    _require(args, "channel", "ts")
    channel = str(args["channel"])
    msg = fake._find_message(channel, str(args["ts"]))
    if "text" in args:
        msg["text"] = args["text"] or ""
    for name in ("blocks", "metadata", "attachments"):
        if name in args:
            msg[name] = _decoded(args, name)
    msg["edited"] = {"user": BOT_USER_ID, "ts": fake._next_ts()}
    return {
        "ok": True,
        "channel": channel,
        "ts": msg["ts"],
        "text": msg["text"],
        "message": copy.deepcopy(msg),
    }


def _get_permalink(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    _require(args, "channel", "message_ts")
    channel, ts = str(args["channel"]), str(args["message_ts"])
    fake._find_message(channel, ts)
    return {
        "ok": True,
        "channel": channel,
        "permalink": f"https://fake.slack.com/archives/{channel}/p{ts.replace('.', '')}",
    }


def _delete(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    _require(args, "channel", "ts")
    channel = str(args["channel"])
    msg = fake._find_message(channel, str(args["ts"]))
    fake._messages[channel].remove(msg)
    return {"ok": True, "channel": channel, "ts": msg["ts"]}


def _schedule_message(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    _require(args, "channel", "post_at")
    post_at = int(args["post_at"])
    if post_at < time.time():
        raise _SlackError("time_in_past")
    message = {"text": args.get("text") or "", "blocks": _decoded(args, "blocks"), "bot_id": BOT_ID}
    return {
        "ok": True,
        "channel": args["channel"],
        "scheduled_message_id": f"Q{next(fake._seq):08d}",
        "post_at": post_at,
        "message": message,
    }


def _view_payload(
    fake: FakeSlack, args: dict[str, Any], view_id: str | None = None
) -> dict[str, Any]:
    view = _decoded(args, "view")
    if not isinstance(view, dict):
        raise _SlackError("invalid_arguments")
    vid = view_id or f"V{next(fake._seq):08d}"
    stored: dict[str, Any] = {
        "id": vid,
        "team_id": TEAM_ID,
        "app_id": APP_ID,
        "bot_id": BOT_ID,
        "state": {"values": {}},
        "hash": f"{vid}-{next(fake._seq)}",
        "private_metadata": "",
        "callback_id": "",
        "external_id": "",
        "root_view_id": vid,
        "previous_view_id": None,
        **copy.deepcopy(view),
    }
    stored["id"] = vid
    fake.views[vid] = stored
    return stored


def _views_open(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    _require(args, "trigger_id")
    return {"ok": True, "view": copy.deepcopy(_view_payload(fake, args))}


def _views_update(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    view_id = args.get("view_id")
    if not view_id and args.get("external_id"):
        matches = [v for v in fake.views.values() if v.get("external_id") == args["external_id"]]
        if not matches:
            raise _SlackError("not_found")
        view_id = matches[0]["id"]
    if not view_id:
        raise _SlackError("invalid_arguments")
    current = fake.views.get(str(view_id))
    if current is not None and args.get("hash") and args["hash"] != current["hash"]:
        raise _SlackError("hash_conflict")
    # Views the fake never opened (e.g. built by a signed view_submission in a
    # test) are accepted: they exist in "Slack" even if not in this process.
    return {"ok": True, "view": copy.deepcopy(_view_payload(fake, args, str(view_id)))}


def _views_publish(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    _require(args, "user_id")
    view = _view_payload(fake, args)
    fake.home_views[str(args["user_id"])] = view
    return {"ok": True, "view": copy.deepcopy(view)}


def _conversations_open(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    if args.get("channel"):
        return {"ok": True, "channel": {"id": args["channel"]}}
    users = [u for u in str(args.get("users") or "").split(",") if u]
    if not users:
        raise _SlackError("users_list_not_supplied")
    cid = f"D{users[0]}" if len(users) == 1 else "G" + "".join(sorted(users))
    return {"ok": True, "no_op": False, "already_open": False, "channel": {"id": cid}}


def _channel_info(fake: FakeSlack, cid: str) -> dict[str, Any]:
    info: dict[str, Any] = {
        "id": cid,
        "name": f"channel-{cid.lower()}",
        "is_channel": cid.startswith("C"),
        "is_group": cid.startswith("G"),
        "is_im": cid.startswith("D"),
        "is_private": not cid.startswith("C"),
        "is_archived": False,
        "is_member": cid in fake.joined or not cid.startswith("C"),
        "context_team_id": TEAM_ID,
    }
    if cid.startswith("D"):
        info["user"] = cid[1:]
    info.update(copy.deepcopy(fake.channels.get(cid, {})))
    return info


def _conversations_join(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    _require(args, "channel")
    fake.joined.add(str(args["channel"]))
    return {"ok": True, "channel": _channel_info(fake, str(args["channel"]))}


def _visible_channel(fake: FakeSlack, cid: str) -> dict[str, Any]:
    """The channel's info, or ``channel_not_found`` for a private one the bot is not in."""
    info = _channel_info(fake, cid)
    if info["is_private"] and not info["is_member"]:
        raise _SlackError("channel_not_found")
    return info


def _conversations_info(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    _require(args, "channel")
    return {"ok": True, "channel": _visible_channel(fake, str(args["channel"]))}


def _conversations_members(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    """Member IDs in pages (``limit``, ``cursor``), as tests set them with ``set_channel``."""
    _require(args, "channel")
    cid = str(args["channel"])
    _visible_channel(fake, cid)
    members = fake.members.get(cid, [])
    limit = max(1, min(int(args.get("limit") or 100), 1000))
    start = int(args.get("cursor") or 0)
    more = start + limit < len(members)
    return {
        "ok": True,
        "members": list(members[start : start + limit]),
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def _page(args: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    limit = max(1, min(int(args.get("limit") or 100), 999))
    start = int(args.get("cursor") or 0)
    chunk = items[start : start + limit]
    more = start + limit < len(items)
    return {
        "ok": True,
        "messages": copy.deepcopy(chunk),
        "has_more": more,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def _in_window(ts: str, args: dict[str, Any]) -> bool:
    inclusive = _truthy(args.get("inclusive"))
    value = float(ts)
    if args.get("oldest"):
        oldest = float(args["oldest"])
        if value < oldest or (value == oldest and not inclusive):
            return False
    if args.get("latest"):
        latest = float(args["latest"])
        if value > latest or (value == latest and not inclusive):
            return False
    return True


def _conversations_history(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    _require(args, "channel")
    messages = fake._messages.get(str(args["channel"]), [])
    top_level = [
        m
        for m in messages
        if (m.get("thread_ts") in (None, m["ts"]) or m.get("subtype") == "thread_broadcast")
        and _in_window(m["ts"], args)
    ]
    newest_first = sorted(top_level, key=lambda m: float(m["ts"]), reverse=True)
    return _page(args, newest_first)


def _conversations_replies(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    _require(args, "channel", "ts")
    parent_ts = str(args["ts"])
    messages = fake._messages.get(str(args["channel"]), [])
    thread = [m for m in messages if m["ts"] == parent_ts or m.get("thread_ts") == parent_ts]
    if not thread:
        raise _SlackError("thread_not_found")
    thread = [m for m in thread if m["ts"] == parent_ts or _in_window(m["ts"], args)]
    return _page(args, sorted(thread, key=lambda m: float(m["ts"])))


def _users_info(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    uid = args.get("user")
    if not uid:
        raise _SlackError("user_not_found")
    return {"ok": True, "user": fake._user(str(uid))}


def _users_list(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    members = [fake._user(uid) for uid in sorted(fake.users)]
    return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}


def _get_upload_url(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    _require(args, "filename", "length")
    file_id = f"F{next(fake._seq):08d}"
    fake._pending_files[file_id] = {
        "filename": args["filename"],
        "length": int(args["length"]),
        "alt_txt": args.get("alt_txt"),
        "snippet_type": args.get("snippet_type"),
        "data": None,
    }
    return {"ok": True, "upload_url": f"{fake.root}/upload/{file_id}", "file_id": file_id}


def _complete_upload(fake: FakeSlack, args: dict[str, Any]) -> dict[str, Any]:
    files = _decoded(args, "files")
    if not isinstance(files, list) or not files:
        raise _SlackError("invalid_arguments")
    for item in files:
        pending = fake._pending_files.get(str(item.get("id")))
        if pending is None or pending["data"] is None:
            raise _SlackError("file_not_found")
    channel_id = args.get("channel_id") or None
    thread_ts = args.get("thread_ts") or None
    done: list[Upload] = []
    for item in files:
        fid = str(item["id"])
        pending = fake._pending_files.pop(fid)
        done.append(
            Upload(
                file_id=fid,
                filename=pending["filename"],
                title=item.get("title"),
                alt_txt=pending["alt_txt"],
                snippet_type=pending["snippet_type"],
                length=pending["length"],
                data=pending["data"],
                channel_id=channel_id,
                channels=args.get("channels") or None,
                thread_ts=thread_ts,
                initial_comment=args.get("initial_comment") or None,
            )
        )
    fake.uploads.extend(done)
    described = [
        {"id": u.file_id, "title": u.title or u.filename, "name": u.filename} for u in done
    ]
    if channel_id:
        fake._store_message(
            str(channel_id),
            args.get("initial_comment") or "",
            None,
            None,
            thread_ts,
            extra={"files": copy.deepcopy(described), "upload": True},
        )
    return {"ok": True, "files": described}


_HANDLERS: dict[str, Callable[[FakeSlack, dict[str, Any]], dict[str, Any]]] = {
    "auth.test": _auth_test,
    "chat.postMessage": _post_message,
    "chat.postEphemeral": _post_ephemeral,
    "chat.update": _update,
    "chat.delete": _delete,
    "chat.getPermalink": _get_permalink,
    "chat.scheduleMessage": _schedule_message,
    "views.open": _views_open,
    "views.push": _views_open,
    "views.update": _views_update,
    "views.publish": _views_publish,
    "conversations.open": _conversations_open,
    "conversations.join": _conversations_join,
    "conversations.info": _conversations_info,
    "conversations.members": _conversations_members,
    "conversations.history": _conversations_history,
    "conversations.replies": _conversations_replies,
    "users.info": _users_info,
    "users.list": _users_list,
    "files.getUploadURLExternal": _get_upload_url,
    "files.completeUploadExternal": _complete_upload,
}


def _new_token(name: str, seq: Iterator[int]) -> str:
    """The last part of a fresh response_url: ``name`` made URL-safe, and a number."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)
    return f"{safe}-{next(seq)}"


def _token_of(url: str) -> str:
    """The token a response_url ends with (a bare token is its own)."""
    return url.rstrip("/").rsplit("/", 1)[-1]


class RemoteFakeSlack:
    """A :class:`FakeSlack` served by a process of its own, seen from the load clients.

    The benchmark keeps the fake's HTTP handling out of the process whose clients time the
    acks: otherwise every response_url post the bot makes would compete with the clients for
    their interpreter lock, and only the bot that posts answers would pay for it. Offers what
    the load client needs: ``url``, ``response_url`` and ``wait_for_response`` (a long poll).
    """

    def __init__(self) -> None:
        self._process: Any = None
        self.root = ""
        self._seq = itertools.count(1)
        self._local = threading.local()

    def start(self) -> RemoteFakeSlack:
        import subprocess
        import sys

        self._process = subprocess.Popen(
            [sys.executable, "-m", "testkit.fake_slack"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.root = self._process.stdout.readline().strip()
        if not self.root.startswith("http://"):
            raise RuntimeError("the fake Slack process did not start")
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)
            self._process = None

    def __enter__(self) -> RemoteFakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"{self.root}/api/"

    def response_url(self, name: str = "response") -> str:
        return f"{self.root}/response/{_new_token(name, self._seq)}"

    def wait_for_response(self, url: str, timeout: float) -> ResponsePost | None:
        import http.client

        token = _token_of(url)
        conn = getattr(self._local, "conn", None)
        if conn is None:
            parts = urlsplit(self.root)
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout + 5)
            self._local.conn = conn
        try:
            conn.request("GET", f"/{WAIT_ROUTE}{token}?timeout={timeout}")
            answer = json.loads(conn.getresponse().read())
        except (OSError, http.client.HTTPException):
            conn.close()
            self._local.conn = None
            raise
        if not answer["found"]:
            return None
        return ResponsePost(token=token, name=token, body=answer["body"], headers={})


def main() -> None:
    """``python -m testkit.fake_slack``: serve until stdin closes; prints the root URL."""
    import sys

    with FakeSlack() as fake:
        print(fake.root, flush=True)
        try:
            sys.stdin.read()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
