"""The one-minute huddle: counts, changes, reds with their countermeasures, missing owners."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from bench.synthetic import build_synthetic
from bsc_core.db import Store
from bsc_core.reports.common import previous_working_day
from bsc_core.reports.huddle import build_huddle
from bsc_core.reports.render import (
    huddle_fallback_text,
    render_huddle_markdown,
)
from bsc_core.status import Status
from commands.report_blocks import huddle_blocks
from tests.bsc_core.reports import scenario
from tests.factories import OTHER, OWNER


def _huddle(store: Store, card_id: int):  # type: ignore[no-untyped-def]
    with store.read() as session:
        return build_huddle(session, scorecard_id=card_id, day=scenario.DAY)


def test_huddle_counts_every_status_and_compares_with_the_previous_working_day(
    store: Store,
) -> None:
    data = _huddle(store, scenario.build(store))
    assert data.previous_day == scenario.PREVIOUS
    assert data.counts == {
        Status.RED: 4,  # UP_R, DN_R, STREAK, D_RED
        Status.MISSING: 1,
        Status.AMBER: 3,  # UP_A, DN_A, D_AMB
        Status.GREEN: 4,  # UP_G, DN_G, D_REC, D_NEW
        Status.NO_TARGET: 1,
    }
    assert data.key == "huddle:team:2026-11-23"


def test_huddle_lists_went_red_recovered_and_newly_logged(store: Store) -> None:
    data = _huddle(store, scenario.build(store))
    assert [(c.kind, c.kpi.code) for c in data.changes] == [
        ("went_red", "D_RED"),
        ("recovered", "D_AMB"),
        ("recovered", "D_REC"),
        ("newly_logged", "D_NEW"),
    ]


def test_reds_come_longest_streak_first_with_their_countermeasure_state(store: Store) -> None:
    data = _huddle(store, scenario.build(store))
    reds = {r.kpi.code: r for r in data.reds}
    assert data.reds[0].kpi.code == "STREAK"
    assert reds["STREAK"].row.streak == 3
    assert reds["STREAK"].countermeasure is not None
    assert reds["STREAK"].countermeasure.overdue
    assert reds["DN_R"].countermeasure is not None and not reds["DN_R"].countermeasure.overdue
    assert reds["UP_R"].countermeasure is None
    assert [(g.owner, [r.kpi.code for r in g.rows]) for g in data.missing] == [(OTHER, ["MISS"])]


def test_huddle_message_reads_bad_news_first_with_emoji_and_words(store: Store) -> None:
    data = _huddle(store, scenario.build(store))
    blocks = huddle_blocks(data)
    text = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    assert blocks[0]["type"] == "header" and "Team" in blocks[0]["text"]["text"]
    assert text.index("Red KPIs") < text.index("Missing actuals")
    assert "🔴 red *4*" in text and "▫️ no target *1*" in text
    assert "🔺 Went red: *D_RED*" in text
    assert "✅ Recovered: *D_AMB*" in text
    assert "red 3 periods in a row" in text
    assert "countermeasure *overdue* (due Fri 30 Oct)" in text
    assert "no countermeasure yet" in text
    assert "countermeasure open, due Tue 1 Dec" in text
    assert f"<@{OWNER}>" in text and f"⚪ <@{OTHER}>: *MISS* (2026-10)" in text
    assert "(2026-10): 70 vs target 100 (-30%)" in text
    assert "4 red" in huddle_fallback_text(data)


def test_huddle_markdown_has_the_same_content(store: Store) -> None:
    markdown = render_huddle_markdown(_huddle(store, scenario.build(store)))
    assert markdown.startswith("# Huddle · Team · Mon 23 Nov 2026")
    assert "## Red KPIs" in markdown
    assert "- 🔴 red **STREAK**" in markdown
    assert f"@{OWNER}" in markdown and "<@" not in markdown


@pytest.mark.parametrize(
    ("day", "previous"),
    [
        (date(2026, 11, 23), date(2026, 11, 20)),  # Monday -> Friday
        (date(2026, 11, 24), date(2026, 11, 23)),  # Tuesday -> Monday
        (date(2026, 11, 22), date(2026, 11, 20)),  # Sunday -> Friday
        (date(2026, 11, 21), date(2026, 11, 20)),  # Saturday -> Friday
    ],
)
def test_previous_working_day(day: date, previous: date) -> None:
    assert previous_working_day(day) == previous


def _statements(store: Store, card_id: int) -> int:
    count = 0

    def on_execute(*_args: object) -> None:
        nonlocal count
        count += 1

    event.listen(store.engine, "before_cursor_execute", on_execute)
    try:
        with store.read() as session:
            build_huddle(session, scorecard_id=card_id, day=scenario.DAY)
    finally:
        event.remove(store.engine, "before_cursor_execute", on_execute)
    return count


def test_huddle_statement_count_does_not_grow_with_the_kpis(store: Store) -> None:
    small = build_synthetic(store, kpis=20, slug="small")
    large = build_synthetic(store, kpis=200, slug="large")
    _statements(store, small)  # warm-up: schema check and first connection
    assert _statements(store, small) == _statements(store, large) <= 11
