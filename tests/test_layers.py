"""The layers are a checked contract: bot and scheduler → commands → bsc_core.

import-linter reads the contracts in ``pyproject.toml`` ([tool.importlinter]): bsc_core imports
neither Slack libraries nor any outer package, commands imports neither bot nor scheduler (nor
Slack's transport), and scheduler uses bot only through its Slack client and publishing
modules. A broken contract fails this test, so ``python -m pytest`` checks them.
"""

from __future__ import annotations

import os
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_every_import_contract_is_kept(capsys) -> None:  # type: ignore[no-untyped-def]
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    finally:
        os.chdir(cwd)
    report = capsys.readouterr().out
    assert code == 0, report
    assert "4 kept, 0 broken" in report
