"""The job queue commands: ``worker``, ``jobs defer daily|statement``, ``jobs status``.

They need PostgreSQL; on SQLite they exit with status 2 and point to
``kleinkasso run``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from procrastinate import exceptions

from kleinkasso import clock, creditors
from kleinkasso.cli import reports
from kleinkasso.cli.common import (
    DbOption,
    JsonOption,
    handled,
    open_database,
    parse_day,
    print_json,
    read_input,
)
from kleinkasso.payments.bankfiles import BankFileError, read_bank_file
from kleinkasso.store.db import DatabaseUrlError, resolve_url
from kleinkasso.store.schema import creditor as creditor_table
from kleinkasso.worker.app import (
    QueueNeedsPostgres,
    install_queue_schema,
    libpq_url,
    opened_queue,
)

jobs_app = typer.Typer(
    help="Put work on the PostgreSQL job queue and show the queue.",
    no_args_is_help=True,
)
defer_app = typer.Typer(help="Queue a job for the workers.", no_args_is_help=True)
jobs_app.add_typer(defer_app, name="defer")

DATABASE_ERRORS = (
    DatabaseUrlError,
    QueueNeedsPostgres,
    sa.exc.OperationalError,
    sa.exc.ArgumentError,
)


def _queue_database(db: str | None) -> tuple[str, sa.Engine]:
    """Return the URL and a migrated engine with the queue schema, or exit 2."""
    url = resolve_url(db)
    with handled(*DATABASE_ERRORS):
        libpq_url(url)
        engine = open_database(url)
        install_queue_schema(engine)
    return url, engine


def worker(
    concurrency: Annotated[
        int,
        typer.Option(
            "--concurrency",
            min=1,
            help="Jobs this process runs at once, each in its own thread. The "
            "threads share one interpreter lock, so start more workers to use "
            "more CPU cores.",
        ),
    ] = 1,
    queues: Annotated[
        str | None,
        typer.Option(
            "--queues",
            help="Comma-separated queues to take jobs from: daily, relay, "
            "statements. Default: all.",
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help="Worker name in logs; default host-pid."),
    ] = None,
    heartbeat: Annotated[
        float,
        typer.Option("--heartbeat", help="Seconds between the worker's heartbeats."),
    ] = 10.0,
    stalled_after: Annotated[
        float,
        typer.Option(
            "--stalled-after",
            help="Seconds without a heartbeat after which a worker's running "
            "jobs are retried by the other workers.",
        ),
    ] = 30.0,
    poll_interval: Annotated[
        float,
        typer.Option(
            "--poll-interval",
            help="Maximum seconds between polls for due jobs. New jobs are "
            "announced at once over LISTEN/NOTIFY; retried jobs wait for a poll.",
        ),
    ] = 5.0,
    db: DbOption = None,
) -> None:
    """Run queued jobs until SIGTERM or SIGINT (PostgreSQL only)."""
    from kleinkasso.worker.runner import (
        InvalidWorkerSettings,
        WorkerSettings,
        check_settings,
        run_worker,
    )

    settings = WorkerSettings(
        concurrency=concurrency,
        queues=_split_queues(queues),
        name=name or f"{socket.gethostname()}-{os.getpid()}",
        heartbeat_interval=heartbeat,
        stalled_after=stalled_after,
        poll_interval=poll_interval,
    )
    with handled(InvalidWorkerSettings):
        check_settings(settings)
    url, engine = _queue_database(db)
    if "KLEINKASSO_LOG_LEVEL" not in os.environ:
        # A worker is a service: its starts, stops and retries are logged
        # unless the log level is set explicitly.
        for logger in ("kleinkasso", "procrastinate"):
            logging.getLogger(logger).setLevel(logging.INFO)
    run_worker(engine, url, settings)


def _split_queues(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    return names or None


@defer_app.command("daily")
def defer_daily(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Run date YYYY-MM-DD; default today.")
    ] = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder for letters and e-mails, made absolute here; every "
            "worker must be able to write to that path.",
        ),
    ] = Path("out"),
    creditor_id: Annotated[
        str | None,
        typer.Option("--creditor", help="Only this creditor; default: every one."),
    ] = None,
    chunk_size: Annotated[
        int,
        typer.Option("--chunk-size", min=1, help="Customers per daily chunk job."),
    ] = 5000,
    relay_batch: Annotated[
        int,
        typer.Option("--relay-batch", min=1, help="Outbox rows per relay job."),
    ] = 200,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Queue the daily run, one planner job per creditor, instead of running it."""
    from kleinkasso.worker.tasks import daily_run

    day = parse_day(as_of, "--as-of") if as_of else clock.today()
    url, engine = _queue_database(db)
    with engine.connect() as conn:
        if creditor_id is not None:
            with handled(creditors.CreditorNotFound):
                creditors.load(conn, creditor_id)
            creditor_ids = [creditor_id]
        else:
            creditor_ids = list(
                conn.execute(
                    sa.select(creditor_table.c.id).order_by(creditor_table.c.id)
                ).scalars()
            )
    queued: dict[str, int | None] = {}
    with opened_queue(url):
        for target_id in creditor_ids:
            lock = f"kleinkasso:daily:{target_id}:{day.isoformat()}"
            try:
                queued[target_id] = daily_run.configure(queueing_lock=lock).defer(
                    creditor_id=target_id,
                    as_of=day.isoformat(),
                    out_dir=str(out.resolve()),
                    chunk_size=chunk_size,
                    relay_batch_size=relay_batch,
                )
            except exceptions.AlreadyEnqueued:
                queued[target_id] = None
    if as_json:
        print_json({"as_of": str(day), "jobs": queued})
        return
    for target_id, job_id in queued.items():
        if job_id is None:
            typer.echo(f"creditor {target_id}: a daily run {day} is already waiting")
        else:
            typer.echo(f"creditor {target_id}: daily run {day} queued as job {job_id}")


@defer_app.command("statement")
def defer_statement(
    file: Annotated[
        Path,
        typer.Argument(
            help="camt.053/052/054 or MT940 statement, at a path every worker can read."
        ),
    ],
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding", help="Force the file's text encoding, e.g. cp1252 or utf-8."
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Queue the import of a bank statement."""
    from kleinkasso.worker.tasks import import_statement

    data = read_input(file)
    # A file that cannot be read at all is rejected now, not in a worker.
    with handled(BankFileError):
        read_bank_file(data, filename=str(file), encoding=encoding)
    url, _engine = _queue_database(db)
    lock = f"kleinkasso:statement:{hashlib.sha256(data).hexdigest()}"
    job_id: int | None
    with opened_queue(url):
        try:
            job_id = import_statement.configure(queueing_lock=lock).defer(
                path=str(file.resolve()), encoding=encoding
            )
        except exceptions.AlreadyEnqueued:
            job_id = None
    if as_json:
        print_json({"file": str(file), "job": job_id})
    elif job_id is None:
        typer.echo(f"{file}: an import of the same content is already waiting")
    else:
        typer.echo(f"{file}: statement import queued as job {job_id}")


@jobs_app.command("status")
def jobs_status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Count the queue's jobs by task and state."""
    _url, engine = _queue_database(db)
    with engine.connect() as conn:
        rows = [
            {"task": row.task_name, "status": row.status, "jobs": row.jobs}
            for row in conn.execute(
                sa.text(
                    "SELECT task_name, status::text AS status, count(*) AS jobs "
                    "FROM procrastinate_jobs GROUP BY task_name, status "
                    "ORDER BY task_name, status"
                )
            )
        ]
    if as_json:
        print_json(rows)
        return
    reports.print_table(rows, ("task", "status", "jobs"))


def register(app: typer.Typer) -> None:
    """Add ``worker`` and ``jobs`` to the ``kleinkasso`` command."""
    app.command("worker")(worker)
    app.add_typer(jobs_app, name="jobs")
