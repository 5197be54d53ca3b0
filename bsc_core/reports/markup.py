"""The marked-up text the report templates write, and its few text rules.

A template writes mrkdwn with block markers (``%%header``, ``%%section [title]``,
``%%context``, ``%%divider``). The core turns that text into Markdown for the minutes; the
Slack side (:mod:`commands.report_blocks`) turns the same text into Block Kit, so the channel
and the minutes always say the same thing.
"""

from __future__ import annotations

import re

#: Slack's limit on a message's notification text; the fallback lines keep within it.
MAX_FALLBACK_TEXT = 3000
#: Lines that stand for one item (a KPI, an action…) start with this; a cut counts them.
ITEM_PREFIX = "• "

_MARKER = re.compile(r"^%%(header|section|context|divider)\b ?(.*)$")

Part = tuple[str, str, list[str]]


def more_text(count: int) -> str:
    """The line that replaces what did not fit."""
    return f"+{count} more — /kpi list"


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def parts(text: str) -> list[Part]:
    """(kind, argument, body lines) for each marker of a rendered template."""
    found: list[Part] = []
    for line in text.split("\n"):
        match = _MARKER.match(line)
        if match:
            found.append((match.group(1), match.group(2).strip(), []))
        elif found:
            found[-1][2].append(line.rstrip())
    return found
