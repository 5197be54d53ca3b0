"""How soon an idle ``bscbot worker`` starts a ``/huddle`` job after its ack.

The web process acks ``/huddle`` with "⏳ Preparing the huddle…" once the job row is committed;
a ``bscbot worker`` on the same database claims it and posts. Measured here, for each ask:

- from the moment the client has the ack to the moment the huddle's first ``chat.postMessage``
  reaches the fake Slack, which runs in this process so both instants are read from one clock;
- from the job row: queued → claimed by the worker (the job's start) and claimed → finished.

The worker polls the job table every half second when idle, so the asks are spread over that
cycle by random pauses.
"""

from __future__ import annotations

import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from bench.big_store import CHAIR, CHANNEL
from bsc_core.db import Store
from bsc_core.models import Job
from commands.queued import POST_REPORT
from testkit.fake_slack import FakeSlack
from testkit.server_harness import BotServer
from testkit.signing import slash_command_body

GOAL_SECONDS = 1.0
READY_TIMEOUT = 60.0
POST_TIMEOUT = 15.0
WORKER_LOG = "bscbot-worker.log"


class PostClock(FakeSlack):
    """The fake Slack Web API, noting when each ``chat.postMessage`` arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.post_arrivals: list[float] = []
        self._arrived = threading.Condition()

    def _handle(
        self, verb: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], dict[str, Any] | bytes]:
        arrived = time.monotonic()
        answer = super()._handle(verb, path, headers, body)
        if path.split("?", 1)[0].rstrip("/").endswith("chat.postMessage"):
            with self._arrived:
                self.post_arrivals.append(arrived)
                self._arrived.notify_all()
        return answer

    def next_post_after(self, count: int, timeout: float) -> float | None:
        """When post number ``count`` (0-based) arrived, waiting up to ``timeout`` for it."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.post_arrivals) > count, timeout)
            return self.post_arrivals[count] if len(self.post_arrivals) > count else None

    def wait_quiet(self, seconds: float = 0.5, limit: float = 10.0) -> None:
        """Until no post arrived for ``seconds`` (a huddle may post more than one message)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with self._arrived:
                last = self.post_arrivals[-1] if self.post_arrivals else 0.0
            if time.monotonic() - last >= seconds:
                return
            time.sleep(0.05)


def start_worker(server: BotServer, slack_api_url: str, workdir: Path) -> subprocess.Popen[bytes]:
    """``bscbot worker`` on the server's database, posting to ``slack_api_url``."""
    env = {**server.environment(), "SLACK_API_URL": slack_api_url}
    script = str(Path(sys.executable).with_name("bscbot"))
    workdir.mkdir(parents=True, exist_ok=True)
    with (workdir / WORKER_LOG).open("ab") as log:
        return subprocess.Popen(
            [script, "worker"],
            env=env,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


class WorkerFailed(RuntimeError):
    """``bscbot worker`` exited or was never seen; the message ends with its log."""


def wait_worker_seen(server: BotServer, worker: subprocess.Popen[bytes], log: Path) -> None:
    """Until the server's /healthz says a worker was seen (its first heartbeat is written)."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
            raise WorkerFailed(f"bscbot worker exited with {worker.returncode}:\n{tail}")
        response = server.client.get("/healthz")
        if response.status == 200 and response.json().get("worker"):
            return
        time.sleep(0.1)
    raise WorkerFailed("bscbot worker was not seen by /healthz within a minute")


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def ask_for_huddle(server: BotServer, slack: PostClock) -> float | str:
    """Send ``/huddle`` as the chair; seconds from its ack to the first post, or what failed."""
    seen = len(slack.post_arrivals)
    body = slash_command_body(command="/huddle", text="", user_id=CHAIR, channel_id=CHANNEL)
    response = server.client.post(body=body)
    acked = time.monotonic()
    text = response.json().get("text", "") if response.status == 200 else ""
    if "⏳" not in text:
        return f"/huddle ack was {response.status} {response.text[:200]}"
    posted = slack.next_post_after(seen, POST_TIMEOUT)
    if posted is None:
        return f"no huddle posted within {POST_TIMEOUT:.0f} s of the ack"
    return posted - acked


def job_timings(store: Store) -> tuple[float | None, float | None]:
    """The last huddle job's wait from queued to claimed, and its run, in ms."""
    with store.read() as session:
        job = session.exec(
            select(Job).where(col(Job.kind) == POST_REPORT).order_by(col(Job.id).desc()).limit(1)
        ).first()
    if job is None or job.locked_at is None:
        return None, None
    claimed = (_aware(job.locked_at) - _aware(job.created_at)).total_seconds() * 1000
    ran = (
        (_aware(job.finished_at) - _aware(job.locked_at)).total_seconds() * 1000
        if job.finished_at is not None
        else None
    )
    return claimed, ran


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def measure_huddle_start(server: BotServer, workdir: Path, trials: int) -> dict[str, Any]:
    """Ask for ``trials`` huddles, one at a time, and time each from ack to first post.

    Also read from each job's row: how long it waited from queued to claimed by the worker
    (its start), and how long it ran (building and posting the huddle).
    """
    rng = random.Random(13)
    delays: list[float] = []
    claims: list[float] = []
    runs: list[float] = []
    problems: list[str] = []
    slack = PostClock()
    slack.start()
    store = Store(server.database_url)
    worker = start_worker(server, slack.url, workdir)
    try:
        wait_worker_seen(server, worker, workdir / WORKER_LOG)
        time.sleep(1.0)  # the worker's first sweep and poll are behind it: idle
        idle_rss = rss_mib(worker.pid)
        for _ in range(trials):
            time.sleep(rng.uniform(0.2, 1.2))  # anywhere in the worker's poll cycle
            outcome = ask_for_huddle(server, slack)
            if isinstance(outcome, str):
                problems.append(outcome)
                continue
            delays.append(outcome)
            slack.wait_quiet()
            claimed, ran = job_timings(store)
            deadline = time.monotonic() + POST_TIMEOUT
            while ran is None and time.monotonic() < deadline:  # finished after its posts
                time.sleep(0.1)
                claimed, ran = job_timings(store)
            if claimed is not None:
                claims.append(claimed)
            if ran is not None:
                runs.append(ran)
    finally:
        stop_worker(worker)
        store.dispose()
        slack.stop()
    ms = sorted(d * 1000 for d in delays)
    return {
        "trials": trials,
        "delays_ms": [round(d, 1) for d in ms],
        "median_ms": round(statistics.median(ms), 1) if ms else None,
        "max_ms": round(ms[-1], 1) if ms else None,
        "claimed_after_queued_ms": [round(c, 1) for c in sorted(claims)],
        "ran_ms": [round(r, 1) for r in sorted(runs)],
        "median_claim_ms": round(statistics.median(claims), 1) if claims else None,
        "median_run_ms": round(statistics.median(runs), 1) if runs else None,
        "problems": problems,
        "worker_idle_rss_mib": idle_rss,
        "max_claim_ms": round(max(claims), 1) if claims else None,
        # The goal's two readings: the job starts (is claimed) within a second of its ack;
        # its first post is on screen within a second of the ack.
        "claim_met": bool(claims) and not problems and max(claims) <= GOAL_SECONDS * 1000,
        "post_met": bool(ms) and not problems and ms[-1] <= GOAL_SECONDS * 1000,
    }
