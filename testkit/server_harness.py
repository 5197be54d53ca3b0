"""The real processes: ``bscbot serve`` (gunicorn → Bolt), ``clock`` and ``worker``.

The HTTP, fault and load tests (the ``bot_server`` fixture in tests/bot/conftest.py) and the
benchmark run the bot exactly as on a server: its own process, gunicorn's gthread worker, the
database at ``database_url``, Slack's Web API at the fake's URL; they talk to it over HTTP with
signed requests, as Slack would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from testkit.postgres import free_port
from testkit.signing import SlackClient

REPO_ROOT = Path(__file__).resolve().parents[1]
SECRET = "test-secret"
BOT_TOKEN = "xoxb-test"
# Settings a developer's shell might hold that must not leak into the bot under test.
SCRUBBED_ENV = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "PORT",
    "WEB_CONCURRENCY",
    "WEB_THREADS",
    "BSC_ADMINS",
)


def serve_command() -> list[str]:
    """``bscbot serve`` as installed by ``pip install -e .`` (the console script)."""
    script = Path(sys.executable).with_name("bscbot")
    if script.exists():
        return [str(script), "serve"]
    return [sys.executable, "-c", "from bot.cli import main; main()", "serve"]


def child_pids(pid: int) -> list[int]:
    """Direct children of ``pid``, whichever of its threads started them."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def descendant_pids(pid: int) -> list[int]:
    """Children, their children and so on."""
    found: list[int] = []
    for child in child_pids(pid):
        found += [child, *descendant_pids(child)]
    return found


class ServerDidNotStart(RuntimeError):
    """The bot exited or never answered /healthz; the message carries its log."""


@dataclass
class BotServer:
    """One ``bscbot serve`` process on a free port; start, stop, kill and start it again.

    Args:
        database_url: the database the bot uses (the test's ``store``).
        slack_api_url: the fake Slack's base URL (``fake_slack.url``).
        workdir: where the process runs and writes ``bscbot-serve.log`` (no stray ``.env``).
        env: extra environment, e.g. ``{"SLACK_SIGNING_SECRET": None}`` to remove a variable.
    """

    database_url: str
    slack_api_url: str
    workdir: Path
    secret: str = SECRET
    token: str = BOT_TOKEN
    workers: int = 1
    threads: int = 4
    port: int = field(default_factory=free_port)
    env: dict[str, str | None] = field(default_factory=dict)
    command: list[str] = field(default_factory=list)  # empty: ``bscbot serve``
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def client(self) -> SlackClient:
        """Plays Slack: requests signed with the bot's signing secret."""
        return SlackClient(self.url, self.secret)

    @property
    def log_path(self) -> Path:
        return self.workdir / "bscbot-serve.log"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def worker_pids(self) -> list[int]:
        """The gunicorn workers of the running server."""
        return child_pids(self.pid) if self.pid is not None else []

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def environment(self) -> dict[str, str]:
        """The process's environment: the parent's minus Slack and database settings, plus
        this server's."""
        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
        env.update(
            {
                "DATABASE_URL": self.database_url,
                "SLACK_API_URL": self.slack_api_url,
                "SLACK_BOT_TOKEN": self.token,
                "SLACK_SIGNING_SECRET": self.secret,
                "PORT": str(self.port),
                "WEB_CONCURRENCY": str(self.workers),
                "WEB_THREADS": str(self.threads),
                "PYTHONPATH": os.pathsep.join(
                    p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH")) if p
                ),
                "PYTHONUNBUFFERED": "1",
            }
        )
        for key, value in self.env.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run ``bscbot serve ARGS`` to completion (for start-up failures)."""
        return subprocess.run(
            [*serve_command(), *args],
            env=self.environment(),
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, timeout: float = 60) -> BotServer:
        """Start the process and wait until /healthz answers 200."""
        if self.running:
            return self
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command or serve_command(),
                env=self.environment(),
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                # Its own process group, so kill() takes the gunicorn workers down too.
                start_new_session=True,
            )
        self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float = 60) -> None:
        """Poll /healthz until it answers 200; raise with the log if the process dies."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                raise ServerDidNotStart(f"bscbot serve exited ({code}):\n{self.log_tail()}")
            try:
                response = SlackClient(self.url, self.secret, timeout=5).get("/healthz")
                if response.status == 200:
                    return
                last = f"{response.status} {response.text}"
            except OSError as exc:
                last = repr(exc)
            time.sleep(0.05)
        self.kill()
        raise ServerDidNotStart(f"/healthz not 200 after {timeout}s ({last}):\n{self.log_tail()}")

    def stop(self, timeout: float = 30) -> int | None:
        """SIGTERM (gunicorn's graceful shutdown) and wait; kills if it does not exit."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._reap_group()
        return process.returncode

    def kill(self) -> None:
        """SIGKILL the whole process group at once, like a crash or an OOM kill."""
        process = self.process
        if process is None:
            return
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)

    def restart(self, timeout: float = 60) -> BotServer:
        """Stop gracefully and start again on the same port and database."""
        self.stop()
        self.process = None
        return self.start(timeout)

    def _reap_group(self) -> None:
        # Workers of a stopped master exit on their own; make sure none lingers.
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


def bscbot_command(*args: str) -> list[str]:
    """``bscbot ARGS`` as installed by ``pip install -e .``."""
    return [*serve_command()[:-1], *args]


@dataclass
class BotProcess:
    """``bscbot clock`` or ``bscbot worker`` in its own process group, on the test's database.

    ``start`` waits until the process's job worker has written its first heartbeat, so jobs
    queued afterwards are known to be picked up by it.
    """

    args: tuple[str, ...]
    database_url: str
    slack_api_url: str
    workdir: Path
    env: dict[str, str | None] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def log_path(self) -> Path:
        return self.workdir / f"bscbot-{'-'.join(self.args)}.log"

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
        env.update(
            {
                "DATABASE_URL": self.database_url,
                "SLACK_API_URL": self.slack_api_url,
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "PYTHONUNBUFFERED": "1",
            }
        )
        for key, value in self.env.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def start(self, timeout: float = 60) -> BotProcess:
        from bsc_core.db import Store
        from bsc_core.jobs import worker_seen

        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                bscbot_command(*self.args),
                env=self.environment(),
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        store = Store(self.database_url)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise ServerDidNotStart(f"bscbot {self.args} exited:\n{self.log_text()}")
                with store.read() as session:
                    if worker_seen(session):
                        return self
                time.sleep(0.05)
        finally:
            store.dispose()
        self.kill()
        raise ServerDidNotStart(f"bscbot {self.args}: no worker after {timeout}s")

    def kill(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)

    def stop(self, timeout: float = 30) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
