"""A process killed between writing the refund file and marking its rows."""

from __future__ import annotations

import signal
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from kleinkasso.cases.refs import creditor_reference
from kleinkasso.store.db import make_engine
from kleinkasso.store.payment_tables import refund
from tests.conftest import EXAMPLES
from tests.payments.camtgen import Line, camt053
from tests.payments.test_assign_crash import _kleinkasso

PAYER_IBAN = "DE02120300000000202051"


def _statuses(db_url: str) -> list[str]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        statuses = list(
            conn.execute(sa.select(refund.c.status).order_by(refund.c.id)).scalars()
        )
    engine.dispose()
    return statuses


def test_refunds_killed_then_rerun(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'k.db'}"
    items = tmp_path / "items.csv"
    lines = (EXAMPLES / "open-items.csv").read_bytes().split(b"\r\n")
    items.write_bytes(b"\r\n".join(lines[:4]) + b"\r\n")
    statement = tmp_path / "s.xml"
    paid = Line(
        9000, date(2026, 11, 20), creditor_reference("SW000001"), iban=PAYER_IBAN
    )
    statement.write_bytes(camt053("REFUND", [paid]))
    for args in (
        ["creditor", "add", "--config", str(EXAMPLES / "creditor.toml")],
        ["import", "open-items", str(items), "--creditor", "spielwiese"],
        ["run", "--as-of", "2026-11-16", "--out", str(tmp_path / "out")],
        ["import", "statement", str(statement)],
    ):
        assert _kleinkasso(db_url, *args) in (0, 1)
    assert _statuses(db_url) == ["pending"]

    out = tmp_path / "refunds"
    command = ["payments", "refunds", "--creditor", "spielwiese", "--out", str(out)]
    command += ["--as-of", "2026-11-25"]
    file = out / "refunds-spielwiese-20261125.xml"
    crashed = _kleinkasso(db_url, *command, crash_at="refunds.written")
    assert crashed == -signal.SIGKILL
    assert file.is_file()
    first = file.read_bytes()
    assert _statuses(db_url) == ["pending"]

    assert _kleinkasso(db_url, *command) == 0
    assert file.read_bytes() == first
    assert _statuses(db_url) == ["sent"]
    assert sorted(path.name for path in out.iterdir()) == [file.name]

    assert _kleinkasso(db_url, *command) == 0
    assert file.read_bytes() == first
    assert sorted(path.name for path in out.iterdir()) == [file.name]
    assert _kleinkasso(db_url, "check") == 0
