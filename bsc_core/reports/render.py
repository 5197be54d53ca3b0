"""Reports as Slack blocks, fallback text and Markdown, from one family of jinja2 templates.

A template writes mrkdwn text with a few block markers (``%%header``, ``%%section [title]``,
``%%context``, ``%%divider``); :func:`_blocks` turns the markers into Block Kit and
:func:`_markdown` into Markdown, so a chair pastes into the minutes exactly what the channel
saw. Every value a template prints is escaped for mrkdwn (``&``, ``<``, ``>``) unless a filter
made it on purpose (a mention of a validated user ID, bold, a number): a KPI named
``<!channel>`` must not page a whole channel, nor a note ping ``<@U0BOSS>``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from bsc_core.board import KpiStatus
from bsc_core.formatting import format_number, format_pct
from bsc_core.periods import Period
from bsc_core.reports import blockkit
from bsc_core.reports.blockkit import Block
from bsc_core.reports.common import CountermeasureInfo
from bsc_core.reports.huddle import HuddleData, MissingGroup, RedKpi
from bsc_core.reports.review import ReviewData
from bsc_core.status import Status

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
_MARKER = re.compile(r"^%%(header|section|context|divider)\b ?(.*)$")


class Safe(str):
    """Text already fit for mrkdwn: printed as is.

    Macro output marked ``|safe`` in a template (a ``Markup``) counts too: it was escaped
    piece by piece inside the macro and must not be escaped a second time.
    """


def escape(value: object) -> Safe:
    """User text made inert for mrkdwn: ``&``, ``<``, ``>`` escaped, line breaks flattened."""
    if isinstance(value, Safe | Markup):
        return Safe(value)
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Safe(" ".join(text.splitlines()))


def escape_markdown(value: object) -> Safe:
    """User text made inert for Markdown: no raw HTML (``<``, ``>``); ``&`` reads as itself."""
    if isinstance(value, Safe | Markup):
        return Safe(value)
    text = "" if value is None else str(value)
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

    def mention(self, value: object) -> Safe:
        if not is_user_id(value):
            return self.escape(value)
        return Safe(f"@{value}" if self.markdown else f"<@{value}>")


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
        "mention": dialect.mention,
        "badge": _badge,
        "initiative": _initiative,
        "idea_status": _idea_status,
        "num": _num,
        "pct": lambda v: escape(format_pct(v)),
        "longdate": _longdate,
        "shortdate": _shortdate,
        "monthname": _monthname,
        "more": lambda n: Safe(blockkit.more_text(int(n))),
    }
    env.filters.update(filters)
    return env


def render_text(template: str, *, markdown: bool = False, **context: Any) -> str:
    """Render one template of the family to marked-up text."""
    return environment(markdown).get_template(template).render(**context)


# -- from marked-up text to blocks and to Markdown ---------------------------------------------


def _parts(text: str) -> list[tuple[str, str, list[str]]]:
    """(kind, argument, body lines) for each marker of a rendered template."""
    parts: list[tuple[str, str, list[str]]] = []
    for line in text.split("\n"):
        match = _MARKER.match(line)
        if match:
            parts.append((match.group(1), match.group(2).strip(), []))
        elif parts:
            parts[-1][2].append(line.rstrip())
    return parts


def _blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    for kind, argument, lines in _parts(text):
        body = "\n".join(line for line in lines if line.strip())
        if kind == "header":
            blocks.append(blockkit.header(html.unescape(argument)))
        elif kind == "divider":
            blocks.append(blockkit.divider())
        elif kind == "context" and body:
            blocks.append(blockkit.context(body))
        elif kind == "section":
            title = f"*{argument}*" if argument else ""
            blocks.extend(blockkit.sections("\n".join(t for t in (title, body) if t)))
    return blockkit.fit(blocks)


def _markdown(text: str) -> str:
    out: list[str] = []
    first_header = True
    for kind, argument, lines in _parts(text):
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
                if line.startswith(blockkit.ITEM_PREFIX):
                    items.append("- " + line[len(blockkit.ITEM_PREFIX) :])
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


def _huddle_text(data: HuddleData, *, markdown: bool) -> str:
    return render_text("huddle.j2", markdown=markdown, data=data, view=_huddle_view(data))


def render_huddle_blocks(data: HuddleData) -> list[Block]:
    """The huddle as Block Kit blocks, within Slack's limits."""
    return _blocks(_huddle_text(data, markdown=False))


def render_huddle_markdown(data: HuddleData) -> str:
    """The huddle as Markdown (previews, minutes)."""
    return _markdown(_huddle_text(data, markdown=True))


def huddle_fallback_text(data: HuddleData) -> str:
    """The notification text: who is in trouble, in one line."""
    return blockkit.truncate(
        f"Huddle for {escape(data.scorecard.name)}, {_longdate(data.day)}: "
        + _counts_phrase(data.counts),
        blockkit.MAX_FALLBACK_TEXT,
    )


# -- the review ---------------------------------------------------------------------------------

CHARTS_NOTE = (
    "📊 Charts in the thread: bowling chart (year to date), trends of the red and amber KPIs, "
    "Pareto of root causes, strategy map, and a quad chart for each of the worst reds."
)


def _review_text(data: ReviewData, *, markdown: bool, charts_note: str) -> str:
    def latest_cm(row: KpiStatus) -> CountermeasureInfo | None:
        cms = data.countermeasures.get(row.kpi.id, [])
        open_ones = [c for c in cms if c.is_open]
        return open_ones[0] if open_ones else None

    return render_text(
        "review.j2", markdown=markdown, data=data, latest_cm=latest_cm, charts_note=charts_note
    )


def render_review_blocks(data: ReviewData) -> list[Block]:
    """The review's parent message as Block Kit blocks, within Slack's limits."""
    return _blocks(_review_text(data, markdown=False, charts_note=CHARTS_NOTE))


def render_review_markdown(data: ReviewData, charts: Sequence[Any] = ()) -> str:
    """The review as Markdown for the minutes; ``charts`` (with .filename, .alt_text) appended."""
    note = "Charts: see below." if charts else CHARTS_NOTE
    text = _markdown(_review_text(data, markdown=True, charts_note=note))
    if charts:
        images = [f"![{escape_markdown(c.alt_text)}]({c.filename})" for c in charts]
        text += "\n## Charts\n\n" + "\n\n".join(images) + "\n"
    return text


def review_fallback_text(data: ReviewData) -> str:
    return blockkit.truncate(
        f"Monthly review of {escape(data.scorecard.name)}, {_monthname(data.month)}: "
        + _counts_phrase(data.counts),
        blockkit.MAX_FALLBACK_TEXT,
    )


def _counts_phrase(counts: dict[Status, int]) -> str:
    parts = [f"{n} {str(s).replace('_', ' ')}" for s, n in counts.items() if n]
    return ", ".join(parts) or "no KPIs"
