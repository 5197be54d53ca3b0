"""Replies stay inside Block Kit's limits however big the scorecard, and escape user text."""

from __future__ import annotations

import json

from commands.kpi import handle_kpi
from commands.reply import Caller
from tests.factories import CHANNEL, OWNER, import_docs, kpi, scorecard


def _check_limits(blocks: list[dict], max_blocks: int = 50) -> None:  # type: ignore[type-arg]
    assert len(blocks) <= max_blocks
    for block in blocks:
        text = (block.get("text") or {}).get("text", "")
        assert len(text) <= (150 if block["type"] == "header" else 3000)


def test_list_and_mine_of_300_kpis_are_cut_not_rejected(store) -> None:  # type: ignore[no-untyped-def]
    perspectives = ["Financial", "Customer", "Internal Process", "Learning & Growth"]
    kpis = [
        kpi(
            f"K{n:03d}",
            name=f"Measure number {n} with a long descriptive name",
            perspective=perspectives[n % 4],
            objective=f"O{n % 40}",
        )
        for n in range(300)
    ]
    import_docs(store, scorecard(*kpis))
    caller = Caller(OWNER, CHANNEL)
    listed = handle_kpi("list", store=store, caller=caller).blocks or []
    _check_limits(listed)
    shown = json.dumps(listed)
    assert all(f"K{n:03d}" in shown for n in range(300))  # packed lines: everything fits
    mine = handle_kpi("mine", store=store, caller=caller).blocks or []
    _check_limits(mine)  # one block per KPI with its Log button: cut with a pointer
    assert mine[-1]["type"] == "context" and "+252 more" in json.dumps(mine[-1])


def test_names_from_the_file_are_escaped_in_replies(store) -> None:  # type: ignore[no-untyped-def]
    import_docs(store, scorecard(kpi("MRR", name="Revenue <!channel> & <@U0BOSS>")))
    shown = json.dumps(handle_kpi("list", store=store, caller=Caller(OWNER, CHANNEL)).blocks)
    assert "<!channel>" not in shown and "<@U0BOSS>" not in shown
    assert "&lt;!channel&gt; &amp; &lt;@U0BOSS&gt;" in shown


def test_the_log_form_never_offers_a_kpi_computed_from_others(store) -> None:  # type: ignore[no-untyped-def]
    from bsc_core.imports.scorecard_apply import apply_scorecard
    from bsc_core.imports.scorecard_file import load_scorecard_file
    from commands.kpi_views import loggable_kpis
    from commands.reply import Caller

    with store.write() as session:
        for spec in load_scorecard_file("examples/acme.yaml"):
            apply_scorecard(session, spec, actor="test")
    codes = {k.code for k in loggable_kpis(store=store, caller=Caller("U0ADMIN01", is_admin=True))}
    assert {"OTD1", "FPY1"} <= codes
    assert not {"OTD", "FPY"} & codes
