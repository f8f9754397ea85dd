"""The schema enforces what the ledger relies on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from kleinkasso import creditors
from kleinkasso.cases import ledger
from kleinkasso.policy.creditor_config import load_creditor_config
from kleinkasso.store.db import _alembic_config, make_engine, migrate
from kleinkasso.store.schema import (
    case,
    case_balance,
    journal_entry,
    metadata,
    posting,
)
from tests.conftest import EXAMPLES

NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    engine = make_engine(db_url)
    migrate(engine)
    config = load_creditor_config((EXAMPLES / "creditor.toml").read_bytes(), source="c")
    creditors.register(engine, config, NOW)
    with engine.begin() as conn:
        conn.execute(
            case.insert().values(
                id=1,
                creditor_id="spielwiese",
                case_no=1,
                case_ref="SW000001",
                customer_ref="K1",
                creditor_reference="RF11SW000001",
                status="open",
                opened_on=date(2026, 11, 16),
                mandate_date=date(2026, 11, 16),
                fee_rate="0.5",
                fee_value_cents=0,
                vat_charged=False,
                created_at=NOW,
            )
        )
        conn.execute(
            case_balance.insert().values(
                case_id=1,
                creditor_id="spielwiese",
                principal_cents=0,
                interest_cents=0,
                costs_cents=0,
                fee_cents=0,
                expenses_cents=0,
                vat_cents=0,
                paid_cents=0,
                refund_cents=0,
                written_off_cents=0,
            )
        )
    yield engine
    engine.dispose()


def _post(conn: sa.Connection, amount: int) -> int:
    return ledger.post(
        conn,
        creditor_id="spielwiese",
        case_id=1,
        kind="fee",
        booked_on=date(2026, 11, 16),
        rule="test",
        now=NOW,
        lines=[
            ledger.Line(ledger.DEBTOR_FEE, amount),
            ledger.Line(ledger.COLLECTOR_FEES, -amount),
        ],
    )


def test_migrate_twice_is_harmless(engine: sa.Engine) -> None:
    migrate(engine)
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    with engine.connect() as conn:
        version = conn.execute(sa.text("SELECT version_num FROM alembic_version"))
        assert version.scalar_one() == head


# SQLite cannot reflect expression indexes, so Alembic skips comparing them
# there (with these warnings); PostgreSQL compares them too.
@pytest.mark.filterwarnings("ignore:autogenerate skipping")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection")
def test_migrations_match_schema(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_posting_updates_balance(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        _post(conn, 1575)
        assert conn.execute(sa.select(case_balance.c.fee_cents)).scalar_one() == 1575


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE posting SET amount_cents = 0",
        "DELETE FROM posting",
        "UPDATE journal_entry SET rule = 'x'",
        "DELETE FROM journal_entry",
    ],
)
def test_ledger_is_append_only(engine: sa.Engine, statement: str) -> None:
    with engine.begin() as conn:
        _post(conn, 100)
    with (
        pytest.raises(sa.exc.DatabaseError, match="append-only"),
        engine.begin() as conn,
    ):
        conn.execute(sa.text(statement))
    with engine.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(posting)).scalar_one()
            == 2
        )
        assert (
            conn.execute(
                sa.select(sa.func.count()).select_from(journal_entry)
            ).scalar_one()
            == 1
        )


def test_unbalanced_entry_rejected(engine: sa.Engine) -> None:
    with (
        pytest.raises(ledger.UnbalancedEntry, match="sum to 5 cents"),
        engine.begin() as conn,
    ):
        ledger.post(
            conn,
            creditor_id="spielwiese",
            case_id=1,
            kind="fee",
            booked_on=date(2026, 11, 16),
            rule="test",
            now=NOW,
            lines=[ledger.Line(ledger.DEBTOR_FEE, 5)],
        )


def test_negative_open_amount_rejected(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        _post(conn, 100)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        _post(conn, -101)
    with engine.connect() as conn:
        assert conn.execute(sa.select(case_balance.c.fee_cents)).scalar_one() == 100


def test_float_amount_rejected(engine: sa.Engine) -> None:
    amount: Any = 1.5
    with pytest.raises(TypeError, match="int cents"), engine.begin() as conn:
        ledger.post(
            conn,
            creditor_id="spielwiese",
            case_id=1,
            kind="fee",
            booked_on=date(2026, 11, 16),
            rule="test",
            now=NOW,
            lines=[
                ledger.Line(ledger.DEBTOR_FEE, amount),
                ledger.Line(ledger.COLLECTOR_FEES, -amount),
            ],
        )


def test_second_open_case_for_debtor_rejected(engine: sa.Engine) -> None:
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(
            case.insert().values(
                creditor_id="spielwiese",
                case_no=2,
                case_ref="SW000002",
                customer_ref="K1",
                creditor_reference="RF22SW000002",
                status="open",
                opened_on=date(2026, 11, 16),
                mandate_date=date(2026, 11, 16),
                fee_rate="0.5",
                fee_value_cents=0,
                vat_charged=False,
                created_at=NOW,
            )
        )
