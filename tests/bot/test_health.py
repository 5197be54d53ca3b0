"""/healthz tells the truth: a database that cannot be written is not healthy, and says why.

A read-only database (SQLite opened read-only) and a full disk (a tiny tmpfs, where the machine
allows mounting one; else SQLite's own page limit, which fails writes with the same
``database or disk is full`` error) both answer 503, and a person logging is told that an admin
must act rather than to try again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from bsc_core.db import Store, get_store, reset_store
from bsc_core.settings import reload_settings
from testkit.fake_slack import FakeSlack
from tests.bot.conftest import bot_settings
from tests.bot.in_process import InProcessBot
from tests.bot.slack_session import SlackUser
from tests.factories import CHANNEL, OWNER, import_docs, kpi, scorecard

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_healthz_is_ok_and_reports_the_worker(bot: InProcessBot) -> None:
    bot.worker.beat()
    body = bot.client.get("/healthz").json()
    assert body["status"] == "ok" and body["database"] is True and body["worker"] is True
    bot.worker.stop()
    assert bot.client.get("/healthz").json()["worker"] is False


@pytest.fixture
def read_only_bot(
    store: Store, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> Iterator[InProcessBot]:
    """The bot on a scorecard whose SQLite database is then opened read-only."""
    import_docs(store, scorecard(kpi("MRR", unit="USD")))
    path = store.url.removeprefix("sqlite:///")
    reset_store()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    bot_settings(monkeypatch)
    running = InProcessBot(get_store(), run_worker=False)
    yield running
    running.close()


@sqlite_only
def test_a_read_only_database_is_503_and_a_log_says_an_admin_must_act(
    read_only_bot: InProcessBot, fake_slack: FakeSlack
) -> None:
    health = read_only_bot.client.get("/healthz")
    assert health.status == 503
    assert health.json()["database_state"] == "read-only or full"

    answer = SlackUser(read_only_bot.client, fake_slack, OWNER, CHANNEL).reply(
        "log MRR 98000 2026-10"
    )
    assert "cannot be written" in answer and "admin" in answer and "Nothing was changed" in answer


def _mount_tiny_tmpfs(where: Path) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)], capture_output=True
    )
    return done.returncode == 0


@pytest.fixture
def full_disk_store(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Store]:
    """A store whose disk fills up once the scorecard is in."""
    mount = tmp_path / "tiny"
    mounted = _mount_tiny_tmpfs(mount)
    path = mount / "bsc.db"
    shutil.copyfile(sqlite_template, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    reload_settings()
    reset_store()
    store = get_store()
    import_docs(store, scorecard(kpi("MRR", unit="USD")))
    if mounted:
        filler = mount / "filler"
        with filler.open("wb") as out:
            try:
                while True:
                    out.write(b"\0" * 65536)
            except OSError:
                pass
    else:
        # No tmpfs here: SQLite's page limit fails writes with the same SQLITE_FULL error.
        @event.listens_for(store.engine, "connect")
        def _cap_pages(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

        store.engine.dispose()
    try:
        yield store
    finally:
        reset_store()
        if mounted:
            subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_503_and_a_log_changes_nothing(
    full_disk_store: Store, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot_settings(monkeypatch)
    bot = InProcessBot(full_disk_store, run_worker=False)
    try:
        owner = SlackUser(bot.client, fake_slack, OWNER, CHANNEL)
        answer = ""
        for n in range(40):  # fill whatever room the last pages had
            answer = owner.reply(f"log MRR {90000 + n} 2026-{(n % 9) + 1:02d} {'x' * 900}")
            if "cannot be written" in answer:
                break
        assert "cannot be written" in answer and "admin" in answer
        health = bot.client.get("/healthz")
        assert health.status == 503
        assert health.json()["database_state"] == "read-only or full"
    finally:
        bot.close()
