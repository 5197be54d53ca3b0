"""How long a person waits for "Stored" after ``/kpi log``, against a floor and a default Bolt app.

``python -m bench.ack [--quick]`` builds a store of 1,000 KPIs and 100,000 actuals
(:mod:`bench.big_store`), then starts three apps on the same stack (gunicorn gthread,
1 worker × 8 threads, as ``bscbot serve`` runs by default) and times signed slash commands
over keep-alive loopback HTTP:

- **floor** (:mod:`bench.floor_app`): checks the signature and answers; no Bolt, no database.
- **default Bolt** (:mod:`bench.bolt_app`): a listener that only acks, without
  ``process_before_response``: its ack waits on Bolt's 10 ms polling.
- **bscbot** (``bscbot serve``): each request a ``/kpi log`` that changes a stored actual. The
  ack carries the confirmation ("Stored …", or "updated from … to …" for a change), so the time
  to the ack is the time until the person reads that the number is saved. Every ack is checked
  to be that confirmation, and at the end every value is read back from the database.

Each client sends its next command as soon as the last one is answered. At 1 and 10 clients,
several rounds; in each round the three apps run one after the other, in an order that rotates,
so a drift of the shared machine falls on all three. p50 and p99 are taken per round and the
medians over rounds reported, ratios per round and their median. Then, with ``bscbot worker``
on the same database, how soon an idle worker posts a ``/huddle`` after its ack
(:mod:`bench.huddle_start`). SQLite first, then a throwaway PostgreSQL server when its binaries
are installed. Prints tables; writes ``bench-results/ack.json``. Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlmodel import col, select

from bench.big_store import KPIS, USERS, build_store, history_months, kpi_code, user_id
from bench.huddle_start import WorkerFailed, measure_huddle_start, rss_mib
from bsc_core.db import Store
from bsc_core.models import Actual, Kpi
from testkit.fake_slack import RemoteFakeSlack
from testkit.load_client import LoadRun, Script, percentile, run_clients
from testkit.postgres import PostgresServer, PostgresUnavailable
from testkit.server_harness import REPO_ROOT, BotServer, child_pids

THREADS = 8  # WEB_THREADS default: the production configuration
LEVELS = (1, 10)
STACKS = ("floor", "bolt", "bscbot")
LABELS = {"floor": "floor (signature check)", "bolt": "default Bolt (ack only)", "bscbot": "bscbot"}
SETTLE_SECONDS = 0.2  # between runs: the last requests' after-work (Bolt's threads) ends
RESULTS = REPO_ROOT / "bench-results" / "ack.json"

# Goals of issue 13, for SQLite; PostgreSQL is reported beside them.
GOAL_FLOOR_RATIO = 3.0  # bscbot p50 at 1 client ≤ 3× the floor's
GOAL_BOLT_RATIO = 0.5  # bscbot p50 at 1 client ≤ 0.5× the default Bolt app's
GOAL_P99_MS = 50.0  # bscbot p99 at 10 clients
GOAL_HUDDLE_MS = 1000.0

# Wide enough for the tables when the output goes to a file or a CI log.
console = Console(width=None if sys.stdout.isatty() else 140)


@dataclass(frozen=True)
class Plan:
    """How much load each part gets: ``--quick`` for a run of about two minutes."""

    requests: dict[int, int]  # clients → requests per app and round
    rounds: int
    warmup: int
    huddles: int

    @staticmethod
    def make(quick: bool) -> Plan:
        if quick:
            return Plan({1: 100, 10: 300}, rounds=3, warmup=40, huddles=3)
        return Plan({1: 400, 10: 1500}, rounds=5, warmup=150, huddles=8)


# ------------------------------------------------------------------------------- the load
class Logs:
    """What the clients send: each a new value for one of its user's KPIs and a past month.

    Every request changes a stored actual (an update and its audit event), the slowest thing
    ``/kpi log`` does before its ack. Client ``i`` logs as user ``i mod 50`` and only that
    user's KPIs, so with up to 50 clients no two clients touch the same actual, and the last
    value each client sent for an actual is the one the database must hold. Values count up
    from 0.001 and stay far below the imported history's (80–120), so no log is "No change".
    """

    def __init__(self) -> None:
        self.months = history_months()
        self._counter = iter(range(1, 10**12))
        self._lock = threading.Lock()

    def script(self, per_client: int) -> Script:
        def text(client: int, n: int) -> str | None:
            if n >= per_client:
                return None
            with self._lock:
                unique = next(self._counter)
            kpi = (client % USERS) + USERS * ((n + client // USERS) % (KPIS // USERS))
            month = self.months[(n * 7 + client) % len(self.months)]
            return f"log {kpi_code(kpi)} {unique / 1000:.3f} {month}"

        return text


def drive(server: BotServer, logs: Logs, clients: int, total: int) -> LoadRun:
    """``total`` commands from ``clients`` clients, each sending the next once answered."""
    return run_clients(
        base_url=server.url,
        secret=server.secret,
        clients=clients,
        script=logs.script(max(1, total // clients)),
        user_of=user_id,
        wait_for_replies=False,
    )


def confirmed(reply: str) -> bool:
    """Whether an ack tells the person their number is saved (a new one or a change)."""
    return "Stored" in reply or "updated from" in reply


def run_stats(run: LoadRun, *, needs_confirmation: bool, cpu_seconds: float) -> dict[str, Any]:
    times = sorted(o.seconds * 1000 for o in run.outcomes)
    failed = [o for o in run.outcomes if not o.ok]
    unconfirmed = [o for o in run.outcomes if o.ok and not confirmed(o.reply)]
    first = failed[0] if failed else unconfirmed[0] if unconfirmed else None
    return {
        "requests": len(times),
        "p50_ms": round(percentile(times, 50), 2),
        "p99_ms": round(percentile(times, 99), 2),
        "max_ms": round(times[-1], 2) if times else None,
        "rps": round(len(times) / run.wall_seconds, 1) if run.wall_seconds else None,
        "cpu_ms_per_request": round(cpu_seconds * 1000 / len(times), 2) if times else None,
        "errors": len(failed),
        "unconfirmed": len(unconfirmed) if needs_confirmation else None,
        "first_problem": (
            (first.error or f"{first.status} {first.reply[:200]}")
            if first is not None and (failed or needs_confirmation)
            else None
        ),
    }


def sent_values(run: LoadRun) -> dict[tuple[str, str], float]:
    """(KPI code, month) → the value last sent for it in ``run`` (clients' own order)."""
    values: dict[tuple[str, str], float] = {}
    for outcomes in run.by_client.values():
        for outcome in outcomes:
            _, code, value, month = outcome.text.split()
            values[(code, month)] = float(value)
    return values


def stored_mismatches(url: str, expected: dict[tuple[str, str], float]) -> list[str]:
    """Every actual whose stored value is not the last one sent (should be none)."""
    store = Store(url)
    try:
        with store.read() as session:
            rows = session.exec(
                select(Kpi.code, Actual.period, Actual.value)
                .join(Kpi, col(Kpi.id) == col(Actual.kpi_id))
                .where(col(Kpi.code).in_(sorted({code for code, _ in expected})))
            ).all()
    finally:
        store.dispose()
    stored = {(code, period): value for code, period, value in rows}
    return [
        f"{code} {month}: sent {value}, stored {stored.get((code, month))}"
        for (code, month), value in sorted(expected.items())
        if stored.get((code, month)) != value
    ]


def compare(
    servers: dict[str, BotServer], logs: Logs, clients: int, plan: Plan, sent: dict[Any, float]
) -> dict[str, Any]:
    """``plan.rounds`` rounds at ``clients`` clients; the apps in rotating order each round."""
    rounds: dict[str, list[dict[str, Any]]] = {stack: [] for stack in STACKS}
    for round_ in range(plan.rounds):
        order = STACKS[round_ % 3 :] + STACKS[: round_ % 3]
        for stack in order:
            time.sleep(SETTLE_SECONDS)
            cpu_before = cpu_seconds(servers[stack])
            run = drive(servers[stack], logs, clients, plan.requests[clients])
            cpu = cpu_seconds(servers[stack]) - cpu_before
            rounds[stack].append(
                run_stats(run, needs_confirmation=stack == "bscbot", cpu_seconds=cpu)
            )
            if stack == "bscbot":
                sent.update(sent_values(run))
    result: dict[str, Any] = {}
    for stack in STACKS:
        p50s = [r["p50_ms"] for r in rounds[stack]]
        p99s = [r["p99_ms"] for r in rounds[stack]]
        result[stack] = {
            "p50_ms": round(statistics.median(p50s), 2),
            "p99_ms": round(statistics.median(p99s), 2),
            "p50_range_ms": [min(p50s), max(p50s)],
            "p99_range_ms": [min(p99s), max(p99s)],
            "rps": round(statistics.median(r["rps"] for r in rounds[stack]), 1),
            "cpu_ms_per_request": round(
                statistics.median(r["cpu_ms_per_request"] for r in rounds[stack]), 2
            ),
            "requests": sum(r["requests"] for r in rounds[stack]),
            "errors": sum(r["errors"] for r in rounds[stack]),
            "unconfirmed": (
                sum(r["unconfirmed"] for r in rounds[stack]) if stack == "bscbot" else None
            ),
            "first_problem": next(
                (r["first_problem"] for r in rounds[stack] if r["first_problem"]), None
            ),
            "rounds": rounds[stack],
        }
    for other in ("floor", "bolt"):
        per_round = [
            ours["p50_ms"] / theirs["p50_ms"]
            for ours, theirs in zip(rounds["bscbot"], rounds[other], strict=True)
            if theirs["p50_ms"]
        ]
        result[f"p50_ratio_to_{other}"] = round(statistics.median(per_round), 2)
    return result


# ---------------------------------------------------------------------------- the servers
def start_servers(url: str, slack_api_url: str, workdir: Path) -> dict[str, BotServer]:
    common: dict[str, Any] = {
        "database_url": url,
        "slack_api_url": slack_api_url,
        "threads": THREADS,
        "workers": 1,
    }
    servers = {
        "floor": BotServer(
            workdir=workdir / "floor", command=[sys.executable, "-m", "bench.floor_app"], **common
        ),
        "bolt": BotServer(
            workdir=workdir / "bolt", command=[sys.executable, "-m", "bench.bolt_app"], **common
        ),
        "bscbot": BotServer(workdir=workdir / "bscbot", **common),
    }
    started: list[BotServer] = []
    try:
        for server in servers.values():
            started.append(server.start())
    except BaseException:
        for server in started:
            server.stop()
        raise
    return servers


def cpu_seconds(server: BotServer) -> float:
    """CPU time the server's processes (gunicorn master and worker) have used so far.

    Less sensitive to other work on a shared machine than latency: it counts what the app
    itself spent, not the time it waited for a core.
    """
    if server.pid is None:
        return 0.0
    total = 0
    for pid in [server.pid, *child_pids(server.pid)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def serve_rss_mib(server: BotServer) -> float | None:
    """RSS of ``bscbot serve``: the gunicorn master and its worker."""
    if server.pid is None:
        return None
    values = [rss_mib(pid) for pid in [server.pid, *child_pids(server.pid)]]
    return round(sum(v for v in values if v is not None), 1)


def run_backend(
    name: str, url: str, plan: Plan, fake: RemoteFakeSlack, workdir: Path
) -> dict[str, Any]:
    console.print(f"[bold]{name}[/]: building the store ({KPIS:,} KPIs, 100,000 actuals)…")
    result: dict[str, Any] = {"store": build_store(url, workdir)}
    console.print(f"  CSV import: {result['store']['csv_import_seconds']} s")
    servers = start_servers(url, fake.url, workdir)
    try:
        time.sleep(1.0)
        result["serve_idle_rss_mib"] = serve_rss_mib(servers["bscbot"])
        console.print(f"  /huddle with an idle bscbot worker ({plan.huddles} asks)…")
        try:
            result["huddle"] = measure_huddle_start(
                servers["bscbot"], workdir / "worker", plan.huddles
            )
        except WorkerFailed as exc:  # the latency part does not need the worker
            console.print(f"  [red]{exc}[/]")
            result["huddle"] = {"error": str(exc)}
        logs = Logs()
        sent: dict[tuple[str, str], float] = {}
        for stack in STACKS:  # first requests pay for imports, connections and threads
            drive(servers[stack], logs, 1, plan.warmup)
            drive(servers[stack], logs, 10, plan.warmup)
        latency: dict[str, Any] = {}
        for clients in LEVELS:
            console.print(f"  {clients} client(s), {plan.rounds} rounds…")
            latency[str(clients)] = compare(servers, logs, clients, plan, sent)
        result["latency"] = latency
        result["serve_rss_after_load_mib"] = serve_rss_mib(servers["bscbot"])
    finally:
        for server in servers.values():
            server.stop()
    mismatches = stored_mismatches(url, sent)
    result["stored_check"] = {
        "actuals_checked": len(sent),
        "mismatches": len(mismatches),
        "first_mismatches": mismatches[:5],
    }
    return result


# ------------------------------------------------------------------------------ reporting
def machine() -> dict[str, Any]:
    model = "unknown"
    mem_kib = 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "server": f"gunicorn gthread, 1 worker x {THREADS} threads",
    }


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def print_report(results: dict[str, Any]) -> None:
    m = results["machine"]
    console.print(
        f"\n[bold]Machine[/]: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB, "
        f"Python {m['python']}; {m['server']}; load average {results['load_before']} before, "
        f"{results['load_after']} after"
    )
    table = Table(
        title="Time until the answer is on screen (ms): medians over rounds (min–max of the "
        "rounds); ratios are the median of each round's ratio; CPU/req is the server's CPU "
        "time per request (ms)"
    )
    columns = ("DB", "clients", "app", "p50", "p99", "×floor", "×Bolt", "req/s", "CPU/req", "n")
    for column in columns:
        table.add_column(column, justify="left" if column in ("DB", "app") else "right")
    for db, data in results["backends"].items():
        if "skipped" in data:
            table.add_row(db, "—", data["skipped"], *[""] * 7)
            table.add_section()
            continue
        for clients, level in data["latency"].items():
            for stack in STACKS:
                r = level[stack]
                lo50, hi50 = r["p50_range_ms"]
                lo99, hi99 = r["p99_range_ms"]
                problems = r["errors"] + (r["unconfirmed"] or 0)
                table.add_row(
                    db,
                    clients,
                    LABELS[stack],
                    f"{r['p50_ms']:.1f} ({lo50:.1f}–{hi50:.1f})",
                    f"{r['p99_ms']:.1f} ({lo99:.1f}–{hi99:.1f})",
                    f"{level['p50_ratio_to_floor']:.2f}" if stack == "bscbot" else "",
                    f"{level['p50_ratio_to_bolt']:.2f}" if stack == "bscbot" else "",
                    f"{r['rps']:.0f}",
                    f"{r['cpu_ms_per_request']:.2f}",
                    str(r["requests"]) + (f" ({problems} bad)" if problems else ""),
                )
        table.add_section()
    console.print(table)

    goals = Table(title="Goals (issue 13; set for SQLite, PostgreSQL beside)")
    for column in ("DB", "goal", "measured", "met"):
        goals.add_column(column, justify="right" if column == "measured" else "left")
    for db, data in results["backends"].items():
        if "skipped" in data:
            continue
        for goal, measured, met in goal_rows(data):
            goals.add_row(db, goal, measured, "[green]yes[/]" if met else "[red]no[/]")
        goals.add_section()
    console.print(goals)


def goal_rows(data: dict[str, Any]) -> list[tuple[str, str, bool]]:
    one, ten = data["latency"]["1"], data["latency"]["10"]
    huddle = data["huddle"]
    check = data["stored_check"]
    bscbot_one, bscbot_ten = one["bscbot"], ten["bscbot"]
    huddle_rows = (
        [("/huddle measured", huddle["error"].splitlines()[0], False)]
        if "error" in huddle
        else [
            (
                f"/huddle job claimed ≤ {GOAL_HUDDLE_MS / 1000:g} s after queued (idle worker)",
                f"max {_ms(huddle['max_claim_ms'])} ms, median {_ms(huddle['median_claim_ms'])} ms",
                bool(huddle["claim_met"]),
            ),
            (
                f"/huddle first post ≤ {GOAL_HUDDLE_MS / 1000:g} s after its ack",
                f"max {_ms(huddle['max_ms'])} ms, median {_ms(huddle['median_ms'])} ms (the job "
                f"ran {_ms(huddle['median_run_ms'])} ms)"
                + (f"; {len(huddle['problems'])} failed" if huddle["problems"] else ""),
                bool(huddle["post_met"]),
            ),
        ]
    )
    bad = sum(level["bscbot"]["errors"] + level["bscbot"]["unconfirmed"] for level in (one, ten))
    return [
        (
            f"p50 ≤ {GOAL_FLOOR_RATIO:g}× floor, 1 client",
            f"{one['p50_ratio_to_floor']:.2f}×",
            one["p50_ratio_to_floor"] <= GOAL_FLOOR_RATIO,
        ),
        (
            f"p50 ≤ {GOAL_BOLT_RATIO:g}× default Bolt, 1 client",
            f"{one['p50_ratio_to_bolt']:.2f}×",
            one["p50_ratio_to_bolt"] <= GOAL_BOLT_RATIO,
        ),
        (
            f"p99 < {GOAL_P99_MS:g} ms, 10 clients",
            f"{bscbot_ten['p99_ms']:.1f} ms",
            bscbot_ten["p99_ms"] < GOAL_P99_MS,
        ),
        *huddle_rows,
        (
            "every ack says it is saved, and it is",
            f"{bscbot_one['requests'] + bscbot_ten['requests'] - bad} of "
            f"{bscbot_one['requests'] + bscbot_ten['requests']} acks; "
            f"{check['actuals_checked'] - check['mismatches']} of {check['actuals_checked']} "
            "actuals as sent",
            bad == 0 and check["mismatches"] == 0,
        ),
    ]


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


# ---------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.ack", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a run of about two minutes")
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql"), action="append", help="only this one"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    plan = Plan.make(args.quick)
    backends = args.backend or ["sqlite", "postgresql"]
    results: dict[str, Any] = {
        "command": "python -m bench.ack" + (" --quick" if args.quick else ""),
        "taken_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(),
        "load_before": load_average(),
        "plan": {
            "requests_per_app_and_round": plan.requests,
            "rounds": plan.rounds,
            "warmup": plan.warmup,
            "huddles": plan.huddles,
        },
        "backends": {},
    }
    started = time.monotonic()
    with RemoteFakeSlack() as fake, tempfile.TemporaryDirectory(prefix="bscbot-bench-") as tmp:
        for name in backends:
            workdir = Path(tmp) / name
            workdir.mkdir()
            if name == "sqlite":
                url = f"sqlite:///{workdir}/bench.db"
                results["backends"][name] = run_backend(name, url, plan, fake, workdir)
                continue
            try:
                pg = PostgresServer().start()
            except PostgresUnavailable as exc:
                results["backends"][name] = {"skipped": f"no PostgreSQL ({exc.reason})"}
                continue
            try:
                url = pg.create_database("bench")
                results["backends"][name] = run_backend(name, url, plan, fake, workdir)
            finally:
                pg.cleanup()
    results["load_after"] = load_average()
    results["seconds"] = round(time.monotonic() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print_report(results)
    console.print(f"\n{results['seconds']:.0f} s; written to {args.out}")
    return results


if __name__ == "__main__":
    main()
