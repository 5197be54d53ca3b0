"""The demo tells the escalation story: the plant's red UP1 raised to Acme Corp last month,
taken and resolved, and counted in the corporate review the demo shows."""

from __future__ import annotations

from datetime import date

from bsc_core.db import Store
from bsc_core.demo import generate_demo
from bsc_core.reports.prepare import prepare_review

TODAY = date(2026, 11, 23)


def test_the_corporate_review_of_the_demo_shows_the_plants_escalation(store: Store) -> None:
    generate_demo(store, today=TODAY)

    with store.read() as session:
        corporate = prepare_review(session, scorecard_slug="acme", with_charts=False).markdown
        plant = prepare_review(session, scorecard_slug="acme-plant", with_charts=False).markdown

    assert "⬆️ 1 raised · 🙋 1 taken · ✅ 1 resolved · ⏳ 0 open" in corporate
    assert "**UP1** 2026-10-12T10 from Acme Plant — Line 1" in corporate
    assert "Packer gearbox replaced" in corporate
    assert "Escalations from the boards below" not in plant
