"""Who a Slack user ID is: display names for charts, cached for the life of the process."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

_names: dict[str, str] = {}
_lock = threading.Lock()


def display_name(client: WebClient, user_id: str) -> str:
    """The user's display name (or real name), falling back to the ID if Slack won't say."""
    with _lock:
        if user_id in _names:
            return _names[user_id]
    try:
        user = client.users_info(user=user_id)["user"]
        profile = user.get("profile") or {}
        name = profile.get("display_name") or user.get("real_name") or user.get("name") or user_id
    except (SlackApiError, KeyError, TypeError) as exc:
        log.info("no name for %s: %s", user_id, exc)
        return user_id
    with _lock:
        _names[user_id] = name
    return name


def name_resolver(client: WebClient) -> Callable[[str], str]:
    return lambda user_id: display_name(client, user_id)
