"""Check the data invariants that must hold at every moment.

Each check returns human-readable violations naming the rows involved; an
empty list means the database is consistent. ``kleinkasso check`` runs them
all, and the tests run them after every scenario.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import sqlalchemy as sa

from kleinkasso import law
from kleinkasso.cases import ledger
from kleinkasso.store.schema import (
    bank_entry,
    case,
    case_balance,
    item,
    journal_entry,
    metadata,
    outbox,
    posting,
    settlement,
    settlement_entry,
)

# Highest rate of Nr. 2300 VV RVG for an uncontested collection (Anm. Abs. 2).
CAP_RATE = Decimal("1.3")

Check = Callable[[sa.Connection], list[str]]


def entries_balance(conn: sa.Connection) -> list[str]:
    """I1: the postings of every journal entry sum to zero."""
    rows = conn.execute(
        sa.select(posting.c.entry_id, sa.func.sum(posting.c.amount_cents))
        .group_by(posting.c.entry_id)
        .having(sa.func.sum(posting.c.amount_cents) != 0)
    )
    return [
        f"I1: journal entry {entry_id} sums to {total} cents"
        for entry_id, total in rows
    ]


def ledger_balances(conn: sa.Connection) -> list[str]:
    """I2: all postings of all accounts sum to zero."""
    total = conn.execute(
        sa.select(sa.func.coalesce(sa.func.sum(posting.c.amount_cents), 0))
    ).scalar_one()
    return [] if total == 0 else [f"I2: all postings sum to {total} cents"]


def payments_accounted(conn: sa.Connection) -> list[str]:
    """I3: each payment or reversal = costs + interest + principal + owed back."""
    allocated = sa.func.sum(
        sa.case(
            (
                posting.c.account.in_([*ledger.BALANCE_COLUMNS, ledger.DEBTOR_REFUND]),
                -posting.c.amount_cents,
            ),
            else_=0,
        )
    )
    received = sa.func.sum(
        sa.case((posting.c.account == ledger.BANK, posting.c.amount_cents), else_=0)
    )
    rows = conn.execute(
        sa.select(journal_entry.c.id, received, allocated)
        .join(posting, posting.c.entry_id == journal_entry.c.id)
        .where(journal_entry.c.kind.in_(("payment", "reversal")))
        .group_by(journal_entry.c.id)
        .having(received != allocated)
    )
    return [
        f"I3: payment entry {entry_id}: received {r}, accounted {a}"
        for entry_id, r, a in rows
    ]


def balances_match_ledger(conn: sa.Connection) -> list[str]:
    """I4 and I5: case balances equal the ledger and are never negative."""
    problems = []
    sums = {
        (case_id, account): int(total)
        for case_id, account, total in conn.execute(
            sa.select(
                posting.c.case_id,
                posting.c.account,
                sa.func.sum(posting.c.amount_cents),
            )
            .where(posting.c.case_id.is_not(None))
            .group_by(posting.c.case_id, posting.c.account)
        )
    }
    for row in conn.execute(sa.select(case_balance)):
        for account, column in ledger.BALANCE_COLUMNS.items():
            stored = getattr(row, column)
            if stored < 0:
                problems.append(f"I4: case {row.case_id} {column} is {stored}")
            booked = sums.get((row.case_id, account), 0)
            if stored != booked:
                problems.append(
                    f"I5: case {row.case_id} {column} is {stored}, ledger says {booked}"
                )
        refund = -sums.get((row.case_id, ledger.DEBTOR_REFUND), 0)
        if refund != row.refund_cents:
            problems.append(
                f"I5: case {row.case_id} refund is {row.refund_cents}, "
                f"ledger says {refund}"
            )
    return problems


def one_open_case(conn: sa.Connection) -> list[str]:
    """Bundling: each handed-over item is in a case of its own creditor and debtor."""
    rows = conn.execute(
        sa.select(
            item.c.item_ref,
            item.c.creditor_id,
            case.c.creditor_id,
            case.c.customer_ref,
            item.c.customer_ref,
        )
        .join(case, case.c.id == item.c.case_id)
        .where(
            sa.or_(
                case.c.creditor_id != item.c.creditor_id,
                case.c.customer_ref != item.c.customer_ref,
            )
        )
    )
    return [
        f"I13: item {ref} of {a} is in a case of {b}/{c}" for ref, a, b, c, _ in rows
    ]


def outbox_consistent(conn: sa.Connection) -> list[str]:
    """I11: no demand is pending for a case that was paid, disputed or closed.

    A credit notice is the exception: it is queued when an overpayment closes
    the case.
    """
    rows = conn.execute(
        sa.select(outbox.c.id, case.c.case_ref, case.c.status)
        .join(case, case.c.id == outbox.c.case_id)
        .where(
            outbox.c.status == "pending",
            case.c.status != "open",
            outbox.c.kind != "credit_notice",
        )
    )
    return [
        f"I11: outbox row {oid} pending for {ref} which is {status}"
        for oid, ref, status in rows
    ]


def bank_entries_tenant(conn: sa.Connection) -> list[str]:
    """I13: a matched bank entry names the creditor of its case."""
    rows = conn.execute(
        sa.select(bank_entry.c.id)
        .join(case, case.c.id == bank_entry.c.case_id)
        .where(case.c.creditor_id != bank_entry.c.creditor_id)
    )
    return [
        f"I13: bank entry {entry_id} names another creditor than its case"
        for (entry_id,) in rows
    ]


def bank_matches_statements(conn: sa.Connection) -> list[str]:
    """I7: money booked on the bank account from payments = matched bank entries."""
    booked = conn.execute(
        sa.select(sa.func.coalesce(sa.func.sum(posting.c.amount_cents), 0))
        .join(journal_entry, journal_entry.c.id == posting.c.entry_id)
        .where(posting.c.account == ledger.BANK, journal_entry.c.kind == "payment")
    ).scalar_one()
    matched = conn.execute(
        sa.select(sa.func.coalesce(sa.func.sum(bank_entry.c.amount_cents), 0)).where(
            bank_entry.c.status == "matched"
        )
    ).scalar_one()
    if booked == matched:
        return []
    return [f"I7: payments booked {booked} cents, matched bank entries {matched} cents"]


def creditor_money_held(conn: sa.Connection) -> list[str]:
    """I8: per creditor, collected money not yet paid out is never negative."""
    rows = conn.execute(
        sa.select(posting.c.creditor_id, sa.func.sum(posting.c.amount_cents))
        .where(posting.c.account == ledger.CREDITOR_PAYABLE)
        .group_by(posting.c.creditor_id)
        .having(sa.func.sum(posting.c.amount_cents) > 0)
    )
    return [
        f"I8: creditor {cid} was paid out {total} cents more than collected"
        for cid, total in rows
    ]


def settlements_add_up(conn: sa.Connection) -> list[str]:
    """I9: each settlement's stored totals equal the sum of its payments."""
    problems = []
    for row in conn.execute(sa.select(settlement)):
        forwarded = -conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(posting.c.amount_cents), 0))
            .join(settlement_entry, settlement_entry.c.entry_id == posting.c.entry_id)
            .where(
                settlement_entry.c.settlement_id == row.id,
                posting.c.account == ledger.CREDITOR_PAYABLE,
            )
        ).scalar_one()
        if forwarded != row.forwarded_cents:
            problems.append(
                f"I9: settlement {row.period} of {row.creditor_id} states "
                f"{row.forwarded_cents} forwarded, its payments give {forwarded}"
            )
    return problems


def fees_within_cap(conn: sa.Connection) -> list[str]:
    """I14: fees charged never exceed the cap for the case's value and dates."""
    charged = dict(
        conn.execute(
            sa.select(posting.c.case_id, sa.func.sum(posting.c.amount_cents))
            .join(journal_entry, journal_entry.c.id == posting.c.entry_id)
            .where(
                posting.c.account.in_(ledger.COLLECTOR_COMPONENTS),
                journal_entry.c.kind.in_(("fee", "fee_adjustment")),
            )
            .group_by(posting.c.case_id)
        ).all()
    )
    problems = []
    for row in conn.execute(sa.select(case)):
        cap = law.collection_fee(
            row.fee_value_cents, row.mandate_date, CAP_RATE, vat=row.vat_charged
        ).total_cents
        if charged.get(row.id, 0) > cap:
            problems.append(
                f"I14: case {row.case_ref} charged {charged[row.id]} cents of fees, "
                f"cap {cap}"
            )
    return problems


def money_is_integer(_conn: sa.Connection) -> list[str]:
    """I15: every money column is an integer type."""
    problems = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if column.name.endswith("_cents") and not isinstance(
                column.type, sa.BigInteger | sa.Integer
            ):
                problems.append(f"I15: {table.name}.{column.name} is {column.type}")
    return problems


CHECKS: tuple[Check, ...] = (
    entries_balance,
    ledger_balances,
    payments_accounted,
    balances_match_ledger,
    one_open_case,
    outbox_consistent,
    bank_entries_tenant,
    bank_matches_statements,
    creditor_money_held,
    settlements_add_up,
    fees_within_cap,
    money_is_integer,
)


def check_invariants(engine: sa.Engine) -> list[str]:
    """Run every check and return all violations."""
    with engine.connect() as conn:
        return [problem for check in CHECKS for problem in check(conn)]
