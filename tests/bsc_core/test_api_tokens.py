"""API tokens in the store: shown once, kept only as a hash, revoked at once."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bsc_core.api_tokens import (
    TokenError,
    authenticate,
    create_token,
    hash_token,
    list_tokens,
    revoke_token,
)
from bsc_core.db import Store
from bsc_core.models import ApiToken, AuditEvent
from tests.factories import import_docs, kpi, scorecard


def test_only_a_hash_of_the_token_is_kept_and_a_revoked_token_stops_working(
    store: Store,
) -> None:
    import_docs(store, scorecard(kpi("MRR")))
    with store.write() as session:
        token = create_token(session, scorecard_slug="team", name="crm-sync", actor="cli:ops")

    with store.read() as session:
        stored = session.exec(select(ApiToken)).one()
        audit = [e.after or "" for e in session.exec(select(AuditEvent))]
        assert authenticate(session, token) is not None
        assert authenticate(session, token + "x") is None
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    assert not any(token in text for text in audit)

    with store.write() as session:
        revoke_token(session, name="crm-sync", actor="cli:ops")
    with store.read() as session:
        assert authenticate(session, token) is None
        assert list_tokens(session)[0].revoked_at is not None


@pytest.mark.parametrize(
    ("slug", "name", "problem"),
    [
        ("team", "CRM sync", "not a token name"),
        ("nope", "crm-sync", "no scorecard 'nope'"),
        ("team", "taken", "exists already"),
    ],
)
def test_a_token_with_a_bad_name_or_scorecard_is_refused(
    store: Store, slug: str, name: str, problem: str
) -> None:
    import_docs(store, scorecard(kpi("MRR")))
    with store.write() as session:
        create_token(session, scorecard_slug="team", name="taken", actor="test")
    with pytest.raises(TokenError, match=problem), store.write() as session:
        create_token(session, scorecard_slug=slug, name=name, actor="test")
    with store.read() as session:
        assert [t.name for t in list_tokens(session)] == ["taken"]
