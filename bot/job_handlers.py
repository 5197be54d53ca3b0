"""What each kind of queued job does (see :mod:`bsc_core.jobs` and :mod:`bot.worker`).

A handler raises to have its job tried again later; the worker tells the asker when the last
try failed. Handlers that post make a retry harmless: a report carries its job's key in its
metadata and is looked for in the channel before it is posted again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.alerts import post_pending_alerts
from bot.escalation_posts import escalation_answered, post_escalation
from bot.home_refresh import refresh_after_change, refresh_home
from bot.huddle_seen import update_seen
from bot.membership import channel_access
from bot.publish import find_posted, publish_huddle, publish_review
from bot.replies import deliver
from bot.review_jobs import post_in_thread, post_minutes
from bot.users import name_resolver
from bsc_core.db import Store
from bsc_core.jobs import ClaimedJob
from bsc_core.reports.prepare import parse_month
from commands.escalations import ESCALATION_ANSWERED, POST_ESCALATION
from commands.follow_ups import AFTER_CHANGE, POST_ALERTS
from commands.kpi import handle_slow_kpi
from commands.queued import POST_REPORT, SLOW_KPI, caller_of
from commands.review_loop import POST_IN_THREAD, POST_MINUTES
from commands.seen import UPDATE_SEEN

log = logging.getLogger(__name__)

Handler = Callable[[ClaimedJob, WebClient, Store], None]


class Refused(Exception):
    """Slack refused for good (e.g. the bot is not in the channel): no retry helps."""


def _responder(job: ClaimedJob) -> Respond | None:
    url = job.payload.get("response_url")
    return Respond(response_url=str(url)) if url else None


def _tell(client: WebClient, job: ClaimedJob, text: str) -> None:
    """Tell the asker, privately: through the command's response_url, else in a DM."""
    respond = _responder(job)
    if respond is not None and job.payload.get("tell", "respond") == "respond":
        respond(text=text, response_type="ephemeral", replace_original=False)
        return
    if job.report_to:
        client.chat_postMessage(channel=job.report_to, text=text)


def post_report(job: ClaimedJob, client: WebClient, store: Store) -> None:
    """Post a huddle or review asked for from Slack (``/huddle``, ``/review``, Home buttons)."""
    payload = job.payload
    kind = str(payload["kind"])
    channel = str(payload.get("channel_id") or "") or None
    key = f"job:{job.id}"
    if job.attempts > 1 and channel and find_posted(client, channel=channel, key=key):
        log.info("job %s: the %s was already posted by an earlier try", job.id, kind)
        return
    slug = str(payload["scorecard_slug"])
    try:
        if kind == "huddle":
            result = publish_huddle(client, store, scorecard_slug=slug, channel=channel, key=key)
        else:
            month = parse_month(str(payload["month"])) if payload.get("month") else None
            result = publish_review(
                client, store, scorecard_slug=slug, month=month, channel=channel, key=key
            )
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error in ("not_in_channel", "channel_not_found", "is_archived"):
            _tell(
                client,
                job,
                f"⚠️ Could not post the {kind} in <#{channel}> ({error}). "
                "Invite the bot there: `/invite @bscbot`.",
            )
            return
        raise
    if result.upload_error:
        _tell(
            client,
            job,
            f"The {kind} is posted, but its charts could not be attached "
            f"({result.upload_error}).{result.upload_hint or ''}",
        )
    if payload.get("tell") == "dm":
        _tell(client, job, f"The {kind} is posted in <#{result.channel}>.")
        refresh_home(client, str(job.report_to))


def slow_kpi(job: ClaimedJob, client: WebClient, store: Store) -> None:
    """``/kpi quad`` and ``/kpi pace``: draw, then answer where the command was typed."""
    caller = replace(caller_of(job.payload["caller"]), channel_access=channel_access(client))
    reply = handle_slow_kpi(
        str(job.payload["text"]), store=store, caller=caller, name_of=name_resolver(client, store)
    )
    respond = _responder(job) or Respond(response_url="")
    deliver(reply, client=client, respond=respond, caller=caller)


def post_alerts(job: ClaimedJob, client: WebClient, store: Store) -> None:
    post_pending_alerts(client, store)


def after_change(job: ClaimedJob, client: WebClient, store: Store) -> None:
    """The Homes of the person who changed something and of the people it concerns."""
    actor = str(job.payload.get("actor") or "")
    codes = [str(c) for c in job.payload.get("kpi_codes") or []]
    for person in sorted({str(p) for p in job.payload.get("people") or []} - {actor, ""}):
        refresh_home(client, person)
    refresh_after_change(client, actor=actor, kpi_codes=codes)


def publish_home(job: ClaimedJob, client: WebClient, store: Store) -> None:
    refresh_home(client, str(job.payload["user_id"]))


HANDLERS: dict[str, Handler] = {
    POST_REPORT: post_report,
    SLOW_KPI: slow_kpi,
    POST_ALERTS: post_alerts,
    AFTER_CHANGE: after_change,
    "publish_home": publish_home,
    UPDATE_SEEN: update_seen,
    POST_ESCALATION: post_escalation,
    ESCALATION_ANSWERED: escalation_answered,
    POST_IN_THREAD: post_in_thread,
    POST_MINUTES: post_minutes,
}


def describe(job: ClaimedJob) -> str:
    """A few words on what the job was, for the message about its failure."""
    payload: dict[str, Any] = job.payload
    if job.kind == POST_REPORT:
        return f"the {payload.get('kind')} of {payload.get('scorecard_slug')}"
    if job.kind == SLOW_KPI:
        return f"`/kpi {str(payload.get('text', ''))[:40]}`"
    return job.kind.replace("_", " ")
