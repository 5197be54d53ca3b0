"""The job table on SQLite and PostgreSQL: queued once, claimed once, retried, never lost."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlmodel import select

from bsc_core import jobs
from bsc_core.db import Store
from bsc_core.models import Job, utcnow


def queue(store: Store, kind: str = "k", **kwargs) -> int:  # type: ignore[no-untyped-def]
    with store.write() as session:
        job_id = jobs.enqueue(session, kind=kind, **kwargs)
    assert job_id is not None
    return job_id


def claim(store: Store, worker: str = "w1", **kwargs) -> jobs.ClaimedJob | None:  # type: ignore[no-untyped-def]
    with store.write() as session:
        return jobs.claim_next(session, worker_id=worker, **kwargs)


def status(store: Store, job_id: int) -> str | None:
    with store.read() as session:
        return jobs.job_status(session, job_id)


def test_a_job_queued_in_a_rolled_back_transaction_does_not_exist(store: Store) -> None:
    try:
        with store.write() as session:
            jobs.enqueue(session, kind="post")
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    with store.read() as session:
        assert session.exec(select(Job)).all() == []


def test_jobs_are_claimed_oldest_first_each_once_and_finished(store: Store) -> None:
    first = queue(store, payload={"n": 1})
    second = queue(store, payload={"n": 2})
    a = claim(store)
    b = claim(store, "w2")
    assert (a.id, a.payload, a.attempts) == (first, {"n": 1}, 1)  # type: ignore[union-attr]
    assert b is not None and b.id == second
    assert claim(store) is None
    with store.write() as session:
        jobs.finish(session, job_id=first)
    assert status(store, first) == "done" and status(store, second) == "running"


def test_a_delayed_job_waits_for_its_time(store: Store) -> None:
    queue(store, delay=timedelta(minutes=5))
    assert claim(store) is None
    assert claim(store, now=utcnow() + timedelta(minutes=6)) is not None


def test_a_failing_job_backs_off_then_fails_for_good(store: Store) -> None:
    job_id = queue(store, max_attempts=2, report_to="U1")
    first = claim(store)
    with store.write() as session:
        assert jobs.fail(session, job=first, error="slack: ratelimited") is False  # type: ignore[arg-type]
    assert status(store, job_id) == "queued"
    assert claim(store) is None  # backing off
    later = utcnow() + jobs.backoff(1) + timedelta(seconds=1)
    second = claim(store, now=later)
    assert second is not None and second.attempts == 2 and second.last_attempt
    with store.write() as session:
        assert jobs.fail(session, job=second, error="still failing") is True
    with store.read() as session:
        row = session.get(Job, job_id)
    assert row is not None and (row.status, row.last_error) == ("failed", "still failing")


def test_backoff_doubles_and_is_capped() -> None:
    assert [jobs.backoff(n).total_seconds() for n in (1, 2, 3)] == [5, 10, 20]
    assert jobs.backoff(30) == jobs.BACKOFF_MAX


def test_a_burst_with_one_dedupe_key_queues_one_job(store: Store) -> None:
    assert queue(store, dedupe_key="home:U1") is not None
    with store.write() as session:
        assert jobs.enqueue(session, kind="k", dedupe_key="home:U1") is None
    claim(store)  # running now: a new change needs a new run
    with store.write() as session:
        assert jobs.enqueue(session, kind="k", dedupe_key="home:U1") is not None


def test_the_running_job_of_a_dead_worker_is_queued_again(store: Store) -> None:
    job_id = queue(store)
    start = utcnow()
    with store.write() as session:
        jobs.beat(session, worker_id="dead", now=start)
        jobs.claim_next(session, worker_id="dead", now=start)
    with store.write() as session:  # within the grace: left alone
        assert jobs.requeue_orphans(session, now=start + timedelta(seconds=10)) == 0
    later = start + jobs.WORKER_DEAD_AFTER + timedelta(seconds=1)
    with store.write() as session:
        assert jobs.requeue_orphans(session, now=later) == 1
    again = claim(store, "alive", now=later)
    assert again is not None and again.id == job_id and again.attempts == 2


def test_a_long_job_of_a_live_worker_is_left_alone(store: Store) -> None:
    queue(store)
    start = utcnow()
    with store.write() as session:
        jobs.claim_next(session, worker_id="busy", now=start)
    later = start + jobs.WORKER_DEAD_AFTER * 3
    with store.write() as session:
        jobs.beat(session, worker_id="busy", now=later)
    with store.write() as session:
        assert jobs.requeue_orphans(session, now=later) == 0


def test_worker_seen_only_within_the_last_minute(store: Store) -> None:
    now = utcnow()
    with store.read() as session:
        assert not jobs.worker_seen(session, now=now)
    with store.write() as session:
        jobs.beat(session, worker_id="w", now=now)
    with store.read() as session:
        assert jobs.worker_seen(session, now=now + timedelta(seconds=30))
        assert not jobs.worker_seen(session, now=now + timedelta(minutes=2))


def test_concurrent_workers_never_take_the_same_job(store: Store) -> None:
    ids = {queue(store, payload={"n": n}) for n in range(30)}
    taken: list[int] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        while True:
            job = claim(store, name)
            if job is None:
                return
            with lock:
                taken.append(job.id)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == sorted(ids)
