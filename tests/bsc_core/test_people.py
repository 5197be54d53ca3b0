"""People's names off Slack: cached profiles, the scorecard file's ``people:`` map, fallbacks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bsc_core.db import Store
from bsc_core.imports.scorecard_file import ScorecardFileError
from bsc_core.people import (
    display_name,
    names,
    names_in,
    remember_names,
    resolver,
    seed_names,
    stale_names,
)
from tests.factories import CHAIR, OTHER, OWNER, import_docs, kpi, scorecard

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_an_unknown_id_shows_as_itself(store: Store) -> None:
    with store.read() as session:
        assert display_name(session, "U0NOBODY1") == "U0NOBODY1"
        assert resolver(session)("U0NOBODY1") == "U0NOBODY1"
        assert names(session, ["U0NOBODY1"]) == {"U0NOBODY1": "U0NOBODY1"}


def test_people_map_in_the_scorecard_file_seeds_names(store: Store) -> None:
    import_docs(store, scorecard(kpi("MRR"), people={OWNER: "Dana Whitfield", CHAIR: "Alex"}))
    with store.read() as session:
        assert display_name(session, OWNER) == "Dana Whitfield"
        assert names(session, [OWNER, CHAIR, OTHER]) == {
            OWNER: "Dana Whitfield",
            CHAIR: "Alex",
            OTHER: OTHER,
        }


@pytest.mark.parametrize(
    ("people", "message"),
    [
        (["U0OWNER01"], "people must map Slack user IDs to names"),
        ({"dana": "Dana Whitfield"}, "'dana' is not a Slack user ID"),
        ({OWNER: ""}, f"people: {OWNER} needs a name"),
    ],
)
def test_a_wrong_people_map_is_refused_with_the_right_form(
    store: Store, people: object, message: str
) -> None:
    with pytest.raises(ScorecardFileError) as error:
        import_docs(store, scorecard(kpi("MRR"), people=people))
    assert message in str(error.value)
    assert "people: {U0CFO0001: Dana Whitfield}" in str(error.value)


def test_a_name_from_slack_outranks_the_seed_and_lasts_a_day(store: Store) -> None:
    store.run(lambda s: remember_names(s, {OWNER: "dana.w"}, now=NOW))
    import_docs(store, scorecard(kpi("MRR"), people={OWNER: "Dana Whitfield"}))
    with store.read() as session:
        assert display_name(session, OWNER) == "dana.w"
        assert stale_names(session, [OWNER], now=NOW + timedelta(hours=23)) == []
        assert stale_names(session, [OWNER], now=NOW + timedelta(days=1)) == [OWNER]


def test_a_seeded_name_is_asked_of_slack_all_the_same(store: Store) -> None:
    store.run(lambda s: seed_names(s, {OWNER: "Dana Whitfield"}))
    with store.read() as session:
        assert stale_names(session, [OWNER, "not-an-id"], now=NOW) == [OWNER]


def test_mentions_in_text_become_names(store: Store) -> None:
    store.run(lambda s: seed_names(s, {OWNER: "Dana Whitfield"}))
    with store.read() as session:
        name_of = resolver(session)
        text = names_in(f"ask <@{OWNER}> and <@{OTHER}|someone>", name_of)
    assert text == f"ask @Dana Whitfield and @{OTHER}"
