"""The store ``bench.ack`` runs on: 1,000 monthly KPIs and 100,000 actuals, built as an admin would.

The scorecard goes in through the YAML import and the history through ``bscbot import-actuals``
(the CSV import the README documents), timed, with the import's peak memory. Unlike
:mod:`bench.synthetic` (bulk inserts, for the report benchmarks) every row here is written by
the product's own import code.
"""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from bsc_core.db import Store
from bsc_core.imports.scorecard_apply import apply_scorecard
from bsc_core.imports.scorecard_file import parse_scorecard_text
from bsc_core.periods import Frequency, latest_ended

KPIS = 1000
ACTUALS = 100_000
USERS = 50
CHANNEL = "C0BENCH001"
CHAIR = "U0CHAIR01"


def user_id(index: int) -> str:
    """The Slack user who owns every KPI ``index`` ≡ ``index`` mod 50, and who logs it."""
    return f"U0BENCH{index % USERS:02d}"


def kpi_code(index: int) -> str:
    return f"K{index:04d}"


def scorecard_yaml() -> str:
    """1,000 monthly KPIs, two per objective, owned round-robin by the 50 bench users."""
    perspectives = ["Financial", "Customer", "Internal Process", "Learning & Growth"]
    lines = [
        "scorecard: Bench",
        "slug: bench",
        "tier: 1",
        f"channel: {CHANNEL}",
        f"chair: {CHAIR}",
        "timezone: UTC",
        "objectives:",
    ]
    for o in range(KPIS // 2):
        lines += [
            f"  - code: O{o:03d}",
            f"    perspective: {perspectives[o % 4]}",
            f"    name: Objective {o}",
            f"    owner: {CHAIR}",
            "    kpis:",
        ]
        for k in (2 * o, 2 * o + 1):
            lines += [
                f"      - code: {kpi_code(k)}",
                f"        name: Measure {k}",
                f"        owner: {user_id(k)}",
                "        frequency: monthly",
                f"        direction: {'up' if k % 3 else 'down'}",
                "        target: 100",
            ]
    return "\n".join(lines) + "\n"


def history_months() -> list[str]:
    """The 100 months that ended last: every KPI gets an actual for each (100,000 rows)."""
    latest = latest_ended(Frequency.MONTHLY, date.today())
    return [str(latest.shift(-back)) for back in range(ACTUALS // KPIS)]


def write_actuals_csv(path: Path) -> None:
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["code", "period", "value", "note", "user"])
        for k in range(KPIS):
            for month in history_months():
                writer.writerow([kpi_code(k), month, round(rng.uniform(80, 120), 1), "", ""])


def build_store(url: str, workdir: Path) -> dict[str, Any]:
    """Import the scorecard, then the CSV through ``bscbot import-actuals``; returns timings."""
    started = time.perf_counter()
    store = Store(url)
    store.ensure_schema()
    specs = parse_scorecard_text(scorecard_yaml())
    with store.write() as session:
        for spec in specs:
            apply_scorecard(session, spec, actor="bench")
    store.dispose()
    yaml_seconds = time.perf_counter() - started

    path = workdir / "actuals.csv"
    write_actuals_csv(path)
    env = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("bscbot")), "import-actuals", str(path)],
        env=env,
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # wait4 reports this child's own peak RSS (KiB on Linux), not the bench's.
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    output = (process.stdout.read() if process.stdout else b"").decode().strip()
    if os.waitstatus_to_exitcode(status) != 0:
        errors = (process.stderr.read() if process.stderr else b"").decode()
        raise RuntimeError(f"import-actuals failed: {errors[-2000:]}")
    return {
        "kpis": KPIS,
        "actuals": ACTUALS,
        "scorecard_import_seconds": round(yaml_seconds, 2),
        "csv_import_seconds": round(seconds, 2),
        "csv_import_peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "csv_import_output": output,
    }
