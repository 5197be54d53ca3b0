"""API tokens: another system's key to one scorecard, its rate limit and its idempotency keys.

A token is shown once, when it is created; the database keeps only its SHA-256, so a copy of
the database lets nobody call the API. Tokens are random (256 bits), so a plain hash is enough
(no salt or slow hash: there is nothing to guess). Requests are counted per token and minute in
the database, so several web workers enforce one limit together, and the answer to a request
sent with an ``Idempotency-Key`` is kept a day, so a retry gets the same answer and changes
nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from bsc_core import audit
from bsc_core.models import ApiCallCount, ApiIdempotentAnswer, ApiToken, Scorecard, utcnow

TOKEN_PREFIX = "bsc_"
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
NAME_FORM = "1–64 characters: lower-case letters, digits, '.', '_' or '-' (e.g. crm-sync)"
#: Requests a token may make in one minute.
CALLS_PER_MINUTE = 60
#: How long an idempotent answer is kept (a client retries within minutes, not days).
KEEP_ANSWERS = timedelta(days=1)
KEEP_COUNTS = timedelta(hours=1)


class TokenError(ValueError):
    """A token cannot be created or revoked as asked; the message says why and how."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def actor_of(name: str) -> str:
    """What the audit log names a token's changes by."""
    return f"token:{name}"


@dataclass(frozen=True)
class TokenInfo:
    """A token as ``bscbot token list`` shows it (never the token itself)."""

    name: str
    scorecard_slug: str
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class ActiveToken:
    """A token that authenticated a request: its id, name and scorecard."""

    id: int
    name: str
    scorecard_id: int

    @property
    def actor(self) -> str:
        return actor_of(self.name)


def create_token(session: Session, *, scorecard_slug: str, name: str, actor: str) -> str:
    """Create a token for ``scorecard_slug`` named ``name``; returns the token (shown once)."""
    if not NAME.fullmatch(name):
        raise TokenError(f"{name!r} is not a token name; write {NAME_FORM}")
    card = session.exec(select(Scorecard).where(Scorecard.slug == scorecard_slug)).first()
    if card is None:
        raise TokenError(f"there is no scorecard {scorecard_slug!r}")
    existing = session.exec(select(ApiToken).where(ApiToken.name == name)).first()
    if existing is not None:
        state = " (revoked)" if existing.revoked_at else ""
        raise TokenError(f"a token named {name!r} exists already{state}; choose another name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        name=name,
        scorecard_id=card.id or 0,
        token_hash=hash_token(token),
        created_by=actor,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="api_token",
        entity_id=row.id,
        after={"name": name, "scorecard": card.slug},
    )
    return token


def list_tokens(session: Session) -> list[TokenInfo]:
    rows = session.exec(
        select(ApiToken, Scorecard.slug)
        .join(Scorecard, col(Scorecard.id) == col(ApiToken.scorecard_id))
        .order_by(col(ApiToken.name))
    ).all()
    return [
        TokenInfo(t.name, slug, t.created_by, t.created_at, t.revoked_at, t.last_used_at)
        for t, slug in rows
    ]


def revoke_token(session: Session, *, name: str, actor: str) -> None:
    """Revoke ``name`` at once: its next request gets 401."""
    row = session.exec(select(ApiToken).where(ApiToken.name == name)).first()
    if row is None:
        raise TokenError(f"there is no token named {name!r} (see `bscbot token list`)")
    if row.revoked_at is not None:
        raise TokenError(f"the token {name!r} is already revoked")
    row.revoked_at = utcnow()
    session.add(row)
    audit.record(
        session,
        actor=actor,
        action="revoke",
        entity="api_token",
        entity_id=row.id,
        after={"name": name},
    )


def authenticate(session: Session, token: str) -> ActiveToken | None:
    """The active token ``token`` is, or None (unknown, malformed or revoked)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    return ActiveToken(row.id or 0, row.name, row.scorecard_id)


def minute_of(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:%M")


def count_call(session: Session, *, token_id: int, now: datetime | None = None) -> int:
    """Count one request of ``token_id`` in this minute; returns the minute's count so far.

    One upsert, so concurrent requests on several workers each get their own number.
    """
    now = now or utcnow()
    builder = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = builder(ApiCallCount).values(token_id=token_id, minute=minute_of(now), calls=1)
    upsert = statement.on_conflict_do_update(
        index_elements=["token_id", "minute"], set_={"calls": col(ApiCallCount.calls) + 1}
    ).returning(col(ApiCallCount.calls))
    calls = int(session.execute(upsert).scalar_one())
    if calls == 1:  # the first call of a minute clears what no longer matters
        session.execute(
            delete(ApiCallCount).where(col(ApiCallCount.minute) < minute_of(now - KEEP_COUNTS))
        )
        session.execute(
            delete(ApiIdempotentAnswer).where(
                col(ApiIdempotentAnswer.created_at) < now - KEEP_ANSWERS
            )
        )
        session.execute(
            ApiToken.__table__.update()  # type: ignore[attr-defined]
            .where(ApiToken.id == token_id)
            .values(last_used_at=now)
        )
    return calls


@dataclass(frozen=True)
class KeptAnswer:
    request_hash: str
    status: int
    body: str


def kept_answer(session: Session, *, token_id: int, key: str) -> KeptAnswer | None:
    row = session.exec(
        select(ApiIdempotentAnswer).where(
            ApiIdempotentAnswer.token_id == token_id, ApiIdempotentAnswer.key == key
        )
    ).first()
    return None if row is None else KeptAnswer(row.request_hash, row.status, row.body)


def keep_answer(
    session: Session, *, token_id: int, key: str, request_hash: str, status: int, body: str
) -> None:
    """Keep the answer under ``key`` in the request's own transaction (unique per token)."""
    session.add(
        ApiIdempotentAnswer(
            token_id=token_id,
            key=key,
            request_hash=request_hash,
            status=status,
            body=body,
            created_at=utcnow(),
        )
    )
    session.flush()
