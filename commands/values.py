"""Reading a number as people type it in chat: ``1,234,567.5``, ``-3``, ``97.5%``, ``1200USD``.

Anything ambiguous is refused rather than guessed: separators in the wrong groups (``1,2,3``),
two decimal points, exponents (``1e999``), ``NaN``, ``inf``, doubled signs. A wrong number in a
scorecard is worse than a polite "write it like this".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER = re.compile(r"^(?P<sign>[+-]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)?(?P<frac>\.\d+)?$")
SUFFIX = re.compile(r"^(?P<number>[+\-\d.,]*\d)(?P<suffix>[^\d.,]*)$")
LARGEST = 1e15
VALUE_FORM = "a number like 1234.5, 1,234,567.5 or -3 (optionally followed by % or the unit)"


class BadValue(ValueError):
    """The value is not a number we accept; the message shows the right form."""


@dataclass(frozen=True)
class TypedValue:
    """A number and the unit-like suffix typed right after it (``%``, ``USD``), if any."""

    number: float
    suffix: str
    text: str


def parse_value(text: str) -> TypedValue:
    """Parse one VALUE token; raises :class:`BadValue` with the accepted form."""
    raw = text.strip()
    if not raw:
        raise BadValue(f"the value is missing: write {VALUE_FORM}")
    match = SUFFIX.match(raw)
    if match is None:
        raise BadValue(f"{raw!r} is not a number: write {VALUE_FORM}")
    number_text, suffix = match.group("number"), match.group("suffix").strip()
    number = NUMBER.match(number_text)
    if number is None or not (number.group("int") or number.group("frac")):
        raise BadValue(f"{raw!r} is not a number: write {VALUE_FORM}")
    value = float(number_text.replace(",", ""))
    if abs(value) >= LARGEST:
        raise BadValue(f"{raw!r} is too large: values must be below 1,000,000,000,000,000")
    if suffix and not re.fullmatch(r"[%A-Za-z$€£/]{1,12}", suffix):
        raise BadValue(f"{raw!r} is not a number: write {VALUE_FORM}")
    return TypedValue(number=value, suffix=suffix, text=raw)


def looks_like_number(token: str) -> bool:
    """True for a second bare number after the value (``5 5``): refused, not taken as a note."""
    return bool(NUMBER.match(token.strip())) and any(ch.isdigit() for ch in token)


def suffix_fits(suffix: str, unit: str) -> bool:
    """A suffix is accepted when it is empty, ``%`` for a percentage KPI, or the KPI's unit."""
    if not suffix:
        return True
    unit = (unit or "").strip()
    if suffix == "%":
        return unit.lower() in {"%", "percent", "pct"}
    return bool(unit) and suffix.lower() == unit.lower()
