"""A real, disposable PostgreSQL server for the test suite.

The bot's persistence is tested against PostgreSQL itself rather than SQLite
or mocks because the behaviour that matters - transactions, constraint
errors, what happens when the connection drops - is database specific. The
suite owns the server (initdb into a temp dir, its own port) so that tests can
stop and restart it to exercise outage handling without touching any database
a developer may have running.

Durability is switched off (fsync, full_page_writes, synchronous_commit) since
the data is thrown away; it makes the suite several times faster.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

SUPERUSER = "postgres"
HOST = "127.0.0.1"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot be run here; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.name  # /usr/lib/postgresql/<version>/bin
    return tuple(int(p) for p in re.findall(r"\d+", version)) or (0,)


def find_bin_dir() -> Path:
    """Locate a directory holding ``initdb`` and ``postgres``.

    Order: ``$PG_BIN``; the highest ``/usr/lib/postgresql/*/bin`` (Debian and
    Ubuntu keep server binaries off PATH); then ``pg_ctl`` on PATH, resolved
    through symlinks so its sibling ``postgres`` is found too.
    """
    candidates: list[Path] = []
    env_bin = os.environ.get("PG_BIN")
    if env_bin:
        candidates.append(Path(env_bin))
    candidates += [
        Path(p)
        for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    ]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent)
    for candidate in candidates:
        if all(os.access(candidate / name, os.X_OK) for name in ("initdb", "postgres")):
            return candidate
        if env_bin and candidate == Path(env_bin):
            raise PostgresUnavailable(f"PG_BIN={env_bin} has no executable initdb and postgres")
    raise PostgresUnavailable("no initdb/postgres in $PG_BIN, /usr/lib/postgresql/*/bin or on PATH")


def free_port() -> int:
    """A port that was free a moment ago on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One ``postgres`` process on a private data directory and port.

    ``start()`` initialises the cluster on first use; ``stop()`` and
    ``start()`` can then be repeated on the same data and port, which is what
    outage tests need. ``cleanup()`` stops it and deletes everything.
    """

    def __init__(self, bin_dir: Path | str | None = None, port: int | None = None) -> None:
        self.bin_dir = Path(bin_dir) if bin_dir is not None else find_bin_dir()
        self.port = port or free_port()
        self.host = HOST
        self.base_dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None
        self._as_user: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            # initdb and postgres refuse to run as root.
            try:
                self._as_user = pwd.getpwnam(SUPERUSER)
            except KeyError as exc:
                raise PostgresUnavailable(
                    f"running as root and there is no '{SUPERUSER}' OS user to run PostgreSQL as"
                ) from exc
        atexit.register(self.cleanup)

    # ----------------------------------------------------------- locations
    @property
    def data_dir(self) -> Path:
        return self._require_base() / "data"

    @property
    def socket_dir(self) -> Path:
        return self._require_base()

    @property
    def log_path(self) -> Path:
        return self._require_base() / "postgres.log"

    def _require_base(self) -> Path:
        if self.base_dir is None:
            raise RuntimeError("PostgresServer has not been started")
        return self.base_dir

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # ----------------------------------------------------------- lifecycle
    def _initdb(self) -> None:
        self.base_dir = Path(tempfile.mkdtemp(prefix="bscbot-pg-"))
        if self._as_user is not None:
            os.chown(self.base_dir, self._as_user.pw_uid, self._as_user.pw_gid)
        cmd = [
            str(self.bin_dir / "initdb"),
            "-D", str(self.data_dir),
            "-U", SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ]  # fmt: skip
        if self._as_user is not None:
            cmd = ["runuser", "-u", SUPERUSER, "--", *cmd]
        result = subprocess.run(
            cmd, capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"}, check=False
        )
        if result.returncode != 0:
            raise PostgresUnavailable(
                f"initdb failed ({result.returncode}): {result.stderr.strip()[-2000:]}"
            )

    def start(self, timeout: float = 30.0) -> PostgresServer:
        """Start (initialising on first call) and wait until it accepts
        connections."""
        if self.running:
            return self
        if self.base_dir is None:
            self._initdb()
        cmd = [
            str(self.bin_dir / "postgres"),
            "-D", str(self.data_dir),
            "-p", str(self.port),
            "-c", f"listen_addresses={HOST}",
            "-c", f"unix_socket_directories={self.socket_dir}",
            "-c", "fsync=off",
            "-c", "full_page_writes=off",
            "-c", "synchronous_commit=off",
            "-c", "max_connections=100",
        ]  # fmt: skip
        self._log = open(self.log_path, "ab")  # kept open while the server runs
        kwargs: dict[str, Any] = {}
        if self._as_user is not None:
            # Run postgres as our direct child (not behind runuser) so that
            # stop() signals the postmaster itself.
            kwargs = {
                "user": self._as_user.pw_uid,
                "group": self._as_user.pw_gid,
                "extra_groups": [],
            }
        self._proc = subprocess.Popen(
            cmd, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kwargs
        )
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                raise PostgresUnavailable(f"postgres exited during startup:\n{self.log_tail()}")
            try:
                with psycopg.connect(self.conninfo(), connect_timeout=2):
                    return
            except psycopg.OperationalError as exc:
                last_error = exc
                time.sleep(0.05)
        self.stop(mode="immediate")
        raise PostgresUnavailable(
            f"postgres not ready after {timeout}s ({last_error}):\n{self.log_tail()}"
        )

    def stop(self, mode: str = "fast", timeout: float = 30.0) -> None:
        """Shut down. ``fast`` (SIGINT) rolls back sessions and exits cleanly;
        ``immediate`` (SIGQUIT) is a crash-like stop, recovered on restart."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            sig = {"smart": signal.SIGTERM, "fast": signal.SIGINT, "immediate": signal.SIGQUIT}[
                mode
            ]
            proc.send_signal(sig)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=timeout)
        self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def cleanup(self) -> None:
        """Stop the server and delete its data directory."""
        self.stop()
        if self.base_dir is not None:
            shutil.rmtree(self.base_dir, ignore_errors=True)
            self.base_dir = None
        atexit.unregister(self.cleanup)

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server log, for failure messages."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except (OSError, RuntimeError):
            return "(no log)"

    # ---------------------------------------------------------- databases
    def conninfo(self, dbname: str = "postgres") -> str:
        """libpq connection string, for ``psycopg.connect``."""
        return f"host={self.host} port={self.port} user={SUPERUSER} dbname={dbname}"

    def url(self, dbname: str = "postgres") -> str:
        """SQLAlchemy URL using the psycopg 3 driver."""
        return f"postgresql+psycopg://{SUPERUSER}@{self.host}:{self.port}/{dbname}"

    def _admin(self, statement: Any) -> None:
        import psycopg

        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(statement)

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """Create database ``name`` (a copy of ``template`` when given); return its URL.

        Copying a migrated template is how the suite migrates once per session: a copy takes
        milliseconds where running the migrations takes a second.
        """
        from psycopg import sql

        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        self._admin(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop ``name`` even if connections are still open (a test that
        failed mid-way may have leaked one)."""
        from psycopg import sql

        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
