"""``/huddle`` and ``/review``: check what was asked and who asks, before anything is posted.

Posting draws charts and calls Slack several times, so the adapter acknowledges first and posts
after; what is checked here is quick and decides the ack's text.
"""

from __future__ import annotations

from dataclasses import dataclass

from bsc_core.board import local_today
from bsc_core.db import Store
from bsc_core.formatting import escape_mrkdwn
from bsc_core.periods import Period, PeriodError
from bsc_core.reports.prepare import parse_month
from commands.access import chair_only, may_chair
from commands.kpi_parser import clean, unescape_slack
from commands.lookup import scorecard_for_channel
from commands.reply import Caller, Reply
from commands.schedules import handle_huddle_text, handle_review_text

HUDDLE_USAGE = (
    "/huddle  ·  /huddle schedule [HH:MM [mon-fri|daily|mon,wed,fri] [TIMEZONE]]  ·  /huddle off"
)
REVIEW_USAGE = (
    "/review [YYYY-MM]  ·  /review schedule first-workday|DAY-OF-MONTH HH:MM [TIMEZONE]  ·  "
    "/review off"
)


@dataclass(frozen=True)
class PostJob:
    """A report to post after the ack: which scorecard, which month (reviews), where."""

    kind: str
    scorecard_slug: str
    scorecard_name: str
    channel_id: str
    month: Period | None = None

    def working_text(self) -> str:
        what = "huddle" if self.kind == "huddle" else f"review of {self.month or 'last month'}"
        return f"⏳ Preparing the {what} of {escape_mrkdwn(self.scorecard_name)}…"


def huddle_request(text: str, *, store: Store, caller: Caller) -> Reply | PostJob:
    """`/huddle` posts now; `/huddle schedule …` and `/huddle off` set the schedule (chair)."""
    text = clean(unescape_slack(text or ""))
    if text:
        handled = handle_huddle_text(text, store=store, caller=caller)
        if handled is not None:
            return handled
        shown = escape_mrkdwn(text[:40])
        return Reply(text=f"⚠️ `/huddle {shown}` is not understood.\nUsage: `{HUDDLE_USAGE}`")
    card = _card(store, caller, "/huddle")
    if isinstance(card, Reply):
        return card
    return PostJob("huddle", card.slug, card.name, caller.channel_id or "")


def review_request(text: str, *, store: Store, caller: Caller) -> Reply | PostJob:
    """`/review [YYYY-MM]` launches the review here (chair and admins)."""
    text = clean(unescape_slack(text or ""))
    words = text.split()
    if words and words[0].lower() in ("schedule", "off"):
        handled = handle_review_text(text, store=store, caller=caller)
        if handled is not None:
            return handled
    card = _card(store, caller, "/review")
    if isinstance(card, Reply):
        return card
    if not may_chair(card.chair, caller):
        return Reply(text=f"⚠️ {chair_only(card.chair, 'launch the review')} Nothing was posted.")
    month = None
    if words:
        if len(words) > 1:
            return Reply(text=f"⚠️ `/review` takes one month at most.\nUsage: `{REVIEW_USAGE}`")
        try:
            month = parse_month(words[0])
        except (PeriodError, ValueError) as exc:
            return Reply(text=f"⚠️ {exc}\nUsage: `{REVIEW_USAGE}`")
        if month.start_date > local_today(card.timezone):
            return Reply(text=f"⚠️ {month} is in the future; review a month that has started.")
    return PostJob("review", card.slug, card.name, caller.channel_id or "", month)


def _card(store: Store, caller: Caller, command: str):  # type: ignore[no-untyped-def]
    with store.read() as session:
        card = scorecard_for_channel(session, caller.channel_id)
    if card is None:
        return Reply(
            text=f"⚠️ This channel has no scorecard. Run `{command}` in the channel named in the "
            "scorecard's file (`channel:`)."
        )
    return card
