"""The queue's pieces without worker processes: schema, CLI, claims, retries."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attr
import pytest
import sqlalchemy as sa
import typer
from procrastinate import App, JobContext
from procrastinate.jobs import Job
from typer.testing import CliRunner

from kleinkasso.cli import worker_cmd
from kleinkasso.comms.outbox import (
    InvalidOutboxRange,
    pending_id_ranges,
    relay_range,
)
from kleinkasso.daily import daily_run
from kleinkasso.store.db import make_engine
from kleinkasso.store.schema import outbox
from kleinkasso.worker import tasks
from kleinkasso.worker.app import install_queue_schema, opened_queue
from kleinkasso.worker.runner import (
    InvalidWorkerSettings,
    WorkerSettings,
    check_settings,
)
from kleinkasso.worker.tasks import ChunksPending, RetryTransient
from tests.worker import scenario

NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def pending(db_url: str, engine: sa.Engine, tmp_path: Path) -> sa.Engine:
    """Load the creditors and run the first day without delivering the outbox."""
    scenario.load(db_url, 2)
    daily_run(
        engine,
        scenario.FIRST_RUN,
        tmp_path / "unused",
        NOW,
        creditor_id="drittladen",
        relay_outbox=False,
    )
    return engine


def _invoke(*args: str | Path) -> tuple[int, str, str]:
    app = typer.Typer()
    worker_cmd.register(app)
    result = CliRunner().invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.stdout, result.stderr


def _statuses(engine: sa.Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(outbox.c.id, outbox.c.status)).all())


def test_worker_rejects_sqlite(tmp_path: Path) -> None:
    code, _stdout, stderr = _invoke("worker", "--db", f"sqlite:///{tmp_path}/k.db")
    assert code == 2
    assert "is not PostgreSQL" in stderr
    assert "kleinkasso run" in stderr


def test_defer_rejects_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/k.db"
    code, _stdout, stderr = _invoke("jobs", "defer", "daily", "--db", url)
    assert code == 2
    assert "is not PostgreSQL" in stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param(["--queues", "daily,mail"], "unknown queue(s) mail", id="queue"),
        pytest.param(
            ["--heartbeat", "10", "--stalled-after", "15"], "too short", id="stall"
        ),
        pytest.param(["--poll-interval", "0"], "must be above 0", id="poll"),
    ],
)
def test_worker_rejects_options(
    options: list[str], message: str, tmp_path: Path
) -> None:
    code, _stdout, stderr = _invoke(
        "worker", *options, "--db", "postgresql://127.0.0.1:1/none"
    )
    assert code == 2
    assert message in stderr


def test_check_settings_accepts_defaults() -> None:
    check_settings(WorkerSettings())
    with pytest.raises(InvalidWorkerSettings, match="concurrency 0"):
        check_settings(WorkerSettings(concurrency=0))


def test_queue_schema_installs_once(engine: sa.Engine) -> None:
    if engine.dialect.name != "postgresql":
        assert install_queue_schema(engine) is False
        return
    assert install_queue_schema(engine) is True
    assert install_queue_schema(engine) is False
    with engine.connect() as conn:
        jobs = conn.execute(sa.text("SELECT count(*) FROM procrastinate_jobs"))
        assert jobs.scalar_one() == 0


def test_defer_daily_twice_queues_once(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("the job queue needs PostgreSQL")
    scenario.load(db_url, 1)
    args = ("jobs", "defer", "daily", "--as-of", "2026-11-16", "--db", db_url)
    first = _invoke(*args)
    second = _invoke(*args)
    assert first[0] == 0, first[2]
    assert first[1].count("queued as job") == len(scenario.CREDITORS)
    assert second[0] == 0, second[2]
    assert second[1].count("already waiting") == len(scenario.CREDITORS)
    code, stdout, _stderr = _invoke("jobs", "status", "--json", "--db", db_url)
    assert code == 0
    assert '"task": "kleinkasso.daily_run"' in stdout
    assert '"jobs": 3' in stdout


@pytest.mark.parametrize(
    ("first", "last"),
    [pytest.param(0, 5, id="zero"), pytest.param(5, 4, id="reversed")],
)
def test_relay_range_rejects_bounds(first: int, last: int, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/k.db")
    with pytest.raises(InvalidOutboxRange, match=f"{first}..{last}"):
        relay_range(engine, tmp_path, NOW, first, last)
    engine.dispose()


def test_pending_ranges_cover_outbox(pending: sa.Engine) -> None:
    ids = sorted(_statuses(pending))
    ranges = pending_id_ranges(pending, creditor_id="drittladen", size=40)
    assert ranges[0][0] == ids[0]
    assert ranges[-1][1] == ids[-1]
    assert len(ranges) == -(-len(ids) // 40)
    for (_, last), (first, _) in itertools.pairwise(ranges):
        assert last < first
    assert pending_id_ranges(pending, creditor_id="zweitladen") == []


def test_relay_range_delivers_range_only(pending: sa.Engine, tmp_path: Path) -> None:
    ids = sorted(_statuses(pending))
    first, last = ids[5], ids[14]
    report = relay_range(pending, tmp_path / "out", NOW, first, last)
    statuses = _statuses(pending)
    assert report.letters + report.emails == 10
    assert report.failed == 0
    assert {statuses[i] for i in ids if first <= i <= last} == {"sent"}
    assert {statuses[i] for i in ids if i < first or i > last} == {"pending"}
    assert len(list((tmp_path / "out").rglob("*.eml"))) == 10


def test_relay_range_skips_locked_row(
    pending: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    if pending.dialect.name != "postgresql":
        pytest.skip("row locks exist on PostgreSQL only")
    ids = sorted(_statuses(pending))
    first, last = ids[0], ids[9]
    locked = ids[3]
    # A relay that waited for the lock instead of skipping the row would
    # fail after 5 s instead of hanging.
    relay_engine = make_engine(f"{db_url}?options=-c%20lock_timeout%3D5000")
    try:
        with pending.connect() as other:
            # Another relay has locked this row while it renders it.
            other.execute(
                sa.select(outbox.c.id).where(outbox.c.id == locked).with_for_update()
            )
            report = relay_range(relay_engine, tmp_path / "out", NOW, first, last)
            other.rollback()
        statuses = _statuses(pending)
        again = relay_range(relay_engine, tmp_path / "out", NOW, first, last)
    finally:
        relay_engine.dispose()
    assert report.letters + report.emails == 9
    assert statuses[locked] == "pending"
    assert [i for i in ids[:10] if statuses[i] != "sent"] == [locked]
    assert again.letters + again.emails == 1
    assert _statuses(pending)[locked] == "sent"
    assert len(list((tmp_path / "out").rglob("*.eml"))) == 10


def test_planner_retry_defers_nothing_twice(
    db_url: str, engine: sa.Engine, tmp_path: Path
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("the job queue needs PostgreSQL")
    scenario.load(db_url, 1)
    install_queue_schema(engine)
    planner = Job(
        id=999,
        queue="daily",
        lock=None,
        queueing_lock=None,
        task_name="kleinkasso.daily_run",
    )
    options: dict[str, Any] = {
        "creditor_id": "spielwiese",
        "as_of": "2026-11-16",
        "out_dir": str(tmp_path),
        "chunk_size": 20,
    }
    with opened_queue(db_url) as queue:
        first = tasks.daily_run(_context(queue, planner, engine), **options)
        # The jobs ran, and then the planner's worker died before it marked
        # the planner done. The retry has the same job id and one more
        # attempt, and the queueing locks no longer block a second copy.
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE procrastinate_jobs SET status = 'succeeded'"))
        retried = attr.evolve(planner, attempts=1)
        second = tasks.daily_run(_context(queue, retried, engine), **options)
    assert first["chunks"] > 1
    assert first["deferred"] == first["chunks"]
    assert second["chunks"] == first["chunks"]
    assert second["deferred"] == 0
    with engine.connect() as conn:
        jobs = conn.execute(sa.text("SELECT count(*) FROM procrastinate_jobs"))
        assert jobs.scalar_one() == first["chunks"] + 1


def _context(queue: App, job: Job, engine: sa.Engine) -> JobContext:
    return JobContext(
        app=queue,
        job=job,
        start_timestamp=0.0,
        additional_context={"engine": engine},
        abort_reason=lambda: None,
    )


def _job(attempts: int) -> Job:
    return Job(
        id=1,
        queue="daily",
        lock=None,
        queueing_lock=None,
        task_name="kleinkasso.plan_relay",
        attempts=attempts,
    )


@pytest.mark.parametrize(
    ("exception", "attempts", "retried"),
    [
        pytest.param(ChunksPending(1, 3), 0, True, id="chunks-first"),
        pytest.param(ChunksPending(1, 3), 500, True, id="chunks-late"),
        pytest.param(
            sa.exc.OperationalError("UPDATE", {}, Exception("serialization")),
            4,
            True,
            id="database-4",
        ),
        pytest.param(
            sa.exc.OperationalError("UPDATE", {}, Exception("serialization")),
            5,
            False,
            id="database-5",
        ),
        pytest.param(ValueError("bad"), 0, False, id="bug"),
    ],
)
def test_retry_strategy_decides(
    exception: Exception, attempts: int, retried: bool
) -> None:
    decision = RetryTransient().get_retry_decision(
        exception=exception, job=_job(attempts)
    )
    assert (decision is not None) is retried
