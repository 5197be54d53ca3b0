"""`/kpi` through the real server, signed as Slack signs it, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from bsc_core.models import Actual, AuditEvent
from tests.bot.in_process import InProcessBot
from tests.bot.slack_session import SlackUser, log_values, response_json
from tests.factories import ADMIN, CHAIR, CHANNEL, OTHER, OWNER


def user(bot: InProcessBot, fake, user_id: str) -> SlackUser:  # type: ignore[no-untyped-def]
    return SlackUser(bot.client, fake, user_id, CHANNEL)


def actuals(store) -> dict[tuple[int, str], tuple[float, str | None]]:  # type: ignore[no-untyped-def]
    with store.read() as session:
        return {(a.kpi_id, a.period): (a.value, a.note) for a in session.exec(select(Actual))}


def status_json(store) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    """What ``bscbot status --json`` prints for the store (the real command, in-process)."""
    from typer.testing import CliRunner

    from bot.cli import app

    result = CliRunner().invoke(
        app, ["--database", store.url, "status", "--json", "--as-of", "2026-11-23"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_owner_logs_a_value_and_sees_it_confirmed_and_in_status(bot, fake_slack, store) -> None:  # type: ignore[no-untyped-def]
    text = user(bot, fake_slack, OWNER).reply("log mrr 98,500 2026-10 slow October")
    assert "Stored *MRR*" in text and "2026-10" in text and "$98,500" in text
    assert "target $100,000" in text and "amber" in text and "slow October" in text
    row = next(r for r in status_json(store) if r["code"] == "MRR")
    assert (row["period"], row["actual"], row["status"]) == ("2026-10", 98500, "amber")


def test_a_correction_says_from_what_to_what_and_a_resend_changes_nothing(
    bot, fake_slack, store
) -> None:  # type: ignore[no-untyped-def]
    owner = user(bot, fake_slack, OWNER)
    owner.reply("log MRR 90000 2026-10")
    assert "updated from *$90,000* to *$101,000*" in owner.reply("log MRR 101000 2026-10")
    events = _count_events(store)
    assert "No change" in owner.reply("log MRR 101000 2026-10")
    assert _count_events(store) == events


def _count_events(store) -> int:  # type: ignore[no-untyped-def]
    with store.read() as session:
        return len(session.exec(select(AuditEvent).where(AuditEvent.entity == "actual")).all())


# Permissions and parsing do not depend on the database: SQLite alone.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("who", "allowed"), [(OWNER, True), (CHAIR, True), (ADMIN, True), (OTHER, False)]
)
def test_who_may_log(bot, fake_slack, store, who: str, allowed: bool) -> None:  # type: ignore[no-untyped-def]
    text = user(bot, fake_slack, who).reply("log MRR 5 2026-10")
    if allowed:
        assert "Stored" in text
        assert len(actuals(store)) == 1
    else:
        assert "owned by <@U0OWNER01>" in text and "Nothing was changed" in text
        assert actuals(store) == {}


# Permissions and parsing do not depend on the database: SQLite alone.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("who", [OWNER, CHAIR, ADMIN, OTHER])
@pytest.mark.parametrize("text", ["list", "show MRR", "mine", "help"])
def test_everyone_may_read(bot, fake_slack, who: str, text: str) -> None:  # type: ignore[no-untyped-def]
    body = user(bot, fake_slack, who).answer(text)
    assert body["response_type"] == "ephemeral"
    assert "Something went wrong" not in body["text"]


# Permissions and parsing do not depend on the database: SQLite alone.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("log MRR 1,2,3", "not a number"),
        ("log MRR NaN", "not a number"),
        ("log MRR 1e999", "not a number"),
        ("log MRR 5 5", "two numbers"),
        ("log MRR 5 2026-13 oops", "YYYY-MM"),
        ("log MRR 5 2026-W40", "weekly period"),
        ("log MRR 5 2099-01", "in the future"),
        ("log MRR 5%", "measured in USD"),
        ("log MRX 5", "Did you mean MRR"),
        ("log", "needs a KPI code"),
    ],
)
def test_bad_input_gets_a_200_reply_with_the_right_form_and_stores_nothing(
    bot, fake_slack, store, text: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    assert message in user(bot, fake_slack, OWNER).reply(text)
    assert actuals(store) == {}


def test_user_text_is_escaped_so_it_never_notifies_anyone(bot, fake_slack) -> None:  # type: ignore[no-untyped-def]
    owner = user(bot, fake_slack, OWNER)
    text = owner.reply("log MRR 5 2026-10 &lt;!channel&gt; fire &lt;@U0BOSS&gt; &amp; more")
    assert "&lt;!channel&gt; fire &lt;@U0BOSS&gt; &amp; more" in text
    shown = json.dumps(owner.answer("show MRR"))
    assert "<!channel>" not in shown and "<@U0BOSS>" not in shown


def test_list_groups_the_channels_scorecard_by_perspective(bot, fake_slack) -> None:  # type: ignore[no-untyped-def]
    owner = user(bot, fake_slack, OWNER)
    owner.reply("log MRR 120000 2026-10")
    blocks = json.dumps(owner.answer("list")["blocks"])
    assert (
        blocks.index("Financial")
        < blocks.index("MRR")
        < blocks.index("Customer")
        < blocks.index("CHURN")
    )


def test_mine_lists_missing_actuals_first_with_log_buttons(bot, fake_slack) -> None:  # type: ignore[no-untyped-def]
    owner = user(bot, fake_slack, OWNER)
    owner.reply("log MRR 120000 2026-10")
    blocks = owner.answer("mine")["blocks"]
    sections = [b for b in blocks if b.get("accessory")]
    assert [s["accessory"]["action_id"] for s in sections] == ["log_open", "log_open"]
    assert "GM" in sections[0]["text"]["text"] and sections[0]["accessory"]["text"]["text"] == "Log"


def test_the_log_button_opens_the_modal_filled_in(bot, fake_slack) -> None:  # type: ignore[no-untyped-def]
    response = user(bot, fake_slack, OWNER).click("log_open", "GM 2026-10")
    assert response.status == 200
    call = fake_slack.wait_for(lambda f: f.calls_to("views.open"))[0]
    view = call.json("view")
    kpi_block = next(b for b in view["blocks"] if b["block_id"] == "kpi")
    period_block = next(b for b in view["blocks"] if b["block_id"] == "period")
    assert kpi_block["element"]["initial_option"]["value"] == "GM"
    assert period_block["element"]["initial_value"] == "2026-10"
    assert {o["value"] for o in kpi_block["element"]["options"]} == {"MRR", "GM"}


def test_the_modal_shows_errors_on_the_wrong_field_and_stores_nothing(
    bot, fake_slack, store
) -> None:  # type: ignore[no-untyped-def]
    owner = user(bot, fake_slack, OWNER)
    body = response_json(owner.submit("log_submit", log_values("GM", "lots", "2026-10")))
    assert body["response_action"] == "errors" and "not a number" in body["errors"]["value"]
    body = response_json(owner.submit("log_submit", log_values("GM", "61", "2026-13")))
    assert body["response_action"] == "errors" and "YYYY-MM" in body["errors"]["period"]
    body = response_json(
        user(bot, fake_slack, OTHER).submit("log_submit", log_values("GM", "61", "2026-10"))
    )
    assert "owned by" in body["errors"]["kpi"]
    assert actuals(store) == {}


def test_the_modal_logs_confirms_and_refreshes_the_home_tab(bot, fake_slack, store) -> None:  # type: ignore[no-untyped-def]
    body = response_json(
        user(bot, fake_slack, OWNER).submit(
            "log_submit", log_values("GM", "63.5%", "2026-10", "good")
        )
    )
    assert body["response_action"] == "update"
    assert "Stored *GM*" in body["view"]["blocks"][0]["text"]["text"]
    assert list(actuals(store).values()) == [(63.5, "good")]
    publish = fake_slack.wait_for(
        lambda f: [c for c in f.calls_to("views.publish") if c.args["user_id"] == OWNER]
    )[0]
    assert "GM" in json.dumps(publish.json("view"))


def test_opening_the_home_tab_publishes_the_owners_kpis_and_a_log_button(bot, fake_slack) -> None:  # type: ignore[no-untyped-def]
    assert user(bot, fake_slack, OWNER).open_home().status == 200
    view = fake_slack.wait_for(lambda f: f.calls_to("views.publish"))[0].json("view")
    text = json.dumps(view)
    assert view["type"] == "home" and "home_log" in text and "Actuals you owe" in text
    assert "MRR" in text and "CHURN" not in text


def test_a_forged_or_replayed_request_is_refused_and_changes_nothing(
    bot, fake_slack, store
) -> None:  # type: ignore[no-untyped-def]
    from testkit.signing import slash_command_body

    body = slash_command_body(text="log MRR 5 2026-10", user_id=OWNER, channel_id=CHANNEL)
    assert bot.client.post("/slack/events", body, signature="v0=" + "0" * 64).status == 401
    assert bot.client.post("/slack/events", body, tamper=True).status == 401
    import time

    assert bot.client.post("/slack/events", body, timestamp=int(time.time()) - 360).status == 401
    assert actuals(store) == {}
