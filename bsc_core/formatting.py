"""How numbers read to people: in Slack, on the command line and in reports alike.

Variance % is shown with its raw sign (actual − target over |target|): for a "down" KPI a
positive variance is bad. The status word and colour say whether it is good.
"""

from __future__ import annotations

PERCENT_UNITS = {"%", "percent", "pct"}
CURRENCY_PREFIX = {"USD": "$", "GBP": "£", "EUR": "€"}


def format_number(value: float | None, unit: str = "") -> str:
    """``1,234.5 USD`` → ``$1,234.5``; ``97.5`` with unit ``%`` → ``97.5%``; None → ``–``."""
    if value is None:
        return "–"
    magnitude = abs(value)
    if magnitude >= 100 or float(value).is_integer():
        digits = 0 if float(value).is_integer() or magnitude >= 1000 else 1
    elif magnitude >= 1:
        digits = 2
    else:
        digits = 3
    text = f"{value:,.{digits}f}"
    if digits and "." in text:
        text = text.rstrip("0").rstrip(".")
    unit = (unit or "").strip()
    if unit in PERCENT_UNITS:
        return f"{text}%"
    if unit in CURRENCY_PREFIX:
        sign = "-" if text.startswith("-") else ""
        return f"{sign}{CURRENCY_PREFIX[unit]}{text.lstrip('-')}"
    return f"{text} {unit}" if unit else text


def format_pct(value: float | None) -> str:
    """A signed percentage (``+4.2%``, ``-12%``) or ``–`` when undefined (target 0 or missing)."""
    if value is None:
        return "–"
    text = f"{value:+.1f}".rstrip("0").rstrip(".")
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


def escape_mrkdwn(text: str | None) -> str:
    """Escape user text for Slack mrkdwn so ``<!channel>`` or ``<@U…>`` never notify anyone."""
    if not text:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str | None) -> str:
    """A Slack mention for a well-formed user ID; anything else is shown escaped, inert."""
    if user_id and user_id[:1] in "UW" and user_id.isalnum() and len(user_id) <= 24:
        return f"<@{user_id}>"
    return escape_mrkdwn(user_id) or "nobody"
