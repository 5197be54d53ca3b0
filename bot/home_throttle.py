"""At most one change-driven Home refresh per person per ten seconds, across all processes.

A burst of logs on one scorecard would otherwise republish its chair's Home once per log; the
claim is a compare-and-set on the person's row, so two web workers agree on who refreshes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from bsc_core.models import SlackUser, utcnow

REFRESH_INTERVAL = timedelta(seconds=10)


def claim_refresh(
    session: Session, *, user_id: str, now: datetime | None = None, force: bool = False
) -> bool:
    """True when ``user_id``'s Home may be refreshed now (and records that it is)."""
    now = now or utcnow()
    condition = [col(SlackUser.user_id) == user_id]
    if not force:
        condition.append(
            or_(
                col(SlackUser.home_refreshed_at).is_(None),
                col(SlackUser.home_refreshed_at) <= now - REFRESH_INTERVAL,
            )
        )
    result = session.execute(update(SlackUser).where(*condition).values(home_refreshed_at=now))
    if result.rowcount:
        return True
    if session.get(SlackUser, user_id) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(SlackUser(user_id=user_id, home_refreshed_at=now))
    except IntegrityError:
        return False
    return True
