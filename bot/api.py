"""The HTTP API for other systems, served by the same WSGI app as Slack's requests.

- ``POST /api/v1/actuals`` stores actuals sent with a scorecard's bearer token
  (:func:`commands.api_actuals.post_actuals` decides the answer).
- ``GET /api/v1/openapi.json`` describes it (OpenAPI 3.1).

No Slack signature here: the token is the credential. Database waits are capped so a request
never hangs behind a long writer; past the cap the answer is 503 with ``Retry-After`` and
nothing was stored.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bsc_core.api_tokens import CALLS_PER_MINUTE
from bsc_core.db import DatabaseUnavailable, capped_waits, get_store
from commands.api_actuals import MAX_ROWS, ApiAnswer, post_actuals

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1/"
ACTUALS_PATH = "/api/v1/actuals"
OPENAPI_PATH = "/api/v1/openapi.json"
MAX_BODY_BYTES = 1_000_000
#: How long the API's database work may wait for locks, in all.
DATABASE_CAP_SECONDS = 5.0

_STATUS_TEXT = {
    200: "200 OK",
    401: "401 Unauthorized",
    403: "403 Forbidden",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    413: "413 Content Too Large",
    422: "422 Unprocessable Content",
    429: "429 Too Many Requests",
    503: "503 Service Unavailable",
}


def handle(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Answer a request under ``/api/v1/``."""
    path = environ.get("PATH_INFO") or "/"
    method = environ.get("REQUEST_METHOD", "GET")
    if path == OPENAPI_PATH:
        if method not in ("GET", "HEAD"):
            return _send(start_response, _not_allowed("GET"))
        return _send(start_response, ApiAnswer(200, openapi_document()), head=method == "HEAD")
    if path == ACTUALS_PATH:
        if method != "POST":
            return _send(start_response, _not_allowed("POST"))
        return _send(start_response, _actuals(environ))
    return _send(start_response, ApiAnswer(404, {"error": "not_found"}))


def _not_allowed(allowed: str) -> ApiAnswer:
    return ApiAnswer(405, {"error": "method_not_allowed"}, {"Allow": allowed})


def _actuals(environ: WSGIEnvironment) -> ApiAnswer:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if length < 0 or length > MAX_BODY_BYTES:
        return ApiAnswer(413, {"error": "too_large", "message": f"at most {MAX_BODY_BYTES} bytes"})
    body = environ["wsgi.input"].read(length) if length else b""
    try:
        with capped_waits(DATABASE_CAP_SECONDS):
            return post_actuals(
                store=get_store(),
                authorization=environ.get("HTTP_AUTHORIZATION"),
                body=body,
                idempotency_key=environ.get("HTTP_IDEMPOTENCY_KEY"),
            )
    except DatabaseUnavailable as exc:
        log.warning("api: database unavailable: %s", exc)
        return ApiAnswer(
            503,
            {"error": "unavailable", "message": "the database did not answer; nothing was stored"},
            {"Retry-After": "5"},
        )


def _send(
    start_response: StartResponse, answer: ApiAnswer, *, head: bool = False
) -> Iterable[bytes]:
    data = json.dumps(answer.body, ensure_ascii=False).encode("utf-8")
    headers = [
        ("Content-Type", "application/json; charset=utf-8"),
        ("Content-Length", str(len(data))),
        ("Cache-Control", "no-store"),
        *answer.headers.items(),
    ]
    start_response(_STATUS_TEXT.get(answer.status, f"{answer.status} Error"), headers)
    return [] if head else [data]


def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI 3.1 description (served at :data:`OPENAPI_PATH`)."""
    error = {"$ref": "#/components/schemas/Error"}

    def answer(description: str, schema: dict[str, Any] = error) -> dict[str, Any]:
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "bscbot API",
            "version": "1",
            "description": "Feed KPI actuals into a scorecard from other systems. A token "
            "belongs to one scorecard: `bscbot token create --scorecard SLUG --name NAME`.",
        },
        "paths": {
            ACTUALS_PATH: {
                "post": {
                    "summary": "Store actuals (all or nothing)",
                    "description": "Each row is checked like `/kpi log`; one bad row stores "
                    "nothing. Alerts fire as for a log from Slack; the audit log names the "
                    f"token. At most {CALLS_PER_MINUTE} requests a minute per token.",
                    "security": [{"bearer": []}],
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "description": "A retry with the same key and body changes "
                            "nothing and gets the first answer (kept a day).",
                            "schema": {"type": "string", "maxLength": 255},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "minItems": 1,
                                    "maxItems": MAX_ROWS,
                                    "items": {"$ref": "#/components/schemas/ActualIn"},
                                },
                                "example": [
                                    {"code": "MRR", "period": "2026-10", "value": 118500},
                                    {
                                        "code": "NPS",
                                        "period": "2026-Q3",
                                        "value": "42",
                                        "note": "CRM",
                                    },
                                ],
                            }
                        },
                    },
                    "responses": {
                        "200": answer("Stored", {"$ref": "#/components/schemas/Stored"}),
                        "401": answer("Missing, wrong or revoked token"),
                        "403": answer("A row names a KPI of another scorecard"),
                        "422": answer("Invalid body or rows; every row's error is listed"),
                        "429": answer("More than 60 requests in this minute (see Retry-After)"),
                        "503": answer("The database did not answer; nothing was stored"),
                    },
                }
            }
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "ActualIn": {
                    "type": "object",
                    "required": ["code", "period", "value"],
                    "additionalProperties": False,
                    "properties": {
                        "code": {"type": "string", "description": "The KPI's code"},
                        "period": {
                            "type": "string",
                            "description": "2026-11-23T14, 2026-11-23, 2026-W48, 2026-11 "
                            "or 2026-Q4, by the KPI's frequency",
                        },
                        "value": {
                            "oneOf": [{"type": "number"}, {"type": "string"}],
                            "description": "A number, or text as /kpi log reads it "
                            '("97.5%", "1,200")',
                        },
                        "note": {"type": "string", "maxLength": 1000},
                    },
                },
                "Stored": {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer"},
                        "stored": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "code": {"type": "string"},
                                    "period": {"type": "string"},
                                    "value": {"type": "number"},
                                    "outcome": {
                                        "type": "string",
                                        "enum": ["created", "updated", "no change"],
                                    },
                                    "previous_value": {"type": ["number", "null"]},
                                    "target": {"type": ["number", "null"]},
                                    "status": {"type": "string"},
                                    "note": {"type": ["string", "null"]},
                                },
                            },
                        },
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "errors": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "row": {"type": "integer"},
                                    "field": {"type": "string"},
                                    "error": {"type": "string"},
                                },
                            },
                        },
                    },
                },
            },
        },
    }
