"""What identifies one Slack request among its replays.

Slack's signature allows a five-minute window, so a captured request would pass it again. The
key below is written in the same transaction as the request's change
(:func:`bsc_core.db.once_per_request`, used by :class:`bot.app.BscApp`), in the database every
worker sees: a replay's change meets it and is rolled back.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def replay_key(body: dict[str, Any]) -> str | None:
    """The request's key: its trigger; a modal's view id, hash and values; an event's id."""
    kind = body.get("type")
    if kind == "view_submission":
        # A view keeps its hash when a submission is refused with errors, so what was
        # submitted is part of the key: a corrected resubmission is not a replay.
        view = body.get("view") or {}
        if view.get("id") and view.get("hash"):
            state = json.dumps(view.get("state") or {}, sort_keys=True)
            digest = hashlib.sha256(state.encode("utf-8")).hexdigest()[:16]
            return f"view:{view['id']}:{view['hash']}:{digest}"
        return None
    if kind == "event_callback":
        return f"event:{body['event_id']}" if body.get("event_id") else None
    trigger = body.get("trigger_id")
    return f"trigger:{trigger}" if trigger else None
