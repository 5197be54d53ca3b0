"""The monthly review held in Slack, through the real bot and the fake Slack (both backends).

The chair posts the review, records two decisions in its thread (one on a red KPI), the
initiative's owner updates it, the chair closes the review and the minutes land in the
thread once; next month's agenda opens with those decisions and their state, and an
overdue decision reaches its owner in the nag round with a Done button.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlmodel import col, select

from bsc_core.models import AuditEvent, Decision, Initiative, InitiativeUpdate, Review
from bsc_core.periods import Frequency, latest_ended
from scheduler.nag import run_nag_round
from testkit.fake_slack import FakeSlack
from testkit.signing import block_actions_body
from tests.bot.conftest import bot_settings
from tests.bot.in_process import BOT_TOKEN, InProcessBot
from tests.bot.slack_session import SlackUser, response_json
from tests.bsc_core.nag_scenario import log
from tests.factories import ADMIN, CHAIR, CHANNEL, OTHER, OWNER, import_docs, kpi, scorecard

MONTH = latest_ended(Frequency.MONTHLY, datetime.now(UTC).date())
NEXT = MONTH.shift(1)


def today() -> date:
    return datetime.now(UTC).date()


@pytest.fixture
def bot(store, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> Iterator[InProcessBot]:  # type: ignore[no-untyped-def]
    doc = scorecard(
        kpi("MRR", unit="USD"),
        kpi("CHURN", direction="down", target=2, owner=OTHER, perspective="Customer"),
    )
    doc["objectives"][0]["initiatives"] = [
        {"name": "CRM rollout", "owner": OTHER, "status": "at_risk"}
    ]
    import_docs(store, doc)
    log(store, "MRR", str(MONTH), 80)
    log(store, "CHURN", str(MONTH), 1)
    bot_settings(monkeypatch, BSC_ADMINS=ADMIN)
    running = InProcessBot(store)
    yield running
    running.close()


# -- helpers: what a person does in Slack --------------------------------------------------------


def post_review(bot: InProcessBot, fake: FakeSlack, month: str) -> dict[str, Any]:
    """The chair types ``/review MONTH``; returns the agenda message as posted."""
    before = len(fake.posted_messages(CHANNEL))
    answer = SlackUser(bot.client, fake, CHAIR, CHANNEL).reply(month, command="/review")
    assert answer.startswith("⏳")
    bot.wait_for_jobs(timeout=60)
    posted = [c for c in fake.posted_messages(CHANNEL)[before:] if not c.args.get("thread_ts")]
    assert len(posted) == 1
    call = posted[0]
    return {"ts": call.response["ts"], "blocks": call.json("blocks"), "text": call.args["text"]}


def controls(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The agenda's buttons and selects by action id (the first of each)."""
    found: dict[str, dict[str, Any]] = {}
    for block in message["blocks"]:
        if block.get("type") == "actions":
            for element in block["elements"]:
                found.setdefault(element["action_id"], element)
    return found


def click(
    bot: InProcessBot,
    fake: FakeSlack,
    user: str,
    action_id: str,
    value: str,
    *,
    selected: str | None = None,
) -> str:
    """Click a button (or choose ``selected`` in a select) in the channel; returns the name
    of the response_url the bot answers on."""
    name = f"{action_id}-{user}-{len(fake.calls)}"
    body = block_actions_body(
        action_id,
        None if selected else value,
        user_id=user,
        channel_id=CHANNEL,
        response_url=fake.response_url(name=name),
        action_type="static_select" if selected else "button",
        selected_option={"value": selected, "text": {"type": "plain_text", "text": selected}}
        if selected
        else None,
    )
    assert bot.client.post("/slack/events", body).status == 200
    return name


def answer(fake: FakeSlack, name: str) -> dict[str, Any]:
    return dict(fake.wait_for(lambda f: f.responses_for(name))[-1].body)


def opened_view(fake: FakeSlack, count: int) -> dict[str, Any]:
    """The ``count``-th view opened so far (1-based), once it is there."""
    calls = fake.wait_for(lambda f: len(f.calls_to("views.open")) >= count or None)
    assert calls
    return dict(fake.calls_to("views.open")[count - 1].json("view"))


def decision_values(
    text: str, *, kpi: str | None = None, owner: str | None = OWNER, due: date | None = None
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "decision": {"decision": text},
        "owner": {"owner": {"type": "users_select", "selected_user": owner}},
        "due": {
            "due": {
                "type": "datepicker",
                "selected_date": (due or today() + timedelta(days=7)).isoformat()
                if owner
                else None,
            }
        },
        "kpi": {
            "kpi": {
                "type": "static_select",
                "selected_option": {"value": kpi, "text": {"type": "plain_text", "text": kpi}}
                if kpi
                else None,
            }
        },
    }
    return values


def submit(
    bot: InProcessBot, fake: FakeSlack, user: str, callback: str, values: dict[str, Any], meta: str
) -> dict[str, Any]:
    return response_json(
        SlackUser(bot.client, fake, user, CHANNEL).submit(callback, values, private_metadata=meta)
    )


def decisions(store) -> list[Decision]:  # type: ignore[no-untyped-def]
    with store.read() as session:
        return list(session.exec(select(Decision).order_by(col(Decision.id))))


def review_row(store, month: str) -> Review:  # type: ignore[no-untyped-def]
    with store.read() as session:
        return session.exec(select(Review).where(Review.month == month)).one()


def minutes_uploads(fake: FakeSlack) -> list[Any]:
    return [u for u in fake.uploads if u.filename.startswith("minutes-")]


# -- the loop ------------------------------------------------------------------------------------


def test_a_review_held_in_slack_from_agenda_to_minutes_and_next_month(
    bot, store, fake_slack: FakeSlack
) -> None:  # type: ignore[no-untyped-def]
    agenda = post_review(bot, fake_slack, str(MONTH))
    buttons = controls(agenda)
    assert {"review_decide", "review_decide_kpi", "review_close", "review_initiative"} <= set(
        buttons
    )
    assert review_row(store, str(MONTH)).message_ts == agenda["ts"]

    # Decision 1, from the Record decision button.
    click(bot, fake_slack, CHAIR, "review_decide", buttons["review_decide"]["value"])
    view = opened_view(fake_slack, 1)
    assert view["callback_id"] == "review_decision"
    meta = view["private_metadata"]
    body = submit(bot, fake_slack, CHAIR, "review_decision", decision_values("Hire two SDRs"), meta)
    assert body["response_action"] == "update"

    # Decision 2, on the red KPI chosen in the select: the modal comes with it chosen.
    [red] = buttons["review_decide_kpi"]["options"]
    assert red["text"]["text"].startswith("🔴 MRR")
    click(bot, fake_slack, CHAIR, "review_decide_kpi", "", selected=red["value"])
    view = opened_view(fake_slack, 2)
    kpi_block = next(b for b in view["blocks"] if b.get("block_id") == "kpi")
    assert kpi_block["element"]["initial_option"]["value"] == "MRR"
    body = submit(
        bot,
        fake_slack,
        CHAIR,
        "review_decision",
        decision_values("Price review <!channel> & discounts", kpi="MRR", owner=OTHER),
        view["private_metadata"],
    )
    assert body["response_action"] == "update"
    first, second = decisions(store)
    assert (first.text, first.kpi_id, first.owner) == ("Hire two SDRs", None, OWNER)
    assert second.kpi_id is not None and second.owner == OTHER

    # The initiative's owner updates it.
    click(bot, fake_slack, OTHER, "review_initiative", buttons["review_initiative"]["value"])
    view = opened_view(fake_slack, 3)
    assert view["callback_id"] == "review_initiative_update"
    update = {
        "status": {
            "status": {
                "type": "static_select",
                "selected_option": {
                    "value": "on_track",
                    "text": {"type": "plain_text", "text": "on track"},
                },
            }
        },
        "percent": {"percent": "65"},
        "note": {"note": "Pilot team live"},
    }
    body = submit(
        bot, fake_slack, OTHER, "review_initiative_update", update, view["private_metadata"]
    )
    assert body["response_action"] == "update"
    with store.read() as session:
        assert session.exec(select(Initiative)).one().status == "on_track"
        assert session.exec(select(InitiativeUpdate)).one().percent_complete == 65

    # Each change is said in the thread, escaped.
    bot.wait_for_jobs()
    thread = [
        c.args["text"]
        for c in fake_slack.posted_messages(CHANNEL)
        if c.args.get("thread_ts") == agenda["ts"]
        and "Decision" in c.args.get("text", "")
        or c.args.get("thread_ts") == agenda["ts"]
        and "Initiative" in c.args.get("text", "")
    ]
    assert any("📝 *Decision:* Hire two SDRs" in t and f"<@{OWNER}>" in t for t in thread)
    assert any("&lt;!channel&gt; &amp; discounts" in t and "*MRR*" in t for t in thread)
    assert not any("<!channel>" in t for t in thread)
    assert any("at risk → on track, 65 %" in t and "Pilot team live" in t for t in thread)

    # The chair closes the review: the minutes are uploaded once, into the thread.
    closed = answer(
        fake_slack, click(bot, fake_slack, CHAIR, "review_close", buttons["review_close"]["value"])
    )
    assert closed["text"].startswith("🔒 The review of")
    bot.wait_for_jobs()
    [minutes] = minutes_uploads(fake_slack)
    assert minutes.thread_ts == agenda["ts"] and minutes.channel_id == CHANNEL
    text = minutes.data.decode()
    assert "Hire two SDRs" in text and "Price review" in text and "discounts" in text
    assert "CRM rollout" in text and "at risk → on track, 65 %" in text
    assert "## The agenda as it stood" in text and "MRR" in text
    assert review_row(store, str(MONTH)).minutes == text
    with store.read() as session:
        actions = {(e.entity, e.action) for e in session.exec(select(AuditEvent))}
    assert {("decision", "create"), ("initiative", "update"), ("review", "close")} <= actions

    # A decision after the close is refused on the form; nothing is stored.
    body = submit(bot, fake_slack, CHAIR, "review_decision", decision_values("Too late"), meta)
    assert body["response_action"] == "errors" and "closed" in body["errors"]["decision"]
    assert len(decisions(store)) == 2
    click(bot, fake_slack, CHAIR, "review_decide", buttons["review_decide"]["value"])
    refused = opened_view(fake_slack, 4)
    assert "callback_id" not in refused and "closed" in json.dumps(refused)
    # Closing again uploads nothing more, and offers the chair Reopen.
    again = answer(
        fake_slack, click(bot, fake_slack, CHAIR, "review_close", buttons["review_close"]["value"])
    )
    assert "already closed" in again["text"]
    assert any(
        e.get("action_id") == "review_reopen"
        for b in again.get("blocks", [])
        for e in b.get("elements", [])
    )
    bot.wait_for_jobs()
    assert len(minutes_uploads(fake_slack)) == 1

    # After the meeting: one decision done, then next month's agenda opens with both.
    done = answer(fake_slack, click(bot, fake_slack, OWNER, "decision_done", str(first.id)))
    assert done["text"].startswith("✅ Done")
    following = post_review(bot, fake_slack, str(NEXT))
    sections = [b["text"]["text"] for b in following["blocks"] if b.get("type") == "section"]
    opening = next(i for i, t in enumerate(sections) if "Decisions since the last review" in t)
    assert opening <= 1, sections[:3]
    listed = sections[opening]
    assert "✅ done · Hire two SDRs" in listed
    assert "⏳ open · Price review" in listed and "*MRR*" in listed


def test_bad_input_is_refused_on_its_field_and_stores_nothing(
    bot, store, fake_slack: FakeSlack
) -> None:  # type: ignore[no-untyped-def]
    agenda = post_review(bot, fake_slack, str(MONTH))
    buttons = controls(agenda)
    click(bot, fake_slack, CHAIR, "review_decide", buttons["review_decide"]["value"])
    meta = opened_view(fake_slack, 1)["private_metadata"]
    empty = submit(bot, fake_slack, CHAIR, "review_decision", decision_values("   "), meta)
    assert "cannot be empty" in empty["errors"]["decision"]
    past = submit(
        bot,
        fake_slack,
        CHAIR,
        "review_decision",
        decision_values("Hire", due=today() - timedelta(days=40)),
        meta,
    )
    assert "in the past" in past["errors"]["due"]
    assert decisions(store) == []

    click(bot, fake_slack, CHAIR, "review_initiative", buttons["review_initiative"]["value"])
    view = opened_view(fake_slack, 2)
    for percent in ("150", "-1", "lots"):
        update = {
            "status": {
                "status": {
                    "type": "static_select",
                    "selected_option": {
                        "value": "late",
                        "text": {"type": "plain_text", "text": "late"},
                    },
                }
            },
            "percent": {"percent": percent},
            "note": {"note": None},
        }
        body = submit(
            bot, fake_slack, CHAIR, "review_initiative_update", update, view["private_metadata"]
        )
        assert "0 to 100" in body["errors"]["percent"], percent
    with store.read() as session:
        assert session.exec(select(InitiativeUpdate)).all() == []
        assert session.exec(select(Initiative)).one().status == "at_risk"


@pytest.mark.parametrize(
    ("user", "decide", "update", "close"),
    [
        (CHAIR, True, True, True),
        (ADMIN, True, True, True),
        (OTHER, False, True, False),  # the initiative's owner
        (OWNER, False, False, False),  # a KPI owner, nothing more
    ],
)
def test_who_may_press_each_button(
    bot, store, fake_slack: FakeSlack, user: str, decide: bool, update: bool, close: bool
) -> None:  # type: ignore[no-untyped-def]
    buttons = controls(post_review(bot, fake_slack, str(MONTH)))
    click(bot, fake_slack, user, "review_decide", buttons["review_decide"]["value"])
    view = opened_view(fake_slack, 1)
    assert (view.get("callback_id") == "review_decision") is decide
    click(bot, fake_slack, user, "review_initiative", buttons["review_initiative"]["value"])
    view = opened_view(fake_slack, 2)
    assert (view.get("callback_id") == "review_initiative_update") is update
    # At submit the right is checked again (a form kept open, or forged).
    meta = json.dumps({"review_id": review_row(store, str(MONTH)).id})
    body = submit(bot, fake_slack, user, "review_decision", decision_values("Go"), meta)
    assert (body.get("response_action") == "update") is decide
    reply = answer(
        fake_slack, click(bot, fake_slack, user, "review_close", buttons["review_close"]["value"])
    )
    assert reply["text"].startswith("🔒") is close
    assert (review_row(store, str(MONTH)).status == "closed") is close
    if close:
        # Reopening is the chair's alone.
        reopened = answer(
            fake_slack,
            click(bot, fake_slack, user, "review_reopen", buttons["review_close"]["value"]),
        )
        assert (review_row(store, str(MONTH)).status == "open") is (user == CHAIR)
        assert reopened["text"].startswith("🔓") is (user == CHAIR)


def test_an_overdue_decision_reaches_its_owner_in_the_nag_round_with_done(
    bot, store, fake_slack: FakeSlack
) -> None:  # type: ignore[no-untyped-def]
    buttons = controls(post_review(bot, fake_slack, str(MONTH)))
    click(bot, fake_slack, CHAIR, "review_decide", buttons["review_decide"]["value"])
    meta = opened_view(fake_slack, 1)["private_metadata"]
    submit(
        bot,
        fake_slack,
        CHAIR,
        "review_decision",
        decision_values("Renegotiate the lease", owner=OTHER),
        meta,
    )
    [decision] = decisions(store)
    with store.write() as session:  # time passes: the due date is now behind us
        row = session.get(Decision, decision.id)
        assert row is not None
        row.due_date = today() - timedelta(days=3)
        session.add(row)
    client = WebClient(token=BOT_TOKEN, base_url=fake_slack.url)
    report = run_nag_round(client, store, now=datetime.now(UTC), scheduled=False)
    assert f"decision #{decision.id} overdue" in report.sent[OTHER]
    dm = fake_slack.posted_messages(OTHER)[-1].json("blocks")
    line = next(b for b in dm if b.get("accessory", {}).get("action_id") == "decision_done")
    assert "Renegotiate the lease" in line["text"]["text"]
    # Only its owner, the chair or an admin may mark it done.
    refused = answer(
        fake_slack, click(bot, fake_slack, OWNER, "decision_done", line["accessory"]["value"])
    )
    assert refused["text"].startswith("⚠️ Only") and decisions(store)[0].status == "open"
    done = answer(
        fake_slack, click(bot, fake_slack, OTHER, "decision_done", line["accessory"]["value"])
    )
    assert done["text"].startswith("✅ Done")
    assert decisions(store)[0].status == "done"
    again = run_nag_round(client, store, now=datetime.now(UTC), scheduled=False)
    assert OTHER not in again.sent or all("decision" not in x for x in again.sent[OTHER])


def test_an_action_shows_in_its_owners_home_and_the_closed_minutes_preview_from_the_cli(
    bot, store, fake_slack: FakeSlack, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from bot.cli import app

    buttons = controls(post_review(bot, fake_slack, str(MONTH)))
    click(bot, fake_slack, CHAIR, "review_decide", buttons["review_decide"]["value"])
    meta = opened_view(fake_slack, 1)["private_metadata"]
    values = decision_values("Audit the renewals", owner=OTHER)
    assert submit(bot, fake_slack, CHAIR, "review_decision", values, meta)["response_action"]
    bot.wait_for_jobs()
    homes = [
        c.json("view") for c in fake_slack.calls_to("views.publish") if c.args["user_id"] == OTHER
    ]
    assert homes, "the owner's Home was not refreshed"
    done = [
        b["accessory"]
        for b in homes[-1]["blocks"]
        if b.get("accessory", {}).get("action_id") == "decision_done"
    ]
    assert [d["value"] for d in done] == [str(decisions(store)[0].id)]

    out = tmp_path / "preview"
    args = ["preview", "review", "--scorecard", "team", "--month", str(MONTH), "--out", str(out)]
    assert CliRunner().invoke(app, args).exit_code == 0
    assert not list(out.glob("minutes-*.md"))  # open: no minutes yet
    answer(
        fake_slack, click(bot, fake_slack, CHAIR, "review_close", buttons["review_close"]["value"])
    )
    bot.wait_for_jobs()
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    [written] = out.glob("minutes-*.md")
    [uploaded] = minutes_uploads(fake_slack)
    assert written.read_text(
        "utf-8"
    ) == uploaded.data.decode() and "Audit the renewals" in written.read_text("utf-8")
