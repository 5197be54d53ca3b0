"""Posting a report: the parent message first, then its charts in the thread, in one upload.

Order matters: ``files_upload_v2`` does not return the ts of the message it creates and the
share can appear late, so the text goes out first with ``chat.postMessage`` and the images
follow with ``thread_ts`` set to its ts. Only the v2 flow is used (the old one-call upload is
retired). An upload that fails (most often ``not_in_channel``: a bot may post to a public
channel it never joined, but not share files there) is recorded and the post itself still
counts as done — the channel has its report, only the pictures are missing. The bot never
joins a channel by itself: which channels it is in is the workspace's decision, so the person
or the chair is told to invite it (:attr:`PostResult.upload_hint`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.users import refresh_report_names
from bsc_core.db import Store
from bsc_core.periods import Period
from bsc_core.reports.common import ReportError
from bsc_core.reports.prepare import PreparedReport, prepare_huddle, prepare_review
from bsc_core.reports.review import ReviewData
from commands.report_blocks import report_blocks
from commands.review_loop import remember_posted_review

if TYPE_CHECKING:
    from bsc_core.charts import Chart

log = logging.getLogger(__name__)

#: Slack shares at most ten files in one completion call; a review is built to fit.
MAX_UPLOADS = 10


@dataclass(frozen=True)
class PostResult:
    """What happened: the parent's ts and channel, and how the thread's upload went."""

    ts: str
    channel: str
    uploaded: int = 0
    upload_error: str | None = None

    @property
    def upload_hint(self) -> str:
        """What a person can do about a failed upload ("" when there is nothing to do)."""
        if self.upload_error in ("not_in_channel", "channel_not_found"):
            return INVITE_HINT
        return ""


#: Said whenever the bot is not in a channel: it is invited, it never joins by itself.
INVITE_HINT = "Invite me to the channel with `/invite @bscbot` and try again."


def _error_code(error: SlackClientError) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or error)
    return str(error)


def post_report(
    client: WebClient,
    *,
    channel: str,
    text: str,
    blocks: list[dict[str, Any]],
    metadata: dict[str, Any] | None = None,
    charts: Sequence[Chart] = (),
    thread_note: str | None = None,
) -> PostResult:
    """Post ``blocks`` to ``channel`` and the ``charts`` (≤ 10) into its thread.

    Raises ``SlackApiError`` only when the parent message itself cannot be posted.
    """
    kwargs: dict[str, Any] = {"channel": channel, "text": text, "blocks": blocks}
    if metadata is not None:
        kwargs["metadata"] = metadata
    response = client.chat_postMessage(**kwargs, unfurl_links=False, unfurl_media=False)
    ts = str(response["ts"])
    channel_id = str(response.get("channel") or channel)
    if not charts:
        return PostResult(ts=ts, channel=channel_id)
    if len(charts) > MAX_UPLOADS:
        log.warning("report has %d charts; only the first %d are posted", len(charts), MAX_UPLOADS)
    uploads = [
        {
            "content": chart.png(),
            "filename": chart.filename,
            "title": chart.title,
            "alt_txt": chart.alt_text,
        }
        for chart in charts[:MAX_UPLOADS]
    ]

    def upload() -> None:
        client.files_upload_v2(
            file_uploads=uploads, channel=channel_id, thread_ts=ts, initial_comment=thread_note
        )

    try:
        upload()
    except SlackClientError as error:
        code = _error_code(error)
        log.warning("chart upload to %s failed: %s", channel_id, code)
        return PostResult(ts=ts, channel=channel_id, upload_error=code)
    return PostResult(ts=ts, channel=channel_id, uploaded=len(uploads))


def post_prepared(
    client: WebClient,
    report: PreparedReport,
    *,
    channel: str | None = None,
    key: str | None = None,
) -> PostResult:
    """Post a prepared report to ``channel`` or, by default, its scorecard's channel.

    Args:
        key: the key its metadata carries instead of the report's own (a queued job's, so a
            retry can find what an earlier try already posted).
    """
    target = channel or report.channel_id
    if not target:
        raise ReportError(
            f"scorecard {report.data.scorecard.slug!r} has no channel; set `channel:` in its YAML"
        )
    note = "Charts for this review: bowling chart, trends, root causes, strategy map, quad charts."
    return post_report(
        client,
        channel=target,
        text=report.text,
        blocks=report_blocks(report),
        metadata=_with_key(report.metadata, key),
        charts=report.charts,
        thread_note=note if report.charts else None,
    )


def publish_huddle(
    client: WebClient,
    store: Store,
    *,
    scorecard_slug: str,
    day: date | None = None,
    channel: str | None = None,
    key: str | None = None,
) -> PostResult:
    """Build and post the huddle of ``scorecard_slug`` for ``day`` (default: today there)."""
    refresh_report_names(client, store)
    with store.read() as session:
        report = prepare_huddle(session, scorecard_slug=scorecard_slug, day=day)
    return post_prepared(client, report, channel=channel, key=key)


def publish_review(
    client: WebClient,
    store: Store,
    *,
    scorecard_slug: str,
    month: Period | None = None,
    channel: str | None = None,
    key: str | None = None,
) -> PostResult:
    """Build, chart and post the review of ``scorecard_slug`` (default: last month)."""
    refresh_report_names(client, store)
    with store.read() as session:
        report = prepare_review(session, scorecard_slug=scorecard_slug, month=month)
    result = post_prepared(client, report, channel=channel, key=key)
    _remember_review(store, report, result)
    return result


def _remember_review(store: Store, report: PreparedReport, result: PostResult) -> None:
    """Where the review went, so its buttons (decisions, updates, close) find their thread.

    The post is what was promised: if remembering it fails (the database is gone for a
    moment) it is logged, and posting the review again makes its buttons work.
    """
    data = report.data
    if not isinstance(data, ReviewData):
        return
    try:
        remember_posted_review(
            store,
            scorecard_id=data.scorecard.id,
            month=str(data.month),
            channel_id=result.channel,
            message_ts=result.ts,
            agenda=report.markdown,
        )
    except Exception:  # noqa: BLE001 - the review is posted; only its buttons are unknown
        log.exception("review %s posted (ts %s) but not remembered", data.key, result.ts)


def _with_key(metadata: dict[str, Any], key: str | None) -> dict[str, Any]:
    if key is None:
        return metadata
    return {**metadata, "event_payload": {**metadata.get("event_payload", {}), "key": key}}


HISTORY_PAGES = 5
HISTORY_PAGE_SIZE = 200


def find_posted(client: WebClient, *, channel: str, key: str) -> str | None:
    """The ts of a message in ``channel`` whose metadata carries ``key``, if there is one.

    A post that may have gone out before its process died is looked for before it is sent
    again. No ``oldest`` bound: the newest few hundred messages are searched whatever the
    clocks say.
    """
    cursor: str | None = None
    for _ in range(HISTORY_PAGES):
        kwargs: dict[str, Any] = {
            "channel": channel,
            "include_all_metadata": True,
            "limit": HISTORY_PAGE_SIZE,
        }
        if cursor:
            kwargs["cursor"] = cursor
        response = client.conversations_history(**kwargs)
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == "bscbot_report" and payload.get("key") == key:
                return str(message["ts"])
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not response.get("has_more") or not cursor:
            return None
    return None
