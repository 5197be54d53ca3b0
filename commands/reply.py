"""What a command answers: text, optional Block Kit blocks, who sees it, optional files.

The Slack adapter turns a :class:`Reply` into an ack body, a response_url post or a message;
nothing here knows how it travels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Visibility = Literal["ephemeral", "in_channel"]


@dataclass(frozen=True)
class ReplyFile:
    """An image or document to upload with the reply (files_upload_v2, in a thread)."""

    filename: str
    content: bytes
    title: str
    alt_text: str

    def png(self) -> bytes:
        """The bytes to upload (the same shape as a chart, so one upload path serves both)."""
        return self.content


@dataclass(frozen=True)
class Stored:
    """What a stored actual leaves for the adapter to do once the person has their answer.

    Carried on the reply so the adapter needs no second look at the database: whose Home
    shows the KPI (its scorecard's chair), and whether this log claimed an instant alert.
    """

    kpi_code: str
    chair: str | None
    alert_claimed: bool


@dataclass(frozen=True)
class Reply:
    """A command's answer. ``text`` is always set: it is the notification and fallback text."""

    text: str
    blocks: list[dict[str, Any]] | None = None
    visibility: Visibility = "ephemeral"
    files: list[ReplyFile] = field(default_factory=list)
    stored: Stored | None = None  # set when the command stored an actual
    #: the KPI whose countermeasure form the adapter opens right after the ack (``/kpi cm``)
    opens_cm_form: str | None = None

    def as_message(self) -> dict[str, Any]:
        """The reply as Slack's message payload (ack body or response_url post)."""
        body: dict[str, Any] = {"response_type": self.visibility, "text": self.text}
        if self.blocks:
            body["blocks"] = self.blocks
        return body


@dataclass(frozen=True)
class ChannelAccess:
    """What Slack says about a scorecard's channel: is it private, and who is in it.

    ``members`` is only needed for a private channel (anyone in the workspace may read a
    scorecard bound to a public one) and may be empty for a public channel.
    """

    is_private: bool
    members: frozenset[str] = frozenset()


#: Looks a channel up in Slack (``conversations.info`` / ``conversations.members``); the Slack
#: adapter supplies one (``bot.membership``), so this layer stays free of Slack transport.
ChannelLookup = Callable[[str], ChannelAccess]


@dataclass(frozen=True)
class Caller:
    """Who is asking, and where: the Slack user and channel of a command or action.

    ``channel_access`` answers who may read a scorecard from outside its channel; without it
    only the scorecard's own channel, its KPI owners, its chair and admins see its data.
    """

    user_id: str
    channel_id: str | None = None
    is_admin: bool = False
    channel_access: ChannelLookup | None = field(default=None, compare=False, repr=False)

    @property
    def in_dm(self) -> bool:
        return bool(self.channel_id and self.channel_id.startswith("D"))
