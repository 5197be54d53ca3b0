"""Escaping and Block Kit limits: user text never pings, big scorecards are cut, not refused."""

from __future__ import annotations

from datetime import date

from bench.synthetic import build_synthetic
from bsc_core.db import Store
from bsc_core.periods import Period
from bsc_core.reports.huddle import build_huddle
from bsc_core.reports.render import (
    escape,
    render_huddle_markdown,
)
from bsc_core.reports.review import build_review
from commands import blockkit
from commands.report_blocks import huddle_blocks, review_blocks
from tests.bsc_core.reports import scenario

EVIL = "<!channel> & <@U0BOSS>"


def _all_text(blocks: list[dict]) -> str:  # type: ignore[type-arg]
    parts = []
    for b in blocks:
        if isinstance(b.get("text"), dict):
            parts.append(b["text"]["text"])
        if b.get("type") == "context":  # actions blocks hold buttons, not mrkdwn
            parts += [e["text"] for e in b.get("elements", [])]
    return "\n".join(parts)


def test_escape_makes_mrkdwn_inert() -> None:
    assert escape(EVIL) == "&lt;!channel&gt; &amp; &lt;@U0BOSS&gt;"
    assert escape("two\nlines") == "two lines"


def test_names_notes_root_causes_and_scorecard_name_are_escaped(store: Store) -> None:
    card_id = scenario.build(store, name="Ops " + EVIL, kpi_name="Sales " + EVIL)
    with store.read() as session:
        huddle = build_huddle(session, scorecard_id=card_id, day=scenario.DAY)
        review = build_review(session, scorecard_id=card_id, month=Period.parse("2026-10"))
    for blocks in (huddle_blocks(huddle), review_blocks(review)):
        text = _all_text(blocks[1:])
        assert "<!channel>" not in text and "<@U0BOSS>" not in text
        assert "Sales &lt;!channel&gt; &amp; &lt;@U0BOSS&gt;" in text  # KPI name
        assert blocks[0]["type"] == "header"  # plain text: shown literally, never parsed
    huddle_text = _all_text(huddle_blocks(huddle))
    assert "blame &lt;@U0BOSS&gt; &amp; &lt;!channel&gt;" in huddle_text  # note
    assert "_&lt;!channel&gt; ping_" in huddle_text  # root cause
    assert "Fix the &lt;!channel&gt; process &amp; train" in huddle_text  # action
    assert "<@U0OWNER01>" in huddle_text  # real owners are still mentioned
    assert "<!channel>" not in render_huddle_markdown(huddle)


def test_300_kpis_stay_within_block_kit_limits(store: Store) -> None:
    card_id = build_synthetic(store, kpis=300, slug="big")
    with store.read() as session:
        huddle = build_huddle(session, scorecard_id=card_id, day=date(2026, 11, 23))
        review = build_review(session, scorecard_id=card_id, month=Period.parse("2026-10"))
    huddle_posted = huddle_blocks(huddle)
    review_posted = review_blocks(review)
    assert blockkit.check(huddle_posted) == []
    assert blockkit.check(review_posted) == []
    shown = sum(line.startswith("• ") for line in _all_text(huddle_posted).split("\n"))
    assert shown <= 15
    assert "more — /kpi list" in _all_text(huddle_posted)
    review_text = _all_text(review_posted)
    listed = sum(line.startswith("• ") for line in review_text.split("\n"))
    watched = sum(len(p.reds) + len(p.ambers) for p in review.perspectives)
    assert listed >= watched or "more — /kpi list" in review_text


def test_fit_cuts_long_sections_and_too_many_blocks() -> None:
    long_text = "\n".join(f"• KPI {n} " + "x" * 80 for n in range(200))
    blocks = [blockkit.header("H" * 400), *[blockkit.divider()] * 3]
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": long_text}})
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": "• y"}}] * 60
    fitted = blockkit.fit(blocks)
    assert blockkit.check(fitted) == []
    assert len(fitted) == 50
    assert len(fitted[0]["text"]["text"]) == 150
    last = fitted[-1]["elements"][0]["text"]
    assert last.startswith("+") and last.endswith("more — /kpi list")
    fields = blockkit.fit([{"type": "section", "fields": [{"type": "mrkdwn", "text": "a"}] * 25}])
    assert [len(b["fields"]) for b in fields] == [10, 10, 5]
