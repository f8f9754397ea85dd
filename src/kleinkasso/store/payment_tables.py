"""Tables of the payments part: match details, refunds and reversals.

``bank_entry_match`` stores, per bank entry, the counterparty data the
matching cascade used, the rule and confidence of the match, the best
suggestions of a credit left for review, and who assigned it. ``refund``
is the outbox of money owed back to a debtor: one row per overpayment,
written in the transaction that books the payment; a row below the
creditor's minimum is a credit the debtor receives a notice about instead of a
transfer. ``reversal`` links a returned or recalled debit to the payment it
cancels, so each payment is reversed at most once.
"""

from __future__ import annotations

import sqlalchemy as sa

from kleinkasso.store.schema import Cents, Id, metadata

bank_entry_match = sa.Table(
    "bank_entry_match",
    metadata,
    sa.Column("entry_id", sa.ForeignKey("bank_entry.id"), primary_key=True),
    sa.Column("counterparty_name", sa.String(140)),
    sa.Column("counterparty_iban", sa.String(34)),
    sa.Column("end_to_end_id", sa.String(140)),
    sa.Column("mandate_id", sa.String(140)),
    sa.Column("is_reversal", sa.Boolean, nullable=False),
    # Confidence of the chosen rule in percent: 100 for a verified creditor
    # reference, lower for matches on IBAN or name plus amount.
    sa.Column("confidence", sa.Integer),
    sa.Column("suggestions", sa.JSON, nullable=False),
    sa.Column("assigned_by", sa.String(64)),
    sa.Column("assigned_at", sa.DateTime(timezone=True)),
    sa.CheckConstraint(
        "confidence IS NULL OR (confidence >= 0 AND confidence <= 100)",
        name="confidence_percent",
    ),
    sa.Index("ix_bank_entry_match_iban", "counterparty_iban"),
    sa.Index("ix_bank_entry_match_e2e", "end_to_end_id"),
)

refund = sa.Table(
    "refund",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("creditor_id", sa.String(64), nullable=False),
    sa.Column("case_id", Id, nullable=False),
    sa.Column("source_key", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("amount_cents", Cents, nullable=False),
    sa.Column("iban", sa.String(34)),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_on", sa.Date, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("source_key", name="uq_refund_source_key"),
    sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
    sa.CheckConstraint("kind IN ('transfer', 'credit')", name="kind_known"),
    sa.CheckConstraint(
        "status IN ('pending', 'sent', 'cancelled')", name="status_known"
    ),
    sa.ForeignKeyConstraint(
        ["creditor_id", "case_id"], ["case.creditor_id", "case.id"]
    ),
    sa.Index("ix_refund_status", "status", "id"),
)

reversal = sa.Table(
    "reversal",
    metadata,
    sa.Column("payment_entry_id", sa.ForeignKey("bank_entry.id"), primary_key=True),
    sa.Column("debit_entry_id", sa.ForeignKey("bank_entry.id"), nullable=False),
    sa.Column("journal_entry_id", sa.ForeignKey("journal_entry.id"), nullable=False),
    sa.Column("case_reopened", sa.Boolean, nullable=False),
    sa.UniqueConstraint("debit_entry_id", name="uq_reversal_debit_entry_id"),
)
