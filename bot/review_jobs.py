"""The review loop's queued work: a line in the review's thread, the minutes file.

Both follow a change committed in Slack's request (a decision, an update, a close). The
minutes are uploaded once per close: the row remembers when they were posted, so a retry or
a second job finds them there; a review reopened before its job ran gets no stale minutes.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.publish import INVITE_HINT
from bsc_core.db import Store
from bsc_core.formatting import escape_mrkdwn, mention
from bsc_core.jobs import ClaimedJob
from bsc_core.minutes import minutes_filename
from bsc_core.models import Review, Scorecard
from bsc_core.reviews import CLOSED, mark_minutes_posted

log = logging.getLogger(__name__)

#: Errors no retry can fix: the bot is not in the channel, or the channel is gone.
FOR_GOOD = ("not_in_channel", "channel_not_found", "is_archived")


def post_in_thread(job: ClaimedJob, client: WebClient, store: Store) -> None:
    """Post the job's line (already escaped) in the review's thread."""
    payload = job.payload
    client.chat_postMessage(
        channel=str(payload["channel"]),
        thread_ts=str(payload["thread_ts"]),
        text=str(payload["text"]),
        unfurl_links=False,
    )


def post_minutes(job: ClaimedJob, client: WebClient, store: Store) -> None:
    """Upload the kept minutes of a closed review into its thread, once (files v2)."""
    review_id = int(job.payload["review_id"])
    with store.read() as session:
        review = session.get(Review, review_id)
        card = session.get(Scorecard, review.scorecard_id) if review is not None else None
    if review is None or card is None:
        return
    if review.status != CLOSED or review.minutes_posted_at is not None:
        log.info("review %s: minutes not posted (reopened, or posted already)", review_id)
        return
    if not review.channel_id or not review.message_ts or not review.minutes:
        return
    comment = (
        f"🔒 The review of {review.month} was closed by {mention(review.closed_by)}. "
        f"The minutes of *{escape_mrkdwn(card.name)}* are attached."
    )
    try:
        client.files_upload_v2(
            channel=review.channel_id,
            thread_ts=review.message_ts,
            content=review.minutes,
            filename=minutes_filename(card.slug, review.month),
            title=f"Minutes · {card.name} · {review.month}",
            initial_comment=comment,
        )
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error in FOR_GOOD and job.report_to:
            client.chat_postMessage(
                channel=job.report_to,
                text=f"⚠️ The minutes of the review of {review.month} could not be posted in "
                f"<#{review.channel_id}> ({error}). {INVITE_HINT} They are kept: "
                f"`bscbot preview review --month {review.month}` writes them.",
            )
            return
        raise
    store.run(lambda s: mark_minutes_posted(s, review_id=review_id))
