"""Bank statements through matching, refunds, reversals and the review queue.

One consumer claim of 4.99 EUR (case SW000001 of Erika Muster); paying it
within the early window costs 23.92 EUR in total (see test_apply).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from kleinkasso import creditors
from kleinkasso.cases.refs import creditor_reference
from kleinkasso.cases.service import RunReport, evaluate_items, open_cases
from kleinkasso.intake.service import import_items
from kleinkasso.payments.reconcile import reconcile
from kleinkasso.payments.review import (
    CaseNotFound,
    NotAssignable,
    assign_entry,
    entry_rows,
)
from kleinkasso.payments.statements import StatementReport, import_statement
from kleinkasso.policy.creditor_config import load_creditor_config
from kleinkasso.store.check import check_invariants
from kleinkasso.store.db import make_engine, migrate
from kleinkasso.store.payment_tables import refund, reversal
from kleinkasso.store.schema import case, case_balance, outbox
from tests.conftest import EXAMPLES
from tests.payments.camtgen import Line, camt053
from tests.payments.test_apply import EARLY_TOTAL, RECORD

NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
OPENED = date(2026, 11, 16)
PAID = date(2026, 11, 20)
RF = creditor_reference("SW000001")
PAYER_IBAN = "DE02120300000000202051"


class Books:
    """A database with case SW000001 open and a way to import statements."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.count = 0

    def statement(self, *lines: Line) -> StatementReport:
        self.count += 1
        data = camt053(f"GEN-{self.count}", list(lines))
        return import_statement(self.engine, data, source="gen.xml", now=NOW)

    def rows(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return entry_rows(conn)

    def case(self) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(case, case_balance)
                .join(case_balance, case_balance.c.case_id == case.c.id)
                .where(case.c.case_ref == "SW000001")
            ).one()

    def refunds(self) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(refund).order_by(refund.c.id)))


@pytest.fixture
def books(db_url: str) -> Iterator[Books]:
    engine = make_engine(db_url)
    migrate(engine)
    config = load_creditor_config((EXAMPLES / "creditor.toml").read_bytes(), source="c")
    creditors.register(engine, config, NOW)
    import_items(engine, config.id, [RECORD], source="t", origin="csv", now=NOW)
    report = RunReport(config.id)
    evaluate_items(engine, config, OPENED, NOW, report)
    open_cases(engine, config, OPENED, NOW, report)
    yield Books(engine)
    assert check_invariants(engine) == []
    with engine.connect() as conn:
        assert (
            reconcile(conn, date(2026, 1, 1), date(2026, 12, 31)).difference_cents == 0
        )
    engine.dispose()


@pytest.mark.parametrize(
    ("reference", "structured"),
    [
        pytest.param(RF, False, id="exact"),
        pytest.param(RF.lower(), False, id="lower-case"),
        pytest.param(
            " ".join(RF[i : i + 4] for i in range(0, len(RF), 4)),
            False,
            id="groups-of-four",
        ),
        pytest.param(f"Rechnung {RF[:6]}\n{RF[6:]} danke", False, id="two-lines"),
        pytest.param(f"SVWZ+{RF}Danke", False, id="glued"),
        pytest.param(RF, True, id="structured"),
    ],
)
def test_rf_shapes_matched(books: Books, reference: str, structured: bool) -> None:
    report = books.statement(Line(EARLY_TOTAL, PAID, reference, structured=structured))
    assert report.matched == 1
    row = books.rows()[0]
    assert row["status"] == "matched"
    assert row["match_rule"] == "creditor_reference"
    assert row["confidence"] == 100
    assert row["case_ref"] == "SW000001"
    assert books.case().status == "paid"


def test_reimport_changes_nothing(books: Books) -> None:
    data = camt053("TWICE", [Line(1000, PAID, RF)])
    first = import_statement(books.engine, data, source="a.xml", now=NOW)
    second = import_statement(books.engine, data, source="a.xml", now=NOW)
    assert first.matched == 1
    assert second.already_imported == 1
    assert books.case().paid_cents == 1000


def test_overpayment_records_transfer(books: Books) -> None:
    books.statement(Line(5000, PAID, RF, iban=PAYER_IBAN))
    (row,) = books.refunds()
    assert row.kind == "transfer"
    assert row.amount_cents == 5000 - EARLY_TOTAL
    assert row.iban == PAYER_IBAN
    assert row.status == "pending"


def test_small_overpayment_is_credit(books: Books) -> None:
    books.statement(Line(EARLY_TOTAL + 60, PAID, RF))
    (row,) = books.refunds()
    assert row.kind == "credit"
    assert row.amount_cents == 60


def test_payment_on_closed_case_refunded(books: Books) -> None:
    with books.engine.begin() as conn:
        conn.execute(
            case.update().where(case.c.case_ref == "SW000001").values(status="closed")
        )
        conn.execute(outbox.update().values(status="cancelled"))
    books.statement(Line(1500, PAID, RF, iban=PAYER_IBAN))
    (row,) = books.refunds()
    assert row.amount_cents == 1500
    assert books.case().paid_cents == 0


def test_reversal_reopens_case(books: Books) -> None:
    books.statement(Line(EARLY_TOTAL, PAID, RF, end_to_end_id="E2E-1"))
    assert books.case().status == "paid"
    report = books.statement(
        Line(-EARLY_TOTAL, date(2026, 11, 23), RF, end_to_end_id="E2E-1", reversal=True)
    )
    assert report.reversals == 1
    after = books.case()
    assert after.status == "open"
    assert after.paid_cents == 0
    assert after.principal_cents == 499
    with books.engine.connect() as conn:
        assert conn.execute(sa.select(reversal.c.case_reopened)).scalar_one()


def test_reversal_cancels_pending_refund(books: Books) -> None:
    books.statement(Line(5000, PAID, RF, end_to_end_id="E2E-2"))
    books.statement(
        Line(-5000, date(2026, 11, 23), RF, end_to_end_id="E2E-2", reversal=True)
    )
    (row,) = books.refunds()
    assert row.status == "cancelled"
    assert books.case().refund_cents == 0


def test_debit_without_credit_not_reversed(books: Books) -> None:
    report = books.statement(
        Line(-700, PAID, "Gebuehr", end_to_end_id="OTHER", reversal=True)
    )
    assert report.reversals == 0
    assert books.rows()[0]["status"] == "return"


def test_known_iban_with_amount_matched(books: Books) -> None:
    books.statement(Line(1000, PAID, RF, iban=PAYER_IBAN))
    open_cents = EARLY_TOTAL - 1000
    books.statement(Line(open_cents, PAID, "Rest", iban=PAYER_IBAN))
    row = books.rows()[1]
    assert row["status"] == "matched"
    assert row["match_rule"] == "iban_amount"
    assert row["confidence"] == 85


def test_known_iban_other_amount_reviewed(books: Books) -> None:
    books.statement(Line(1000, PAID, RF, iban=PAYER_IBAN))
    books.statement(Line(300, PAID, "Teil", iban=PAYER_IBAN))
    row = books.rows()[1]
    assert row["status"] == "review"
    assert row["suggestions"][0]["rule"] == "iban"


def test_name_and_amount_go_to_review(books: Books) -> None:
    books.statement(Line(EARLY_TOTAL, PAID, "Zahlung", name="ERIKA  MUSTER"))
    row = books.rows()[0]
    assert row["status"] == "review"
    assert row["case_ref"] is None
    assert row["suggestions"] == [
        {
            "case_id": books.case().id,
            "case_ref": "SW000001",
            "creditor_id": "spielwiese",
            "rule": "name_amount",
            "confidence": 60,
        }
    ]


@pytest.mark.parametrize(
    "payer",
    [
        pytest.param("ÖZLEM STRAUSS", id="capital-umlaut-and-ss"),
        pytest.param("ozlem  strauß", id="no-accent-sharp-s"),
    ],
)
def test_name_folds_alike_on_every_database(books: Books, payer: str) -> None:
    renamed = replace(RECORD, item_ref="R2", name="Özlem Strauß")
    import_items(
        books.engine, "spielwiese", [renamed], source="t", origin="csv", now=NOW
    )
    books.statement(Line(EARLY_TOTAL, PAID, "Zahlung", name=payer))
    row = books.rows()[0]
    assert row["status"] == "review"
    assert [s["rule"] for s in row["suggestions"]] == ["name_amount"]


def test_assign_books_once(books: Books) -> None:
    books.statement(Line(EARLY_TOTAL, PAID, "Zahlung"))
    entry_id = books.rows()[0]["entry_id"]
    assert books.rows()[0]["status"] == "unmatched"
    first = assign_entry(books.engine, entry_id, "SW000001", user="op", now=NOW)
    second = assign_entry(books.engine, entry_id, "SW000001", user="op", now=NOW)
    assert first
    assert not second
    assert books.rows()[0]["status"] == "matched"
    assert books.rows()[0]["match_rule"] == "manual"
    assert books.case().paid_cents == EARLY_TOTAL - books.case().written_off_cents
    assert books.case().status == "paid"


def test_assign_rejects_debit(books: Books) -> None:
    books.statement(Line(-300, PAID, "Kontofuehrung"))
    entry_id = books.rows()[0]["entry_id"]
    with pytest.raises(NotAssignable, match="is ignored"):
        assign_entry(books.engine, entry_id, "SW000001", user="op", now=NOW)


def test_assign_unknown_case(books: Books) -> None:
    books.statement(Line(300, PAID, "Zahlung"))
    entry_id = books.rows()[0]["entry_id"]
    with pytest.raises(CaseNotFound, match="SW999999"):
        assign_entry(books.engine, entry_id, "SW999999", user="op", now=NOW)
    assert books.rows()[0]["status"] == "unmatched"


def test_reconcile_splits_credits(books: Books) -> None:
    books.statement(
        Line(1234, PAID, "Zahlung", name="Erika Muster"),
        Line(5000, date(2026, 11, 21), RF),
        Line(777, PAID, "Unbekannt"),
        Line(-300, PAID, "Kontofuehrung"),
    )
    with books.engine.connect() as conn:
        result = reconcile(conn, date(2026, 11, 1), date(2026, 11, 30))
    assert result.credits_cents == 5000 + 1234 + 777
    assert result.refund_cents == 5000 - EARLY_TOTAL
    assert result.allocated_cents == EARLY_TOTAL
    assert result.review_cents == 1234
    assert result.unallocated_cents == 777
    assert result.other_debits_cents == 300
    assert result.difference_cents == 0
