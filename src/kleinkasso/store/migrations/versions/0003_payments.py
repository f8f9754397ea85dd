"""Payments: review queue, refunds, reversals and payouts.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "bank_entry_match",
        sa.Column("entry_id", ID, nullable=False),
        sa.Column("counterparty_name", sa.String(length=140), nullable=True),
        sa.Column("counterparty_iban", sa.String(length=34), nullable=True),
        sa.Column("end_to_end_id", sa.String(length=140), nullable=True),
        sa.Column("mandate_id", sa.String(length=140), nullable=True),
        sa.Column("is_reversal", sa.Boolean(), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.Column("suggestions", sa.JSON(), nullable=False),
        sa.Column("assigned_by", sa.String(length=64), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "confidence IS NULL OR (confidence >= 0 AND confidence <= 100)",
            name=op.f("ck_bank_entry_match_confidence_percent"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["bank_entry.id"],
            name=op.f("fk_bank_entry_match_entry_id_bank_entry"),
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_bank_entry_match")),
    )
    op.create_index(
        "ix_bank_entry_match_iban", "bank_entry_match", ["counterparty_iban"]
    )
    op.create_index("ix_bank_entry_match_e2e", "bank_entry_match", ["end_to_end_id"])
    op.create_table(
        "refund",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("source_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_refund_amount_positive")),
        sa.CheckConstraint(
            "kind IN ('transfer', 'credit')", name=op.f("ck_refund_kind_known")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'cancelled')",
            name=op.f("ck_refund_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["creditor_id", "case_id"],
            ["case.creditor_id", "case.id"],
            name=op.f("fk_refund_creditor_id_case"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund")),
        sa.UniqueConstraint("source_key", name="uq_refund_source_key"),
    )
    op.create_index("ix_refund_status", "refund", ["status", "id"])
    op.create_table(
        "reversal",
        sa.Column("payment_entry_id", ID, nullable=False),
        sa.Column("debit_entry_id", ID, nullable=False),
        sa.Column("journal_entry_id", ID, nullable=False),
        sa.Column("case_reopened", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_entry_id"],
            ["bank_entry.id"],
            name=op.f("fk_reversal_payment_entry_id_bank_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["debit_entry_id"],
            ["bank_entry.id"],
            name=op.f("fk_reversal_debit_entry_id_bank_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["journal_entry_id"],
            ["journal_entry.id"],
            name=op.f("fk_reversal_journal_entry_id_journal_entry"),
        ),
        sa.PrimaryKeyConstraint("payment_entry_id", name=op.f("pk_reversal")),
        sa.UniqueConstraint("debit_entry_id", name="uq_reversal_debit_entry_id"),
    )


def downgrade() -> None:
    op.drop_table("reversal")
    op.drop_index("ix_refund_status", table_name="refund")
    op.drop_table("refund")
    op.drop_index("ix_bank_entry_match_e2e", table_name="bank_entry_match")
    op.drop_index("ix_bank_entry_match_iban", table_name="bank_entry_match")
    op.drop_table("bank_entry_match")
