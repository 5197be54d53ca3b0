"""`/kpi` text → command: the accepted and refused forms, as a table that reads like the manual."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands import kpi_parser as p
from commands.values import BadValue, parse_value

ACCEPTED_VALUES = [
    ("5", 5.0, ""),
    ("-3", -3.0, ""),
    ("+3", 3.0, ""),
    ("0.5", 0.5, ""),
    (".5", 0.5, ""),
    ("1234.5", 1234.5, ""),
    ("1,234", 1234.0, ""),
    ("1,234,567.5", 1234567.5, ""),
    ("-1,000", -1000.0, ""),
    ("97.5%", 97.5, "%"),
    ("1200USD", 1200.0, "USD"),
    ("3days", 3.0, "days"),
]

REFUSED_VALUES = [
    "1,2,3",
    "12.3.4",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e999",
    "1e5",
    "--5",
    "+-5",
    "",
    "abc",
    "five",
    "1,23",
    "1234,567",
    ",123",
    "5.",
    "%",
    "0x10",
    "1" + "0" * 308,
    "5%%5",
]


@pytest.mark.parametrize(("text", "number", "suffix"), ACCEPTED_VALUES)
def test_accepted_values(text: str, number: float, suffix: str) -> None:
    value = parse_value(text)
    assert (value.number, value.suffix) == (number, suffix)


@pytest.mark.parametrize("text", REFUSED_VALUES)
def test_refused_values_say_what_form_is_expected(text: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_value(text)
    assert (
        "1234.5" in str(caught.value)
        or "too large" in str(caught.value)
        or "missing" in str(caught.value)
    )


COMMANDS = [
    ("", p.Help()),
    ("help", p.Help()),
    ("help log", p.Help("log")),
    ("list", p.ListKpis()),
    ("mine", p.MyKpis()),
    ("show mrr", p.ShowKpi("mrr")),
    ("cm", p.Countermeasures(None)),
    ("cm OTD", p.Countermeasures("OTD")),
    ("quad UP1", p.Quad("UP1", None)),
    ("quad UP1 2026-11-23T14", p.Quad("UP1", "2026-11-23T14")),
    ("pace UP1", p.Pace("UP1")),
    ("ideas", p.ListIdeas()),
    ("alerts", p.Alerts(None)),
    ("alerts OFF", p.Alerts(False)),
    ("idea OTD faster trucks", p.NewIdea("OTD", "faster trucks", "OTD faster trucks")),
]


@pytest.mark.parametrize(("text", "expected"), COMMANDS)
def test_commands(text: str, expected: object) -> None:
    assert p.parse_kpi(text) == expected


LOGS = [
    ("log MRR 5", ("MRR", 5.0, None, None)),
    ("log mrr 1,234.5", ("mrr", 1234.5, None, None)),
    ("log MRR 5 2026-10", ("MRR", 5.0, "2026-10", None)),
    ("log MRR 5 2026-10 a good month", ("MRR", 5.0, "2026-10", "a good month")),
    ("log MRR 5 great month", ("MRR", 5.0, None, "great month")),
    ("log OTD 97.5% 2026-w48 truck late", ("OTD", 97.5, "2026-W48", "truck late")),
    ("LOG NPS 41 2026-Q3", ("NPS", 41.0, "2026-Q3", None)),
    ("log MRR 5 2026-10 &lt;!channel&gt; fire", ("MRR", 5.0, "2026-10", "<!channel> fire")),
    ("log UP1 120 2026-11-23T14", ("UP1", 120.0, "2026-11-23T14", None)),
]


@pytest.mark.parametrize(("text", "expected"), LOGS)
def test_log_forms(text: str, expected: tuple) -> None:  # type: ignore[type-arg]
    cmd = p.parse_kpi(text)
    assert isinstance(cmd, p.LogActual)
    assert (cmd.code, cmd.value.number, cmd.period_text, cmd.note) == expected


REFUSED_LOGS = [
    ("log", "needs a KPI code"),
    ("log MRR", "value for MRR is missing"),
    ("log MRR 5 5", "two numbers"),
    ("log MRR 1,2,3", "not a number"),
    ("log MRR 5 2026-13", "YYYY-MM"),
    ("log MRR 5 2026-W54", "YYYY-Www"),
    ("log MRR 5 2026-Q5", "YYYY-Qn"),
    ("log MRR 5 2026-02-30", "YYYY-MM-DD"),
    ("log MRR 5 2026-1", "YYYY"),
    ("log M;DROP 5", "not a KPI code"),
    ("frobnicate", "not a /kpi command"),
    ("list extra", "takes no arguments"),
    ("show", "exactly one KPI code"),
    ("idea", "the idea is empty"),
    ("idea    ", "the idea is empty"),
    ("alerts maybe", "on` or `off"),
    ("log MRR 5 " + "x" * 10_000, "at most 3,000"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED_LOGS)
def test_refused_commands_explain_themselves(text: str, message: str) -> None:
    with pytest.raises(p.UsageError) as caught:
        p.parse_kpi(text)
    assert message in caught.value.message


def test_control_characters_and_newlines_never_reach_the_note() -> None:
    cmd = p.parse_kpi("log MRR 5 line one\nline\x00two\u200f")
    assert isinstance(cmd, p.LogActual)
    assert cmd.note == "line one linetwo"


def test_joiners_that_scripts_and_emoji_need_survive_the_parser() -> None:
    persian, family = "می\u200cخواهم", "👨\u200d👩\u200d👧"
    cmd = p.parse_kpi(f"idea {persian} {family}\u202e \u2066ok\u2069")
    assert isinstance(cmd, p.NewIdea)
    assert cmd.text == f"{persian} {family} ok"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_or_raises_only_the_parsers_own_error(text: str) -> None:
    try:
        p.parse_kpi(text)
    except p.UsageError:
        pass


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["log", "MRR", "5", "1,234", "2026-10", "2026-13", "-", "%", "e", ".", ","]
        ),
        max_size=6,
    )
)
def test_log_like_text_parses_or_raises_only_the_parsers_own_error(words: list[str]) -> None:
    try:
        p.parse_kpi(" ".join(words))
    except p.UsageError:
        pass
