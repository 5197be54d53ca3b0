"""What a command answers: text, optional Block Kit blocks, who sees it, optional files.

The Slack adapter turns a :class:`Reply` into an ack body, a response_url post or a message;
nothing here knows how it travels.
"""

from __future__ import annotations

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

    def as_message(self) -> dict[str, Any]:
        """The reply as Slack's message payload (ack body or response_url post)."""
        body: dict[str, Any] = {"response_type": self.visibility, "text": self.text}
        if self.blocks:
            body["blocks"] = self.blocks
        return body


@dataclass(frozen=True)
class Caller:
    """Who is asking, and where: the Slack user and channel of a command or action."""

    user_id: str
    channel_id: str | None = None
    is_admin: bool = False

    @property
    def in_dm(self) -> bool:
        return bool(self.channel_id and self.channel_id.startswith("D"))
