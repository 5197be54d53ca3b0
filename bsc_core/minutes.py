"""The minutes of a closed review, as Markdown: what was decided, what changed, who did it,
and the agenda as it stood when the meeting saw it.

The agenda part is the Markdown kept when the review was posted (:mod:`bsc_core.reviews`),
so the figures are those the meeting discussed, not what later corrections made of them.
People are named (a Markdown file cannot render a Slack mention) and every user text is
escaped for Markdown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bsc_core.decisions import DecisionInfo, decisions_of_review
from bsc_core.initiative_updates import UpdateRecord, status_words, updates_of_review
from bsc_core.models import Review, Scorecard
from bsc_core.people import resolver
from bsc_core.periods import Frequency, Period
from bsc_core.reports.render import escape_markdown

NameOf = Callable[[str], str]
CHARTS_HEADING = "\n## Charts\n"


def _local(moment: datetime | None, zone: str) -> str:
    if moment is None:
        return "?"
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return f"{aware.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}"


def _person(user_id: str | None, name_of: NameOf) -> str:
    if not user_id:
        return "nobody"
    name = name_of(user_id)
    return str(escape_markdown(name if name and name != user_id else f"@{user_id}"))


def _decision(d: DecisionInfo, name_of: NameOf, zone: str) -> str:
    parts = [str(escape_markdown(d.text))]
    if d.kpi_code:
        parts.append(f"KPI **{escape_markdown(d.kpi_code)}**")
    if d.owner:
        parts.append(f"owner {_person(d.owner, name_of)}")
    if d.due_date:
        parts.append(f"due {d.due_date.isoformat()}")
    parts.append(f"recorded by {_person(d.recorded_by, name_of)} at {_local(d.recorded_at, zone)}")
    return "- 📝 " + " · ".join(parts)


def _update(u: UpdateRecord, name_of: NameOf, zone: str) -> str:
    change = status_words(u.status)
    if u.status_before and u.status_before != u.status:
        change = f"{status_words(u.status_before)} → {status_words(u.status)}"
    percent = f", {u.percent} %" if u.percent is not None else ""
    note = f" — “{escape_markdown(u.note)}”" if u.note else ""
    return (
        f"- **{escape_markdown(u.initiative)}** ({escape_markdown(u.objective_code)}): "
        f"{change}{percent}{note} · by {_person(u.updated_by, name_of)} at "
        f"{_local(u.updated_at, zone)}"
    )


def _agenda(markdown: str | None) -> str:
    """The kept agenda, its headings one level down and without the chart links (the
    charts are in the thread, not beside the file)."""
    if not markdown:
        return "_The agenda was not kept for this review._"
    text = markdown.split(CHARTS_HEADING)[0].rstrip()
    lines = [f"#{line}" if line.startswith("#") else line for line in text.split("\n")]
    return "\n".join(lines)


def build_minutes(
    session: Session,
    *,
    review: Review,
    closed_by: str,
    closed_at: datetime,
    name_of: NameOf | None = None,
) -> str:
    """The minutes of ``review`` as Markdown (closed by ``closed_by`` at ``closed_at``)."""
    card = session.get(Scorecard, review.scorecard_id)
    zone = card.timezone if card is not None else "UTC"
    name = card.name if card is not None else "?"
    names = name_of or resolver(session)
    month = Period.parse(review.month, Frequency.MONTHLY)
    decisions = decisions_of_review(session, review_id=review.id or 0, day=closed_at.date())
    updates = updates_of_review(session, review_id=review.id or 0)
    out = [
        f"# Minutes · {escape_markdown(name)} · {month.start:%B %Y}",
        f"Review posted {_local(review.posted_at, zone)}, closed by "
        f"{_person(closed_by, names)} at {_local(closed_at, zone)} ({escape_markdown(zone)}).",
        f"## Decisions ({len(decisions)})",
        "\n".join(_decision(d, names, zone) for d in decisions) or "_No decisions were recorded._",
        f"## Initiative updates ({len(updates)})",
        "\n".join(_update(u, names, zone) for u in updates)
        or "_No initiative was updated in the meeting._",
        "## The agenda as it stood",
        _agenda(review.agenda),
    ]
    return "\n\n".join(out).rstrip() + "\n"


def minutes_filename(slug: str, month: str) -> str:
    return f"minutes-{slug}-{month}.md"
