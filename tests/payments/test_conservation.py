"""Property: whatever credits arrive, every cent is allocated or owed back."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kleinkasso import creditors
from kleinkasso.cases.refs import creditor_reference
from kleinkasso.cases.service import RunReport, evaluate_items, open_cases
from kleinkasso.intake.service import import_items
from kleinkasso.payments.reconcile import reconcile
from kleinkasso.payments.statements import import_statement
from kleinkasso.policy.creditor_config import load_creditor_config
from kleinkasso.store.check import check_invariants
from kleinkasso.store.db import make_engine, migrate
from kleinkasso.store.schema import case_balance
from tests.conftest import EXAMPLES
from tests.payments.camtgen import Line, camt053
from tests.payments.test_apply import RECORD

NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
OPENED = date(2026, 11, 16)
CONFIG = load_creditor_config((EXAMPLES / "creditor.toml").read_bytes(), source="c")
# Two claims of one debtor in one case, so §§ 366, 367 split across them.
RECORDS = [RECORD, replace(RECORD, item_ref="R2", amount_cents=1999)]


def _open_case(engine: sa.Engine) -> None:
    migrate(engine)
    creditors.register(engine, CONFIG, NOW)
    import_items(engine, CONFIG.id, RECORDS, source="t", origin="csv", now=NOW)
    report = RunReport(CONFIG.id)
    evaluate_items(engine, CONFIG, OPENED, NOW, report)
    open_cases(engine, CONFIG, OPENED, NOW, report)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    payments=st.lists(
        st.tuples(st.integers(1, 6000), st.integers(1, 40)), min_size=1, max_size=4
    )
)
def test_credits_conserve_cents(payments: list[tuple[int, int]]) -> None:
    reference = creditor_reference("SW000001")
    lines = [
        Line(cents, OPENED + timedelta(days=days), reference)
        for cents, days in payments
    ]
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'k.db'}")
        try:
            _open_case(engine)
            import_statement(engine, camt053("PROP", lines), source="prop.xml", now=NOW)
            with engine.connect() as conn:
                balance = conn.execute(sa.select(case_balance)).one()
                result = reconcile(conn, OPENED, OPENED + timedelta(days=60))
            received = sum(cents for cents, _ in payments)
            assert balance.paid_cents + balance.refund_cents == received
            assert result.allocated_cents + result.refund_cents == received
            assert result.difference_cents == 0
            assert check_invariants(engine) == []
        finally:
            engine.dispose()
