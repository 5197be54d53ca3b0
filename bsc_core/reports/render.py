"""Reports as marked-up Slack text, fallback text and Markdown, from one family of templates.

A template writes mrkdwn text with a few block markers (``%%header``, ``%%section [title]``,
``%%context``, ``%%divider``, see :mod:`bsc_core.reports.markup`); :func:`_markdown` turns the
markers into Markdown here, and the Slack side turns the same text into Block Kit
(:mod:`commands.report_blocks`), so a chair pastes into the minutes exactly what the channel
saw. Every value a template prints is escaped for mrkdwn (``&``, ``<``, ``>``) unless a filter
made it on purpose (a mention of a validated user ID, bold, a number): a KPI named
``<!channel>`` must not page a whole channel, nor a note ping ``<@U0BOSS>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from bsc_core.board import KpiStatus
from bsc_core.formatting import format_number, format_pct
from bsc_core.periods import Period
from bsc_core.reports import markup
from bsc_core.reports.common import CountermeasureInfo
from bsc_core.reports.huddle import HuddleData, MissingGroup, RedKpi
from bsc_core.reports.review import ReviewData
from bsc_core.status import Status
from bsc_core.text import strip_controls

#: About a minute of reading: KPI lines shown in a huddle before "+N more — /kpi list".
HUDDLE_KPI_LINES = 15

STATUS_BADGE: dict[str, str] = {
    "green": "🟢 green",
    "amber": "🟡 amber",
    "red": "🔴 red",
    "missing": "⚪ missing",
    "no_target": "▫️ no target",
}

INITIATIVE_BADGE: dict[str, str] = {
    "planned": "🗓️ planned",
    "on_track": "🟢 on track",
    "at_risk": "🟡 at risk",
    "off_track": "🔴 off track",
    "late": "🔴 late",
    "blocked": "🔴 blocked",
    "done": "✅ done",
    "cancelled": "✖️ cancelled",
}

_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")


class Safe(str):
    """Text already fit for mrkdwn: printed as is.

    Macro output marked ``|safe`` in a template (a ``Markup``) counts too: it was escaped
    piece by piece inside the macro and must not be escaped a second time.
    """


def escape(value: object) -> Safe:
    """User text made inert for mrkdwn: ``&``, ``<``, ``>`` escaped, line breaks flattened."""
    if isinstance(value, Safe | Markup):
        return Safe(value)
    text = strip_controls("" if value is None else str(value), multiline=True)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Safe(" ".join(text.splitlines()))


def escape_markdown(value: object) -> Safe:
    """User text made inert for Markdown: no raw HTML (``<``, ``>``); ``&`` reads as itself."""
    if isinstance(value, Safe | Markup):
        return Safe(value)
    text = strip_controls("" if value is None else str(value), multiline=True)
    return Safe(" ".join(text.replace("<", "&lt;").replace(">", "&gt;").splitlines()))


def is_user_id(value: object) -> bool:
    return isinstance(value, str) and _USER_ID.fullmatch(value) is not None


@dataclass(frozen=True)
class _Dialect:
    markdown: bool

    def escape(self, value: object) -> Safe:
        return escape_markdown(value) if self.markdown else escape(value)

    def bold(self, value: object) -> Safe:
        text = self.escape(value)
        return Safe(f"**{text}**" if self.markdown else f"*{text}*") if text else text

    def italic(self, value: object) -> Safe:
        text = self.escape(value)
        return Safe(f"_{text}_") if text else text

    def mention(self, value: object, name_of: Callable[[str], str] | None = None) -> Safe:
        """Slack renders ``<@U…>`` as the person; Markdown gets their name (or ``@ID``)."""
        if not is_user_id(value):
            return self.escape(value)
        if not self.markdown:
            return Safe(f"<@{value}>")
        name = name_of(str(value)) if name_of is not None else str(value)
        return self.escape(name) if name and name != value else Safe(f"@{value}")


def _badge(status: object) -> Safe:
    return Safe(STATUS_BADGE.get(str(status), str(escape(status))))


def _initiative(status: object) -> Safe:
    text = str(status)
    return Safe(INITIATIVE_BADGE.get(text, escape(text.replace("_", " "))))


IDEA_STATUS = {
    "new": "💡 new",
    "accepted": "👍 accepted",
    "done": "✅ done",
    "rejected": "✖️ rejected",
}


def _idea_status(status: object) -> Safe:
    return Safe(IDEA_STATUS.get(str(status), escape(status)))


def _num(value: float | None, unit: str = "") -> Safe:
    return escape(format_number(value, unit))


def _longdate(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _shortdate(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _monthname(month: Period) -> str:
    return f"{month.start:%B %Y}"


@cache
def environment(markdown: bool = False) -> Environment:
    """The templates' environment for one dialect (cached: templates compile once)."""
    dialect = _Dialect(markdown)
    env = Environment(
        loader=PackageLoader("bsc_core.reports", "templates"),
        autoescape=False,
        finalize=dialect.escape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=StrictUndefined,
    )
    filters: dict[str, Callable[..., Any]] = {
        "esc": dialect.escape,
        "b": dialect.bold,
        "i": dialect.italic,
        "mention": pass_context(lambda context, value: dialect.mention(value, _name_of(context))),
        "badge": _badge,
        "initiative": _initiative,
        "idea_status": _idea_status,
        "num": _num,
        "pct": lambda v: escape(format_pct(v)),
        "longdate": _longdate,
        "shortdate": _shortdate,
        "monthname": _monthname,
        "more": lambda n: Safe(markup.more_text(int(n))),
    }
    env.filters.update(filters)
    return env


def _name_of(context: Context) -> Callable[[str], str] | None:
    """The ``name_of`` a render was given (Markdown for people), if any."""
    name_of = context.get("name_of")
    return name_of if callable(name_of) else None


def render_text(template: str, *, markdown: bool = False, **context: Any) -> str:
    """Render one template of the family to marked-up text."""
    return environment(markdown).get_template(template).render(**context)


# -- from marked-up text to blocks and to Markdown ---------------------------------------------


def _markdown(text: str) -> str:
    out: list[str] = []
    first_header = True
    for kind, argument, lines in markup.parts(text):
        if kind == "header":
            out.append(("# " if first_header else "## ") + argument)
            first_header = False
        elif kind == "divider":
            out.append("---")
        elif kind in ("section", "context"):
            if argument:
                out.append(f"## {argument}")
            items: list[str] = []
            for line in lines:
                if not line.strip():
                    continue
                if line.startswith(markup.ITEM_PREFIX):
                    items.append("- " + line[len(markup.ITEM_PREFIX) :])
                elif line.startswith("   ↳ "):
                    items.append("  - " + line.strip())
                else:
                    if items:
                        out.append("\n".join(items))
                        items = []
                    out.append(line.strip() if kind == "section" else f"_{line.strip()}_")
            if items:
                out.append("\n".join(items))
    return "\n\n".join(out).rstrip() + "\n"


# -- the huddle ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ShownGroup:
    owner: str
    rows: list[KpiStatus]
    hidden: int


@dataclass(frozen=True)
class _HuddleView:
    """What fits in a minute: reds first, then missing owners, within the line budget."""

    reds: list[RedKpi]
    missing: list[_ShownGroup]
    more: int


def _huddle_view(data: HuddleData, budget: int = HUDDLE_KPI_LINES) -> _HuddleView:
    reds = data.reds[:budget]
    left = budget - len(reds)
    groups: list[MissingGroup] = data.missing[: max(left, 0)]
    shown = [_ShownGroup(g.owner, g.rows[:6], max(len(g.rows) - 6, 0)) for g in groups]
    hidden_missing = sum(len(g.rows) for g in data.missing[len(groups) :])
    more = len(data.reds) - len(reds) + hidden_missing
    return _HuddleView(reds=reds, missing=shown, more=more)


def _huddle_text(
    data: HuddleData, *, markdown: bool, name_of: Callable[[str], str] | None = None
) -> str:
    return render_text(
        "huddle.j2", markdown=markdown, data=data, view=_huddle_view(data), name_of=name_of
    )


def render_huddle_slack(data: HuddleData) -> str:
    """The huddle as marked-up Slack text (the Slack side makes its blocks)."""
    return _huddle_text(data, markdown=False)


def render_huddle_markdown(data: HuddleData, name_of: Callable[[str], str] | None = None) -> str:
    """The huddle as Markdown (previews, minutes); ``name_of`` turns user IDs into names."""
    return _markdown(_huddle_text(data, markdown=True, name_of=name_of))


def huddle_fallback_text(data: HuddleData) -> str:
    """The notification text: who is in trouble, in one line."""
    return markup.truncate(
        f"Huddle for {escape(data.scorecard.name)}, {_longdate(data.day)}: "
        + _counts_phrase(data.counts),
        markup.MAX_FALLBACK_TEXT,
    )


# -- the review ---------------------------------------------------------------------------------

CHARTS_NOTE = (
    "📊 Charts in the thread: bowling chart (year to date), trends of the red and amber KPIs, "
    "Pareto of root causes, strategy map, and a quad chart for each of the worst reds."
)


def _review_text(
    data: ReviewData,
    *,
    markdown: bool,
    charts_note: str,
    name_of: Callable[[str], str] | None = None,
) -> str:
    def latest_cm(row: KpiStatus) -> CountermeasureInfo | None:
        cms = data.countermeasures.get(row.kpi.id, [])
        open_ones = [c for c in cms if c.is_open]
        return open_ones[0] if open_ones else None

    return render_text(
        "review.j2",
        markdown=markdown,
        data=data,
        latest_cm=latest_cm,
        charts_note=charts_note,
        name_of=name_of,
    )


def render_review_slack(data: ReviewData) -> str:
    """The review's parent message as marked-up Slack text (the Slack side makes its blocks)."""
    return _review_text(data, markdown=False, charts_note=CHARTS_NOTE)


def render_review_markdown(
    data: ReviewData,
    charts: Sequence[Any] = (),
    name_of: Callable[[str], str] | None = None,
) -> str:
    """The review as Markdown for the minutes; ``charts`` (with .filename, .alt_text) appended.

    ``name_of`` turns user IDs into names: a Markdown file cannot render a Slack mention.
    """
    note = "Charts: see below." if charts else CHARTS_NOTE
    text = _markdown(_review_text(data, markdown=True, charts_note=note, name_of=name_of))
    if charts:
        images = [f"![{escape_markdown(c.alt_text)}]({c.filename})" for c in charts]
        text += "\n## Charts\n\n" + "\n\n".join(images) + "\n"
    return text


def review_fallback_text(data: ReviewData) -> str:
    return markup.truncate(
        f"Monthly review of {escape(data.scorecard.name)}, {_monthname(data.month)}: "
        + _counts_phrase(data.counts),
        markup.MAX_FALLBACK_TEXT,
    )


def _counts_phrase(counts: dict[Status, int]) -> str:
    parts = [f"{n} {str(s).replace('_', ' ')}" for s, n in counts.items() if n]
    return ", ".join(parts) or "no KPIs"
