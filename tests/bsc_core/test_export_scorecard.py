"""`bscbot export-scorecard` and `bscbot import`: Slack edits and the file never silently
overwrite each other, and an exported file imports back to the identical state."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml
from sqlmodel import func, select
from typer.testing import CliRunner

from bot.cli import app
from bsc_core.db import Store
from bsc_core.export_scorecard import export_scorecard_yaml
from bsc_core.imports.scorecard_apply import apply_scorecard
from bsc_core.imports.scorecard_file import load_scorecard_file, parse_scorecard_text
from bsc_core.models import AuditEvent, Kpi, Target
from commands.kpi import handle_kpi
from commands.reply import Caller

ACME = Path(__file__).parents[2] / "examples" / "acme.yaml"
ACME_CHAIR, ACME_CHANNEL = "U0CHAIR01", "C0123456789"
PLANT_CHAIR, PLANT_CHANNEL = "U0PLANTMGR", "C0PLANT001"
NOW = datetime(2026, 11, 20, 10, 0)
SLUGS = ("acme", "acme-plant")


def _import(store: Store, path: Path | str, *, force: bool = False) -> list[bool]:
    specs = load_scorecard_file(path) if isinstance(path, Path) else parse_scorecard_text(path)
    with store.write() as session:
        return [apply_scorecard(session, s, actor="test", force=force).changed for s in specs]


def _slack(store: Store, text: str, *, chair: str = ACME_CHAIR, channel: str = ACME_CHANNEL) -> str:
    reply = handle_kpi(text, store=store, caller=Caller(chair, channel), now=NOW).text
    assert "Nothing was changed" not in reply, reply
    return reply


def _edit_in_slack(store: Store) -> None:
    _slack(store, "target MRR 140,000 2026-11")
    _slack(store, "owner GM <@U0FINANCE>")
    _slack(store, "target SCRAP 1.5", chair=PLANT_CHAIR, channel=PLANT_CHANNEL)
    _slack(store, "target UP1 130", chair=PLANT_CHAIR, channel=PLANT_CHANNEL)


def _export(store: Store) -> str:
    with store.read() as session:
        return "---\n".join(export_scorecard_yaml(session, slug) for slug in SLUGS)


def _events(store: Store) -> int:
    with store.read() as session:
        return int(session.exec(select(func.count()).select_from(AuditEvent)).one())


def test_an_exported_scorecard_imports_back_to_the_identical_state(
    store: Store, tmp_path: Path
) -> None:
    _import(store, ACME)
    _edit_in_slack(store)
    exported = _export(store)
    events = _events(store)

    assert _import(store, exported) == [False, False]  # nothing to change, in the same store
    assert _events(store) == events

    fresh = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    _import(fresh, exported)
    assert _export(fresh) == exported  # and a new store holds the very same scorecards
    with fresh.read() as session:
        mrr = session.exec(select(Kpi).where(Kpi.code == "MRR")).one()
        gm = session.exec(select(Kpi).where(Kpi.code == "GM")).one()
        targets = {
            t.period: t.value for t in session.exec(select(Target).where(Target.kpi_id == mrr.id))
        }
    assert (mrr.default_target, gm.owner) == (140000, "U0FINANCE")
    assert targets["2026-10"] == 127000 and "2026-11" not in targets  # per-period targets kept


def test_the_exported_file_carries_every_key_of_the_original(store: Store) -> None:
    _import(store, ACME)
    original = list(yaml.safe_load_all(ACME.read_text(encoding="utf-8")))
    exported = list(yaml.safe_load_all(_export(store)))

    def keys(doc: dict) -> set[str]:  # type: ignore[type-arg]
        found = {f"scorecard.{k}" for k in doc if doc[k] is not None}
        for objective in doc["objectives"]:
            found |= {f"objective.{k}" for k in objective}
            for kpi in objective.get("kpis", []):
                found |= {f"kpi.{k}" for k in kpi}
        return found

    for before, after in zip(original, exported, strict=True):
        assert keys(before) <= keys(after)


def test_an_import_that_would_undo_slack_edits_lists_them_and_stops(store: Store) -> None:
    _import(store, ACME)
    _edit_in_slack(store)
    result = CliRunner().invoke(app, ["import", str(ACME)])
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "would undo" in message and "nothing was imported" in message
    assert "KPI MRR target: changed in Slack from 120000 to 140000; the file says 120000" in (
        message
    )
    assert "KPI GM owner: changed in Slack from U0CFO0001 to U0FINANCE" in message
    assert "--force" in message
    with store.read() as session:
        assert session.exec(select(Kpi.owner).where(Kpi.code == "GM")).one() == "U0FINANCE"

    forced = CliRunner().invoke(app, ["import", str(ACME), "--force"])
    assert forced.exit_code == 0, forced.output
    with store.read() as session:
        assert session.exec(select(Kpi.owner).where(Kpi.code == "GM")).one() == "U0CFO0001"
    again = CliRunner().invoke(app, ["import", str(ACME)])
    assert again.exit_code == 0 and "already up to date" in again.output


def test_a_file_that_already_has_the_slack_edits_imports_quietly(
    store: Store, tmp_path: Path
) -> None:
    _import(store, ACME)
    _edit_in_slack(store)
    out = tmp_path / "acme-now.yaml"
    result = CliRunner().invoke(app, ["export-scorecard", "--scorecard", "acme", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "target: 140000" in text and "owner: U0FINANCE" in text
    assert CliRunner().invoke(app, ["import", str(out)]).exit_code == 0
    # The file's own later edit is still the file's to make.
    edited = text.replace("target: 140000", "target: 150000")
    assert _import(store, edited) == [True]


def test_export_of_an_unknown_scorecard_names_the_known_ones(store: Store, tmp_path: Path) -> None:
    _import(store, ACME)
    result = CliRunner().invoke(
        app, ["export-scorecard", "--scorecard", "acm", "--out", str(tmp_path / "x.yaml")]
    )
    assert result.exit_code == 1 and "acme" in result.output
    assert not (tmp_path / "x.yaml").exists()
