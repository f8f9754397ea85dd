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

import functools
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from kleinkasso.store.ids import reserve_ids
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


@dataclass(frozen=True)
class Entry:
    """One journal entry to write with :func:`post_many`."""

    case_id: int | None
    kind: str
    booked_on: date
    rule: str
    lines: Sequence[Line]
    explanation: Mapping[str, Any] | None = None
    table_version: str | None = None
    source_key: str | None = None


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
    entry = Entry(
        case_id=case_id,
        kind=kind,
        booked_on=booked_on,
        rule=rule,
        lines=tuple(lines),
        explanation=explanation,
        table_version=table_version,
        source_key=source_key,
    )
    return post_many(conn, creditor_id, [entry], now)[0]


def post_many(
    conn: sa.Connection, creditor_id: str, entries: Sequence[Entry], now: datetime
) -> list[int]:
    """Write balanced journal entries of one creditor and update case balances.

    Each entry is checked as :func:`post` checks it; one that does not
    balance raises before anything is written. The entries, their postings
    and the balance updates each go to the database in one statement, so a
    run can book hundreds of thousands of cases without a round trip per
    case. With more than one entry the ids are reserved first
    (:func:`~kleinkasso.store.ids.reserve_ids`). Returns the entry ids in
    the order of ``entries``.
    """
    if not entries:
        return []
    kept = [_nonzero(entry) for entry in entries]
    rows = [
        {
            "creditor_id": creditor_id,
            "case_id": entry.case_id,
            "kind": entry.kind,
            "booked_on": entry.booked_on,
            "rule": entry.rule,
            "table_version": entry.table_version,
            "explanation": dict(entry.explanation or {}),
            "source_key": entry.source_key,
            "created_at": now,
        }
        for entry in entries
    ]
    if len(rows) == 1:
        ids = [conn.execute(_INSERT_ENTRY, rows[0]).scalar_one()]
    else:
        ids = reserve_ids(conn, journal_entry, len(rows))
        for entry_id, row in zip(ids, rows, strict=True):
            row["id"] = entry_id
        conn.execute(journal_entry.insert(), rows)
    postings = [
        {
            "entry_id": entry_id,
            "creditor_id": creditor_id,
            "case_id": entry.case_id,
            "item_id": line.item_id,
            "account": line.account,
            "amount_cents": line.amount_cents,
        }
        for entry_id, entry, lines in zip(ids, entries, kept, strict=True)
        for line in lines
    ]
    if postings:
        conn.execute(_INSERT_POSTING, postings)
    deltas: dict[int, dict[str, int]] = {}
    for entry, lines in zip(entries, kept, strict=True):
        if entry.case_id is None:
            continue
        case_deltas = deltas.setdefault(entry.case_id, defaultdict(int))
        for column, delta in _balance_deltas(entry.kind, lines).items():
            case_deltas[column] += delta
    _update_balances(conn, deltas)
    return [int(entry_id) for entry_id in ids]


def _nonzero(entry: Entry) -> list[Line]:
    nonzero = [line for line in entry.lines if line.amount_cents != 0]
    for line in nonzero:
        if type(line.amount_cents) is not int:
            raise TypeError(
                f"posting amount must be int cents, got {line.amount_cents!r}"
            )
    total = sum(line.amount_cents for line in nonzero)
    if total != 0:
        raise UnbalancedEntry(entry.kind, entry.case_id, total)
    return nonzero


def _balance_deltas(kind: str, lines: list[Line]) -> dict[str, int]:
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
    return deltas


def _update_balances(
    conn: sa.Connection, deltas: Mapping[int, Mapping[str, int]]
) -> None:
    """Add the deltas to the case_balance rows, grouped by the columns touched."""
    groups: dict[tuple[str, ...], list[dict[str, int]]] = defaultdict(list)
    for case_id, case_deltas in deltas.items():
        columns = tuple(
            sorted(column for column, delta in case_deltas.items() if delta)
        )
        if columns:
            groups[columns].append(
                {"balance_case_id": case_id}
                | {f"d_{column}": case_deltas[column] for column in columns}
            )
    for columns, rows in groups.items():
        conn.execute(_balance_update(columns), rows)


@functools.cache
def _balance_update(columns: tuple[str, ...]) -> sa.Update:
    """Return the statement that adds deltas to ``columns`` of one balance row.

    Statements are built once per column set: building and keying a
    statement costs more than running it on an indexed row.
    """
    return (
        case_balance.update()
        .where(case_balance.c.case_id == sa.bindparam("balance_case_id"))
        .values(
            {
                column: getattr(case_balance.c, column)
                + sa.bindparam(f"d_{column}", type_=sa.BigInteger)
                for column in columns
            }
        )
    )


def open_balance(
    conn: sa.Connection, case_id: int
) -> dict[tuple[int | None, str], int]:
    """Return the ledger balance of each (item, debtor account) of a case."""
    rows = conn.execute(_OPEN_BALANCE, {"balance_case_id": case_id})
    return {(item_id, account): int(total) for item_id, account, total in rows}


# Statements of the payment path, built once: see _balance_update.
_INSERT_ENTRY = journal_entry.insert().returning(journal_entry.c.id)
_INSERT_POSTING = posting.insert()
_OPEN_BALANCE = (
    sa.select(posting.c.item_id, posting.c.account, sa.func.sum(posting.c.amount_cents))
    .where(
        posting.c.case_id == sa.bindparam("balance_case_id"),
        posting.c.account.in_(list(BALANCE_COLUMNS)),
    )
    .group_by(posting.c.item_id, posting.c.account)
)
