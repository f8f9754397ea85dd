"""Two worker processes drain queued daily runs while workers die mid-job.

The queued side runs two ``kleinkasso worker`` subprocesses at a time on a
fresh PostgreSQL database. The first worker kills itself with SIGKILL
inside a chunk's transaction, and its replacement kills itself between
writing a file and marking its outbox row sent. Their jobs are retried once
their heartbeats stop. The end state must equal sequential ``kleinkasso
run`` calls on a second (SQLite) database, with no effect doubled.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from kleinkasso.cli import worker_cmd
from kleinkasso.store.check import check_invariants
from kleinkasso.store.db import make_engine
from tests.conftest import PG_ADMIN_URL
from tests.worker import scenario

pytestmark = pytest.mark.skipif(
    PG_ADMIN_URL is None, reason="needs PostgreSQL (KLEINKASSO_TEST_PG_URL)"
)

COPIES = 4
CHUNK_SIZE = 25
RELAY_BATCH = 50
WORKER_OPTIONS = (
    "--heartbeat",
    "0.5",
    "--stalled-after",
    "2",
    "--poll-interval",
    "0.3",
)
# Where each crashing worker kills itself: the first inside the transaction
# that bundles a debtor's items, the replacement after writing a file and
# before marking its outbox row sent. Later workers do not crash.
CRASHES = ("run.case_uncommitted:40", "relay.written:15")
DRAIN_TIMEOUT = 120


@dataclass
class Workers:
    """The worker processes of one test, with a replacement for each crash."""

    url: str
    logs: Path
    running: list[subprocess.Popen[bytes]] = field(default_factory=list)
    crashed: list[subprocess.Popen[bytes]] = field(default_factory=list)
    crashes_left: list[str] = field(default_factory=lambda: list(CRASHES))

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "KLEINKASSO_CRASH_AT"}
        if self.crashes_left:
            env["KLEINKASSO_CRASH_AT"] = self.crashes_left.pop(0)
        number = len(self.running) + len(self.crashed) + 1
        log = self.logs / f"worker-{number}.log"
        with log.open("wb") as stream:
            self.running.append(
                subprocess.Popen(
                    [
                        *scenario.COMMAND,
                        "worker",
                        "--db",
                        self.url,
                        "--name",
                        f"test-{number}",
                        *WORKER_OPTIONS,
                    ],
                    env=env,
                    stdout=stream,
                    stderr=subprocess.STDOUT,
                )
            )

    def check(self) -> None:
        """Replace a worker that killed itself; fail on any other exit."""
        for process in list(self.running):
            code = process.poll()
            if code is None:
                continue
            assert code == -signal.SIGKILL, f"worker exited {code}:\n{self.output()}"
            self.running.remove(process)
            self.crashed.append(process)
            self.start()

    def stop(self) -> list[int]:
        for process in self.running:
            process.send_signal(signal.SIGTERM)
        return [process.wait(30) for process in self.running]

    def logs_text(self) -> str:
        return "".join(
            path.read_text(errors="replace")
            for path in sorted(self.logs.glob("worker-*.log"))
        )

    def output(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.logs.glob("worker-*.log"))
        )


@pytest.fixture
def workers(db_url: str, tmp_path: Path) -> Iterator[Workers]:
    if not db_url.startswith("postgresql"):
        pytest.skip("the job queue needs PostgreSQL")
    logs = tmp_path / "logs"
    logs.mkdir()
    running = Workers(db_url, logs)
    yield running
    for process in running.running:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def _job_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT status::text AS status, count(*) AS jobs "
                    "FROM procrastinate_jobs GROUP BY status"
                )
            )
            return {row.status: int(row.jobs) for row in rows}
    finally:
        engine.dispose()


def _drain(workers: Workers) -> None:
    deadline = time.monotonic() + DRAIN_TIMEOUT
    while True:
        workers.check()
        counts = _job_counts(workers.url)
        if not counts.get("todo") and not counts.get("doing"):
            return
        assert time.monotonic() < deadline, (
            f"queue not drained: {counts}\n{workers.output()}"
        )
        time.sleep(0.2)


def _jobs(*args: object) -> None:
    """Run ``kleinkasso jobs ...`` in this process, which starts faster."""
    app = typer.Typer()
    worker_cmd.register(app)
    result = CliRunner().invoke(app, ["jobs", *map(str, args)])
    assert result.exit_code == 0, result.stderr


def _queued_run(workers: Workers, out: Path, workdir: Path) -> None:
    url = workers.url
    workers.start()
    workers.start()
    for day, statement in ((scenario.FIRST_RUN, True), (scenario.SECOND_RUN, False)):
        _jobs(
            "defer", "daily", "--as-of", day, "--out", out,
            "--chunk-size", CHUNK_SIZE, "--relay-batch", RELAY_BATCH, "--db", url,
        )  # fmt: skip
        _drain(workers)
        if statement:
            path = scenario.write_statement(url, workdir / "queued-camt053.xml")
            _jobs("defer", "statement", path, "--db", url)
            _drain(workers)


def _sequential_run(url: str, out: Path, workdir: Path) -> None:
    scenario.kleinkasso("run", "--as-of", scenario.FIRST_RUN, "--out", out, "--db", url)
    path = scenario.write_statement(url, workdir / "sequential-camt053.xml")
    scenario.kleinkasso("import", "statement", path, "--db", url)
    scenario.kleinkasso(
        "run", "--as-of", scenario.SECOND_RUN, "--out", out, "--db", url
    )


def test_workers_match_sequential_run(workers: Workers, tmp_path: Path) -> None:
    reference_url = f"sqlite:///{tmp_path / 'sequential.db'}"
    items = scenario.load(workers.url, COPIES)
    assert scenario.load(reference_url, COPIES) == items
    assert items > 2000

    # The sequential reference runs meanwhile, in the time the workers wait
    # for heartbeats and polls.
    with ThreadPoolExecutor(max_workers=1) as pool:
        reference = pool.submit(
            _sequential_run, reference_url, tmp_path / "sequential", tmp_path
        )
        _queued_run(workers, tmp_path / "queued", tmp_path)
        assert workers.stop() == [0, 0], workers.output()
        reference.result()

    assert len(workers.crashed) == len(CRASHES), workers.output()
    counts = _job_counts(workers.url)
    assert set(counts) == {"succeeded"}, counts
    assert counts["succeeded"] > 50
    stalls = re.findall(r"job \d+ \((\S+), attempt \d+\) stalled", workers.logs_text())
    assert sorted(stalls) == ["kleinkasso.daily_chunk", "kleinkasso.relay_batch"]
    engine = make_engine(workers.url)
    try:
        assert check_invariants(engine) == []
    finally:
        engine.dispose()
    assert scenario.doubled_effects(workers.url) == []

    queued = scenario.end_state(workers.url, tmp_path / "queued")
    sequential = scenario.end_state(
        reference_url, tmp_path / "sequential", check_files=False
    )
    assert queued["files"], "no file written"
    for key, expected in sequential.items():
        assert queued[key] == expected, key
