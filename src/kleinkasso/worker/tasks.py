"""The jobs workers run: the daily run in chunks, relay batches, statement imports.

A daily run of one creditor is a tree of jobs. ``daily_run`` plans the
customer ranges and defers one ``daily_chunk`` per range and one
``plan_relay``. ``plan_relay`` waits, by retrying itself, until every chunk
of its run has finished, then splits the creditor's pending outbox rows into
``relay_batch`` jobs. Every job reads ``now`` from :mod:`kleinkasso.clock`
when it runs.

Each job may run more than once: a worker can die mid-job, and its job is
then retried once the worker's heartbeat is missing. The steps underneath
only touch rows whose state shows the work is still to do, so a second run
repeats no effect. The jobs of one run carry queueing locks that start with
the planner's job id, so a retried planner skips what it already deferred.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from procrastinate import BaseRetryStrategy, JobContext, RetryDecision, exceptions
from procrastinate.jobs import Job
from procrastinate.tasks import Task

from kleinkasso import clock
from kleinkasso.cases.service import CustomerRange
from kleinkasso.comms.outbox import pending_id_ranges, relay_range
from kleinkasso.daily import plan_chunks, run_chunk
from kleinkasso.payments.statements import import_statement as import_statement_file
from kleinkasso.worker.app import app

log = logging.getLogger(__name__)

QUEUE_DAILY = "daily"
QUEUE_RELAY = "relay"
QUEUE_STATEMENTS = "statements"
QUEUES = (QUEUE_DAILY, QUEUE_RELAY, QUEUE_STATEMENTS)

CHUNK_SIZE = 5000
RELAY_BATCH_SIZE = 200
LOCK_PREFIX = "kleinkasso"
# Job states in which a deferred job needs no second copy.
LIVE_STATUSES = ("todo", "doing", "succeeded")


class ChunksPending(Exception):
    """Raised by ``plan_relay`` while chunks of its run are queued or running."""

    def __init__(self, run_id: int, count: int) -> None:
        super().__init__(f"daily run job {run_id} has {count} chunk(s) unfinished")
        self.run_id = run_id
        self.count = count


class WorkerNotConfigured(Exception):
    """Raised when a job runs in a worker that was not started by kleinkasso."""

    def __init__(self, job_id: int | None) -> None:
        super().__init__(
            f"job {job_id} has no database engine in its context; "
            "start workers with `kleinkasso worker`"
        )


class RetryTransient(BaseRetryStrategy):
    """Retry strategy: database errors a few times, waiting for chunks without limit.

    A database error (``OperationalError``: a lost connection, a
    serialization failure between concurrent chunks, a deadlock) is retried
    up to ``max_attempts`` times, ``wait`` seconds apart. :class:`ChunksPending`
    is retried every ``poll`` seconds for as long as chunks are unfinished.
    """

    def __init__(self, *, max_attempts: int = 5, wait: int = 1, poll: int = 1):
        self.max_attempts = max_attempts
        self.wait = wait
        self.poll = poll

    def get_retry_decision(
        self, *, exception: BaseException, job: Job
    ) -> RetryDecision | None:
        if isinstance(exception, ChunksPending):
            return RetryDecision(retry_in={"seconds": self.poll})
        if isinstance(exception, sa.exc.OperationalError):
            if job.attempts >= self.max_attempts:
                return None
            return RetryDecision(retry_in={"seconds": self.wait})
        return None


RETRY = RetryTransient()


def run_lock(run_id: int, part: str) -> str:
    """Return the queueing lock of one job of the daily run planned by ``run_id``."""
    return f"{LOCK_PREFIX}:run:{run_id}:{part}"


def _engine(context: JobContext) -> sa.Engine:
    engine = context.additional_context.get("engine")
    if not isinstance(engine, sa.Engine):
        raise WorkerNotConfigured(context.job.id)
    return engine


def _job_id(context: JobContext) -> int:
    job_id = context.job.id
    assert job_id is not None, "a running job has an id"
    return job_id


def _live_locks(engine: sa.Engine, prefix: str) -> set[str]:
    """Return the queueing locks starting with ``prefix`` of jobs not to defer again."""
    query = sa.text(
        "SELECT queueing_lock FROM procrastinate_jobs "
        "WHERE left(queueing_lock, :length) = :prefix "
        "AND status::text IN :statuses"
    ).bindparams(sa.bindparam("statuses", expanding=True))
    with engine.connect() as conn:
        rows = conn.execute(
            query,
            {"length": len(prefix), "prefix": prefix, "statuses": list(LIVE_STATUSES)},
        )
        return {row.queueing_lock for row in rows}


def _unfinished_jobs(engine: sa.Engine, prefix: str) -> int:
    """Count the unfinished jobs whose queueing lock starts with ``prefix``."""
    query = sa.text(
        "SELECT count(*) FROM procrastinate_jobs "
        "WHERE left(queueing_lock, :length) = :prefix "
        "AND status IN ('todo', 'doing')"
    )
    with engine.connect() as conn:
        count = conn.execute(query, {"length": len(prefix), "prefix": prefix})
        return int(count.scalar_one())


def _defer(
    task: Task[Any, Any, Any], lock: str, done: set[str], **kwargs: Any
) -> int | None:
    """Defer ``task`` under ``lock`` unless a job with that lock is live already."""
    if lock in done:
        return None
    try:
        job_id: int = task.configure(queueing_lock=lock).defer(**kwargs)
    except exceptions.AlreadyEnqueued:
        return None
    return job_id


@app.task(
    name="kleinkasso.daily_run", queue=QUEUE_DAILY, pass_context=True, retry=RETRY
)
def daily_run(
    context: JobContext,
    creditor_id: str,
    as_of: str,
    out_dir: str,
    chunk_size: int = CHUNK_SIZE,
    relay_batch_size: int = RELAY_BATCH_SIZE,
) -> dict[str, int]:
    """Plan one creditor's daily run and defer its chunks and its relay planner."""
    engine = _engine(context)
    run_id = _job_id(context)
    ranges = plan_chunks(engine, creditor_id, size=chunk_size)

    # Only a retried planner can find jobs of its own run in the queue.
    # NOTE: if debtors were imported between the two attempts, the ranges can
    # differ and overlapping chunks run again. Their steps skip done work.
    done = set()
    if context.job.attempts:
        done = _live_locks(engine, run_lock(run_id, ""))

    deferred = 0
    for customers in ranges:
        lock = run_lock(run_id, f"chunk:{customers.after or ''}")
        chunk_job = _defer(
            daily_chunk,
            lock,
            done,
            creditor_id=creditor_id,
            as_of=as_of,
            after=customers.after,
            upto=customers.upto,
        )
        deferred += chunk_job is not None

    _defer(
        plan_relay,
        run_lock(run_id, "relay-plan"),
        done,
        creditor_id=creditor_id,
        run_id=run_id,
        out_dir=out_dir,
        batch_size=relay_batch_size,
    )
    log.info(
        "job %s: daily run %s of creditor %s planned in %d chunks (%d deferred now)",
        run_id,
        as_of,
        creditor_id,
        len(ranges),
        deferred,
    )
    return {"chunks": len(ranges), "deferred": deferred}


@app.task(
    name="kleinkasso.daily_chunk", queue=QUEUE_DAILY, pass_context=True, retry=RETRY
)
def daily_chunk(
    context: JobContext,
    creditor_id: str,
    as_of: str,
    after: str | None,
    upto: str | None,
) -> dict[str, int]:
    """Run the daily steps for the creditor's customers in ``(after, upto]``."""
    engine = _engine(context)
    report = run_chunk(
        engine,
        creditor_id,
        date.fromisoformat(as_of),
        clock.now_utc(),
        CustomerRange(after=after, upto=upto),
    )
    return {
        "evaluated": report.evaluated,
        "cases_opened": report.cases_opened,
        "cases_extended": report.cases_extended,
        "fees_raised": report.fees_raised,
        "messages_queued": report.messages_queued,
    }


@app.task(
    name="kleinkasso.plan_relay", queue=QUEUE_DAILY, pass_context=True, retry=RETRY
)
def plan_relay(
    context: JobContext,
    creditor_id: str,
    run_id: int,
    out_dir: str,
    batch_size: int = RELAY_BATCH_SIZE,
) -> dict[str, int]:
    """Defer relay batches of the creditor's pending outbox once the run's chunks end.

    A chunk that failed for good counts as ended, so the rows the other
    chunks queued are still delivered.
    """
    engine = _engine(context)
    unfinished = _unfinished_jobs(engine, run_lock(run_id, "chunk:"))
    if unfinished:
        raise ChunksPending(run_id, unfinished)
    done = _live_locks(engine, run_lock(run_id, "relay:"))
    ranges = pending_id_ranges(engine, creditor_id=creditor_id, size=batch_size)
    for first_id, last_id in ranges:
        _defer(
            relay_batch,
            run_lock(run_id, f"relay:{first_id}"),
            done,
            first_id=first_id,
            last_id=last_id,
            out_dir=out_dir,
            creditor_id=creditor_id,
        )
    log.info(
        "job %s: relay of daily run job %s for creditor %s planned in %d batches",
        _job_id(context),
        run_id,
        creditor_id,
        len(ranges),
    )
    return {"batches": len(ranges)}


@app.task(
    name="kleinkasso.relay_batch", queue=QUEUE_RELAY, pass_context=True, retry=RETRY
)
def relay_batch(
    context: JobContext,
    first_id: int,
    last_id: int,
    out_dir: str,
    creditor_id: str | None = None,
) -> dict[str, int]:
    """Write the pending outbox rows with ids from ``first_id`` to ``last_id``."""
    report = relay_range(
        _engine(context),
        Path(out_dir),
        clock.now_utc(),
        first_id,
        last_id,
        creditor_id=creditor_id,
    )
    return {"letters": report.letters, "emails": report.emails, "failed": report.failed}


@app.task(
    name="kleinkasso.import_statement",
    queue=QUEUE_STATEMENTS,
    pass_context=True,
    retry=RETRY,
)
def import_statement(
    context: JobContext, path: str, encoding: str | None = None
) -> dict[str, int]:
    """Import a bank statement from a path every worker can read."""
    data = Path(path).read_bytes()
    report = import_statement_file(
        _engine(context), data, source=path, now=clock.now_utc(), encoding=encoding
    )
    for warning in report.warnings:
        log.warning("job %s: statement %s: %s", _job_id(context), path, warning)
    return {
        "entries": report.entries,
        "matched": report.matched,
        "review": report.review + report.unmatched,
        "already_imported": report.already_imported,
    }
