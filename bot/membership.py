"""Who is in a scorecard's channel, as Slack says: the lookup behind the read scope.

:mod:`commands.access` decides who may read a scorecard; it needs to know whether the
scorecard's channel is private and, if so, who its members are. This module asks Slack
(``conversations.info``, then ``conversations.members`` only for a private channel) and keeps
the answer for a few minutes per channel, so a busy channel costs a couple of calls every
few minutes, not one per command.

Failing closed: when Slack will not say (the bot is not in a private channel, the channel was
deleted, Slack is down), the channel counts as private with no members, so only the
scorecard's owners, chair and admins read it from elsewhere. Such an answer is not cached:
inviting the bot takes effect at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from commands.reply import ChannelAccess, ChannelLookup

log = logging.getLogger(__name__)

#: How long an answer is trusted: someone removed from a private channel can read its
#: scorecard from elsewhere for at most this long.
CACHE_SECONDS = 300.0
#: conversations.members page size (Slack's documented maximum is 1,000).
PAGE_SIZE = 1000
#: Answers kept at most; the oldest is dropped first.
MAX_CHANNELS = 2000

UNKNOWN = ChannelAccess(is_private=True, members=frozenset())


@dataclass(frozen=True)
class _Entry:
    access: ChannelAccess
    expires: float


class MembershipCache:
    """Channel privacy and membership, cached per channel for :data:`CACHE_SECONDS`.

    Safe to share between threads; one per process is enough (see :func:`channel_access`).

    Args:
        ttl: seconds an answer is kept.
        clock: a monotonic clock, replaceable so tests need not sleep.
    """

    def __init__(
        self, *, ttl: float = CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def lookup(self, client: WebClient, channel_id: str) -> ChannelAccess:
        """What Slack says about ``channel_id`` (from the cache while it is fresh)."""
        now = self._clock()
        with self._lock:
            entry = self._entries.get(channel_id)
            if entry is not None and entry.expires > now:
                return entry.access
        access = _ask_slack(client, channel_id)
        if access is None:
            return UNKNOWN
        with self._lock:
            if len(self._entries) >= MAX_CHANNELS:
                self._entries.pop(next(iter(self._entries)))
            self._entries[channel_id] = _Entry(access, now + self._ttl)
        return access

    def forget(self, channel_id: str | None = None) -> None:
        """Drop one channel's answer (all when None), e.g. on a member_left_channel event."""
        with self._lock:
            if channel_id is None:
                self._entries.clear()
            else:
                self._entries.pop(channel_id, None)


def _ask_slack(client: WebClient, channel_id: str) -> ChannelAccess | None:
    """The channel's privacy and, for a private one, its members; None when Slack won't say."""
    try:
        info = client.conversations_info(channel=channel_id)["channel"] or {}
        if not info.get("is_private"):
            return ChannelAccess(is_private=False)
        members: set[str] = set()
        cursor: str | None = None
        while True:
            page = client.conversations_members(channel=channel_id, limit=PAGE_SIZE, cursor=cursor)
            members.update(str(m) for m in page.get("members") or [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
    except (SlackClientError, KeyError, TypeError) as exc:
        log.warning(
            "cannot tell who is in %s (treated as private, no members): %s", channel_id, exc
        )
        return None
    return ChannelAccess(is_private=True, members=frozenset(members))


_shared = MembershipCache()


def channel_access(client: WebClient, cache: MembershipCache | None = None) -> ChannelLookup:
    """The lookup to put in :attr:`commands.reply.Caller.channel_access`.

    Args:
        client: the bot's Web API client (the listener's ``client``, or ``get_client()``).
        cache: defaults to the process's one cache, shared by every request.
    """
    used = cache or _shared

    def lookup(channel_id: str) -> ChannelAccess:
        return used.lookup(client, channel_id)

    return lookup
