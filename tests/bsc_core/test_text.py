"""The one sanitiser and the one mrkdwn escaper, and numbers that never read as 0 or -0."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bsc_core.formatting import format_exact, format_number, format_pct
from bsc_core.reports import render
from bsc_core.text import (
    BIDI_CONTROLS,
    KEPT_FORMAT,
    VISIBLE_FORMAT,
    escape_mrkdwn,
    escape_plain,
    sanitize_text,
)

PERSIAN = "می\u200cخواهم"  # "I want": the non-joiner keeps the prefix apart
FAMILY = "👨\u200d👩\u200d👧\u200d👦"
HEART = "❤\ufe0f"  # the emoji form, chosen by a variation selector
ENGLAND = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"

SANITISED = [
    ("plain text", "plain text"),
    ("  padded  ", "padded"),
    ("price \u202e0001 DSU", "price 0001 DSU"),  # right-to-left override
    ("\u2066isolated\u2069 \u202aembedded\u202c", "isolated embedded"),
    ("\u202b\u202d\u2067\u2068x", "x"),
    ("mark\u200e\u200f\u061c", "mark"),
    ("zero\u200bwidth\ufeff\u2060soft\u00adhyphen", "zerowidthsofthyphen"),
    ("bell\x07null\x00esc\x1b", "bellnullesc"),
    ("c1\x85\x9bcontrols", "c1 controls"),  # NEL is a line break, CSI a control
    ("line one\nline two\r\nthree", "line one line two three"),
    ("tab\there", "tab here"),
    ("hidden\U000e0041\U000e0042tags", "hiddentags"),
    (PERSIAN, PERSIAN),
    (FAMILY, FAMILY),
    (HEART, HEART),
    ("\u0915\u094d\u200d\u0937", "\u0915\u094d\u200d\u0937"),  # Devanagari half form
    (ENGLAND, ENGLAND),
    ("Ω ü 漢字 🟢", "Ω ü 漢字 🟢"),
    ("", ""),
    (None, ""),
]


@pytest.mark.parametrize(("raw", "expected"), SANITISED)
def test_sanitize_removes_hidden_controls_and_keeps_what_scripts_need(
    raw: str | None, expected: str
) -> None:
    assert sanitize_text(raw) == expected


def test_multiline_text_keeps_its_line_breaks() -> None:
    assert sanitize_text("step one\r\nstep\u2028two\u202e", multiline=True) == "step one\nstep\ntwo"


ESCAPED = [
    ("<!channel> look", "&lt;!channel&gt; look"),
    ("<!here>", "&lt;!here&gt;"),
    ("<@U0BOSS> and <#C0SECRET>", "&lt;@U0BOSS&gt; and &lt;#C0SECRET&gt;"),
    ("<https://evil.example|click>", "&lt;https://evil.example|click&gt;"),
    ("R&D", "R&amp;D"),
    ("<!chan\u200bnel>", "&lt;!channel&gt;"),
    ("\u202e<!here>", "&lt;!here&gt;"),
    (FAMILY + " & " + PERSIAN, FAMILY + " &amp; " + PERSIAN),
]


@pytest.mark.parametrize(("raw", "expected"), ESCAPED)
def test_escaped_text_never_mentions_anyone_and_is_clean(raw: str, expected: str) -> None:
    assert escape_mrkdwn(raw) == expected


def test_report_templates_escape_stored_text_the_same_way() -> None:
    assert render.escape("\u202eRevenue <!here>\nup") == "Revenue &lt;!here&gt; up"
    assert render.escape_markdown(f"{FAMILY} <b>\u2066") == f"{FAMILY} &lt;b&gt;"


def test_plain_text_fields_are_sanitised_but_not_entity_escaped() -> None:
    assert escape_plain("R&D \u202eboard") == "R&D board"


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_no_text_escapes_with_a_raw_bracket_or_a_bidi_control(text: str) -> None:
    shown = escape_mrkdwn(text)
    assert "<" not in shown and ">" not in shown
    assert not BIDI_CONTROLS & set(shown)
    kept = KEPT_FORMAT | VISIBLE_FORMAT
    assert all(
        unicodedata.category(ch) not in ("Cc", "Cf") or ch in kept or ch in "\n\t"
        for ch in shown
        if not ("\U000e0020" <= ch <= "\U000e007f")
    )


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_sanitising_twice_changes_nothing(text: str) -> None:
    once = sanitize_text(text)
    assert sanitize_text(once) == once


NUMBERS = [
    (0.0000001, "", "0.0000001", "0.0000001"),
    (-0.0004, "", "-0.0004", "-0.0004"),
    (-0.0, "", "0", "0"),
    (0.0001234567, "", "0.000123", "0.0001234567"),
    (0.5, "%", "0.5%", "0.5%"),
    (1234.5678, "USD", "$1,235", "$1,234.5678"),
    (127500, "USD", "$127,500", "$127,500"),
    (-0.00005, "USD", "-$0.00005", "-$0.00005"),
    (99.99, "", "99.99", "99.99"),
    (999_999_999_999_999.0, "", "999,999,999,999,999", "999,999,999,999,999"),
]


@pytest.mark.parametrize(("value", "unit", "rounded", "exact"), NUMBERS)
def test_tiny_numbers_never_read_as_zero(value: float, unit: str, rounded: str, exact: str) -> None:
    assert format_number(value, unit) == rounded
    assert format_exact(value, unit) == exact


@pytest.mark.parametrize(
    ("value", "shown"), [(0.0, "0%"), (-0.0, "0%"), (-0.04, "-0.04%"), (4.25, "+4.2%")]
)
def test_a_tiny_variance_is_never_minus_zero_percent(value: float, shown: str) -> None:
    assert format_pct(value) == shown
