"""Whatever people type after ``/kpi``, the bot answers 200 in words and stores only valid logs.

Hypothesis generates a few hundred texts — random Unicode and sentences built from the tokens
that break chat bots (huge numbers, control characters, right-to-left marks, emoji, SQL,
Slack's mrkdwn and mention syntax) — and a hand-picked corpus adds the known troublemakers.
Each goes through the real WSGI app and Bolt, in-process; after each the store is compared
with what the parser says the text means.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bsc_core.db import Store
from commands.kpi_parser import LogActual, UsageError, parse_kpi
from testkit.fake_slack import FakeSlack
from testkit.load_client import KeepAliveClient, Outcome
from tests.bot.conftest import bot_settings
from tests.bot.in_process import InProcessBot, WsgiKeepAliveClient
from tests.factories import OTHER, OWNER, import_docs, kpi, scorecard
from tests.load.conftest import Row, actual_events, stored_rows

LEAKS = ("Traceback", "Exception", 'File "', "Something went wrong")

TOKENS = [
    "log", "LOG", "MINE", "mine", "PCT", "THEIRS", "NOPE", "5", "-3.5", "1,234.5", "97.5%",
    "1e308", "-1e308", "1e-308", "1e999", "NaN", "inf", "0x10", "٣", "５", "$5", "5USD",
    "2026-10", "2026-11-22", "2026-W47", "2026-Q4", "2099-01-01", "0000-00-00", "2026-02-30",
    "'; DROP TABLE actual; --", '" OR 1=1 --', "%", "_", "*bold*", "_it_", "~s~", "`x`",
    "```", ">", "<!channel>", "&lt;!here&gt;", "<@U0BOSS>", "&amp;", "<https://x|y>", "🔥",
    "👍🏽", "👨‍👩‍👧", "\u202e", "\u200f", "\u200b", "\x00", "\x1b[31m", "\r\n", "\t", "\ufeff",
]  # fmt: skip

HAND_PICKED = [
    "log MINE " + "9" * 10_000,
    "log MINE 5 " + "x" * 10_000,
    "x" * 10_000,
    "log MINE 1e308",
    "log MINE -1e308 2026-10",
    "log MINE 5 note\x00with\x07control\x1bchars",
    "log MINE\x00 5",
    "log MINE 5 \u202eton\u202c \u200fright-to-left",
    "log \u202eENIM 5",
    "log MINE 🔥 🔥🔥",
    "log MINE 5 🔥👍🏽👨‍👩‍👧 great day",
    "log MINE 5'; DROP TABLE actual; --",
    "log MINE' OR '1'='1 5",
    "log MINE 5 2026-11-22 '); DELETE FROM audit_event; --",
    "log MINE 5 *bold* _it_ ~s~ `code` ```block``` > quote",
    "log MINE 5 <!channel> <!here> <@U0BOSS> <#C123> <https://evil|click>",
    "log MINE 5 &lt;!channel&gt; &amp;amp; &lt;",
    "log &lt;MINE&gt; 5",
    "log PCT 97.5%% 2026-11-22",
    "log THEIRS 5",
    "log MINE 5 2099-01-01",
    "log MINE 5 2026-02-30",
    "log MINE 0x1F",
    "log MINE ٣",
    "log MINE ５",
    "log MINE 1_000",
    "log MINE 5e2",
    "log MINE .",
    "log MINE -",
    "log MINE 5 5",
    "\u200b",
    "   ",
    "help \x00",
    "show " + "A" * 500,
    "idea " + "💡" * 3000,
]


@pytest.fixture
def corpus_store(store: Store) -> Store:
    import_docs(
        store,
        scorecard(
            kpi("MINE", frequency="daily"),
            kpi("PCT", unit="%", frequency="daily"),
            kpi("THEIRS", owner=OTHER, frequency="daily"),
            slug="corpus",
        ),
    )
    return store


@pytest.fixture
def corpus_bot(
    corpus_store: Store, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> Iterator[KeepAliveClient]:
    bot_settings(monkeypatch)
    bot = InProcessBot(corpus_store)
    try:
        yield WsgiKeepAliveClient(bot, replies=fake_slack)
    finally:
        bot.close()


def expected_log(text: str) -> LogActual | None:
    """What the parser makes of ``text`` when it is a log command, else None."""
    try:
        parsed = parse_kpi(text)
    except UsageError:
        return None
    return parsed if isinstance(parsed, LogActual) else None


def check(client: KeepAliveClient, store: Store, text: str) -> Outcome:
    """Send ``text`` as the owner; assert the reply is clean and the store changed only if valid."""
    before_rows, before_events = stored_rows(store), actual_events(store)
    outcome = client.command(text, user_id=OWNER)
    assert outcome.status == 200, (text, outcome)
    for leak in LEAKS:
        assert leak not in outcome.reply, (text, outcome.reply)
    after_rows, after_events = stored_rows(store), actual_events(store)
    if after_rows == before_rows and after_events == before_events:
        assert not outcome.acknowledged, (text, outcome.reply)
        return outcome
    # Something was written: the text must be a valid log of a KPI the sender owns.
    assert outcome.acknowledged, (text, outcome.reply)
    parsed = expected_log(text)
    assert parsed is not None, (text, outcome.reply)
    assert parsed.code.upper() in ("MINE", "PCT"), text
    assert after_events == before_events + 1, text
    before = {(r.code, r.period): r.value for r in before_rows}
    changed = [r for r in after_rows if before.get((r.code, r.period)) != r.value]
    if not changed:  # the same value again with a new note: "note updated"
        assert "note updated" in outcome.reply, (text, outcome.reply)
        assert parsed.value.number in before.values(), text
        return outcome
    assert len(changed) == 1, (text, changed)
    row: Row = changed[0]
    assert row.code == parsed.code.upper() and row.value == parsed.value.number, (text, row)
    return outcome


def test_hand_picked_troublemakers(corpus_bot: KeepAliveClient, corpus_store: Store) -> None:
    outcomes = [check(corpus_bot, corpus_store, text) for text in HAND_PICKED]
    assert any(o.acknowledged for o in outcomes), "no valid log in the corpus reached the store"
    assert not any(o.acknowledged for o in outcomes if "THEIRS" in o.text)


sentences = st.lists(
    st.one_of(st.sampled_from(TOKENS), st.text(max_size=12)), min_size=0, max_size=6
).map(" ".join)
texts = st.one_of(
    st.text(max_size=300),
    sentences,
    sentences.map(lambda s: "log MINE " + s),
    sentences.map(lambda s: "log " + s),
)


@settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=texts)
def test_generated_texts_never_break_the_bot(
    corpus_bot: KeepAliveClient, corpus_store: Store, text: str
) -> None:
    check(corpus_bot, corpus_store, text)
