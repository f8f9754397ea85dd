"""Payments on a case: the fee rate they earn, §§ 366, 367 order, overpayments.

One consumer claim of 4.99 EUR, due 2026-10-01, reminded on 2026-10-12, so
in default from 2026-10-13; the case opens and the first demand goes out on
2026-11-16 (mandate from 1 June 2025: 1.0 fee 31.50 EUR for a value up to
50 EUR). Early total: 4.99 + 0.03 interest + 15.75 fee + 3.15 expenses =
23.92 EUR; after 2026-11-30 the fee is 0.9 x 31.50 = 28.35 plus 5.67.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kleinkasso import creditors
from kleinkasso.cases.position import CasePosition, case_position
from kleinkasso.cases.service import RunReport, evaluate_items, open_cases, raise_fees
from kleinkasso.intake.records import OpenItemRecord
from kleinkasso.intake.service import import_items
from kleinkasso.payments.apply import PaymentOutcome, apply_payment
from kleinkasso.policy.creditor_config import CreditorConfig, load_creditor_config
from kleinkasso.store.api_tables import api_event
from kleinkasso.store.check import check_invariants
from kleinkasso.store.db import make_engine, migrate
from kleinkasso.store.schema import case, outbox
from tests.conftest import EXAMPLES

NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
OPENED = date(2026, 11, 16)
RECORD = OpenItemRecord(
    item_ref="R1",
    customer_ref="K1",
    name="Erika Muster",
    street="Hauptstraße 1",
    postal_code="10115",
    city="Berlin",
    country="DE",
    email="erika@example.org",
    consumer=True,
    subject="In-App-Kauf",
    contract_date=date(2026, 10, 1),
    invoice_date=date(2026, 10, 1),
    due_date=date(2026, 10, 1),
    amount_cents=499,
    currency="EUR",
    reminder_date=date(2026, 10, 12),
    return_charges_cents=0,
    disputed=False,
    category=None,
)
EARLY_TOTAL = 2392


class Setup:
    """A database with one open case and a way to pay it."""

    def __init__(self, engine: sa.Engine, config: CreditorConfig) -> None:
        self.engine = engine
        self.config = config
        with engine.connect() as conn:
            self.case_id = conn.execute(sa.select(case.c.id)).scalar_one()

    def pay(self, cents: int, on: date, key: str = "p1") -> PaymentOutcome:
        with self.engine.begin() as conn:
            return apply_payment(
                conn, self.config, self.case_id, cents, on, source_key=key, now=NOW
            )

    def position(self, on: date) -> CasePosition:
        with self.engine.connect() as conn:
            return case_position(conn, self.case_id, on, Decimal("0.9"))

    def status(self) -> str:
        with self.engine.connect() as conn:
            return str(
                conn.execute(
                    sa.select(case.c.status).where(case.c.id == self.case_id)
                ).scalar_one()
            )

    def raise_fees(self, on: date) -> None:
        raise_fees(self.engine, self.config, on, NOW, RunReport("spielwiese"))


@pytest.fixture
def setup(db_url: str) -> Iterator[Setup]:
    engine = make_engine(db_url)
    migrate(engine)
    config = load_creditor_config((EXAMPLES / "creditor.toml").read_bytes(), source="c")
    creditors.register(engine, config, NOW)
    import_items(engine, config.id, [RECORD], source="t", origin="csv", now=NOW)
    report = RunReport(config.id)
    evaluate_items(engine, config, OPENED, NOW, report)
    open_cases(engine, config, OPENED, NOW, report)
    yield Setup(engine, config)
    # These payments are applied directly, not from a bank statement, so the
    # bank-account reconciliation (I7) does not apply here.
    violations = check_invariants(engine)
    assert [v for v in violations if not v.startswith("I7:")] == []
    engine.dispose()


def test_first_demand_amounts(setup: Setup) -> None:
    position = setup.position(OPENED)
    assert position.principal_cents == 499
    assert position.interest_cents == 3
    assert position.fee_cents == 1575
    assert position.expenses_cents == 315
    assert position.vat_cents == 0
    assert position.open_cents == EARLY_TOTAL


def test_demand_queued_on_both_channels(setup: Setup) -> None:
    with setup.engine.connect() as conn:
        rows = conn.execute(sa.select(outbox.c.channel, outbox.c.payload)).all()
    assert sorted(row.channel for row in rows) == ["email", "letter"]
    payload = rows[0].payload
    assert payload["early"]["total_cents"] == EARLY_TOTAL
    assert payload["early"]["pay_by"] == "2026-11-30"
    assert payload["regular"]["fee_cents"] == 2835


def test_early_full_payment_closes_case(setup: Setup) -> None:
    outcome = setup.pay(EARLY_TOTAL, date(2026, 11, 20))
    assert outcome.paid_in_full
    assert outcome.refund_cents == 0
    assert setup.status() == "paid"
    position = setup.position(date(2026, 12, 20))
    assert position.open_cents == 0
    assert position.fee_cents == 0
    assert position.paid_cents == EARLY_TOTAL - outcome.written_off_cents


def test_partial_payment_goes_to_costs_first(setup: Setup) -> None:
    setup.pay(1000, date(2026, 11, 20))
    position = setup.position(date(2026, 11, 20))
    assert position.principal_cents == 499
    assert position.interest_cents == 3
    assert position.fee_cents == 575
    assert position.expenses_cents == 315
    assert setup.status() == "open"


def test_unpaid_after_window_gets_regular_fee(setup: Setup) -> None:
    setup.pay(1000, date(2026, 11, 20))
    setup.raise_fees(date(2026, 12, 4))
    position = setup.position(date(2026, 12, 4))
    assert position.fee_rate == Decimal("0.9")
    assert position.fee_cents == 2835 - 1000
    assert position.expenses_cents == 567


def test_late_full_payment_pays_regular_fee(setup: Setup) -> None:
    due = setup.position(date(2026, 12, 10)).open_cents
    outcome = setup.pay(due, date(2026, 12, 10))
    assert outcome.paid_in_full
    assert outcome.refund_cents == 0
    assert due == 499 + 5 + 2835 + 567


def test_overpayment_owed_back(setup: Setup) -> None:
    outcome = setup.pay(5000, date(2026, 11, 20))
    assert outcome.paid_in_full
    assert outcome.refund_cents == 5000 - EARLY_TOTAL
    assert setup.position(date(2026, 11, 20)).refund_cents == 5000 - EARLY_TOTAL


def test_payment_on_paid_case_is_refunded(setup: Setup) -> None:
    setup.pay(EARLY_TOTAL, date(2026, 11, 20), key="p1")
    outcome = setup.pay(700, date(2026, 11, 25), key="p2")
    assert outcome.refund_cents == 700
    assert outcome.allocated_cents == 0


def test_early_payment_imported_late_lowers_fee(setup: Setup) -> None:
    setup.raise_fees(date(2026, 12, 4))
    assert setup.position(date(2026, 12, 4)).fee_cents == 2835
    outcome = setup.pay(EARLY_TOTAL, date(2026, 11, 25))
    assert outcome.paid_in_full
    assert outcome.refund_cents == 0
    assert setup.status() == "paid"


def test_same_payment_twice_rejected(setup: Setup) -> None:
    setup.pay(1000, date(2026, 11, 20), key="bank_entry:1")
    with pytest.raises(sa.exc.IntegrityError):
        setup.pay(1000, date(2026, 11, 20), key="bank_entry:1")
    assert setup.position(date(2026, 11, 20)).paid_cents == 1000


def test_second_claim_joins_open_case(setup: Setup) -> None:
    second = replace(RECORD, item_ref="R2", amount_cents=199)
    import_items(
        setup.engine, "spielwiese", [second], source="t", origin="csv", now=NOW
    )
    report = RunReport("spielwiese")
    evaluate_items(setup.engine, setup.config, date(2026, 11, 18), NOW, report)
    open_cases(setup.engine, setup.config, date(2026, 11, 18), NOW, report)
    assert report.cases_opened == 0
    assert report.cases_extended == 1
    position = setup.position(date(2026, 11, 18))
    assert len(position.claims) == 2
    assert position.principal_cents == 698
    assert position.fee_cents == 1575


def test_payment_records_events(setup: Setup) -> None:
    setup.pay(EARLY_TOTAL, date(2026, 11, 20))
    with setup.engine.connect() as conn:
        kinds = (
            conn.execute(sa.select(api_event.c.kind).order_by(api_event.c.id))
            .scalars()
            .all()
        )
    assert kinds[0] == "case.opened"
    assert "payment.received" in kinds
    assert kinds[-1] == "case.paid"
