"""initial schema

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bank_statement",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("account_key", sa.String(length=64), nullable=False),
        sa.Column("statement_id", sa.String(length=140), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("opening_balance_cents", sa.BigInteger(), nullable=True),
        sa.Column("closing_balance_cents", sa.BigInteger(), nullable=True),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("balance_problem", sa.String(length=300), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statement")),
        sa.UniqueConstraint("account_key", "statement_id", name="uq_statement_key"),
    )
    op.create_table(
        "creditor",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("case_prefix", sa.String(length=8), nullable=False),
        sa.Column("config_version", sa.Integer(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("next_case_no", sa.BigInteger(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_creditor")),
        sa.UniqueConstraint("case_prefix", name=op.f("uq_creditor_case_prefix")),
    )
    op.create_table(
        "case",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column("case_no", sa.BigInteger(), nullable=False),
        sa.Column("case_ref", sa.String(length=32), nullable=False),
        sa.Column("customer_ref", sa.String(length=64), nullable=False),
        sa.Column("creditor_reference", sa.String(length=25), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("mandate_date", sa.Date(), nullable=False),
        sa.Column("first_demand_on", sa.Date(), nullable=True),
        sa.Column("fee_rate", sa.String(length=8), nullable=False),
        sa.Column("fee_value_cents", sa.BigInteger(), nullable=False),
        sa.Column("vat_charged", sa.Boolean(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'paid', 'disputed', 'closed')",
            name=op.f("ck_case_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["creditor_id"], ["creditor.id"], name=op.f("fk_case_creditor_id_creditor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case")),
        sa.UniqueConstraint("case_ref", name="uq_case_case_ref"),
        sa.UniqueConstraint("creditor_id", "case_no", name="uq_case_creditor_no"),
        sa.UniqueConstraint("creditor_id", "id", name="uq_case_creditor_id"),
        sa.UniqueConstraint("creditor_reference", name="uq_case_creditor_reference"),
    )
    op.create_index(
        "uq_case_one_open",
        "case",
        ["creditor_id", "customer_ref"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_table(
        "creditor_config",
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("config_sha256", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creditor_id"],
            ["creditor.id"],
            name=op.f("fk_creditor_config_creditor_id_creditor"),
        ),
        sa.PrimaryKeyConstraint(
            "creditor_id", "version", name=op.f("pk_creditor_config")
        ),
    )
    op.create_table(
        "import_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("read_count", sa.Integer(), nullable=False),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("unchanged_count", sa.Integer(), nullable=False),
        sa.Column("amended_count", sa.Integer(), nullable=False),
        sa.Column("rejected_count", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creditor_id"],
            ["creditor.id"],
            name=op.f("fk_import_log_creditor_id_creditor"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_log")),
    )
    op.create_table(
        "party",
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column("customer_ref", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("postal_code", sa.String(length=16), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("consumer", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creditor_id"], ["creditor.id"], name=op.f("fk_party_creditor_id_creditor")
        ),
        sa.PrimaryKeyConstraint("creditor_id", "customer_ref", name=op.f("pk_party")),
    )
    op.create_table(
        "settlement",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("collected_cents", sa.BigInteger(), nullable=False),
        sa.Column("forwarded_cents", sa.BigInteger(), nullable=False),
        sa.Column("kept_cents", sa.BigInteger(), nullable=False),
        sa.Column("refund_cents", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creditor_id"],
            ["creditor.id"],
            name=op.f("fk_settlement_creditor_id_creditor"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement")),
        sa.UniqueConstraint("creditor_id", "id", name="uq_settlement_creditor_id"),
        sa.UniqueConstraint("creditor_id", "period", name="uq_settlement_period"),
    )
    op.create_table(
        "bank_entry",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "statement_pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("entry_key", sa.String(length=140), nullable=False),
        sa.Column("booking_date", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("charges_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("return_reason", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("match_rule", sa.String(length=32), nullable=True),
        sa.Column("creditor_id", sa.String(length=64), nullable=True),
        sa.Column(
            "case_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.CheckConstraint(
            "status IN ('matched', 'review', 'unmatched', 'return', 'ignored')",
            name=op.f("ck_bank_entry_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["creditor_id", "case_id"],
            ["case.creditor_id", "case.id"],
            name=op.f("fk_bank_entry_creditor_id_case"),
        ),
        sa.ForeignKeyConstraint(
            ["statement_pk"],
            ["bank_statement.id"],
            name=op.f("fk_bank_entry_statement_pk_bank_statement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_entry")),
        sa.UniqueConstraint("statement_pk", "entry_key", name="uq_bank_entry_key"),
    )
    op.create_table(
        "case_balance",
        sa.Column(
            "case_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column("principal_cents", sa.BigInteger(), nullable=False),
        sa.Column("interest_cents", sa.BigInteger(), nullable=False),
        sa.Column("costs_cents", sa.BigInteger(), nullable=False),
        sa.Column("fee_cents", sa.BigInteger(), nullable=False),
        sa.Column("expenses_cents", sa.BigInteger(), nullable=False),
        sa.Column("vat_cents", sa.BigInteger(), nullable=False),
        sa.Column("paid_cents", sa.BigInteger(), nullable=False),
        sa.Column("refund_cents", sa.BigInteger(), nullable=False),
        sa.Column("written_off_cents", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "principal_cents >= 0 AND interest_cents >= 0 AND costs_cents >= 0 AND fee_cents >= 0 AND expenses_cents >= 0 AND vat_cents >= 0 AND paid_cents >= 0 AND refund_cents >= 0 AND written_off_cents >= 0",
            name=op.f("ck_case_balance_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_case_balance_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["creditor_id", "case_id"],
            ["case.creditor_id", "case.id"],
            name=op.f("fk_case_balance_creditor_id_case"),
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_balance")),
    )
    op.create_table(
        "item",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column("item_ref", sa.String(length=64), nullable=False),
        sa.Column("customer_ref", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("contract_date", sa.Date(), nullable=True),
        sa.Column("invoice_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("principal_cents", sa.BigInteger(), nullable=False),
        sa.Column("return_charges_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reminder_date", sa.Date(), nullable=True),
        sa.Column("disputed", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("consumer", sa.Boolean(), nullable=False),
        sa.Column("return_reason", sa.String(length=64), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=300), server_default="", nullable=False),
        sa.Column(
            "case_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("default_start", sa.Date(), nullable=True),
        sa.Column("interest_until", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('waiting', 'handed_over', 'rejected', 'settled', 'cancelled')",
            name=op.f("ck_item_state_known"),
        ),
        sa.CheckConstraint(
            "principal_cents > 0", name=op.f("ck_item_principal_positive")
        ),
        sa.CheckConstraint(
            "return_charges_cents >= 0", name=op.f("ck_item_charges_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_item_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["creditor_id"], ["creditor.id"], name=op.f("fk_item_creditor_id_creditor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item")),
        sa.UniqueConstraint("creditor_id", "id", name="uq_item_creditor_id"),
        sa.UniqueConstraint("creditor_id", "item_ref", name="uq_item_creditor_ref"),
    )
    op.create_index("ix_item_case", "item", ["case_id"], unique=False)
    op.create_index("ix_item_state", "item", ["creditor_id", "state"], unique=False)
    op.create_table(
        "journal_entry",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column(
            "case_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("rule", sa.String(length=120), nullable=False),
        sa.Column("table_version", sa.String(length=80), nullable=True),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("source_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creditor_id", "case_id"],
            ["case.creditor_id", "case.id"],
            name=op.f("fk_journal_entry_creditor_id_case"),
        ),
        sa.ForeignKeyConstraint(
            ["creditor_id"],
            ["creditor.id"],
            name=op.f("fk_journal_entry_creditor_id_creditor"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entry")),
        sa.UniqueConstraint("source_key", name="uq_journal_entry_source_key"),
    )
    op.create_index("ix_journal_entry_case", "journal_entry", ["case_id"], unique=False)
    op.create_table(
        "outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column(
            "case_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("dedup_key", sa.String(length=200), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'cancelled', 'failed')",
            name=op.f("ck_outbox_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["creditor_id", "case_id"],
            ["case.creditor_id", "case.id"],
            name=op.f("fk_outbox_creditor_id_case"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedup_key", name="uq_outbox_dedup_key"),
        sa.UniqueConstraint("message_id", name="uq_outbox_message_id"),
    )
    op.create_index("ix_outbox_pending", "outbox", ["status", "id"], unique=False)
    op.create_table(
        "item_event",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column(
            "item_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creditor_id", "item_id"],
            ["item.creditor_id", "item.id"],
            name=op.f("fk_item_event_creditor_id_item"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_event")),
    )
    op.create_table(
        "posting",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "entry_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column(
            "case_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "item_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("account", sa.String(length=32), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["creditor_id", "item_id"],
            ["item.creditor_id", "item.id"],
            name=op.f("fk_posting_creditor_id_item"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entry.id"],
            name=op.f("fk_posting_entry_id_journal_entry"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting")),
    )
    op.create_index("ix_posting_case", "posting", ["case_id", "account"], unique=False)
    op.create_index("ix_posting_entry", "posting", ["entry_id"], unique=False)
    op.create_table(
        "settlement_entry",
        sa.Column(
            "entry_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "settlement_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["creditor_id", "settlement_id"],
            ["settlement.creditor_id", "settlement.id"],
            name=op.f("fk_settlement_entry_creditor_id_settlement"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entry.id"],
            name=op.f("fk_settlement_entry_entry_id_journal_entry"),
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_settlement_entry")),
    )


def downgrade() -> None:
    op.drop_table("settlement_entry")
    op.drop_index("ix_posting_entry", table_name="posting")
    op.drop_index("ix_posting_case", table_name="posting")
    op.drop_table("posting")
    op.drop_table("item_event")
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_journal_entry_case", table_name="journal_entry")
    op.drop_table("journal_entry")
    op.drop_index("ix_item_state", table_name="item")
    op.drop_index("ix_item_case", table_name="item")
    op.drop_table("item")
    op.drop_table("case_balance")
    op.drop_table("bank_entry")
    op.drop_table("settlement")
    op.drop_table("party")
    op.drop_table("import_log")
    op.drop_table("creditor_config")
    op.drop_index(
        "uq_case_one_open",
        table_name="case",
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )
    op.drop_table("case")
    op.drop_table("creditor")
    op.drop_table("bank_statement")
