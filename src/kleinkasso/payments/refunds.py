"""Overpayments owed back to a debtor, recorded for the refund transfer.

The row is written in the transaction that books the payment. From the
creditor's ``refund_minimum_cents`` on it is a transfer to the account the
money came from. Below it, the row is a credit for the debtor kept on the
case.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from kleinkasso.policy.creditor_config import CreditorConfig
from kleinkasso.store.payment_tables import refund


def record_refund(
    conn: sa.Connection,
    config: CreditorConfig,
    *,
    case_id: int,
    bank_entry_id: int,
    amount_cents: int,
    iban: str | None,
    reason: str,
    on: date,
    now: datetime,
) -> str:
    """Store the refund of an overpayment and return its kind."""
    kind = (
        "transfer" if amount_cents >= config.payments.refund_minimum_cents else "credit"
    )
    # NOTE: the notice to the debtor about a credit, and the transfer file of
    # a refund, are not produced yet; both rows wait as "pending".
    conn.execute(
        refund.insert().values(
            creditor_id=config.id,
            case_id=case_id,
            source_key=f"refund:bank_entry:{bank_entry_id}",
            kind=kind,
            amount_cents=amount_cents,
            iban=iban,
            reason=reason[:200],
            status="pending",
            created_on=on,
            created_at=now,
        )
    )
    return kind
