"""Every bank statement sample imported: counted, reconciled, imported once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from kleinkasso.payments.bankfiles import read_bank_file
from kleinkasso.payments.reconcile import reconcile
from kleinkasso.payments.review import entry_rows
from kleinkasso.payments.statements import import_statement
from kleinkasso.store.check import check_invariants
from kleinkasso.store.db import make_engine, migrate

DATA = Path(__file__).resolve().parents[1] / "data" / "bank"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
# Statements and reports; the pain.* files are orders and status reports.
SAMPLES = sorted(
    path
    for path in DATA.rglob("*")
    if path.is_file() and not path.name.startswith("pain.")
)


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("path", SAMPLES, ids=[path.name for path in SAMPLES])
def test_sample_imported_once(engine: sa.Engine, path: Path) -> None:
    data = path.read_bytes()
    bank_file = read_bank_file(data, filename=path.name)
    entries = [entry for s in bank_file.statements for entry in s.entries]
    first = import_statement(engine, data, source=path.name, now=NOW)
    second = import_statement(engine, data, source=path.name, now=NOW)
    with engine.connect() as conn:
        rows = entry_rows(conn)
        result = reconcile(conn, date(1990, 1, 1), date(2100, 12, 31))
    assert first.entries == len(entries)
    assert len(rows) == len(entries)
    assert second.already_imported == len(entries)
    assert sum(row["amount_cents"] for row in rows) == sum(
        entry.amount_cents for entry in entries
    )
    assert result.credits_cents == sum(
        e.amount_cents for e in entries if e.amount_cents > 0
    )
    assert result.difference_cents == 0
    assert check_invariants(engine) == []
