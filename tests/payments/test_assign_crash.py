"""A process killed while assigning a credit leaves nothing half booked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from kleinkasso.store.db import make_engine
from kleinkasso.store.schema import bank_entry, journal_entry
from tests.conftest import EXAMPLES
from tests.payments.camtgen import Line, camt053
from tests.payments.test_apply import EARLY_TOTAL


def _kleinkasso(db_url: str, *args: str, crash_at: str | None = None) -> int:
    env = {k: v for k, v in os.environ.items() if k != "KLEINKASSO_CRASH_AT"}
    if crash_at:
        env["KLEINKASSO_CRASH_AT"] = crash_at
    done = subprocess.run(
        [sys.executable, "-m", "kleinkasso", *args, "--db", db_url],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    return done.returncode


def test_assign_killed_then_rerun(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'k.db'}"
    items = tmp_path / "items.csv"
    lines = (EXAMPLES / "open-items.csv").read_bytes().split(b"\r\n")
    items.write_bytes(b"\r\n".join(lines[:4]) + b"\r\n")
    statement = tmp_path / "s.xml"
    day = date(2026, 11, 20)
    statement.write_bytes(camt053("CRASH", [Line(EARLY_TOTAL, day, "ohne Bezug")]))
    for args in (
        ["creditor", "add", "--config", str(EXAMPLES / "creditor.toml")],
        ["import", "open-items", str(items), "--creditor", "spielwiese"],
        ["run", "--as-of", "2026-11-16", "--out", str(tmp_path / "out")],
        ["import", "statement", str(statement)],
    ):
        assert _kleinkasso(db_url, *args) in (0, 1)

    assign = ["payments", "assign", "1", "SW000001"]
    crashed = _kleinkasso(db_url, *assign, crash_at="assign.uncommitted")
    assert crashed == -signal.SIGKILL
    engine = make_engine(db_url)
    with engine.connect() as conn:
        status = conn.execute(sa.select(bank_entry.c.status)).scalar_one()
        payments = conn.execute(
            sa.select(sa.func.count()).where(journal_entry.c.kind == "payment")
        ).scalar_one()
    assert status == "unmatched"
    assert payments == 0

    assert _kleinkasso(db_url, *assign) == 0
    assert _kleinkasso(db_url, *assign) == 0
    with engine.connect() as conn:
        payments = conn.execute(
            sa.select(sa.func.count()).where(journal_entry.c.kind == "payment")
        ).scalar_one()
    engine.dispose()
    assert payments == 1
    assert _kleinkasso(db_url, "check") == 0
