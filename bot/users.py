"""Who a Slack user ID is: the Slack side of ``bsc_core.people``'s name cache.

The core reads names from the ``slackuser`` table; this module fills it from ``users.info``
(display name, else real name) when a name is missing or older than a day, so charts and
minutes drawn by any process (the scheduler included) show the same names.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import select

from bsc_core.db import Store
from bsc_core.models import Countermeasure, Kpi, Scorecard
from bsc_core.people import names, remember_names, stale_names
from bsc_core.text import sanitize_text

log = logging.getLogger(__name__)


def profile_name(client: WebClient, user_id: str) -> str | None:
    """The user's display name, else real name, from ``users.info``; None if Slack won't say.

    Sanitised like every other text (no bidi overrides or invisible controls): it is drawn in
    charts and printed in minutes.
    """
    try:
        user = client.users_info(user=user_id)["user"]
    except (SlackApiError, KeyError, TypeError) as exc:
        log.info("no name for %s: %s", user_id, exc)
        return None
    profile = user.get("profile") or {}
    for candidate in (
        profile.get("display_name"),
        profile.get("real_name"),
        user.get("real_name"),
        user.get("name"),
    ):
        clean = sanitize_text(candidate).strip() if isinstance(candidate, str) else ""
        if clean:
            return clean
    return None


def refresh_names(
    client: WebClient, store: Store, user_ids: Iterable[str], *, now: datetime | None = None
) -> dict[str, str]:
    """Ask Slack for the names that are missing or a day old, cache them, return every name.

    A failed lookup leaves the cached (or seeded) name in place: a stale name beats an ID.
    """
    moment = now or datetime.now(UTC)
    ids = list(user_ids)
    with store.read() as session:
        stale = stale_names(session, ids, now=moment)
    fetched = {u: name for u in stale if (name := profile_name(client, u))}
    if fetched:
        try:
            store.run(lambda s: remember_names(s, fetched, now=moment))
        except Exception:  # noqa: BLE001 - the cache is a courtesy; the caller goes on
            log.exception("could not cache %d Slack names", len(fetched))
    with store.read() as session:
        return {**names(session, ids), **fetched}


def people_of_reports(store: Store) -> list[str]:
    """Everyone a report may name: chairs, KPI owners and countermeasure owners."""
    with store.read() as session:
        chairs = session.exec(select(Scorecard.chair)).all()
        owners = session.exec(select(Kpi.owner)).all()
        actors = session.exec(select(Countermeasure.owner)).all()
    return sorted({u for u in (*chairs, *owners, *actors) if u})


def refresh_report_names(client: WebClient, store: Store) -> None:
    """Before a report is drawn: names of everyone it may show, at most a day old."""
    try:
        refresh_names(client, store, people_of_reports(store))
    except Exception:  # noqa: BLE001 - a report with IDs is better than no report
        log.exception("could not refresh names before a report")


def name_resolver(client: WebClient, store: Store | None = None) -> Callable[[str], str]:
    """``user_id -> name`` for one chart: cached names, refreshed from Slack when stale.

    Without a store (a caller that has none) names come from Slack directly, per call.
    """
    known: dict[str, str] = {}

    def name_of(user_id: str) -> str:
        if user_id not in known:
            if store is not None:
                known.update(refresh_names(client, store, [user_id]))
            else:
                known[user_id] = profile_name(client, user_id) or user_id
        return known.get(user_id) or user_id

    return name_of
