"""Kill the main job at every named crash point, rerun it, compare the end state.

The reference is an uncrashed run of every step on the example data. For
each crash point the steps run again on a fresh database; the step that hits
the point is killed with SIGKILL at its first hit and then run again without
the crash. The end state (items, cases, balances, ledger, outbox, bank
entries, settlement and the files written) must equal the reference, and
the invariants must hold.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kleinkasso.store.check import check_invariants
from kleinkasso.store.db import make_engine
from kleinkasso.store.schema import (
    bank_entry,
    case,
    case_balance,
    item,
    journal_entry,
    outbox,
    posting,
    settlement,
)
from tests.conftest import EXAMPLES

CREDITOR = "spielwiese"
CRASH_POINTS = (
    "import.chunk",
    "run.evaluate",
    "run.case_uncommitted",
    "run.cases",
    "run.fees",
    "relay.written",
    "relay.sent",
    "statement.before_store",
    "statement.uncommitted",
    "statement.entry",
    "settle.before_commit",
)


def _steps(out: Path) -> list[list[str]]:
    return [
        ["creditor", "add", "--config", str(EXAMPLES / "creditor.toml")],
        ["import", "open-items", str(out.parent / "items.csv"), "--creditor", CREDITOR],
        [
            "import",
            "returns",
            str(EXAMPLES / "returns-camt054.xml"),
            "--creditor",
            CREDITOR,
        ],
        ["run", "--as-of", "2026-11-16", "--out", str(out)],
        ["import", "statement", str(EXAMPLES / "statement-camt053.xml")],
        ["run", "--as-of", "2026-12-04", "--out", str(out)],
        ["settle", "--creditor", CREDITOR, "--period", "2026-11", "--out", str(out)],
    ]


def _small_export(target: Path) -> None:
    """Write the first 60 rows of the example export, to keep each run short."""
    lines = (EXAMPLES / "open-items.csv").read_bytes().split(b"\r\n")
    target.write_bytes(b"\r\n".join(lines[:61]) + b"\r\n")


def _invoke(args: Sequence[str], db_url: str, crash_at: str | None) -> int:
    env = {
        key: value for key, value in os.environ.items() if key != "KLEINKASSO_CRASH_AT"
    }
    if crash_at:
        env["KLEINKASSO_CRASH_AT"] = crash_at
    done = subprocess.run(
        [sys.executable, "-m", "kleinkasso", *args, "--db", db_url],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    if done.returncode not in (0, 1, -signal.SIGKILL):
        raise AssertionError(f"{args} exited {done.returncode}: {done.stderr.decode()}")
    return done.returncode


def _run_all(workdir: Path, db_url: str, crash_at: str | None) -> bool:
    """Run every step; return whether the crash point was hit."""
    out = workdir / "out"
    _small_export(workdir / "items.csv")
    crashed = False
    for step in _steps(out):
        if _invoke(step, db_url, None if crashed else crash_at) == -signal.SIGKILL:
            crashed = True
            assert _invoke(step, db_url, None) in (0, 1)
    return crashed


def _state(db_url: str, out: Path) -> dict[str, Any]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            refs = dict(conn.execute(sa.select(case.c.id, case.c.case_ref)).all())
            items = sorted(
                (row.item_ref, row.state, row.reason, refs.get(row.case_id))
                for row in conn.execute(sa.select(item))
            )
            cases = sorted(
                (refs[row.case_id], *row[2:])
                for row in conn.execute(sa.select(case_balance))
            )
            statuses = sorted(
                conn.execute(
                    sa.select(case.c.case_ref, case.c.status, case.c.fee_rate)
                ).all()
            )
            ledger = sorted(
                (
                    row.kind,
                    refs.get(row.case_id),
                    str(row.booked_on),
                    row.account,
                    row.item_ref,
                    int(row.total),
                )
                for row in conn.execute(
                    sa.select(
                        journal_entry.c.kind,
                        journal_entry.c.case_id,
                        journal_entry.c.booked_on,
                        posting.c.account,
                        item.c.item_ref,
                        sa.func.sum(posting.c.amount_cents).label("total"),
                    )
                    .join(posting, posting.c.entry_id == journal_entry.c.id)
                    .outerjoin(item, item.c.id == posting.c.item_id)
                    .group_by(
                        journal_entry.c.kind,
                        journal_entry.c.case_id,
                        journal_entry.c.booked_on,
                        posting.c.account,
                        item.c.item_ref,
                    )
                )
            )
            messages = sorted(
                (
                    row.dedup_key.split(":", 1)[1],
                    refs[row.case_id],
                    row.message_id,
                    row.status,
                )
                for row in conn.execute(sa.select(outbox))
            )
            entries = sorted(
                (row.entry_key, row.status, refs.get(row.case_id), row.amount_cents)
                for row in conn.execute(sa.select(bank_entry))
            )
            settled = sorted(
                (row.period, row.collected_cents, row.forwarded_cents, row.kept_cents)
                for row in conn.execute(sa.select(settlement))
            )
    finally:
        engine.dispose()
    files = sorted(
        (str(path.relative_to(out)), hashlib.sha256(path.read_bytes()).hexdigest())
        for path in out.rglob("*")
        if path.is_file() and not path.name.startswith(".tmp")
    )
    return {
        "items": items,
        "cases": cases,
        "statuses": statuses,
        "ledger": ledger,
        "messages": messages,
        "entries": entries,
        "settlements": settled,
        "files": files,
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    workdir = tmp_path_factory.mktemp("reference")
    url = f"sqlite:///{workdir / 'db.sqlite'}"
    assert not _run_all(workdir, url, None)
    return _state(url, workdir / "out")


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_crash_and_rerun_equals_reference(
    point: str, reference: dict[str, Any], tmp_path: Path, db_url: str
) -> None:
    assert _run_all(tmp_path, db_url, f"{point}:1"), (
        f"crash point {point} never reached"
    )
    state = _state(db_url, tmp_path / "out")
    for key, expected in reference.items():
        assert state[key] == expected, key
    engine = make_engine(db_url)
    try:
        assert check_invariants(engine) == []
    finally:
        engine.dispose()
