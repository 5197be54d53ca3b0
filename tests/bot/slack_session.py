"""A person in Slack, for end-to-end tests: types slash commands, clicks, submits modals.

Each call is one signed HTTP request to the running bot, exactly as Slack would send it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.support.fake_slack import FakeSlack
from tests.support.signing import (
    Response,
    SlackClient,
    block_actions_body,
    event_body,
    slash_command_body,
    view_submission_body,
)


@dataclass
class SlackUser:
    client: SlackClient
    fake: FakeSlack
    user_id: str
    channel_id: str = "C0TEAM0001"

    def command(
        self, text: str, *, command: str = "/kpi", channel_id: str | None = None
    ) -> Response:
        body = slash_command_body(
            command=command,
            text=text,
            user_id=self.user_id,
            channel_id=channel_id or self.channel_id,
            response_url=self.fake.response_url(name=f"{command} {text}"[:60]),
        )
        return self.client.post("/slack/events", body)

    def reply(self, text: str, **kwargs: Any) -> str:
        """The text a person sees in reply to a slash command answered in the ack."""
        response = self.command(text, **kwargs)
        assert response.status == 200, response.text
        return response.json()["text"]

    def click(self, action_id: str, value: str, *, view: dict[str, Any] | None = None) -> Response:
        body = block_actions_body(
            action_id,
            value,
            user_id=self.user_id,
            channel_id=None if view else self.channel_id,
            view=view,
            response_url=None if view else self.fake.response_url(name=action_id),
        )
        return self.client.post("/slack/events", body)

    def submit(
        self, callback_id: str, values: dict[str, Any], *, private_metadata: str = ""
    ) -> Response:
        body = view_submission_body(
            callback_id, values, user_id=self.user_id, private_metadata=private_metadata
        )
        return self.client.post("/slack/events", body)

    def open_home(self) -> Response:
        event = {
            "type": "app_home_opened",
            "user": self.user_id,
            "channel": "D0HOME",
            "tab": "home",
        }
        return self.client.post("/slack/events", event_body(event), content_type="application/json")


def log_values(code: str, value: str, period: str = "", note: str = "") -> dict[str, Any]:
    """The log modal's state as Slack submits it."""
    return {
        "kpi": {
            "code": {
                "type": "static_select",
                "selected_option": {"value": code, "text": {"type": "plain_text", "text": code}},
            }
        },
        "period": {"period": period or None},
        "value": {"value": value},
        "note": {"note": note or None},
    }


def response_json(response: Response) -> dict[str, Any]:
    return json.loads(response.text) if response.text else {}
