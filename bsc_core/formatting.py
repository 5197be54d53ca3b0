"""How numbers read to people: in Slack, on the command line and in reports alike.

Variance % is shown with its raw sign (actual − target over |target|): for a "down" KPI a
positive variance is bad. The status word and colour say whether it is good.
"""

from __future__ import annotations

import math
from decimal import Decimal

from bsc_core.text import escape_mrkdwn

__all__ = [
    "escape_mrkdwn",
    "format_exact",
    "format_number",
    "format_pct",
    "mention",
    "status_badge",
]

PERCENT_UNITS = {"%", "percent", "pct"}
CURRENCY_PREFIX = {"USD": "$", "GBP": "£", "EUR": "€"}


def format_number(value: float | None, unit: str = "") -> str:
    """``1,234.5 USD`` → ``$1,234.5``; ``97.5`` with unit ``%`` → ``97.5%``; None → ``–``.

    Rounded for reading a board at a glance; a value below 1 keeps three significant digits,
    so ``0.0000001`` reads as itself and ``-0.0004`` never as ``-0``.
    """
    if value is None:
        return "–"
    value = float(value) + 0.0  # -0.0 reads as 0
    magnitude = abs(value)
    if magnitude >= 100 or value.is_integer():
        digits = 0 if value.is_integer() or magnitude >= 1000 else 1
    elif magnitude >= 1:
        digits = 2
    else:
        digits = max(3, 2 - math.floor(math.log10(magnitude)))
    text = f"{value:,.{digits}f}"
    if digits and "." in text:
        text = text.rstrip("0").rstrip(".")
    return _with_unit(text, unit)


def format_exact(value: float, unit: str = "") -> str:
    """The value exactly as stored, with thousands separators: ``1,234.5678``, ``0.0000001``.

    For confirmations: the person checks that what was stored is what they typed, so nothing
    is rounded away (a float's shortest exact form, never scientific notation).
    """
    number = Decimal(repr(float(value) + 0.0))
    text = f"{number:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return _with_unit(text, unit)


def _with_unit(text: str, unit: str) -> str:
    unit = (unit or "").strip()
    if unit in PERCENT_UNITS:
        return f"{text}%"
    if unit in CURRENCY_PREFIX:
        sign = "-" if text.startswith("-") else ""
        return f"{sign}{CURRENCY_PREFIX[unit]}{text.lstrip('-')}"
    return f"{text} {unit}" if unit else text


def format_pct(value: float | None) -> str:
    """A signed percentage (``+4.2%``, ``-12%``) or ``–`` when undefined (target 0 or missing).

    Below 0.1 % it keeps two significant digits, so a tiny miss never reads as ``-0%``.
    """
    if value is None:
        return "–"
    value = float(value) + 0.0
    magnitude = abs(value)
    digits = 1 if magnitude == 0 or magnitude >= 0.1 else 1 - math.floor(math.log10(magnitude))
    text = f"{value:+.{digits}f}".rstrip("0").rstrip(".")
    if value == 0:
        text = "0"
    return f"{text}%"


STATUS_EMOJI = {
    "green": "🟢",
    "amber": "🟡",
    "red": "🔴",
    "missing": "⚪",
    "no_target": "▫️",
}
STATUS_WORD = {
    "green": "green",
    "amber": "amber",
    "red": "red",
    "missing": "missing",
    "no_target": "no target",
}


def status_badge(status: str) -> str:
    """An emoji and a word, so the status never rests on colour alone."""
    return f"{STATUS_EMOJI.get(status, '')} {STATUS_WORD.get(status, status)}".strip()


def mention(user_id: str | None) -> str:
    """A Slack mention for a well-formed user ID; anything else is shown escaped, inert."""
    if (
        user_id
        and user_id[:1] in "UW"
        and user_id.isascii()
        and user_id.isalnum()
        and len(user_id) <= 24
    ):
        return f"<@{user_id}>"
    return escape_mrkdwn(user_id) or "nobody"
