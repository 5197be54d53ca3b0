"""What every modal shares: its private metadata, and a modal that only says something."""

from __future__ import annotations

import json
from typing import Any

from commands import blocks as bk

#: Slack cuts a modal's title at 24 characters.
MAX_TITLE = 24


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """The JSON object a modal carries in ``private_metadata`` ({} when there is none)."""
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def message_modal(title: str, text: str, *, close: str = "Close") -> dict[str, Any]:
    """A modal that only says something: a refusal, or what a submission stored."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title[:MAX_TITLE]},
        "close": {"type": "plain_text", "text": close},
        "blocks": [bk.section(text)],
    }
