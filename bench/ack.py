"""How fast ``/kpi log`` is acknowledged, against a bare Bolt app on the same server stack.

``python -m bench.ack [--quick]`` builds a store of 1,000 KPIs and 100,000 actuals (the YAML
import, then the CSV import the README documents, timed and with its peak memory), starts the
real ``bscbot serve`` (gunicorn gthread, production defaults) and ``bench.bare_app`` on the
same database, and drives both with the same keep-alive client sending signed slash commands
at 1, 10 and 50 concurrent clients. Each round first paces bscbot's clients by its answers:
each waits for the confirmation of a log before the next, as a person does. Then bscbot and
the bare app replay those pauses (:class:`Pauses`), so both servers get the same requests at
the same moments; the ratio of their latencies is the headline. Rounds repeat (three, two
with ``--quick``), the two replays in turn first, and are pooled, so a drift of the machine
during the run falls on both. It does this on SQLite
and, when PostgreSQL's binaries are installed, on a throwaway PostgreSQL server. Then a
throughput ramp (more clients until the first error or the first ack over 3 s) and the resident
memory of an idle ``bscbot serve`` (its work processes included) and of ``bscbot clock``.
Prints tables; writes ``bench-results/ack.json``.

Everything runs on 127.0.0.1; the Slack Web API is the test suite's fake, in a process of its
own so that its work does not slow the clients that time the acks.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bsc_core.db import Store
from bsc_core.imports.scorecard_apply import apply_scorecard
from bsc_core.imports.scorecard_file import parse_scorecard_text
from bsc_core.periods import Frequency, latest_ended
from tests.bot.server_harness import REPO_ROOT, BotServer, child_pids, descendant_pids
from tests.load.client import LoadRun, percentile, run_clients, wait_for_answer
from tests.support.fake_slack import RemoteFakeSlack
from tests.support.postgres import PostgresServer, PostgresUnavailable

KPIS = 1000
ACTUALS = 100_000
USERS = 50
THREADS = 8  # WEB_THREADS default: the production configuration
LEVELS = (1, 10, 50)
SLOW_ACK_SECONDS = 3.0
SETTLE_SECONDS = 0.3  # between runs: the last answers' follow-ups (Home tabs) finish
RESULTS = REPO_ROOT / "bench-results" / "ack.json"

# Wide enough for the latency table when the output goes to a file or a CI log.
console = Console(width=None if sys.stdout.isatty() else 130)


@dataclass(frozen=True)
class Plan:
    """How much load each part gets: ``--quick`` for a 1–2 minute smoke run."""

    requests: dict[int, int]  # concurrency → total requests per app and round
    rounds: int  # bscbot then bare, this many times: a drift of the machine hits both
    warmup: int
    ramp: tuple[int, ...]
    ramp_seconds: float

    @staticmethod
    def make(quick: bool) -> Plan:
        if quick:
            return Plan({1: 100, 10: 400, 50: 500}, 2, 50, (1, 10, 50, 100), 2.0)
        return Plan({1: 150, 10: 700, 50: 700}, 3, 100, (1, 5, 10, 20, 50, 100), 4.0)


#: The fake Slack of the run: commands carry its response_urls, and the bot answers there.
FAKE: RemoteFakeSlack | None = None


def user_id(index: int) -> str:
    return f"U0BENCH{index % USERS:02d}"


def kpi_code(index: int) -> str:
    return f"K{index:04d}"


# ----------------------------------------------------------------------------- the store
def scorecard_yaml() -> str:
    """1,000 monthly KPIs, two per objective, owned round-robin by the 50 bench users."""
    perspectives = ["Financial", "Customer", "Internal Process", "Learning & Growth"]
    lines = [
        "scorecard: Bench",
        "slug: bench",
        "tier: 1",
        "channel: C0BENCH001",
        "chair: U0CHAIR01",
        "timezone: UTC",
        "objectives:",
    ]
    for o in range(KPIS // 2):
        lines += [
            f"  - code: O{o:03d}",
            f"    perspective: {perspectives[o % 4]}",
            f"    name: Objective {o}",
            "    owner: U0CHAIR01",
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
    """Import the scorecard and the CSV through ``bscbot import-actuals``; returns timings."""
    started = time.perf_counter()
    store = Store(url)
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


# --------------------------------------------------------------------------- the servers
def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def loaded_matplotlib(pid: int) -> bool:
    """Whether the process mapped any of matplotlib's (or its extension modules') files."""
    try:
        return "/matplotlib/" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def memory_of(server: BotServer) -> dict[str, Any]:
    """RSS of the gunicorn master, its workers and their work processes; matplotlib or not."""
    assert server.pid is not None
    workers = child_pids(server.pid)
    work = [p for w in workers for p in descendant_pids(w)]
    everything = [server.pid, *workers, *work]
    return {
        "master_rss_mib": round(rss_mib(server.pid), 1),
        "worker_rss_mib": [round(rss_mib(w), 1) for w in workers],
        "work_process_rss_mib": [round(rss_mib(p), 1) for p in work],
        "total_rss_mib": round(sum(rss_mib(p) for p in everything), 1),
        "matplotlib_loaded": any(loaded_matplotlib(p) for p in everything),
    }


def clock_memory(url: str, slack_url: str, workdir: Path) -> dict[str, Any] | None:
    """Idle RSS of ``bscbot clock`` once the command exists; None while it does not."""
    script = str(Path(sys.executable).with_name("bscbot"))
    probe = subprocess.run([script, "clock", "--help"], capture_output=True, check=False)
    if probe.returncode != 0:
        return None
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_API_URL": slack_url,
        "SLACK_BOT_TOKEN": "xoxb-bench",
    }
    with (workdir / "clock.log").open("ab") as log:
        process = subprocess.Popen(
            [script, "clock"], env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        time.sleep(8)
        if process.poll() is not None:
            return {"error": f"bscbot clock exited with {process.returncode}"}
        pids = [process.pid, *descendant_pids(process.pid)]
        return {
            "rss_mib": round(sum(rss_mib(p) for p in pids), 1),
            "matplotlib_loaded": any(loaded_matplotlib(p) for p in pids),
        }
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


# ------------------------------------------------------------------------------- the load
class Script:
    """What each client sends: a new value for one of its user's KPIs and a past month.

    Every request changes a stored actual (an update with its audit event), the path that
    reads, writes and commits before the ack — the slowest thing ``/kpi log`` does.
    """

    def __init__(self, per_client: int | None) -> None:
        self.per_client = per_client
        self.months = history_months()
        self._counter = iter(range(10**12))
        self._lock = threading.Lock()

    def __call__(self, client: int, n: int) -> str | None:
        if self.per_client is not None and n >= self.per_client:
            return None
        with self._lock:
            unique = next(self._counter)
        kpi = (client % USERS) + USERS * ((n + client // USERS) % (KPIS // USERS))
        month = self.months[(n * 7 + client) % len(self.months)]
        return f"log {kpi_code(kpi)} {100 + unique / 1000:.3f} {month}"


class Pauses:
    """How long each client of a bscbot run waited, after each ack, for its confirmation.

    The bare app sends no confirmation, so its clients would otherwise fire back-to-back: a
    CPU kept busy and warm at 1 client, a saturated server at 10 and 50, neither what
    bscbot sees. Replaying bscbot's pauses gives the bare app the same request rate and the
    same idle gaps, so the ratio compares the two servers under the same load.
    """

    def __init__(self, run: LoadRun) -> None:
        self.gaps = {
            client: [max(0.0, (o.reply_seconds or o.seconds) - o.seconds) for o in outcomes]
            or [0.0]
            for client, outcomes in run.by_client.items()
        }

    def applied_to(self, script: Script) -> Callable[[int, int], str | None]:
        def paced(client: int, n: int) -> str | None:
            if n:
                gaps = self.gaps.get(client) or [0.0]
                time.sleep(gaps[(n - 1) % len(gaps)])
            return script(client, n)

        return paced


def drive(
    server: BotServer, clients: int, total: int, *, answers: bool, pauses: Pauses | None = None
) -> LoadRun:
    """``total`` logs from ``clients`` concurrent clients, each sending its next one when done.

    Args:
        answers: wait for each confirmation through the response_url (a person waits to see
            "Stored" before logging the next number); the latency measured is still the ack's.
        pauses: instead, pause after each ack as the clients of an earlier run did.
    """
    script = Script(max(1, total // clients))
    return run_clients(
        base_url=server.url,
        secret=server.secret,
        clients=clients,
        script=pauses.applied_to(script) if pauses else script,
        user_of=user_id,
        replies=FAKE,
        wait_for_replies=answers,
    )


def compare(apps: dict[str, BotServer], clients: int, plan: Plan) -> dict[str, Any]:
    """bscbot and bare at ``clients`` clients, both sent the very same requests at the same
    moments; and bscbot paced by its own answers, which is where those moments come from.

    Each round first runs bscbot's clients the way people use it: each sends its next log
    once the answer of the last one arrived. Then bscbot and bare (in turn first) replay each
    client's pauses of that run, without waiting for answers, so the two servers see the same
    arrivals: a client that sends right after an answer arrived catches the machine busy
    with the answer's own work and the fake Slack's, which the bare app never has. bscbot's
    answers are still awaited after its replay: every log must be answered.
    """
    total = plan.requests[clients]
    runs: dict[str, list[LoadRun]] = {"bscbot": [], "bare": [], "paced": []}
    for round_ in range(plan.rounds):
        runs["paced"].append(drive(apps["bscbot"], clients, total, answers=True))
        pauses = Pauses(runs["paced"][-1])
        for app in ("bscbot", "bare") if round_ % 2 == 0 else ("bare", "bscbot"):
            time.sleep(SETTLE_SECONDS)
            run = drive(apps[app], clients, total, answers=False, pauses=pauses)
            if app == "bscbot":
                collect_answers(run)
            runs[app].append(run)
    return {
        "bscbot": summarise(*runs["bscbot"]),
        "bare": summarise(*runs["bare"]),
        "bscbot_paced_by_answers": summarise(*runs["paced"]),
    }


def collect_answers(run: LoadRun) -> None:
    """Wait for the answer to each of ``run``'s empty acks (as the client would have)."""
    assert FAKE is not None
    for outcome in run.outcomes:
        if outcome.ok and not outcome.reply and outcome.response_url:
            outcome.reply = wait_for_answer(FAKE, outcome.response_url)
            outcome.reply_seconds = None  # not timed: the client was not waiting
            if not outcome.reply:
                outcome.error = "acknowledged, never answered"


def summarise(*runs: LoadRun) -> dict[str, Any]:
    """Percentiles over every request of ``runs`` taken together."""
    outcomes = [o for run in runs for o in run.outcomes]
    wall = sum(run.wall_seconds for run in runs)
    times = sorted(o.seconds * 1000 for o in outcomes)
    answered = sorted(o.reply_seconds * 1000 for o in outcomes if o.reply and o.reply_seconds)
    errors = [o for o in outcomes if not o.ok or "went wrong" in o.reply]
    return {
        "answer_p50_ms": round(percentile(answered, 50), 2) if answered else None,
        "answer_p99_ms": round(percentile(answered, 99), 2) if answered else None,
        "requests": len(outcomes),
        "rounds": len(runs),
        "errors": len(errors),
        "first_error": (errors[0].error or errors[0].reply[:200]) if errors else None,
        "p50_ms": round(percentile(times, 50), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "p99_ms": round(percentile(times, 99), 2),
        "max_ms": round(times[-1], 2) if times else None,
        "rps": round(len(outcomes) / wall, 1) if wall else None,
    }


def ramp(server: BotServer, plan: Plan) -> dict[str, Any]:
    """More clients, step by step, until the first error or the first ack over 3 s."""
    steps = []
    stopped = None
    for clients in plan.ramp:
        stop = threading.Event()
        timer = threading.Timer(plan.ramp_seconds, stop.set)
        timer.start()
        run = run_clients(
            base_url=server.url,
            secret=server.secret,
            clients=clients,
            script=Script(None),
            user_of=user_id,
            stop=stop,
            timeout=30,
            replies=FAKE,
        )
        timer.cancel()
        step = {"clients": clients, **summarise(run)}
        steps.append(step)
        if step["errors"]:
            stopped = f"first error at {clients} clients: {step['first_error']}"
            break
        if step["max_ms"] is not None and step["max_ms"] > SLOW_ACK_SECONDS * 1000:
            stopped = f"first ack over 3 s at {clients} clients ({step['max_ms']:.0f} ms)"
            break
    good = [s for s in steps if not s["errors"] and s["max_ms"] <= SLOW_ACK_SECONDS * 1000]
    return {
        "steps": steps,
        "max_sustained_rps": max((s["rps"] for s in good), default=None),
        "stopped": stopped or f"no error and no ack over 3 s up to {plan.ramp[-1]} clients",
    }


# ----------------------------------------------------------------------------- one backend
def run_backend(
    name: str, url: str, plan: Plan, fake: RemoteFakeSlack, workdir: Path
) -> dict[str, Any]:
    console.print(f"[bold]{name}[/]: building the store ({KPIS:,} KPIs, {ACTUALS:,} actuals)…")
    store_info = build_store(url, workdir)
    console.print(
        f"  CSV import: {store_info['csv_import_seconds']} s, "
        f"peak RSS {store_info['csv_import_peak_rss_mib']} MiB"
    )
    common = {
        "database_url": url,
        "slack_api_url": fake.url,
        "threads": THREADS,
        "env": {"WEB_THREADS": str(THREADS), "WEB_CONCURRENCY": "1"},
    }
    ours = BotServer(workdir=workdir / "bscbot", **common)  # type: ignore[arg-type]
    bare = BotServer(
        workdir=workdir / "bare",
        command=[sys.executable, "-m", "bench.bare_app", "--app", "bare"],
        **common,  # type: ignore[arg-type]
    )
    result: dict[str, Any] = {"store": store_info}
    ours.start()
    try:
        time.sleep(1.0)  # let start-up settle before reading the idle footprint
        result["idle_memory"] = memory_of(ours)
        bare.start()
        try:
            apps = {"bscbot": ours, "bare": bare}
            for name, server in apps.items():  # first requests pay for imports and connections
                drive(server, 1, plan.warmup, answers=name == "bscbot")
            latency: dict[str, Any] = {}
            for clients in LEVELS:
                console.print(f"  {clients} client(s)…")
                latency[str(clients)] = compare(apps, clients, plan)
            result["latency"] = latency
        finally:
            bare.stop()
        console.print("  throughput ramp…")
        result["ramp"] = ramp(ours, plan)
        result["memory_after_load"] = memory_of(ours)
        result["clock"] = clock_memory(url, fake.url, workdir)
    finally:
        ours.stop()
    return result


# ------------------------------------------------------------------------------ reporting
def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
    except (OSError, StopIteration):
        mem_kib = 0
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "server": f"gunicorn gthread, 1 worker x {THREADS} threads",
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


APP_ROWS = {"bscbot": "bscbot", "bare": "bare", "bscbot_paced_by_answers": "bscbot, paced"}


def print_report(results: dict[str, Any]) -> None:
    m = results["machine"]
    console.print(
        f"\n[bold]Machine[/]: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB, "
        f"Python {m['python']}; {m['server']}"
    )
    table = Table(
        title="/kpi log ack latency (ms) — bscbot vs bare Bolt, same stack, same requests at "
        "the same moments (taken from bscbot paced by its answers: each client sends its next "
        "log once the last one's answer came through the response_url)"
    )
    columns = ("DB", "clients", "app", "n", "p50", "p95", "p99", "max", "req/s", "p50 ×bare")
    for column in (*columns, "answer p50/p99"):
        table.add_column(column, justify="right" if column not in ("DB", "app") else "left")
    for db, data in results["backends"].items():
        if "skipped" in data:
            table.add_row(db, "—", data["skipped"], *[""] * 7)
            continue
        for clients, pair in data["latency"].items():
            for app, label in APP_ROWS.items():
                r = pair[app]
                table.add_row(
                    db,
                    clients,
                    label,
                    str(r["requests"]) + (f" ({r['errors']} err)" if r["errors"] else ""),
                    f"{r['p50_ms']:.1f}",
                    f"{r['p95_ms']:.1f}",
                    f"{r['p99_ms']:.1f}",
                    f"{r['max_ms']:.1f}",
                    f"{r['rps']:.0f}",
                    f"{ratio(r['p50_ms'], pair['bare']['p50_ms'])}" if app != "bare" else "",
                    f"{r['answer_p50_ms']:.0f} / {r['answer_p99_ms']:.0f}"
                    if r.get("answer_p50_ms") is not None
                    else "",
                )
        table.add_section()
    console.print(table)

    other = Table(title="Throughput, import and memory")
    other.add_column("DB")
    other.add_column("measure")
    other.add_column("value", justify="right")
    for db, data in results["backends"].items():
        if "skipped" in data:
            continue
        s, r = data["store"], data["ramp"]
        idle, after = data["idle_memory"], data["memory_after_load"]
        clock = data.get("clock")
        rows = [
            ("max sustained /kpi log", f"{r['max_sustained_rps']} req/s"),
            ("ramp ended", r["stopped"]),
            (
                f"import {ACTUALS:,} actuals (CSV)",
                f"{s['csv_import_seconds']} s, peak {s['csv_import_peak_rss_mib']} MiB",
            ),
            (
                "idle bscbot serve RSS",
                f"{idle['total_rss_mib']} MiB (master {idle['master_rss_mib']}, "
                f"worker {', '.join(map(str, idle['worker_rss_mib']))}, "
                f"work {', '.join(map(str, idle.get('work_process_rss_mib', [])))}); "
                f"matplotlib {'LOADED' if idle['matplotlib_loaded'] else 'not loaded'}",
            ),
            (
                "bscbot serve RSS after load",
                f"{after['total_rss_mib']} MiB; matplotlib "
                f"{'LOADED' if after['matplotlib_loaded'] else 'not loaded'}",
            ),
            (
                "idle bscbot clock RSS",
                "n/a (bscbot clock not registered)"
                if clock is None
                else clock.get("error") or f"{clock['rss_mib']} MiB",
            ),
        ]
        for label, value in rows:
            other.add_row(db, label, value)
        other.add_section()
    console.print(other)

    goals = Table(title="Goals")
    goals.add_column("DB")
    goals.add_column("goal")
    goals.add_column("measured", justify="right")
    goals.add_column("met")
    for db, data in results["backends"].items():
        if "skipped" in data:
            continue
        ten = data["latency"].get("10")
        if ten:
            p99 = ten["bscbot"]["p99_ms"]
            goals.add_row(db, "p99 < 100 ms at 10 clients", f"{p99:.1f} ms", _yes(p99 < 100))
            r50 = ratio(ten["bscbot"]["p50_ms"], ten["bare"]["p50_ms"])
            goals.add_row(
                db, "p50 ≤ 1.5× bare (10 clients)", f"{r50}×", _yes(r50 is not None and r50 <= 1.5)
            )
    console.print(goals)


def _yes(ok: bool) -> str:
    return "[green]yes[/]" if ok else "[red]no[/]"


# ---------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.ack", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a 1–2 minute smoke run")
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
        "plan": {
            "requests_per_round": plan.requests,
            "rounds": plan.rounds,
            "ramp": plan.ramp,
            "ramp_seconds": plan.ramp_seconds,
        },
        "backends": {},
    }
    global FAKE
    with RemoteFakeSlack() as fake, tempfile.TemporaryDirectory(prefix="bscbot-bench-") as tmp:
        FAKE = fake
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
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print_report(results)
    console.print(f"\nwritten to {args.out}")
    return results


if __name__ == "__main__":
    main()
