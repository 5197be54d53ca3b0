"""Hostile text through every entry point: nobody is notified, nothing is reordered, nothing is
cut, and the joiners Persian words and emoji families need survive.

Each test feeds the corpus in where a person or a file would (a slash command, a modal's
fields, a CSV note, a YAML name) and reads what comes back out: the reply, and what the next
reader sees (`/kpi show`, `/kpi ideas`, the chair's Home).
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from typing import Any

import pytest
from sqlmodel import select

from bot.views.home import chair_blocks
from bsc_core.countermeasures import MAX_ACTION, MAX_ROOT_CAUSE, CountermeasureError
from bsc_core.db import Store
from bsc_core.errors import FieldError
from bsc_core.ideas import MAX_IDEA
from bsc_core.imports.actuals_csv import ActualsFileError, read_actuals, write_actuals
from bsc_core.models import Actual, Countermeasure, Idea
from bsc_core.text import BIDI_CONTROLS, MAX_NOTE
from commands.countermeasures import file_from_form
from commands.home import chair_snapshots
from commands.kpi import handle_kpi
from commands.log_actual import log_actual
from commands.reply import Caller, Reply
from commands.schedules import handle_huddle_text
from tests.factories import CHAIR, CHANNEL, OWNER, import_docs, kpi, scorecard

NOW = datetime(2026, 11, 10, 12, 0)
PERSIAN = "می\u200cخواهم"
FAMILY = "👨\u200d👩\u200d👧\u200d👦"
RAW_MENTIONS = ("<!channel>", "<!here>", "<@U0BOSS>", "<!everyone>")
#: What a hostile person types; Slack sends slash-command text with &, <, > escaped.
TYPED = f"<!channel> <!here> <@U0BOSS> <!everyone> \u202egnp.exe\u202c {PERSIAN} {FAMILY}"
AS_SLACK_SENDS = TYPED.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
CLEAN = f"<!channel> <!here> <@U0BOSS> <!everyone> gnp.exe {PERSIAN} {FAMILY}"

OWNER_HERE = Caller(OWNER, CHANNEL)
CHAIR_HERE = Caller(CHAIR, CHANNEL)


def shown(*replies: Reply | dict[str, Any] | list[Any]) -> str:
    """Everything a reader could see, as one string (JSON keeps every character)."""
    parts = [r.as_message() if isinstance(r, Reply) else r for r in replies]
    return json.dumps(parts, ensure_ascii=False)


def _parsed_texts(node: Any) -> list[str]:
    """The strings Slack parses for mentions: everything except ``plain_text`` objects, which
    Slack shows literally (a header reading "<!channel> Team" notifies nobody)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [t for item in node for t in _parsed_texts(item)]
    if isinstance(node, dict):
        if node.get("type") == "plain_text":
            return []
        return [t for value in node.values() for t in _parsed_texts(value)]
    return []


def assert_inert(text: str) -> None:
    """No mention from user text where Slack would parse it, no bidi control anywhere."""
    parsed = "\n".join(_parsed_texts(json.loads(text)))
    for mention in RAW_MENTIONS:
        assert mention not in parsed
    assert not BIDI_CONTROLS & set(text)


def assert_joiners_kept(text: str) -> None:
    assert PERSIAN in text and FAMILY in text


@pytest.fixture
def team(store: Store) -> Store:
    import_docs(store, scorecard(kpi("MRR", unit="USD"), kpi("TINY", target=0.0000002)))
    return store


def _actual(store: Store) -> Actual:
    with store.read() as session:
        return session.exec(select(Actual)).one()


@pytest.mark.parametrize("text", [AS_SLACK_SENDS, TYPED])
def test_a_note_typed_with_mentions_and_overrides_is_stored_clean_and_shown_inert(
    team: Store, text: str
) -> None:
    reply = handle_kpi(f"log MRR 5 2026-10 {text}", store=team, caller=OWNER_HERE, now=NOW)
    assert reply.text.startswith("✅ Stored")
    assert _actual(team).note == CLEAN
    show = handle_kpi("show MRR", store=team, caller=OWNER_HERE, now=NOW)
    for out in (shown(reply), shown(show)):
        assert_inert(out)
        assert_joiners_kept(out)
        assert "&lt;!channel&gt;" in out


def test_the_log_modal_note_is_sanitised_like_the_command(team: Store) -> None:
    logged = log_actual(
        store=team, caller=OWNER_HERE, code="MRR", value="7", period_text="2026-10",
        note=f"line one\n{TYPED}", now=NOW,
    )  # fmt: skip
    assert _actual(team).note == f"line one {CLEAN}"
    assert_inert(shown(logged.reply))


def test_a_note_over_the_limit_is_refused_with_the_limit_and_nothing_is_stored(
    team: Store,
) -> None:
    with pytest.raises(FieldError) as refused:
        log_actual(
            store=team, caller=OWNER_HERE, code="MRR", value="7", period_text="2026-10",
            note="n" * (MAX_NOTE + 1), now=NOW,
        )  # fmt: skip
    assert f"{MAX_NOTE:,}" in refused.value.message and refused.value.field == "note"
    with team.read() as session:
        assert session.exec(select(Actual)).all() == []


# Permissions and parsing do not depend on the database: SQLite alone.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("typed", "confirmed"),
    [("0.0000001", "0.0000001"), ("-0.0004", "-0.0004"), ("1234.5678USD", "$1,234.5678")],
)
def test_a_confirmation_shows_the_value_as_stored(team: Store, typed: str, confirmed: str) -> None:
    code = "MRR" if "USD" in typed else "TINY"
    reply = handle_kpi(f"log {code} {typed} 2026-10", store=team, caller=OWNER_HERE, now=NOW)
    assert f"*{confirmed}*" in reply.text, reply.text
    again = handle_kpi(f"log {code} 0 2026-10", store=team, caller=OWNER_HERE, now=NOW)
    assert f"from *{confirmed}* to *" in again.text


def test_an_idea_keeps_its_joiners_loses_its_overrides_and_thanks_inertly(team: Store) -> None:
    reply = handle_kpi(f"idea MRR {AS_SLACK_SENDS}", store=team, caller=OWNER_HERE)
    with team.read() as session:
        assert session.exec(select(Idea.text)).all() == [CLEAN]
    listed = handle_kpi("ideas", store=team, caller=CHAIR_HERE)
    for out in (shown(reply), shown(listed)):
        assert_inert(out)
        assert_joiners_kept(out)


def test_an_idea_over_the_limit_is_refused_whole_not_cut(team: Store) -> None:
    reply = handle_kpi("idea " + "i" * (MAX_IDEA + 1), store=team, caller=OWNER_HERE)
    assert f"at most {MAX_IDEA:,}" in reply.text and "Nothing was recorded" in reply.text
    assert reply.visibility == "ephemeral"
    with team.read() as session:
        assert session.exec(select(Idea)).all() == []


def test_an_idea_of_only_invisible_characters_is_refused(team: Store) -> None:
    reply = handle_kpi("idea \u202e\u200b\u2066", store=team, caller=OWNER_HERE)
    assert "Nothing was recorded" in reply.text or "empty" in reply.text
    with team.read() as session:
        assert session.exec(select(Idea)).all() == []


def _file(team: Store, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "store": team, "caller": OWNER_HERE, "code": "MRR", "period": "2026-10",
        "chosen_cause": "People", "new_cause": None, "action": "Call the customer",
        "owner": OWNER, "due": date(2026, 11, 20), "now": NOW,
    }  # fmt: skip
    values.update(fields)
    return file_from_form(**values)


def test_countermeasure_fields_from_the_modal_are_stored_clean_and_shown_inert(
    team: Store,
) -> None:
    filed = _file(team, action=f"First {TYPED}\nthen\u202e call", new_cause=f"<!here> {PERSIAN}")
    with team.read() as session:
        cm = session.exec(select(Countermeasure)).one()
    assert cm.action == f"First {CLEAN}\nthen call" and cm.root_cause == f"<!here> {PERSIAN}"
    show = handle_kpi("show MRR", store=team, caller=OWNER_HERE, now=NOW)
    mine = handle_kpi("cm", store=team, caller=OWNER_HERE, now=NOW)
    for out in (shown(filed.reply), shown(show), shown(mine)):
        assert_inert(out)
        assert PERSIAN in out
    assert FAMILY in shown(filed.reply)


@pytest.mark.parametrize(
    ("field", "fields", "limit"),
    [
        ("action", {"action": "a" * (MAX_ACTION + 1)}, f"{MAX_ACTION:,}"),
        ("cause", {"new_cause": "c" * (MAX_ROOT_CAUSE + 1)}, str(MAX_ROOT_CAUSE)),
    ],
)
def test_countermeasure_fields_over_their_limit_are_refused_not_cut(
    team: Store, field: str, fields: dict[str, str], limit: str
) -> None:
    with pytest.raises(CountermeasureError) as refused:
        _file(team, **fields)
    assert refused.value.field == field and limit in refused.value.message
    with team.read() as session:
        assert session.exec(select(Countermeasure)).all() == []


def test_csv_notes_are_sanitised_and_a_long_one_refuses_the_file(team: Store) -> None:
    rows = f'code,period,value,note\nMRR,2026-09,5,"{TYPED}"\n'
    with team.read() as session:
        checked = read_actuals(session, io.StringIO(rows))
    with team.write() as session:
        write_actuals(session, checked, actor="test")
    assert _actual(team).note == CLEAN
    assert_inert(shown(handle_kpi("show MRR", store=team, caller=OWNER_HERE, now=NOW)))

    too_long = f"code,period,value,note\nMRR,2026-08,5,{'n' * (MAX_NOTE + 1)}\n"
    with team.read() as session, pytest.raises(ActualsFileError) as refused:
        read_actuals(session, io.StringIO(too_long))
    assert "line 2" in str(refused.value) and f"at most {MAX_NOTE:,}" in str(refused.value)


HOSTILE_NAME = f"<!channel> \u202eTeam\u202c {PERSIAN}"


@pytest.fixture
def hostile_card(store: Store) -> Store:
    import_docs(
        store,
        scorecard(
            kpi(
                "MRR",
                name=f"<@U0BOSS> revenue \u2066{FAMILY}\u2069",
                perspective="<!here> \u202eFinance",
                objective="F1",
            ),
            scorecard=HOSTILE_NAME,
            perspectives=["<!here> \u202eFinance", "Customer"],
        ),
    )
    return store


def test_yaml_names_are_sanitised_on_import_and_shown_inert_everywhere(
    hostile_card: Store,
) -> None:
    listed = handle_kpi("list", store=hostile_card, caller=OWNER_HERE, now=NOW)
    show = handle_kpi("show MRR", store=hostile_card, caller=OWNER_HERE, now=NOW)
    out = shown(listed, show)
    assert_inert(out)
    assert PERSIAN in out and FAMILY in out
    assert "Team" in out


def test_a_hostile_scorecard_name_never_notifies_from_the_schedule_reply(
    hostile_card: Store,
) -> None:
    reply = handle_huddle_text("schedule 09:15", store=hostile_card, caller=CHAIR_HERE)
    assert reply is not None and reply.visibility == "in_channel"
    assert_inert(shown(reply))
    assert "&lt;!channel&gt;" in reply.text
    look = handle_huddle_text("schedule", store=hostile_card, caller=OWNER_HERE)
    assert look is not None
    assert_inert(shown(look))


def test_the_chairs_home_shows_hostile_names_notes_and_ideas_inert(hostile_card: Store) -> None:
    handle_kpi(f"log MRR 1 2026-10 {TYPED}", store=hostile_card, caller=OWNER_HERE, now=NOW)
    handle_kpi(f"idea {TYPED}", store=hostile_card, caller=OWNER_HERE)
    snaps = chair_snapshots(store=hostile_card, user_id=CHAIR, is_admin=False, today=NOW.date())
    blocks = chair_blocks(snaps)
    out = shown(blocks)
    assert_inert(out)
    assert PERSIAN in out and FAMILY in out
    buttons = [
        e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["type"] == "button"
    ]
    assert buttons and all(b["value"] == "team" for b in buttons)


# Permissions and parsing do not depend on the database: SQLite alone.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "text",
    [
        "<!channel>",
        "show <!here>",
        "log <@U0BOSS> 5",
        "log MRR <!everyone>",
        "quad MRR 2026-<!here>",
        "log MRR 5 \u202e2026-10",
    ],
)
def test_a_refused_command_echoes_what_was_typed_inert(team: Store, text: str) -> None:
    reply = handle_kpi(text, store=team, caller=OWNER_HERE, now=NOW)
    assert "Nothing was changed" in reply.text or reply.text.startswith("✅")
    assert_inert(shown(reply))


# Permissions and parsing do not depend on the database: SQLite alone.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("args", ["09:15 <!here>", "09:15 mon-fri <@U0BOSS>/Zone"])
def test_a_refused_schedule_echoes_what_was_typed_inert(team: Store, args: str) -> None:
    reply = handle_huddle_text(f"schedule {args}", store=team, caller=CHAIR_HERE)
    assert reply is not None and "Usage" in reply.text
    assert_inert(shown(reply))
