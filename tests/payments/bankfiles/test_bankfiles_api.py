"""The public surface of kleinkasso.payments.bankfiles."""

from __future__ import annotations

import pickle
from datetime import date

import pytest

from kleinkasso.payments import bankfiles
from kleinkasso.payments.bankfiles import (
    BankEntry,
    BankFileError,
    Statement,
    format_cents,
    read_bank_file,
)
from kleinkasso.payments.bankfiles._values import unique_statement_ids


def test_all_names() -> None:
    assert sorted(bankfiles.__all__) == [
        "BankEntry",
        "BankFile",
        "BankFileError",
        "DEFAULT_MAX_BYTES",
        "ReturnedDebit",
        "Statement",
        "format_cents",
        "read_bank_file",
        "returned_debits",
    ]
    for name in bankfiles.__all__:
        assert getattr(bankfiles, name) is not None


def test_error_message() -> None:
    error = BankFileError("a.xml", "amount is missing; expected Ntry/Amt")
    assert str(error) == "a.xml: amount is missing; expected Ntry/Amt"
    assert (error.filename, error.reason) == (
        "a.xml",
        "amount is missing; expected Ntry/Amt",
    )


def test_error_pickles() -> None:
    error = pickle.loads(pickle.dumps(BankFileError("a.xml", "broken")))
    assert (error.filename, error.reason, str(error)) == (
        "a.xml",
        "broken",
        "a.xml: broken",
    )


def entry(cents: int, currency: str = "EUR") -> BankEntry:
    return BankEntry(
        entry_key="@1",
        booking_date=date(2024, 5, 2),
        value_date=None,
        amount_cents=cents,
        currency=currency,
        charges_cents=0,
        original_amount_cents=None,
        reference="",
        structured_reference=None,
        end_to_end_id=None,
        mandate_id=None,
        counterparty_name=None,
        counterparty_iban=None,
        return_reason=None,
        is_return=False,
        transaction_code=None,
    )


def statement(
    opening: int | None, closing: int | None, *entries: BankEntry
) -> Statement:
    return Statement("S", None, "EUR", opening, closing, tuple(entries))


@pytest.mark.parametrize(
    ("subject", "problem"),
    [
        (statement(1000, 1250, entry(250)), None),
        (statement(None, 1250, entry(250)), None),
        (statement(1000, None, entry(250)), None),
        (
            statement(1000, 1200, entry(250)),
            "statement 'S': opening balance 10.00 plus 1 entries of 2.50 makes 12.50, "
            "but the closing balance is 12.00 (difference -0.50)",
        ),
        (
            statement(1000, 1250, entry(250, "CHF")),
            "statement 'S': entries in CHF cannot be added to balances in EUR",
        ),
    ],
    ids=["adds up", "no opening", "no closing", "differs", "other currency"],
)
def test_balance_problem(subject: Statement, problem: str | None) -> None:
    assert subject.balance_problem() == problem


@pytest.mark.parametrize(
    ("cents", "text"),
    [(0, "0.00"), (5, "0.05"), (-5, "-0.05"), (123456, "1234.56"), (-100, "-1.00")],
)
def test_format_cents(cents: int, text: str) -> None:
    assert format_cents(cents) == text


def test_records_immutable() -> None:
    subject = entry(1)
    with pytest.raises(AttributeError):
        subject.amount_cents = 2  # type: ignore[misc]


def test_text_input_is_misuse() -> None:
    with pytest.raises(TypeError, match="data must be bytes, not str"):
        read_bank_file("<Document/>", filename="a.xml")  # type: ignore[arg-type]


def test_max_bytes_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_bytes must be positive, not 0"):
        read_bank_file(b"<Document/>", filename="a.xml", max_bytes=0)


@pytest.mark.parametrize(
    ("ids", "unique"),
    [
        (["A", "B"], ["A", "B"]),
        (["A", "A", "A"], ["A", "A#2", "A#3"]),
        (["A", "A", "A#2"], ["A", "A#3", "A#2"]),
    ],
    ids=["distinct", "repeated", "numbered id exists"],
)
def test_unique_statement_ids(ids: list[str], unique: list[str]) -> None:
    assert unique_statement_ids(ids) == unique
