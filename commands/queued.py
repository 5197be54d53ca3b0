"""Work acknowledged with "⏳": a job row committed before the ack says so.

The adapter calls these in the request; the ack's "⏳" is only sent once the row is stored, so
the promise survives any process's death (a worker runs it, after a restart if need be).
"""

from __future__ import annotations

from bsc_core.db import Store
from bsc_core.jobs import enqueue
from commands.reply import Caller
from commands.reports import PostJob

POST_REPORT = "post_report"
SLOW_KPI = "slow_kpi"


def caller_payload(caller: Caller) -> dict[str, object]:
    return {"user_id": caller.user_id, "channel_id": caller.channel_id, "is_admin": caller.is_admin}


def caller_of(payload: dict[str, object]) -> Caller:
    """The :class:`Caller` stored in a job's payload."""
    return Caller(
        user_id=str(payload.get("user_id") or ""),
        channel_id=str(payload["channel_id"]) if payload.get("channel_id") else None,
        is_admin=bool(payload.get("is_admin")),
    )


def queue_report(
    store: Store, job: PostJob, *, caller: Caller, response_url: str | None, tell: str = "respond"
) -> int | None:
    """Queue a huddle or review post; ``tell`` says how the asker hears of a problem
    (``respond``: through the response_url; ``dm``: a direct message, for Home buttons)."""
    payload = {
        "kind": job.kind,
        "scorecard_slug": job.scorecard_slug,
        "channel_id": job.channel_id,
        "month": str(job.month) if job.month else None,
        "caller": caller_payload(caller),
        "response_url": response_url,
        "tell": tell,
    }
    with store.write() as session:
        return enqueue(session, kind=POST_REPORT, payload=payload, report_to=caller.user_id)


def queue_slow_kpi(
    store: Store, text: str, *, caller: Caller, response_url: str | None
) -> int | None:
    """Queue a ``/kpi`` command that draws a chart (quad, pace)."""
    payload = {"text": text, "caller": caller_payload(caller), "response_url": response_url}
    with store.write() as session:
        return enqueue(session, kind=SLOW_KPI, payload=payload, report_to=caller.user_id)
