"""Text helpers shared by the charts: compact numbers, truncation, slugs, period labels.

No matplotlib here: alt texts and file names are built from these too, and they are handy
for Slack message text as well.
"""

from __future__ import annotations

import math
import re

#: Shown for a missing number; an en dash reads as "no value" rather than as zero.
NO_VALUE = "\u2013"
ELLIPSIS = "\u2026"

_CURRENCY_PREFIXES = ("$", "\u20ac", "\u00a3", "\u00a5")
_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
_QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
_DAY_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _strip_zeros(text: str) -> str:
    """'1.50' -> '1.5', '2.0' -> '2': trailing zeros cost width in a 0.6-inch cell."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _small(value: float) -> str:
    """Format a non-negative number below 1000 with about three significant digits."""
    if value == 0:
        return "0"
    if value < 0.01:
        return f"{value:.2g}"
    if value >= 99.95:
        return f"{value:.0f}"
    if value >= 9.995:
        return _strip_zeros(f"{value:.1f}")
    return _strip_zeros(f"{value:.2f}")


def _magnitude(value: float) -> str:
    """Pick k/M/B/T so that rounding never yields '1000k' (it becomes '1M')."""
    for divisor, suffix in _SCALES:
        if value >= divisor * 0.9995:
            scaled = value / divisor
            text = f"{scaled:.0f}" if scaled >= 99.95 else _strip_zeros(f"{scaled:.1f}")
            return text + suffix
    return _small(value)


def compact_number(x: float | None, unit: str = "") -> str:
    """A short label for a value: 1.2k, 3.4M, 97.5%, $1.2M, -250, or '–' for None.

    Short because bowling cells are about 0.6 inch wide and Slack shows charts shrunk.
    Percentages are not scaled (they are already on a human scale), currency symbols go in
    front, any other unit goes after a space.
    """
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return NO_VALUE
    sign = "-" if x < 0 else ""
    value = abs(float(x))
    unit = unit.strip()
    if unit == "%":
        return f"{sign}{_small(value) if value < 1000 else _magnitude(value)}%"
    body = _magnitude(value)
    if body == "0":
        sign = ""
    if unit in _CURRENCY_PREFIXES:
        return f"{sign}{unit}{body}"
    return f"{sign}{body} {unit}" if unit else f"{sign}{body}"


def signed_number(x: float | None, unit: str = "") -> str:
    """Like compact_number but with an explicit '+' so a variance's sign is never implied."""
    text = compact_number(x, unit)
    if x is not None and x > 0 and text != NO_VALUE:
        return "+" + text
    return text


def cell_unit(unit: str) -> str:
    """The unit worth repeating inside a tight cell: '%' and currency symbols, nothing else."""
    unit = unit.strip()
    return unit if unit == "%" or unit in _CURRENCY_PREFIXES else ""


def truncate(text: str, max_chars: int) -> str:
    """Shorten ``text`` to ``max_chars`` characters, ending in an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    if max_chars <= 1:
        return ELLIPSIS[:max_chars]
    return text[: max_chars - 1].rstrip() + ELLIPSIS


def slugify(text: str, fallback: str = "chart") -> str:
    """Lower-case ASCII words joined by '-', for file names Slack shows to people."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].rstrip("-") or fallback


def parse_month(month: str) -> tuple[int, int] | None:
    """('2026-03') -> (2026, 3); None when the string is not a YYYY-MM month."""
    match = _MONTH_RE.match(month)
    if not match:
        return None
    year, number = int(match.group(1)), int(match.group(2))
    return (year, number) if 1 <= number <= 12 else None


def month_abbr(month: str) -> str:
    """'2026-03' -> 'Mar'; anything else is returned unchanged."""
    parsed = parse_month(month)
    return _MONTHS[parsed[1] - 1] if parsed else month


def month_name(month: str) -> str:
    """'2026-11' -> 'November' (for alt text, which is read aloud)."""
    parsed = parse_month(month)
    return _MONTH_NAMES[parsed[1] - 1] if parsed else month


def period_label(period: str) -> str:
    """A period in words for one line: '2026-03' -> 'Mar 2026' (never 'Mar 26', a date)."""
    parsed = parse_month(period)
    if parsed:
        return f"{_MONTHS[parsed[1] - 1]} {parsed[0]}"
    return period


def _tick_parts(period: str) -> tuple[str, str]:
    """('Dec', '2025') for a month, ('W34', '2026') for a week, ('Q1', '2026'), ('27 Nov', '2026').

    Anything unrecognised is returned whole with no year, so it is still shown as given.
    """
    parsed = parse_month(period)
    if parsed:
        return _MONTHS[parsed[1] - 1], str(parsed[0])
    for pattern, shape in ((_WEEK_RE, "W{}"), (_QUARTER_RE, "Q{}")):
        match = pattern.match(period)
        if match:
            return shape.format(match.group(2)), match.group(1)
    match = _DAY_RE.match(period)
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{int(match.group(3))} {_MONTHS[int(match.group(2)) - 1]}", match.group(1)
    return period, ""


def period_ticks(periods: list[str]) -> list[str]:
    """Axis labels for consecutive periods: the year on a second line where it starts or changes.

    ['2025-12', '2026-01', '2026-02'] -> ['Dec\\n2025', 'Jan\\n2026', 'Feb']; weeks read 'W34'
    with the year under the first one. Short labels are what keep twelve or thirteen
    periods from running into each other, and the year is never mistaken for a day.
    """
    labels: list[str] = []
    last_year = None
    for period in periods:
        short, year = _tick_parts(period)
        if year and year != last_year:
            labels.append(f"{short}\n{year}")
        else:
            labels.append(short)
        last_year = year or last_year
    return labels


def month_range(months: list[str]) -> str:
    """'Jan–Nov 2026', or 'Dec 2025–Feb 2026' across a year end, for titles and alt text."""
    if not months:
        return ""
    first, last = parse_month(months[0]), parse_month(months[-1])
    if not first or not last:
        return months[0] if len(months) == 1 else f"{months[0]}\u2013{months[-1]}"
    if first == last:
        return f"{_MONTHS[first[1] - 1]} {first[0]}"
    if first[0] == last[0]:
        return f"{_MONTHS[first[1] - 1]}\u2013{_MONTHS[last[1] - 1]} {first[0]}"
    return f"{_MONTHS[first[1] - 1]} {first[0]}\u2013{_MONTHS[last[1] - 1]} {last[0]}"


def join_codes(codes: list[str], limit: int = 8) -> str:
    """'MRR, NPS and 3 more': alt text must stay a sentence, not a dump."""
    if len(codes) <= limit:
        return ", ".join(codes)
    return f"{', '.join(codes[:limit])} and {len(codes) - limit} more"


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    """'1 KPI', '3 KPIs'."""
    return f"{count} {word if count == 1 else (plural_word or word + 's')}"
