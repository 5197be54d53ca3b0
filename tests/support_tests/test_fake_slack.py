"""The fake Slack must behave like Slack towards the real slack_sdk client,
otherwise bot tests built on it would prove nothing. These tests drive it only
through public SDK calls and plain HTTP."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import Ack, App, Respond, Say
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from testkit.fake_slack import FakeSlack
from testkit.signing import (
    SlackClient,
    block_actions_body,
    event_body,
    sign,
    slash_command_body,
    url_verification_body,
    view_submission_body,
)

SECRET = "test-signing-secret"


@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(
        token="xoxb-test",
        base_url=os.environ["SLACK_API_URL"],
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )


def test_env_points_at_fake_and_has_no_real_credentials(fake_slack: FakeSlack) -> None:
    assert os.environ["SLACK_API_URL"] == fake_slack.url
    assert fake_slack.url.endswith("/api/")
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        assert name not in os.environ


def test_auth_test_identifies_the_bot(client: WebClient) -> None:
    resp = client.auth_test()
    assert (resp["user_id"], resp["team_id"]) == ("UBOT", "T0TEAM")
    assert resp["bot_id"]


def test_post_message_is_recorded_with_unique_increasing_ts(
    client: WebClient, fake_slack: FakeSlack
) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*KPI*"}}]
    metadata = {"event_type": "kpi_report", "event_payload": {"kpi": "nps"}}
    first = client.chat_postMessage(channel="C1", text="hello", blocks=blocks, metadata=metadata)
    second = client.chat_postMessage(channel="C1", text="reply", thread_ts=first["ts"])

    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["metadata"] == metadata
    posted = fake_slack.posted_messages("C1")
    assert [c.args["text"] for c in posted] == ["hello", "reply"]
    assert posted[0].json("blocks") == blocks
    assert posted[0].json("metadata") == metadata
    assert posted[0].token == "xoxb-test"
    assert posted[1].args["thread_ts"] == first["ts"]
    assert fake_slack.posted_messages("C2") == []


def test_post_without_token_is_not_authed(fake_slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as err:
        WebClient(base_url=fake_slack.url).chat_postMessage(channel="C1", text="x")
    assert err.value.response["error"] == "not_authed"


def test_post_to_user_id_lands_in_dm(client: WebClient, fake_slack: FakeSlack) -> None:
    resp = client.chat_postMessage(channel="U7", text="psst")
    assert resp["channel"] == "DU7"
    assert client.conversations_open(users="U7")["channel"]["id"] == "DU7"
    assert len(fake_slack.posted_messages("U7")) == len(fake_slack.posted_messages("DU7")) == 1


def test_files_upload_v2_uses_external_upload_flow(
    client: WebClient, fake_slack: FakeSlack
) -> None:
    parent = client.chat_postMessage(channel="C1", text="report")
    client.files_upload_v2(
        file_uploads=[
            {"content": b"a,b\n1,2\n", "filename": "kpis.csv", "title": "KPIs"},
            {
                "content": b"\x89PNG-bytes",
                "filename": "chart.png",
                "title": "Chart",
                "alt_txt": "NPS trend",
            },
        ],
        channel="C1",
        thread_ts=parent["ts"],
        initial_comment="Weekly scorecard",
    )

    assert len(fake_slack.calls_to("files.getUploadURLExternal")) == 2
    assert len(fake_slack.calls_to("files.completeUploadExternal")) == 1
    assert fake_slack.calls_to("files.upload") == []
    by_name = {u.filename: u for u in fake_slack.uploads}
    assert by_name["kpis.csv"].data == b"a,b\n1,2\n"
    assert by_name["chart.png"].data == b"\x89PNG-bytes"
    assert by_name["chart.png"].alt_txt == "NPS trend"
    assert by_name["kpis.csv"].title == "KPIs"
    for upload in fake_slack.uploads:
        assert (upload.channel_id, upload.thread_ts) == ("C1", parent["ts"])
        assert upload.initial_comment == "Weekly scorecard"
    replies = client.conversations_replies(channel="C1", ts=parent["ts"])["messages"]
    assert [len(m.get("files", [])) for m in replies] == [0, 2]


def test_legacy_files_upload_is_refused(client: WebClient, fake_slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as err:
        client.api_call("files.upload", data={"channels": "C1", "content": "x"})
    assert err.value.response["error"] == "method_deprecated"
    assert len(fake_slack.calls_to("files.upload")) == 1


def test_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        client.api_call("bogus.method")
    assert err.value.response["error"] == "unknown_method"


def test_rate_limit_is_retried_after_retry_after(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.rate_limit("chat.postMessage", every=1, retry_after=1, times=1)
    started = time.monotonic()
    resp = client.chat_postMessage(channel="C1", text="eventually")
    assert resp["ok"]
    assert time.monotonic() - started >= 1.0
    statuses = [c.status for c in fake_slack.calls_to("chat.postMessage")]
    assert statuses == [429, 200]
    assert len(fake_slack.posted_messages("C1")) == 1


def test_rate_limit_without_retry_handler_surfaces(fake_slack: FakeSlack) -> None:
    fake_slack.rate_limit(every=2, retry_after=7, times=1)
    plain = WebClient(token="xoxb-test", base_url=fake_slack.url)
    plain.auth_test()
    with pytest.raises(SlackApiError) as err:
        plain.auth_test()
    assert err.value.response.status_code == 429
    assert err.value.response.headers["retry-after"] in ("7", ["7"])
    assert plain.auth_test()["ok"]


def test_fail_is_bounded_and_channel_specific(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.fail("chat.postMessage", error="channel_not_found", times=1, channel="C9")
    client.chat_postMessage(channel="C1", text="unaffected")
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C9", text="lost")
    assert err.value.response["error"] == "channel_not_found"
    client.chat_postMessage(channel="C9", text="second try")
    assert [c.args["text"] for c in fake_slack.posted_messages()] == ["unaffected", "second try"]


def test_fail_for_channel_lasts_until_reset(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.fail_for_channel("C9", "is_archived")
    for _ in range(2):
        with pytest.raises(SlackApiError, match="is_archived"):
            client.chat_postMessage(channel="C9", text="x")
    with pytest.raises(SlackApiError, match="is_archived"):
        client.conversations_history(channel="C9")
    fake_slack.reset()
    assert client.chat_postMessage(channel="C9", text="x")["ok"]


def test_history_returns_top_level_messages_newest_first(
    client: WebClient, fake_slack: FakeSlack
) -> None:
    seeded = fake_slack.add_message("C1", "from a human", user="U1")
    first = client.chat_postMessage(
        channel="C1", text="one", metadata={"event_type": "bsc", "event_payload": {"n": 1}}
    )
    client.chat_postMessage(channel="C1", text="in thread", thread_ts=first["ts"])
    client.chat_postMessage(channel="C1", text="two")

    resp = client.conversations_history(channel="C1", include_all_metadata=True, limit=10)
    assert [m["text"] for m in resp["messages"]] == ["two", "one", "from a human"]
    one = resp["messages"][1]
    assert one["metadata"] == {"event_type": "bsc", "event_payload": {"n": 1}}
    assert one["thread_ts"] == first["ts"] and one["reply_count"] == 1
    assert fake_slack.calls_to("conversations.history")[0].args["include_all_metadata"] in (
        "1",
        True,
    )

    newer = client.conversations_history(channel="C1", oldest=seeded)["messages"]
    assert [m["text"] for m in newer] == ["two", "one"]
    page = client.conversations_history(channel="C1", limit=1)
    assert page["has_more"] and len(page["messages"]) == 1


def test_update_and_delete(client: WebClient, fake_slack: FakeSlack) -> None:
    ts = client.chat_postMessage(channel="C1", text="draft")["ts"]
    client.chat_update(channel="C1", ts=ts, text="final")
    assert [m["text"] for m in fake_slack.history("C1")] == ["final"]
    client.chat_delete(channel="C1", ts=ts)
    assert fake_slack.history("C1") == []
    with pytest.raises(SlackApiError, match="message_not_found"):
        client.chat_update(channel="C1", ts=ts, text="gone")


def test_ephemeral_views_and_users(client: WebClient, fake_slack: FakeSlack) -> None:
    assert client.chat_postEphemeral(channel="C1", user="U1", text="only you")["message_ts"]
    assert fake_slack.ephemeral_messages(user="U1")[0].args["text"] == "only you"

    view = {
        "type": "modal",
        "callback_id": "kpi_edit",
        "title": {"type": "plain_text", "text": "KPI"},
        "blocks": [],
    }
    opened = client.views_open(trigger_id="T-1", view=view)["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "kpi_edit"
    updated = client.views_update(view_id=opened["id"], view={**view, "private_metadata": "x"})[
        "view"
    ]
    assert updated["id"] == opened["id"] and updated["private_metadata"] == "x"
    client.views_publish(user_id="U1", view={"type": "home", "blocks": []})
    assert fake_slack.home_views["U1"]["type"] == "home"
    assert fake_slack.calls_to("views.open")[0].json("view")["callback_id"] == "kpi_edit"

    assert client.users_info(user="U1")["user"]["tz"] == "Europe/London"
    fake_slack.users["U2"] = {"tz": "America/New_York", "real_name": "Ada"}
    user = client.users_info(user="U2")["user"]
    assert (user["tz"], user["real_name"]) == ("America/New_York", "Ada")
    assert user["tz_offset"] in (-5 * 3600, -4 * 3600)
    assert client.conversations_join(channel="C1")["channel"]["id"] == "C1"
    assert client.conversations_info(channel="C1")["channel"]["is_member"]


def test_response_url_posts_are_recorded(fake_slack: FakeSlack) -> None:
    url = fake_slack.response_url("kpi")
    resp = WebhookClient(url).send(text="done", replace_original=True)
    assert resp.status_code == 200
    [post] = fake_slack.responses_for("kpi")
    assert post.body == {"text": "done", "replace_original": True}
    assert fake_slack.responses_for(url) == [post]


def test_wait_for_polls_until_a_late_post(client: WebClient, fake_slack: FakeSlack) -> None:
    timer = threading.Timer(0.2, lambda: client.chat_postMessage(channel="C1", text="late"))
    timer.start()
    try:
        found = fake_slack.wait_for(lambda: fake_slack.posted_messages("C1"), timeout=5)
        assert found[0].args["text"] == "late"
    finally:
        timer.join()
    with pytest.raises(AssertionError, match=r"chat.postMessage channel=C1 -> ok"):
        fake_slack.wait_for(lambda fake: fake.posted_messages("C404"), timeout=0.1)


def test_delay_slows_one_method(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.delay("auth.test", 0.3)
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started >= 0.3


def test_raw_multipart_upload_is_stored(fake_slack: FakeSlack) -> None:
    """Slack also accepts the bytes as a multipart form; keep the file part."""
    client = WebClient(token="xoxb-test", base_url=fake_slack.url)
    target = client.files_getUploadURLExternal(filename="a.txt", length=3)
    boundary = "XyZ"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\nabc\r\n--{boundary}--\r\n"
    ).encode()
    req = urllib.request.Request(
        target["upload_url"],
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(req) as resp:
        assert resp.status == 200
    client.files_completeUploadExternal(files=[{"id": target["file_id"]}], channel_id="C1")
    assert fake_slack.uploads[0].data == b"abc"


# ------------------------------------------------------------------ signing
def test_sign_matches_slack_sdk_verifier() -> None:
    body = slash_command_body(text="show nps")
    headers = sign(SECRET, body)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid_request(body, headers)
    assert not verifier.is_valid_request(body + "&x=1", headers)
    assert not SignatureVerifier("other").is_valid_request(body, headers)
    stale = sign(SECRET, body, timestamp=int(time.time()) - 600)
    assert not verifier.is_valid_request(body, stale)


def test_body_builders_have_slack_shapes() -> None:
    form = {
        k: v[0]
        for k, v in parse_qs(
            slash_command_body(command="/kpi", text="a b", trigger_id="T-1"), keep_blank_values=True
        ).items()
    }
    assert form["command"] == "/kpi" and form["text"] == "a b" and form["trigger_id"] == "T-1"
    for key in (
        "team_id",
        "team_domain",
        "channel_name",
        "user_name",
        "api_app_id",
        "response_url",
    ):
        assert form[key]

    action = json.loads(parse_qs(block_actions_body("approve", "42", "U1", "C1"))["payload"][0])
    assert action["type"] == "block_actions" and action["actions"][0]["value"] == "42"
    assert action["container"]["type"] == "message" and action["channel"]["id"] == "C1"
    in_view = json.loads(parse_qs(block_actions_body("pick", view={"id": "V1"}))["payload"][0])
    assert (
        in_view["container"] == {"type": "view", "view_id": "V1"} and "response_url" not in in_view
    )

    submitted = json.loads(
        parse_qs(view_submission_body("kpi_edit", {"b": {"a": "7"}}, private_metadata="m"))[
            "payload"
        ][0]
    )
    assert submitted["view"]["state"]["values"]["b"]["a"] == {
        "type": "plain_text_input",
        "value": "7",
    }
    assert submitted["view"]["private_metadata"] == "m"
    assert (
        json.loads(event_body({"type": "app_home_opened", "user": "U1"}))["type"]
        == "event_callback"
    )


@pytest.fixture
def bolt_url(fake_slack: FakeSlack) -> Iterator[str]:
    """A minimal bolt app behind a real HTTP server, wired to the fake."""
    app = App(
        signing_secret=SECRET,
        client=WebClient(token="xoxb-test", base_url=fake_slack.url),
    )

    @app.command("/kpi")
    def kpi(ack: Ack, respond: Respond, say: Say, command: dict[str, Any]) -> None:
        ack()
        say(f"kpi {command['text']}")
        respond("done")

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server: WSGIServer = make_server("127.0.0.1", 0, SlackRequestHandler(app), handler_class=Quiet)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_signed_requests_reach_bolt_end_to_end(bolt_url: str, fake_slack: FakeSlack) -> None:
    slack = SlackClient(bolt_url, SECRET)
    assert slack.post(body=url_verification_body("abc")).json()["challenge"] == "abc"

    body = slash_command_body(text="nps", response_url=fake_slack.response_url("cmd"))
    assert slack.post(body=body).status == 200
    fake_slack.wait_for(lambda: fake_slack.responses_for("cmd"))
    assert fake_slack.posted_messages("C1")[0].args["text"] == "kpi nps"
    assert fake_slack.responses_for("cmd")[0].body["text"] == "done"

    assert slack.post(body=body, tamper=True).status == 401
    assert slack.post(body=body, signature="v0=deadbeef").status == 401
    assert slack.post(body=body, timestamp=int(time.time()) - 3600).status == 401


def test_a_client_waits_for_a_response_url_post_without_polling(fake_slack: FakeSlack) -> None:
    fake = fake_slack
    url = fake.response_url(name="waited")
    threading.Timer(0.2, lambda: WebhookClient(url).send(text="Stored")).start()

    started = time.monotonic()
    post = fake.wait_for_response(url, timeout=5)

    assert post is not None and post.body["text"] == "Stored"
    assert time.monotonic() - started < 4
    assert fake.wait_for_response(fake.response_url(name="never"), timeout=0.1) is None


def test_the_fake_in_its_own_process_answers_long_polls_for_response_urls() -> None:
    from testkit.fake_slack import RemoteFakeSlack

    with RemoteFakeSlack() as remote:
        url = remote.response_url(name="/kpi log")
        assert WebClient(token="xoxb-test", base_url=remote.url).auth_test()["ok"]
        assert remote.wait_for_response(url, timeout=0.1) is None

        WebhookClient(url).send(text="Stored *MRR*")
        post = remote.wait_for_response(url, timeout=5)

        assert post is not None and post.body["text"] == "Stored *MRR*"
