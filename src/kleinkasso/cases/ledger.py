"""The append-only ledger: journal entries with balanced postings.

Accounts (a posting's sign: positive is a debit):

``debtor:*``
    what the debtor owes, per component (principal, interest, costs, fee,
    expenses, vat); debit balances.
``creditor:claims`` / ``collector:fees``
    the other side of each charge: claims of the creditor (principal,
    interest, recoverable costs) and the collector's fees (fee, expenses, VAT).
``bank``
    money on the collection account.
``creditor:payable`` / ``collector:income``
    collected money owed to the creditor, and kept by the collector.
``debtor:refund``
    overpaid money owed back to the debtor (credit balance).
``suspense``
    bank credits that are not yet assigned to a case.

:func:`post` writes one entry, checks that it balances, and updates the
``case_balance`` row of the case in the same transaction.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from kleinkasso.store.schema import case_balance, journal_entry, posting

log = logging.getLogger(__name__)

DEBTOR_PRINCIPAL = "debtor:principal"
DEBTOR_INTEREST = "debtor:interest"
DEBTOR_COSTS = "debtor:costs"
DEBTOR_FEE = "debtor:fee"
DEBTOR_EXPENSES = "debtor:expenses"
DEBTOR_VAT = "debtor:vat"
DEBTOR_REFUND = "debtor:refund"
CREDITOR_CLAIMS = "creditor:claims"
CREDITOR_PAYABLE = "creditor:payable"
COLLECTOR_FEES = "collector:fees"
COLLECTOR_INCOME = "collector:income"
BANK = "bank"
SUSPENSE = "suspense"

# Debtor accounts and the case_balance column that mirrors each one.
BALANCE_COLUMNS: Mapping[str, str] = {
    DEBTOR_PRINCIPAL: "principal_cents",
    DEBTOR_INTEREST: "interest_cents",
    DEBTOR_COSTS: "costs_cents",
    DEBTOR_FEE: "fee_cents",
    DEBTOR_EXPENSES: "expenses_cents",
    DEBTOR_VAT: "vat_cents",
}
# Debtor components that belong to the creditor; the rest is the collector's.
CREDITOR_COMPONENTS = (DEBTOR_PRINCIPAL, DEBTOR_INTEREST, DEBTOR_COSTS)
COLLECTOR_COMPONENTS = (DEBTOR_FEE, DEBTOR_EXPENSES, DEBTOR_VAT)


class UnbalancedEntry(Exception):
    """Raised when the postings of a journal entry do not sum to zero."""

    def __init__(self, kind: str, case_id: int | None, total: int) -> None:
        super().__init__(
            f"journal entry {kind!r} for case {case_id} does not balance: "
            f"postings sum to {total} cents, expected 0"
        )


@dataclass(frozen=True)
class Line:
    """One posting of an entry."""

    account: str
    amount_cents: int
    item_id: int | None = None


def post(
    conn: sa.Connection,
    *,
    creditor_id: str,
    case_id: int | None,
    kind: str,
    booked_on: date,
    rule: str,
    lines: Iterable[Line],
    now: datetime,
    explanation: Mapping[str, Any] | None = None,
    table_version: str | None = None,
    source_key: str | None = None,
) -> int:
    """Write one balanced journal entry and update the case balance.

    ``kind`` ``payment`` adds the amount taken off debtor accounts to the
    case's paid amount, ``write_off`` to its written-off amount. Zero lines
    are dropped. Returns the entry id.
    """
    nonzero = [line for line in lines if line.amount_cents != 0]
    for line in nonzero:
        if type(line.amount_cents) is not int:
            raise TypeError(
                f"posting amount must be int cents, got {line.amount_cents!r}"
            )
    total = sum(line.amount_cents for line in nonzero)
    if total != 0:
        raise UnbalancedEntry(kind, case_id, total)
    entry_id = conn.execute(
        journal_entry.insert()
        .values(
            creditor_id=creditor_id,
            case_id=case_id,
            kind=kind,
            booked_on=booked_on,
            rule=rule,
            table_version=table_version,
            explanation=dict(explanation or {}),
            source_key=source_key,
            created_at=now,
        )
        .returning(journal_entry.c.id)
    ).scalar_one()
    if nonzero:
        conn.execute(
            posting.insert(),
            [
                {
                    "entry_id": entry_id,
                    "creditor_id": creditor_id,
                    "case_id": case_id,
                    "item_id": line.item_id,
                    "account": line.account,
                    "amount_cents": line.amount_cents,
                }
                for line in nonzero
            ],
        )
    if case_id is not None:
        _update_balance(conn, case_id, kind, nonzero)
    return int(entry_id)


def _update_balance(
    conn: sa.Connection, case_id: int, kind: str, lines: list[Line]
) -> None:
    deltas: dict[str, int] = defaultdict(int)
    for line in lines:
        column = BALANCE_COLUMNS.get(line.account)
        if column is not None:
            deltas[column] += line.amount_cents
        elif line.account == DEBTOR_REFUND:
            deltas["refund_cents"] -= line.amount_cents
    paid_from_debtor = -sum(
        line.amount_cents for line in lines if line.account in BALANCE_COLUMNS
    )
    if kind == "payment":
        deltas["paid_cents"] += paid_from_debtor
    elif kind == "write_off":
        deltas["written_off_cents"] += paid_from_debtor
    values = {
        column: getattr(case_balance.c, column) + delta
        for column, delta in deltas.items()
        if delta
    }
    if values:
        conn.execute(
            case_balance.update()
            .where(case_balance.c.case_id == case_id)
            .values(values)
        )


def open_balance(
    conn: sa.Connection, case_id: int
) -> dict[tuple[int | None, str], int]:
    """Return the ledger balance of each (item, debtor account) of a case."""
    rows = conn.execute(
        sa.select(
            posting.c.item_id, posting.c.account, sa.func.sum(posting.c.amount_cents)
        )
        .where(
            posting.c.case_id == case_id, posting.c.account.in_(list(BALANCE_COLUMNS))
        )
        .group_by(posting.c.item_id, posting.c.account)
    )
    return {(item_id, account): int(total) for item_id, account, total in rows}
