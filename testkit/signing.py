"""Requests shaped and signed the way Slack sends them to the bot.

The signature is computed here with ``hmac`` directly, following Slack's
published recipe (``v0=`` + HMAC-SHA256 of ``v0:{timestamp}:{body}``), rather
than with slack_sdk's ``SignatureVerifier``: if the helper shared code with the
verifier under test, a bug in one would hide a bug in the other.

The body builders produce the same encodings Slack uses - slash commands as a
plain form, interactivity as a form with a single ``payload`` JSON field,
Events API as JSON - because bolt dispatches on exactly those shapes.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from testkit.fake_slack import APP_ID, BOT_USER_ID, TEAM_ID

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
TEAM_DOMAIN = "bsc-test"
VERIFICATION_TOKEN = "legacy-verification-token"
DEFAULT_RESPONSE_URL = "https://hooks.slack.com/commands/T0TEAM/1/placeholder"

# Event ids must differ between deliveries, or deduplicating code would drop them.
_event_seq = itertools.count(1)


def signature(secret: str, body: bytes | str, timestamp: int | str) -> str:
    """``v0=<hex>`` for ``body`` at ``timestamp``, as Slack computes it."""
    raw = body if isinstance(body, bytes) else body.encode("utf-8")
    base = b"v0:" + str(timestamp).encode() + b":" + raw
    return "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes | str, timestamp: int | None = None) -> dict[str, str]:
    """Headers Slack attaches to a request: timestamp and signature.

    ``timestamp`` defaults to now; pass an old one to test replay rejection.
    """
    ts = int(time.time()) if timestamp is None else int(timestamp)
    return {
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature(secret, body, ts),
    }


def _user(user_id: str, user_name: str | None) -> dict[str, Any]:
    name = user_name or user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": TEAM_ID}


def _team() -> dict[str, Any]:
    return {"id": TEAM_ID, "domain": TEAM_DOMAIN}


_trigger_seq = itertools.count(1)


def _trigger_id(trigger_id: str | None) -> str:
    """Slack gives every command, click and submission a trigger of its own."""
    return trigger_id or f"{int(time.time())}.{next(_trigger_seq)}.{uuid.uuid4().hex[:12]}"


def slash_command_body(
    command: str = "/kpi",
    text: str = "",
    user_id: str = "U1",
    channel_id: str = "C1",
    response_url: str = DEFAULT_RESPONSE_URL,
    trigger_id: str | None = None,
    team_id: str = TEAM_ID,
    user_name: str | None = None,
    channel_name: str | None = None,
) -> str:
    """A slash-command request body (form-encoded, every field Slack sends)."""
    return urlencode(
        {
            "token": VERIFICATION_TOKEN,
            "team_id": team_id,
            "team_domain": TEAM_DOMAIN,
            "channel_id": channel_id,
            "channel_name": channel_name
            or ("directmessage" if channel_id.startswith("D") else f"channel-{channel_id.lower()}"),
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": _trigger_id(trigger_id),
        }
    )


def _interactive(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def block_actions_body(
    action_id: str,
    value: str | None = None,
    user_id: str = "U1",
    channel_id: str | None = "C1",
    view: dict[str, Any] | None = None,
    trigger_id: str | None = None,
    response_url: str | None = DEFAULT_RESPONSE_URL,
    *,
    block_id: str = "block",
    action_type: str = "button",
    message_ts: str = "1700000000.000100",
    message: dict[str, Any] | None = None,
    state_values: dict[str, Any] | None = None,
    container: dict[str, Any] | None = None,
    user_name: str | None = None,
    selected_option: dict[str, Any] | None = None,
) -> str:
    """An interactivity request for a click in a message or in a view.

    With ``view`` the action comes from a modal/home tab (no channel, no
    response_url, container of type ``view``); otherwise from a message in
    ``channel_id``, as in Slack.
    """
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": action_type,
        "action_ts": f"{time.time():.6f}",
    }
    if action_type == "button":
        action["text"] = {"type": "plain_text", "text": action_id, "emoji": True}
    if value is not None:
        action["value"] = value
    if selected_option is not None:
        action["selected_option"] = selected_option
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, user_name),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": _trigger_id(trigger_id),
        "team": _team(),
        "enterprise": None,
        "is_enterprise_install": False,
        "state": {"values": state_values or {}},
        "actions": [action],
    }
    if view is not None:
        full_view = {
            "id": "V0VIEW",
            "type": "modal",
            "state": {"values": state_values or {}},
            **view,
        }
        payload["view"] = full_view
        payload["container"] = container or {"type": "view", "view_id": full_view["id"]}
    else:
        payload["container"] = container or {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": False,
        }
        payload["message"] = message or {
            "type": "message",
            "ts": message_ts,
            "user": BOT_USER_ID,
            "text": "",
        }
    if channel_id is not None and view is None:
        payload["channel"] = {"id": channel_id, "name": f"channel-{channel_id.lower()}"}
    if response_url is not None and view is None:
        payload["response_url"] = response_url
    return _interactive(payload)


def _state_values(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Accept ``{block: {action: "text"}}`` shorthand for plain text inputs."""
    state: dict[str, dict[str, Any]] = {}
    for block_id, actions in values.items():
        state[block_id] = {
            action_id: (
                {"type": "plain_text_input", "value": element}
                if isinstance(element, str) or element is None
                else element
            )
            for action_id, element in actions.items()
        }
    return state


def view_submission_body(
    callback_id: str,
    values: dict[str, dict[str, Any]],
    user_id: str = "U1",
    private_metadata: str = "",
    view_id: str = "V0VIEW",
    *,
    trigger_id: str | None = None,
    user_name: str | None = None,
    blocks: list[dict[str, Any]] | None = None,
    response_urls: list[dict[str, Any]] | None = None,
) -> str:
    """A modal submission. ``values`` is ``view.state.values``; a leaf may be a
    plain string, shorthand for a ``plain_text_input`` holding it."""
    payload = {
        "type": "view_submission",
        "team": _team(),
        "user": _user(user_id, user_name),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": _trigger_id(trigger_id),
        "view": {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": "modal",
            "blocks": blocks or [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": _state_values(values)},
            "hash": f"{view_id}.hash",
            "title": {"type": "plain_text", "text": "Modal"},
            "close": {"type": "plain_text", "text": "Cancel"},
            "submit": {"type": "plain_text", "text": "Submit"},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "external_id": "",
            "app_installed_team_id": TEAM_ID,
            "bot_id": "B0BOT",
        },
        "response_urls": response_urls or [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return _interactive(payload)


def event_body(event: dict[str, Any], *, event_id: str | None = None) -> str:
    """An Events API ``event_callback`` envelope around ``event`` (JSON)."""
    now = int(time.time())
    return json.dumps(
        {
            "token": VERIFICATION_TOKEN,
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": {"event_ts": f"{now}.000100", **event},
            "type": "event_callback",
            "event_id": event_id or f"Ev{now}{next(_event_seq):06d}",
            "event_time": now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
    )


def url_verification_body(challenge: str) -> str:
    """The handshake Slack sends when the events URL is configured."""
    return json.dumps(
        {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
    )


@dataclass
class Response:
    """An HTTP response from the bot, decoupled from the client library."""

    status: int
    headers: dict[str, str]
    body: bytes = field(repr=False)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


class SlackClient:
    """Plays Slack's side of the HTTP conversation with the bot.

    Uses ``http.client`` so that error statuses come back as values (Slack
    does not raise on a 401) and so no extra dependency is needed.
    """

    def __init__(self, base_url: str, secret: str, timeout: float = 10.0) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.https = parts.scheme == "https"
        self.prefix = parts.path.rstrip("/")
        self.secret = secret
        self.timeout = timeout

    def _request(self, verb: str, path: str, body: bytes, headers: dict[str, str]) -> Response:
        cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        conn = cls(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(verb, self.prefix + path, body=body or None, headers=headers)
            resp = conn.getresponse()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        finally:
            conn.close()

    def post(
        self,
        path: str = "/slack/events",
        body: bytes | str = b"",
        content_type: str | None = None,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        tamper: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """POST a signed request. ``content_type`` defaults from the body
        (JSON if it starts with ``{``, else form). ``signature`` overrides the
        computed one; ``tamper`` signs the body then alters it in transit."""
        raw = body if isinstance(body, bytes) else body.encode("utf-8")
        if content_type is None:
            content_type = JSON if raw.lstrip().startswith(b"{") else FORM
        signed = sign(self.secret, raw, timestamp)
        if signature is not None:
            signed["X-Slack-Signature"] = signature
        if tamper:
            raw = raw + b"&tampered=1" if content_type == FORM else raw + b" "
        all_headers = {"Content-Type": content_type, **signed, **(headers or {})}
        return self._request("POST", path, raw, all_headers)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        """An unsigned GET (health checks, OAuth pages)."""
        return self._request("GET", path, b"", headers or {})
