"""Posting reports against the fake Slack: parent first, images in its thread via files v2."""

from __future__ import annotations

import os
from datetime import date

import pytest
from slack_sdk import WebClient

from bot.publish import MAX_UPLOADS, post_report, publish_huddle, publish_review
from bsc_core.charts import Chart, ParetoData, pareto_chart
from bsc_core.db import Store
from bsc_core.periods import Period
from testkit.fake_slack import FakeSlack
from tests.bsc_core.reports import scenario
from tests.factories import CHANNEL

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=os.environ["SLACK_API_URL"])


@pytest.fixture(scope="module")
def charts() -> list[Chart]:
    made = []
    for n in range(12):
        chart = pareto_chart(ParetoData(title=f"Causes {n}", counts=[("People", n + 1)]))
        chart.filename = f"chart-{n}.png"
        made.append(chart)
    return made


def _post(client: WebClient, charts: list[Chart]):  # type: ignore[no-untyped-def]
    return post_report(
        client,
        channel=CHANNEL,
        text="Huddle",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
        metadata={"event_type": "bscbot_report", "event_payload": {"key": "k"}},
        charts=charts,
    )


def test_images_go_into_the_parent_thread_with_files_v2(
    client: WebClient, fake_slack: FakeSlack, charts: list[Chart]
) -> None:
    result = _post(client, charts[:3])
    assert result.upload_error is None and result.uploaded == 3
    parents = fake_slack.posted_messages(CHANNEL)
    assert len(parents) == 1 and result.ts == parents[0].response["ts"]
    assert fake_slack.calls_to("files.upload") == []
    assert len(fake_slack.calls_to("files.completeUploadExternal")) == 1
    assert len(fake_slack.uploads) == 3
    for upload, chart in zip(fake_slack.uploads, charts, strict=False):
        assert upload.data.startswith(PNG)
        assert upload.thread_ts == result.ts and upload.channel_id == CHANNEL
        assert upload.alt_txt == chart.alt_text and upload.title == chart.title
    assert parents[0].json("metadata")["event_type"] == "bscbot_report"


def test_at_most_ten_images_are_uploaded(
    client: WebClient, fake_slack: FakeSlack, charts: list[Chart]
) -> None:
    result = _post(client, charts)
    assert result.uploaded == MAX_UPLOADS == len(fake_slack.uploads)


def test_not_in_channel_never_joins_and_asks_for_an_invitation(
    client: WebClient, fake_slack: FakeSlack, charts: list[Chart]
) -> None:
    fake_slack.fail("files.completeUploadExternal", "not_in_channel", times=1)
    result = _post(client, charts[:2])
    assert result.upload_error == "not_in_channel" and result.uploaded == 0
    assert "/invite @bscbot" in result.upload_hint
    assert fake_slack.calls_to("conversations.join") == []
    assert len(fake_slack.posted_messages()) == 1


def test_a_failed_upload_is_recorded_and_the_post_still_stands(
    client: WebClient, fake_slack: FakeSlack, charts: list[Chart]
) -> None:
    fake_slack.fail("files.completeUploadExternal", "not_in_channel", times=2)
    result = _post(client, charts[:1])
    assert result.upload_error == "not_in_channel" and result.uploaded == 0
    assert result.ts and len(fake_slack.posted_messages()) == 1
    fake_slack.reset()
    fake_slack.fail("files.getUploadURLExternal", "ratelimited_forever", times=1)
    result = _post(client, charts[:1])
    assert result.upload_error == "ratelimited_forever" and result.ts


def test_publish_review_posts_one_parent_and_its_charts(
    client: WebClient, fake_slack: FakeSlack, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    store = Store(f"sqlite:///{tmp_path}/bsc.db")
    scenario.build(store)
    result = publish_review(client, store, scorecard_slug="team", month=Period.parse("2026-10"))
    parents = [c for c in fake_slack.posted_messages(CHANNEL)]
    assert len(parents) == 1
    payload = parents[0].json("metadata")["event_payload"]
    assert payload == {"kind": "review", "scorecard": "team", "key": "review:team:2026-10"}
    assert 4 <= result.uploaded <= MAX_UPLOADS and result.upload_error is None
    assert all(u.thread_ts == result.ts and u.alt_txt for u in fake_slack.uploads)
    assert fake_slack.calls_to("files.upload") == []

    fake_slack.reset()
    huddle = publish_huddle(client, store, scorecard_slug="team", day=date(2026, 11, 23))
    assert huddle.uploaded == 0 and len(fake_slack.posted_messages(CHANNEL)) == 1
    assert fake_slack.posted_messages()[0].json("metadata")["event_payload"]["key"] == (
        "huddle:team:2026-11-23"
    )
    store.dispose()
