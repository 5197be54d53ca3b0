"""What follows a change, queued in the change's own transaction (see :mod:`bsc_core.jobs`).

A log or a countermeasure commits together with the jobs that tell others about it: the
instant red alert and the Home tabs of the people concerned. If the change is stored, its
follow-ups will run, whichever process dies after the commit.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from bsc_core.jobs import enqueue

#: A burst of one person's changes becomes one Home refresh.
HOME_DELAY = timedelta(seconds=1.5)

POST_ALERTS = "post_alerts"
AFTER_CHANGE = "after_change"


def queue_after_change(
    session: Session,
    *,
    actor: str,
    kpi_codes: list[str],
    people: list[str] | None = None,
    alert_claimed: bool = False,
) -> None:
    """Queue the follow-ups of a change to ``kpi_codes`` by ``actor``.

    Args:
        people: more people whose Home shows the change (a countermeasure's owner).
        alert_claimed: the change claimed an instant alert; it is posted without delay.
    """
    if alert_claimed:
        enqueue(session, kind=POST_ALERTS, dedupe_key=POST_ALERTS)
    enqueue(
        session,
        kind=AFTER_CHANGE,
        payload={"actor": actor, "kpi_codes": sorted(set(kpi_codes)), "people": people or []},
        dedupe_key=f"{AFTER_CHANGE}:{actor}:{','.join(sorted(set(kpi_codes)))}",
        delay=HOME_DELAY,
    )
