"""What lean teams expect, through the real server: huddle and review from Slack, quad charts,
instant red alerts, improvement ideas and the chair's view (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import threading
import time

from sqlmodel import select

from bsc_core.models import Alert, Idea
from tests.bot.slack_session import SlackUser, log_values
from tests.factories import ADMIN, CHAIR, CHANNEL, OTHER, OWNER

PNG = b"\x89PNG\r\n\x1a\n"


def as_user(bot, fake, user_id: str, channel: str = CHANNEL) -> SlackUser:  # type: ignore[no-untyped-def]
    return SlackUser(bot.client, fake, user_id, channel)


def channel_posts(fake) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [c for c in fake.posted_messages(CHANNEL) if not c.args.get("thread_ts")]


def reports(fake, kind: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    """Top-level channel posts that carry a report's metadata (not alerts or quad messages)."""
    found = []
    for call in channel_posts(fake):
        metadata = call.json("metadata") if call.args.get("metadata") else None
        if metadata and metadata["event_payload"]["kind"] == kind:
            found.append(call)
    return found


def test_huddle_posts_one_message_in_the_channel(bot, fake_slack) -> None:  # type: ignore[no-untyped-def]
    as_user(bot, fake_slack, OWNER).reply("log MRR 80000 2026-10 lost a deal")
    ack = as_user(bot, fake_slack, OTHER).command("", command="/huddle")
    assert ack.status == 200 and "Preparing the huddle" in ack.json()["text"]
    posted = fake_slack.wait_for(lambda f: reports(f, "huddle"))
    assert len(posted) == 1
    text = json.dumps(posted[0].json("blocks"))
    assert "Huddle" in text and "MRR" in text and "lost a deal" in text


def test_review_is_for_the_chair_and_posts_charts_in_the_thread(bot, fake_slack) -> None:  # type: ignore[no-untyped-def]
    refused = as_user(bot, fake_slack, OWNER).command("2026-10", command="/review")
    assert "Only the chair <@U0CHAIR01> or an admin" in refused.json()["text"]
    as_user(bot, fake_slack, OWNER).reply("log MRR 80000 2026-10")
    ack = as_user(bot, fake_slack, CHAIR).command("2026-10", command="/review")
    assert "Preparing the review" in ack.json()["text"]
    uploads = fake_slack.wait_for(lambda f: f.uploads, timeout=30)
    parent = reports(fake_slack, "review")
    assert len(parent) == 1 and "October 2026" in json.dumps(parent[0].json("blocks"))
    assert {u.thread_ts for u in uploads} == {parent[0].response["ts"]}
    assert all(u.data.startswith(PNG) and u.alt_txt for u in uploads) and len(uploads) <= 10
    assert not fake_slack.calls_to("files.upload")


def test_review_of_a_future_or_malformed_month_is_refused(bot, fake_slack) -> None:  # type: ignore[no-untyped-def]
    chair = as_user(bot, fake_slack, CHAIR)
    assert "in the future" in chair.command("2099-01", command="/review").json()["text"]
    assert "YYYY-MM" in chair.command("2026-13", command="/review").json()["text"]
    assert not fake_slack.posted_messages(CHANNEL)


def test_quad_posts_a_four_panel_png_in_the_thread_of_a_channel_message(bot, fake_slack) -> None:  # type: ignore[no-untyped-def]
    as_user(bot, fake_slack, OWNER).reply("log MRR 80000 2026-10 lost a deal")
    ack = as_user(bot, fake_slack, OTHER).command("quad mrr")
    assert ack.status == 200 and ack.json()["text"].startswith("⏳")
    upload = fake_slack.wait_for(lambda f: f.uploads, timeout=30)[0]
    parent = [p for p in channel_posts(fake_slack) if "Quad chart" in p.args["text"]][0]
    assert upload.thread_ts == parent.response["ts"] and upload.data.startswith(PNG)
    assert "Quad chart" in upload.alt_txt or "MRR" in upload.alt_txt
    assert "MRR" in parent.args["text"]


def test_logging_a_red_value_posts_exactly_one_alert_with_a_button(bot, fake_slack, store) -> None:  # type: ignore[no-untyped-def]
    owner = as_user(bot, fake_slack, OWNER)
    owner.reply("log MRR 99000 2026-10")  # amber: no alert
    owner.reply("log MRR 80000 2026-10 lost a deal")  # turns red: one alert
    alert = fake_slack.wait_for(
        lambda f: [
            m
            for m in channel_posts(f)
            if "turned *red*" in m.args["text"] or "turned red" in m.args["text"]
        ]
    )
    owner.reply("log MRR 70000 2026-10")  # stays red: none
    owner.reply("log MRR 70000 2026-10")  # resend: none
    owner.reply("log GM 61.5% 2026-10")  # amber: none
    as_user(bot, fake_slack, OTHER).reply("list")
    time.sleep(1.0)  # the lazy work after the last logs has had its chance to post
    alerts = [m for m in channel_posts(fake_slack) if "turned red" in m.args["text"]]
    assert len(alerts) == 1 == len(alert)
    blocks = alerts[0].json("blocks")
    button = blocks[-1]["elements"][0]
    assert (button["action_id"], button["value"]) == ("cm_open", "MRR 2026-10")
    assert "<@U0OWNER01>" in json.dumps(blocks) and "-20%" in json.dumps(blocks)


def test_no_alert_after_the_chair_switches_them_off(bot, fake_slack, store) -> None:  # type: ignore[no-untyped-def]
    assert "Only the chair" in as_user(bot, fake_slack, OWNER).reply("alerts off")
    assert "now *off*" in as_user(bot, fake_slack, CHAIR).reply("alerts off")
    assert "are *off*" in as_user(bot, fake_slack, OWNER).reply("alerts")
    as_user(bot, fake_slack, OWNER).reply("log MRR 80000 2026-10")
    fake_slack.wait_for(lambda f: f.calls_to("views.publish"))
    with store.read() as session:
        assert session.exec(select(Alert)).all() == []
    assert not [m for m in channel_posts(fake_slack) if "turned red" in m.args["text"]]


def test_two_concurrent_red_logs_make_one_alert(bot, fake_slack, store) -> None:  # type: ignore[no-untyped-def]
    replies: list[str] = []

    def log(who: str, value: str) -> None:
        replies.append(as_user(bot, fake_slack, who).reply(f"log MRR {value} 2026-10"))

    threads = [threading.Thread(target=log, args=a) for a in ((OWNER, "80000"), (CHAIR, "81000"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all("red" in r for r in replies)
    fake_slack.wait_for(lambda f: [m for m in channel_posts(f) if "turned red" in m.args["text"]])
    fake_slack.wait_for(lambda f: len(f.calls_to("views.publish")) >= 2)
    with store.read() as session:
        assert len(session.exec(select(Alert)).all()) == 1
    assert len([m for m in channel_posts(fake_slack) if "turned red" in m.args["text"]]) == 1


def test_the_alert_button_opens_the_countermeasure_modal(bot, fake_slack) -> None:  # type: ignore[no-untyped-def]
    as_user(bot, fake_slack, OWNER).click("cm_open", "MRR 2026-10")
    view = fake_slack.wait_for(lambda f: f.calls_to("views.open"))[0].json("view")
    assert view["callback_id"] == "cm_submit" and "MRR" in json.dumps(view)


def test_an_idea_is_thanked_stored_and_shown_in_the_next_huddle(bot, fake_slack, store) -> None:  # type: ignore[no-untyped-def]
    body = as_user(bot, fake_slack, OTHER).answer("idea MRR call lapsed customers &lt;!here&gt;")
    assert body["response_type"] == "in_channel" and "Thank you" in body["text"]
    assert "&lt;!here&gt;" in body["text"]
    assert "the idea is empty" in as_user(bot, fake_slack, OTHER).reply("idea   ")
    with store.read() as session:
        idea = session.exec(select(Idea)).one()
    assert (idea.text, idea.author, idea.status) == ("call lapsed customers <!here>", OTHER, "new")
    as_user(bot, fake_slack, OTHER).command("", command="/huddle")
    huddle = fake_slack.wait_for(lambda f: reports(f, "huddle"))[0]
    text = json.dumps(huddle.json("blocks"))
    assert "New ideas" in text and "call lapsed customers" in text and "<!here>" not in text


def test_only_the_chair_decides_on_ideas(bot, fake_slack, store) -> None:  # type: ignore[no-untyped-def]
    as_user(bot, fake_slack, OTHER).reply("idea faster trucks")
    with store.read() as session:
        idea_id = session.exec(select(Idea)).one().id
    member_view = as_user(bot, fake_slack, OTHER).answer("ideas")
    assert "faster trucks" in json.dumps(member_view) and "idea_accepted" not in json.dumps(
        member_view
    )
    chair_view = as_user(bot, fake_slack, CHAIR).answer("ideas")
    assert "idea_accepted" in json.dumps(chair_view)
    as_user(bot, fake_slack, OTHER).click("idea_accepted", str(idea_id))
    refused = fake_slack.wait_for(lambda f: f.responses_for("idea_accepted"))[-1]
    assert "Only the chair" in json.dumps(refused.body)
    as_user(bot, fake_slack, ADMIN).click("idea_done", str(idea_id))
    fake_slack.wait_for(lambda f: f.responses_for("idea_done"))
    with store.read() as session:
        assert session.exec(select(Idea)).one().status == "done"


def test_the_chairs_home_starts_with_the_snapshot_and_its_buttons(bot, fake_slack) -> None:  # type: ignore[no-untyped-def]
    as_user(bot, fake_slack, OWNER).reply("log MRR 80000 2026-10 lost a deal")
    as_user(bot, fake_slack, OTHER).reply("idea faster trucks")
    as_user(bot, fake_slack, CHAIR).open_home()
    view = fake_slack.wait_for(
        lambda f: [
            c
            for c in f.calls_to("views.publish")
            if c.args["user_id"] == CHAIR and "faster trucks" in json.dumps(c.json("view"))
        ]
    )[-1].json("view")
    text = json.dumps(view)
    assert "your board today" in text and "MRR" in text and "lost a deal" in text
    assert "no countermeasure yet" in text and "faster trucks" in text
    assert "chair_huddle" in text and "chair_review" in text
    owner_view = fake_slack.wait_for(
        lambda f: [c for c in f.calls_to("views.publish") if c.args["user_id"] == OWNER]
    )
    assert "your board today" not in json.dumps(owner_view[-1].json("view"))


def test_the_chair_button_posts_the_huddle(bot, fake_slack) -> None:  # type: ignore[no-untyped-def]
    as_user(bot, fake_slack, CHAIR).click("chair_huddle", "team", view={"type": "home"})
    posted = fake_slack.wait_for(lambda f: reports(f, "huddle"))
    assert len(posted) == 1 and "Huddle" in json.dumps(posted[0].json("blocks"))


def test_a_log_refreshes_the_chairs_home_at_most_once_per_ten_seconds(bot, fake_slack) -> None:  # type: ignore[no-untyped-def]
    owner = as_user(bot, fake_slack, OWNER)
    for value in ("80000", "81000", "82000"):
        owner.reply(f"log MRR {value} 2026-10")

    def published(user: str) -> list:  # type: ignore[type-arg]
        return [c for c in fake_slack.calls_to("views.publish") if c.args["user_id"] == user]

    fake_slack.wait_for(lambda: published(OWNER) and published(CHAIR) and published(ADMIN))
    time.sleep(1.0)  # the other logs' lazy listeners have had their chance to refresh
    assert len(published(CHAIR)) == 1 and len(published(ADMIN)) == 1
    # The owner's own refreshes may be folded together, but the last one shows the last log.
    assert 1 <= len(published(OWNER)) <= 3
    assert "82,000" in json.dumps(published(OWNER)[-1].json("view"))


def test_the_modal_log_also_alerts(bot, fake_slack) -> None:  # type: ignore[no-untyped-def]
    as_user(bot, fake_slack, OWNER).submit("log_submit", log_values("MRR", "80000", "2026-10"))
    alert = fake_slack.wait_for(
        lambda f: [m for m in channel_posts(f) if "turned red" in m.args["text"]]
    )
    assert len(alert) == 1


def test_the_chair_schedules_the_huddle_from_slack_and_a_member_cannot(
    bot, fake_slack, store
) -> None:  # type: ignore[no-untyped-def]
    from bsc_core.models import Schedule

    refused = as_user(bot, fake_slack, OWNER).command(
        "schedule 09:15 mon,wed,fri", command="/huddle"
    )
    assert "Only the chair" in refused.json()["text"]
    with store.read() as session:
        assert session.exec(select(Schedule)).all() == []
    done = as_user(bot, fake_slack, CHAIR).command(
        "schedule 09:15 mon,wed,fri Europe/Paris", command="/huddle"
    )
    assert "09:15" in done.json()["text"]
    with store.read() as session:
        row = session.exec(select(Schedule)).one()
    assert (row.kind, row.at, row.days, row.timezone) == (
        "huddle",
        "09:15",
        "mon,wed,fri",
        "Europe/Paris",
    )
    shown = as_user(bot, fake_slack, OWNER).command("schedule", command="/huddle").json()["text"]
    assert "09:15" in shown and "Europe/Paris" in shown
    bad = (
        as_user(bot, fake_slack, CHAIR).command("schedule 25:99", command="/huddle").json()["text"]
    )
    assert "HH:MM" in bad
