"""Reverse a payment whose money went back: a return or a recall.

A debit that returns an earlier matched credit (a reversal indicator, or a
return carrying the credit's end-to-end id) books a compensating journal
entry: every posting of the payment with the opposite sign. The case owes
again what the payment had settled, a pending refund of that payment is
cancelled, and a paid case opens again.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from kleinkasso.cases import ledger
from kleinkasso.payments.bankfiles import BankEntry
from kleinkasso.payments.refunds import credit_notice_dedup_key, refund_source_key
from kleinkasso.store.payment_tables import bank_entry_match, refund, reversal
from kleinkasso.store.schema import (
    bank_entry,
    case,
    case_balance,
    item,
    journal_entry,
    outbox,
    posting,
)

log = logging.getLogger(__name__)


def find_reversed_credit(conn: sa.Connection, entry: BankEntry) -> Any | None:
    """Return the matched credit that a debit sends back, or None.

    The credit is found by its end-to-end id, else by its reference, and its
    amount must equal the debit's (or the debit's original amount).
    """
    amounts = {-entry.amount_cents}
    if entry.original_amount_cents:
        amounts.add(abs(entry.original_amount_cents))
    query = (
        sa.select(bank_entry)
        .join(bank_entry_match, bank_entry_match.c.entry_id == bank_entry.c.id)
        .outerjoin(reversal, reversal.c.payment_entry_id == bank_entry.c.id)
        .where(
            bank_entry.c.status == "matched",
            bank_entry.c.amount_cents.in_(amounts),
            reversal.c.payment_entry_id.is_(None),
        )
        .order_by(bank_entry.c.id)
    )
    e2e = entry.end_to_end_id
    if e2e and e2e.upper() != "NOTPROVIDED":
        row = conn.execute(query.where(bank_entry_match.c.end_to_end_id == e2e)).first()
        if row is not None:
            return row
    if entry.reference.strip():
        return conn.execute(
            query.where(bank_entry.c.reference == entry.reference)
        ).first()
    return None


def reverse_payment(
    conn: sa.Connection,
    credit: Any,
    debit_entry_id: int,
    booked_on: date,
    now: datetime,
) -> bool:
    """Book the compensating entry for ``credit``; return whether the case reopened."""
    payment_id, creditor_id, case_id = conn.execute(
        sa.select(
            journal_entry.c.id, journal_entry.c.creditor_id, journal_entry.c.case_id
        ).where(journal_entry.c.source_key == f"bank_entry:{credit.id}")
    ).one()
    postings = conn.execute(
        sa.select(posting.c.account, posting.c.amount_cents, posting.c.item_id).where(
            posting.c.entry_id == payment_id
        )
    ).all()
    lines = [ledger.Line(p.account, -p.amount_cents, p.item_id) for p in postings]
    # A pending refund of this payment is not owed any more.
    conn.execute(
        refund.update()
        .where(
            refund.c.source_key == refund_source_key(credit.id),
            refund.c.status == "pending",
        )
        .values(status="cancelled")
    )
    # So is the notice about it, if it has not gone out yet.
    conn.execute(
        outbox.update()
        .where(
            outbox.c.dedup_key == credit_notice_dedup_key(refund_source_key(credit.id)),
            outbox.c.status == "pending",
        )
        .values(status="cancelled", last_error="payment returned")
    )
    entry_id = ledger.post(
        conn,
        creditor_id=creditor_id,
        case_id=case_id,
        kind="reversal",
        booked_on=booked_on,
        rule=f"payment {payment_id} returned",
        lines=lines,
        now=now,
        explanation={"payment_entry": payment_id, "bank_entry": credit.id},
        source_key=f"reversal:bank_entry:{debit_entry_id}",
    )
    # The ledger counts paid amounts only for payments, so the reversal takes
    # them off here, in the same transaction.
    taken_back = sum(
        p.amount_cents for p in postings if p.account in ledger.BALANCE_COLUMNS
    )
    conn.execute(
        case_balance.update()
        .where(case_balance.c.case_id == case_id)
        .values(paid_cents=case_balance.c.paid_cents + taken_back)
    )
    reopened = _reopen(conn, case_id, booked_on)
    conn.execute(
        reversal.insert().values(
            payment_entry_id=credit.id,
            debit_entry_id=debit_entry_id,
            journal_entry_id=entry_id,
            case_reopened=reopened,
        )
    )
    log.info(
        "payment %s on case %s reversed by bank entry %s; case reopened: %s",
        payment_id,
        case_id,
        debit_entry_id,
        reopened,
    )
    return reopened


def _reopen(conn: sa.Connection, case_id: int, on: date) -> bool:
    row = conn.execute(
        sa.select(case.c.status, case.c.creditor_id, case.c.customer_ref).where(
            case.c.id == case_id
        )
    ).one()
    if row.status != "paid":
        return False
    other_open = conn.execute(
        sa.select(case.c.id).where(
            case.c.creditor_id == row.creditor_id,
            case.c.customer_ref == row.customer_ref,
            case.c.status == "open",
        )
    ).first()
    if other_open is not None:
        # NOTE: one open case per debtor is allowed; a reversed case stays
        # "paid" with its open amount when the debtor has a newer open case.
        log.warning(
            "case %s not reopened: debtor has open case %s", case_id, other_open.id
        )
        return False
    conn.execute(
        case.update().where(case.c.id == case_id).values(status="open", closed_on=None)
    )
    conn.execute(
        item.update()
        .where(item.c.case_id == case_id, item.c.state == "settled")
        .values(state="handed_over", reason=f"payment returned on {on}")
    )
    return True
