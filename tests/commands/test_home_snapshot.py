"""The chair's Home snapshot reads the roll-up: the board's score and the boards below it."""

from __future__ import annotations

from datetime import date

from bot.views.home import chair_blocks
from bsc_core.imports.scorecard_apply import apply_scorecard
from bsc_core.imports.scorecard_file import load_scorecard_file
from commands.home import chair_snapshots


def test_the_corporate_chair_sees_its_score_and_the_plant_below(store) -> None:  # type: ignore[no-untyped-def]
    with store.write() as session:
        for spec in load_scorecard_file("examples/acme.yaml"):
            apply_scorecard(session, spec, actor="test")

    snapshots = chair_snapshots(
        store=store, user_id="U0ADMIN01", is_admin=True, today=date(2026, 11, 23)
    )

    corporate = next(s for s in snapshots if s.slug == "acme")
    assert [c.slug for c in corporate.children] == ["acme-plant"]
    plant = next(s for s in snapshots if s.slug == "acme-plant")
    assert plant.children == []
    text = str(chair_blocks([corporate]))
    assert "Boards below" in text and "red" in text
