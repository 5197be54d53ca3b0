"""A person in Slack, for end-to-end tests: types slash commands, clicks, submits modals.

Each call is one signed HTTP request to the running bot, exactly as Slack would send it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from testkit.fake_slack import FakeSlack
from testkit.signing import (
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

    last_response_url: str = ""

    def command(
        self, text: str, *, command: str = "/kpi", channel_id: str | None = None
    ) -> Response:
        """Send the slash command; the HTTP answer is the ack (see :meth:`answer`)."""
        self.last_response_url = self.fake.response_url(name=f"{command} {text}"[:60])
        body = slash_command_body(
            command=command,
            text=text,
            user_id=self.user_id,
            channel_id=channel_id or self.channel_id,
            response_url=self.last_response_url,
        )
        return self.client.post("/slack/events", body)

    def answer(self, text: str, **kwargs: Any) -> dict[str, Any]:
        """The message a person sees in reply: the ack's body when it carries one, else the
        first message the bot sends through the command's response_url."""
        response = self.command(text, **kwargs)
        assert response.status == 200, response.text
        if response.text.strip():
            body = response.json()
            if body.get("text"):
                return body
        url = self.last_response_url
        posted = self.fake.wait_for(lambda: self.fake.responses_for(url), timeout=10)
        return dict(posted[0].body)

    def reply(self, text: str, **kwargs: Any) -> str:
        """The text of :meth:`answer`."""
        return str(self.answer(text, **kwargs)["text"])

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
