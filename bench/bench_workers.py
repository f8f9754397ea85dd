"""Measure how fast ``kleinkasso worker`` processes drain a queued daily run.

Usage::

    .venv/bin/python bench/bench_workers.py \
        --pg postgresql://postgres@127.0.0.1:54329/postgres \
        [--copies 4] [--workers 1,2] [--chunk-size 50] [--relay-batch 100] \
        [--repeats 2]

Each measurement uses a fresh PostgreSQL database with the data of
``tests/worker/scenario.py``: three creditors, each with ``--copies``
copies of the example export (200 valid items a copy, two copies per
debtor). The workers are started and registered before the clock starts.
The time runs from deferring the daily run of 2026-11-16 for every
creditor until no job is queued or running. It covers planning, the
chunks, the relay planners and the relay batches, which write PDF letters
and e-mails to a temporary folder. Each worker runs one job at a time.

The table gives the best wall time of ``--repeats`` drains with its median,
the number of jobs, cases opened per second and the speed-up against the
first worker count. Other processes on a shared machine slow every run
down, so compare figures of one run only.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.worker.scenario

import sqlalchemy as sa  # noqa: E402

from kleinkasso.store.db import make_engine  # noqa: E402
from kleinkasso.store.schema import case, outbox  # noqa: E402
from kleinkasso.worker.app import install_queue_schema, opened_queue  # noqa: E402
from kleinkasso.worker.tasks import daily_run  # noqa: E402
from tests.worker import scenario  # noqa: E402

WORKER_OPTIONS = ("--heartbeat", "2", "--stalled-after", "10", "--poll-interval", "0.5")


@dataclass
class Drain:
    """One measured queue drain."""

    workers: int
    seconds: float
    jobs: int
    cases: int
    messages: int


@contextmanager
def fresh_database(pg_admin: str) -> Iterator[str]:
    """Yield the URL of an empty PostgreSQL database, dropped afterwards."""
    name = f"kk_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(
        pg_admin.replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(pg_admin).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _scalar(engine: sa.Engine, query: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text(query)).scalar_one())


def _start_workers(url: str, count: int, logs: Path) -> list[subprocess.Popen[bytes]]:
    processes = []
    for number in range(1, count + 1):
        with (logs / f"worker-{number}.log").open("wb") as log:
            processes.append(
                subprocess.Popen(
                    [
                        *scenario.COMMAND,
                        "worker",
                        "--db",
                        url,
                        "--name",
                        f"bench-{number}",
                        *WORKER_OPTIONS,
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
    return processes


def _wait_registered(engine: sa.Engine, count: int) -> None:
    deadline = time.monotonic() + 60
    while _scalar(engine, "SELECT count(*) FROM procrastinate_workers") < count:
        if time.monotonic() > deadline:
            raise SystemExit("workers did not register within 60 s")
        time.sleep(0.1)


def drain(url: str, workers: int, args: argparse.Namespace) -> Drain:
    """Load the data, start ``workers`` workers and time one queued daily run."""
    scenario.load(url, args.copies)
    engine = make_engine(url)
    install_queue_schema(engine)
    with tempfile.TemporaryDirectory() as folder:
        processes = _start_workers(url, workers, Path(folder))
        try:
            _wait_registered(engine, workers)
            start = time.perf_counter()
            with opened_queue(url):
                for creditor_id, _prefix, _channels in scenario.CREDITORS:
                    daily_run.defer(
                        creditor_id=creditor_id,
                        as_of=scenario.FIRST_RUN.isoformat(),
                        out_dir=str(Path(folder) / "out"),
                        chunk_size=args.chunk_size,
                        relay_batch_size=args.relay_batch,
                    )
            while _scalar(
                engine,
                "SELECT count(*) FROM procrastinate_jobs "
                "WHERE status IN ('todo', 'doing')",
            ):
                time.sleep(0.05)
            seconds = time.perf_counter() - start
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(60)
        failed = _scalar(
            engine,
            "SELECT count(*) FROM procrastinate_jobs WHERE status <> 'succeeded'",
        )
        if failed:
            raise SystemExit(f"{failed} jobs did not succeed; see the worker logs")
    with engine.connect() as conn:
        cases = conn.execute(sa.select(sa.func.count()).select_from(case)).scalar_one()
        messages = conn.execute(
            sa.select(sa.func.count()).where(outbox.c.status == "sent")
        ).scalar_one()
    jobs = _scalar(engine, "SELECT count(*) FROM procrastinate_jobs")
    engine.dispose()
    return Drain(workers, seconds, jobs, int(cases), int(messages))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("KLEINKASSO_TEST_PG_URL"))
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--chunk-size", type=int, default=50)
    parser.add_argument("--relay-batch", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    if not args.pg:
        raise SystemExit("--pg (or KLEINKASSO_TEST_PG_URL) is required")
    counts = [int(part) for part in args.workers.split(",")]

    # Worker counts take turns in each repeat, so a load that other processes
    # put on the machine for a while slows every count alike.
    runs: dict[int, list[Drain]] = {count: [] for count in counts}
    for _ in range(args.repeats):
        for count in counts:
            with fresh_database(args.pg) as url:
                runs[count].append(drain(url, count, args))

    items = 200 * args.copies * len(scenario.CREDITORS)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}")
    print(
        f"python {platform.python_version()}, {items} items, chunks of "
        f"{args.chunk_size} debtors, relay batches of {args.relay_batch}, "
        f"best of {args.repeats} repeats"
    )
    print(
        "| workers | wall time (s) | median (s) | jobs | cases | messages "
        "| cases/s | speed-up |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    base = min(run.seconds for run in runs[counts[0]])
    for count in counts:
        best = min(runs[count], key=lambda run: run.seconds)
        median = statistics.median(run.seconds for run in runs[count])
        print(
            f"| {count} | {best.seconds:.1f} | {median:.1f} | {best.jobs} | "
            f"{best.cases} | {best.messages} | {best.cases / best.seconds:.1f} | "
            f"{base / best.seconds:.2f} |"
        )


if __name__ == "__main__":
    main()
