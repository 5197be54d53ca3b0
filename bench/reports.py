"""Report benchmarks: ``python -m bench.reports`` prints a table and writes bench-results/.

Measures, on a temporary SQLite database: the huddle build for 20, 200 and 1,000 KPIs (median
of several runs; Slack excluded), the SQL statements each build sends (counted with a
``before_cursor_execute`` listener: they must not grow with the KPIs), peak Python memory
(tracemalloc), and a 60-KPI monthly review with all its charts rendered to PNG.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import event

from bench.synthetic import build_synthetic
from bsc_core.db import Store
from bsc_core.periods import Period
from bsc_core.reports.charts import review_charts
from bsc_core.reports.huddle import build_huddle
from bsc_core.reports.review import build_review
from commands.report_blocks import huddle_blocks, review_blocks

DAY = date(2026, 11, 23)
MONTH = Period.parse("2026-10")
SIZES = (20, 200, 1000)
RUNS = 7


def _measure(store: Store, work: Callable[[], Any], runs: int) -> dict[str, float]:
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    work()  # warm-up: connection, schema check, template compilation
    times = []
    event.listen(store.engine, "before_cursor_execute", count)
    try:
        for _ in range(runs):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "median_s": statistics.median(times),
        "statements": statements / runs,
        "peak_mib": peak / 2**20,
    }


def main() -> None:
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.db")
        for size in SIZES:
            card_id = build_synthetic(store, kpis=size, slug=f"s{size}")

            def huddle(card_id: int = card_id) -> None:
                with store.read() as session:
                    huddle_blocks(build_huddle(session, scorecard_id=card_id, day=DAY))

            results.append({"case": f"huddle, {size} KPIs", **_measure(store, huddle, RUNS)})
        card_id = build_synthetic(store, kpis=60, slug="review60")

        def review() -> None:
            with store.read() as session:
                data = build_review(session, scorecard_id=card_id, month=MONTH)
                charts = review_charts(session, data)
            review_blocks(data)
            for chart in charts:
                chart.png()

        results.append({"case": "review + charts, 60 KPIs", **_measure(store, review, 3)})

        def quad() -> None:
            from bsc_core.board import load_kpis
            from bsc_core.charts.quad import quad_chart
            from bsc_core.kpi_quad import build_quad

            with store.read() as session:
                kpi = load_kpis(session, scorecard_ids=[card_id])[0]
                data = build_quad(session, kpi=kpi, today=DAY)
            quad_chart(data).png()

        results.append({"case": "quad chart, one KPI", **_measure(store, quad, RUNS)})
        store.dispose()

    table = Table(title="bscbot reports")
    for column in ("case", "median (ms)", "SQL statements", "peak memory (MiB)"):
        table.add_column(column, justify="left" if column == "case" else "right")
    for row in results:
        table.add_row(
            row["case"],
            f"{row['median_s'] * 1000:.1f}",
            f"{row['statements']:.0f}",
            f"{row['peak_mib']:.1f}",
        )
    Console().print(table)
    out = Path("bench-results")
    out.mkdir(exist_ok=True)
    (out / "reports.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
