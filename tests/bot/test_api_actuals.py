"""``POST /api/v1/actuals`` through the real WSGI app, in-process (SQLite and PostgreSQL).

Plain HTTP with a bearer token, as another system would send it: each status code, all or
nothing, idempotent retries, a revoked token, the rate limit counted in the database, alerts
as for a log from Slack, and the OpenAPI description.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlmodel import col, select

from bsc_core.api_tokens import create_token, revoke_token
from bsc_core.db import Store
from bsc_core.models import Actual, AuditEvent, Kpi
from testkit.fake_slack import FakeSlack
from testkit.signing import Response
from tests.bot.conftest import bot_settings
from tests.bot.in_process import InProcessBot
from tests.factories import ADMIN, CHANNEL, import_docs, kpi, scorecard

PATH = "/api/v1/actuals"


@pytest.fixture
def bot(
    store: Store, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> Iterator[InProcessBot]:
    """The team board (MRR in USD, target 100,000 for 2026-10; GM in %; TOTAL computed from
    MRR) and another board (FAR) with no channel."""
    import_docs(
        store,
        scorecard(
            kpi("MRR", unit="USD", targets={"2026-10": 100000}),
            kpi("GM", unit="%", target=62, amber=2),
            kpi("TOTAL", **{"from": ["MRR"], "combine": "sum"}),
        ),
        scorecard(kpi("FAR"), slug="far", channel="C0FAR00001"),
    )
    bot_settings(monkeypatch, BSC_ADMINS=ADMIN)
    running = InProcessBot(store)
    yield running
    running.close()


def new_token(store: Store, name: str = "crm-sync", slug: str = "team") -> str:
    with store.write() as session:
        return create_token(session, scorecard_slug=slug, name=name, actor="test")


def send(
    bot: InProcessBot,
    rows: Any,
    token: str | None,
    *,
    key: str | None = None,
    raw: bytes | None = None,
) -> Response:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if key is not None:
        headers["Idempotency-Key"] = key
    body = raw if raw is not None else json.dumps(rows).encode()
    return bot.api("POST", PATH, body, headers)


def stored(store: Store) -> dict[str, float]:
    with store.read() as session:
        rows = session.exec(select(Kpi.code, Actual.period, Actual.value).join(Actual)).all()
    return {f"{code} {period}": value for code, period, value in rows}


def audit_actors(store: Store) -> list[str]:
    with store.read() as session:
        return list(
            session.exec(select(AuditEvent.actor).where(col(AuditEvent.entity) == "actual"))
        )


def test_a_token_stores_actuals_and_alerts_fire_and_the_audit_names_the_token(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    token = new_token(store)
    rows = [
        {"code": "MRR", "period": "2026-10", "value": 90000, "note": "from the CRM"},
        {"code": "gm", "period": "2026-10", "value": "61.5%"},
    ]

    response = send(bot, rows, token)

    assert response.status == 200, response.text
    answer = response.json()
    assert [(r["code"], r["outcome"], r["status"]) for r in answer["stored"]] == [
        ("MRR", "created", "red"),
        ("GM", "created", "amber"),
    ]
    assert stored(store) == {"MRR 2026-10": 90000, "GM 2026-10": 61.5}
    assert audit_actors(store) == ["token:crm-sync", "token:crm-sync"]
    bot.wait_for_jobs()
    alerts = [c for c in fake_slack.posted_messages(CHANNEL) if "MRR" in c.args.get("text", "")]
    assert [a.args["text"] for a in alerts] == ["MRR turned red for 2026-10"]

    again = send(bot, rows, token)
    assert again.status == 200
    assert [r["outcome"] for r in again.json()["stored"]] == ["no change", "no change"]
    corrected = send(bot, [{"code": "MRR", "period": "2026-10", "value": 91000}], token)
    row = corrected.json()["stored"][0]
    assert (row["outcome"], row["previous_value"], row["note"]) == (
        "updated",
        90000,
        "from the CRM",
    )
    bot.wait_for_jobs()
    assert len([c for c in fake_slack.posted_messages(CHANNEL) if "MRR" in c.args["text"]]) == 1


@pytest.mark.parametrize("credential", ["none", "not_bearer", "wrong", "revoked"])
def test_a_missing_wrong_or_revoked_token_gets_401_and_stores_nothing(
    bot: InProcessBot, store: Store, credential: str
) -> None:
    token = new_token(store)
    if credential == "revoked":
        with store.write() as session:
            revoke_token(session, name="crm-sync", actor="test")
    sent = {
        "none": None,
        "not_bearer": None,
        "wrong": token[:-4] + "AAAA",
        "revoked": token,
    }[credential]
    rows = [{"code": "MRR", "period": "2026-10", "value": 1}]
    if credential == "not_bearer":
        response = bot.api("POST", PATH, json.dumps(rows).encode(), {"Authorization": token})
    else:
        response = send(bot, rows, sent)

    assert response.status == 401
    assert response.json()["error"] == "unauthorized"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert stored(store) == {}


def test_a_kpi_of_another_scorecard_gets_403_and_nothing_of_the_request_is_stored(
    bot: InProcessBot, store: Store
) -> None:
    token = new_token(store)
    rows = [
        {"code": "MRR", "period": "2026-10", "value": 1},
        {"code": "FAR", "period": "2026-10", "value": 2},
    ]

    response = send(bot, rows, token)

    assert response.status == 403
    assert response.json()["errors"] == [
        {"row": 1, "field": "code", "error": "FAR belongs to another scorecard than this token's"}
    ]
    assert stored(store) == {}


def test_bad_rows_get_422_with_every_rows_error_and_nothing_is_stored(
    bot: InProcessBot, store: Store
) -> None:
    token = new_token(store)
    rows = [
        {"code": "MRR", "period": "2026-10", "value": 5},  # fine, but not stored
        {"code": "NOPE", "period": "2026-10", "value": 5},
        {"code": "MRR", "period": "2099-01", "value": 5},
        {"code": "MRR", "period": "2026-W10", "value": 5},
        {"code": "GM", "period": "2026-10", "value": "12USD"},
        {"code": "GM", "period": "2026-10", "value": True},
        {"code": "TOTAL", "period": "2026-10", "value": 5},
        {"code": "MRR", "period": "2026-10", "value": 6},
        {"code": "MRR", "value": 5},
        {"code": "MRR", "period": "2026-09", "value": 5, "colour": "red"},
        "MRR 5",
    ]

    response = send(bot, rows, token)

    assert response.status == 422
    errors = {e["row"]: (e["field"], e["error"]) for e in response.json()["errors"]}
    assert sorted(errors) == list(range(1, len(rows)))
    assert "no active KPI 'NOPE'" in errors[1][1]
    assert errors[2][0] == "period" and "future" in errors[2][1]
    assert errors[3][0] == "period"
    assert errors[4][0] == "value" and "measured in %" in errors[4][1]
    assert errors[5][0] == "value"
    assert errors[6][0] == "code" and "computed" in errors[6][1]
    assert "also row 0" in errors[7][1]
    assert errors[8] == ("period", 'period is required, e.g. "2026-10"')
    assert errors[9][0] == "colour"
    assert errors[10][0] == "row"
    assert stored(store) == {}

    for body in (b"", b"not json", b'{"code": "MRR"}', b"[]"):
        answer = send(bot, None, token, raw=body)
        assert answer.status == 422 and "JSON list" in answer.json()["message"], body


def test_a_retry_with_the_same_idempotency_key_changes_nothing_and_gets_the_same_answer(
    bot: InProcessBot, store: Store
) -> None:
    token = new_token(store)
    first_rows = [{"code": "MRR", "period": "2026-10", "value": 90000}]
    first = send(bot, first_rows, token, key="sync-2026-10-a")
    assert first.status == 200
    # Meanwhile someone corrects the value; a late retry of the first request must not undo it.
    assert send(bot, [{"code": "MRR", "period": "2026-10", "value": 95000}], token).status == 200
    events = len(audit_actors(store))

    retry = send(bot, first_rows, token, key="sync-2026-10-a")

    assert (retry.status, retry.json()) == (200, first.json())
    assert retry.headers.get("idempotent-replayed") == "true"
    assert stored(store) == {"MRR 2026-10": 95000}
    assert len(audit_actors(store)) == events
    other_body = send(
        bot, [{"code": "GM", "period": "2026-10", "value": 1}], token, key="sync-2026-10-a"
    )
    assert other_body.status == 422 and "another body" in other_body.json()["message"]
    assert "GM 2026-10" not in stored(store)


def test_concurrent_retries_with_one_key_store_once(bot: InProcessBot, store: Store) -> None:
    token = new_token(store)
    rows = [{"code": "MRR", "period": "2026-10", "value": 90000}]
    answers: list[Response] = []

    def call() -> None:
        answers.append(send(bot, rows, token, key="burst"))

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert [a.status for a in answers] == [200] * 4
    assert {json.dumps(a.json()) for a in answers} == {json.dumps(answers[0].json())}
    assert audit_actors(store) == ["token:crm-sync"]


def test_past_60_requests_a_minute_a_token_gets_429_counted_across_threads(
    bot: InProcessBot, store: Store
) -> None:
    token, other = new_token(store), new_token(store, name="erp")
    # The burst starts on a minute's first second, so it stays inside one minute.
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(start, tick=True):
        statuses: list[int] = []
        lock = threading.Lock()

        def burst(count: int) -> None:
            for _ in range(count):
                status = send(bot, None, token, raw=b"[]").status
                with lock:
                    statuses.append(status)

        threads = [threading.Thread(target=burst, args=(16,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

        assert sorted(statuses) == [422] * 60 + [429] * 4
        limited = send(bot, [{"code": "MRR", "period": "2026-10", "value": 1}], token)
        assert limited.status == 429 and 0 < int(limited.headers["retry-after"]) <= 60
        assert stored(store) == {}
        assert send(bot, [{"code": "MRR", "period": "2026-10", "value": 1}], other).status == 200


def test_the_openapi_description_is_served_and_other_methods_are_refused(
    bot: InProcessBot,
) -> None:
    described = bot.api("GET", "/api/v1/openapi.json")
    assert described.status == 200
    document = described.json()
    assert document["openapi"].startswith("3.")
    operation = document["paths"][PATH]["post"]
    assert set(operation["responses"]) >= {"200", "401", "403", "422", "429"}
    assert bot.api("GET", PATH).status == 405
    assert bot.api("GET", "/api/v1/nothing").status == 404
