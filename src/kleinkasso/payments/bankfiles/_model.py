"""Immutable records that the bank file readers return.

Money is in integer cents of the entry's currency. Currencies without minor
units (HUF, JPY) are stored the same way, as the amount times 100, so every
amount field has one unit whatever the currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


class BankFileError(Exception):
    """A bank file that cannot be read.

    The message is one line, ``"<filename>: <reason>"``, and the reason names
    what was expected. Reasons name entries by position and reference, not by
    a debtor's name or IBAN.
    """

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason

    def __reduce__(self) -> tuple[type[BankFileError], tuple[str, str]]:
        return (type(self), (self.filename, self.reason))


@dataclass(frozen=True)
class BankEntry:
    """One booked entry of a statement, or one transaction of a split batch.

    ``entry_key`` is unique within its statement and the same on every read
    of the same file. ``amount_cents`` is signed as the entry moved the
    account: credits are positive, debits negative. ``charges_cents`` are the
    bank charges contained in the amount, ``separate_charges_cents`` the ones
    the bank reported as billed outside it. ``reference`` joins all remittance
    text in file order with ``"\\n"``.
    """

    entry_key: str
    booking_date: date
    value_date: date | None
    amount_cents: int
    currency: str
    charges_cents: int
    original_amount_cents: int | None
    reference: str
    structured_reference: str | None
    end_to_end_id: str | None
    mandate_id: str | None
    counterparty_name: str | None
    counterparty_iban: str | None
    return_reason: str | None
    is_return: bool
    transaction_code: str | None
    batch_index: int | None = None
    is_reversal: bool = False
    booking_text: str | None = None
    separate_charges_cents: int = 0
    payment_information_id: str | None = None


@dataclass(frozen=True)
class Statement:
    """One statement, report or notification with its entries.

    The balances are the booked opening and closing balances the file states,
    in cents of ``currency``; either is ``None`` when the file has none.
    """

    statement_id: str
    account_iban: str | None
    currency: str | None
    opening_balance_cents: int | None
    closing_balance_cents: int | None
    entries: tuple[BankEntry, ...]
    account_identification: str | None = None

    def balance_problem(self) -> str | None:
        """Check opening balance plus entries against the closing balance.

        Returns a message with the figures when they differ, and ``None`` when
        they agree or the statement lacks either balance.
        """
        opening = self.opening_balance_cents
        closing = self.closing_balance_cents
        if opening is None or closing is None:
            return None

        foreign = sorted(
            {e.currency for e in self.entries if e.currency != self.currency}
        )
        if self.currency is not None and foreign:
            return (
                f"statement {self.statement_id!r}: entries in {', '.join(foreign)} "
                f"cannot be added to balances in {self.currency}"
            )

        total = sum(entry.amount_cents for entry in self.entries)
        expected = opening + total
        if expected == closing:
            return None
        return (
            f"statement {self.statement_id!r}: opening balance "
            f"{format_cents(opening)} plus {len(self.entries)} entries of "
            f"{format_cents(total)} makes {format_cents(expected)}, but the "
            f"closing balance is {format_cents(closing)} "
            f"(difference {format_cents(closing - expected)})"
        )


@dataclass(frozen=True)
class BankFile:
    """A whole bank file: its kind, message version, statements and warnings.

    ``kind`` is one of ``"camt.052"``, ``"camt.053"``, ``"camt.054"``,
    ``"pain.002"``, ``"mt940"`` and ``"mt942"``. ``version`` is the ISO 20022
    message version such as ``"001.08"``, or ``""`` for MT940, MT942 and for a
    namespace without a version. ``warnings`` lists what was read but looks wrong, such
    as sums that do not add up, each with its figures.
    """

    kind: str
    version: str
    statements: tuple[Statement, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class ReturnedDebit:
    """A returned or rejected direct debit, with the bank charge split off.

    ``original_amount_cents`` is what the debtor originally owed and
    ``charges_cents`` the bank charge contained in the booked amount, both
    positive. ``reason_code`` is kept as the bank sent it: German banks send
    MS03 for AM04 (insufficient funds) and MD07 (debtor deceased), so MS03
    does not mean the debtor refused.
    """

    entry_key: str
    statement_id: str
    booking_date: date
    original_amount_cents: int
    charges_cents: int
    currency: str
    reason_code: str | None
    end_to_end_id: str | None
    mandate_id: str | None
    debtor_name: str | None
    debtor_iban: str | None
    reference: str
    separate_charges_cents: int = 0


def format_cents(cents: int) -> str:
    """Format signed cents as a decimal amount, such as ``-12.35``."""
    sign = "-" if cents < 0 else ""
    whole, fraction = divmod(abs(cents), 100)
    return f"{sign}{whole}.{fraction:02d}"
