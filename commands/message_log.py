""" "Log as KPI actual" on any message: what the message suggests for the log form.

A frontline report such as "scrap 2.4 % today" becomes an actual in two clicks: the first
number in the message is the value, a KPI named in it is chosen, and the KPIs of the channel's
scorecard come first. Nothing is stored here; the form's submission is checked as ``/kpi log``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bsc_core.board import KpiRef
from bsc_core.text import sanitize_text

#: A number as people write it (``2.4``, ``-3``, ``1,234.5``, ``97.5%``), not a piece of a
#: date, a time, a code or a link (``2026-11-23``, ``08:00``, ``UP1``, ``/p1700``).
_NUMBER = re.compile(r"(?<![\w.,:/-])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?(?![\w:/-]|[.,]\d)")
_WORD = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class LogSuggestion:
    """What the log form is opened with."""

    kpis: list[KpiRef]
    code: str | None
    value: str | None


def first_number(text: str) -> str | None:
    """The first number in ``text`` as written (thousands commas and a ``%`` kept)."""
    match = _NUMBER.search(sanitize_text(text or ""))
    return match.group(0).lstrip("+") if match else None


def suggest(text: str, *, kpis: Sequence[KpiRef], channel_id: str | None) -> LogSuggestion:
    """The KPIs the person may log, their channel's scorecard first; the value; and the KPI
    whose code the message names, if one does (the channel's first)."""
    ordered = sorted(kpis, key=lambda k: not (channel_id and k.channel_id == channel_id))
    words = {w.upper() for w in _WORD.findall(text or "")}
    named = next((k.code for k in ordered if k.code.upper() in words), None)
    return LogSuggestion(kpis=ordered, code=named, value=first_number(text))
