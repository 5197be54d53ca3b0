"""Who a Slack user ID is, for every reader outside Slack.

Slack renders ``<@U0CFO0001>`` as a name; a chart image, a Markdown file, the demo page or a
terminal cannot. Names come from one place: the ``slackuser`` cache, filled from Slack
profiles (``users.info``: display name, else real name) by the processes that talk to Slack,
and seeded by a scorecard file's ``people:`` map so that offline previews and the demo show
names too. An unknown ID is shown as the ID itself, never as an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from bsc_core.models import SlackUser
from bsc_core.text import sanitize_text

#: A name fetched from Slack is trusted for a day; people rarely rename themselves.
NAME_CACHE_FOR = timedelta(days=1)

#: What a user ID looks like (``U…`` for people, ``W…`` for Enterprise Grid users).
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
#: A Slack mention, with or without the ``|label`` Slack sometimes adds.
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")

NameOf = Callable[[str], str]


def display_name(session: Session, user_id: str) -> str:
    """The cached name of ``user_id``, or the ID itself when nobody has told us the name."""
    row = session.get(SlackUser, user_id)
    return (row.display_name if row is not None else None) or user_id


def names(session: Session, user_ids: Iterable[str]) -> dict[str, str]:
    """Names of several users in one query; IDs without a cached name map to themselves."""
    ids = sorted({u for u in user_ids if u})
    if not ids:
        return {}
    rows = session.exec(select(SlackUser).where(col(SlackUser.user_id).in_(ids))).all()
    known = {row.user_id: row.display_name for row in rows if row.display_name}
    return {user_id: known.get(user_id, user_id) for user_id in ids}


def resolver(session: Session) -> NameOf:
    """A ``user_id -> name`` function over the cache, remembering what it has looked up.

    Meant for one report or one chart: it reads each ID once, and keeps answering after the
    session is closed for the IDs it already knows.
    """
    seen: dict[str, str] = {}

    def name_of(user_id: str) -> str:
        if user_id not in seen:
            seen[user_id] = display_name(session, user_id) if user_id else user_id
        return seen[user_id]

    return name_of


def preloaded(session: Session, user_ids: Iterable[str]) -> NameOf:
    """Like :func:`resolver`, with the given IDs read in one query up front (for templates,
    which are rendered after the session is gone)."""
    known = names(session, user_ids)
    return lambda user_id: known.get(user_id, user_id)


def everyone(session: Session) -> NameOf:
    """Every cached name, read once: for a page or file rendered after the session closes."""
    rows = session.exec(select(SlackUser.user_id, SlackUser.display_name)).all()
    known = {user_id: name for user_id, name in rows if name}
    return lambda user_id: known.get(user_id, user_id)


def names_in(text: str, name_of: NameOf) -> str:
    """``"ask <@U0CFO0001>"`` -> ``"ask @Dana Whitfield"``: mentions made readable off Slack."""
    return MENTION.sub(lambda match: "@" + name_of(match.group(1)), text)


def stale_names(session: Session, user_ids: Iterable[str], *, now: datetime) -> list[str]:
    """The IDs whose name Slack should be asked for: never fetched, or fetched a day ago.

    A name seeded from a scorecard file counts as never fetched, so the profile wins as soon
    as a process that talks to Slack sees the person.
    """
    ids = sorted({u for u in user_ids if u and USER_ID.match(u)})
    if not ids:
        return []
    rows = {
        row.user_id: row
        for row in session.exec(select(SlackUser).where(col(SlackUser.user_id).in_(ids)))
    }
    aware_now = _aware(now)
    stale = []
    for user_id in ids:
        row = rows.get(user_id)
        fetched = _aware(row.name_fetched_at) if row and row.name_fetched_at else None
        if fetched is None or aware_now - fetched >= NAME_CACHE_FOR:
            stale.append(user_id)
    return stale


def remember_names(session: Session, fetched: Mapping[str, str], *, now: datetime) -> None:
    """Cache names Slack gave (the other SlackUser fields, such as time zones, are kept)."""
    for user_id, name in fetched.items():
        clean = sanitize_text(name).strip()
        if not clean:
            continue
        row = session.get(SlackUser, user_id) or SlackUser(user_id=user_id)
        row.display_name = clean
        row.name_fetched_at = now
        session.add(row)


def seed_names(session: Session, people: Mapping[str, str]) -> int:
    """Store a scorecard file's ``people:`` map; a name fetched from Slack is left alone.

    Returns how many names were written.
    """
    written = 0
    for user_id, name in people.items():
        clean = sanitize_text(name).strip()
        row = session.get(SlackUser, user_id) or SlackUser(user_id=user_id)
        if row.name_fetched_at is not None or not clean or row.display_name == clean:
            continue
        row.display_name = clean
        session.add(row)
        written += 1
    return written


def check_people(people: object) -> dict[str, str]:
    """Validate a ``people:`` map from a file: Slack user IDs to non-empty names.

    Raises:
        ValueError: saying which entry is wrong and what the right form is.
    """
    form = "people: {U0CFO0001: Dana Whitfield}"
    if people is None:
        return {}
    if not isinstance(people, Mapping):
        raise ValueError(f"people must map Slack user IDs to names, like {form}")
    result: dict[str, str] = {}
    for user_id, name in people.items():
        if not isinstance(user_id, str) or not USER_ID.match(user_id):
            raise ValueError(
                f"people: {user_id!r} is not a Slack user ID (U followed by capital letters "
                f"and digits), like {form}"
            )
        clean = sanitize_text(name if isinstance(name, str) else "").strip()
        if not clean:
            raise ValueError(f"people: {user_id} needs a name, like {form}")
        result[user_id] = clean
    return result


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
