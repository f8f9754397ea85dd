"""The SQL schema, shared by SQLite (embedded) and PostgreSQL (production).

Money columns are BIGINT cents. Dates are calendar dates (Europe/Berlin),
timestamps are UTC. Every row that belongs to a creditor carries
``creditor_id`` and every reference between such rows joins rows of the same
creditor (composite foreign keys where it matters). ``journal_entry`` and
``posting`` are append-only; the migration adds triggers that reject UPDATE
and DELETE on them.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Cents = sa.BigInteger
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

creditor = sa.Table(
    "creditor",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("case_prefix", sa.String(8), nullable=False),
    sa.Column("config_version", sa.Integer, nullable=False),
    sa.Column("config", sa.JSON, nullable=False),
    sa.Column("next_case_no", sa.BigInteger, nullable=False, server_default="1"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("case_prefix"),
)

# Every configuration a creditor ever had, so a decision can name the rules
# that were in force when it was taken.
creditor_config = sa.Table(
    "creditor_config",
    metadata,
    sa.Column("creditor_id", sa.ForeignKey("creditor.id"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("config", sa.JSON, nullable=False),
    sa.Column("config_sha256", sa.String(64), nullable=False),
    sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
)

# Personal data of a debtor lives here and nowhere in the ledger, so that
# erasure after the retention period leaves the books intact.
party = sa.Table(
    "party",
    metadata,
    sa.Column("creditor_id", sa.ForeignKey("creditor.id"), primary_key=True),
    sa.Column("customer_ref", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("street", sa.String(200)),
    sa.Column("postal_code", sa.String(16)),
    sa.Column("city", sa.String(100)),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("email", sa.String(254)),
    sa.Column("consumer", sa.Boolean, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # The name as names.normalize_name folds it, for matching a bank
    # credit by the payer's name (migration 0006).
    sa.Column("name_key", sa.String(200)),
    sa.Index("ix_party_name_key", "name_key"),
)

item = sa.Table(
    "item",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("creditor_id", sa.ForeignKey("creditor.id"), nullable=False),
    sa.Column("item_ref", sa.String(64), nullable=False),
    sa.Column("customer_ref", sa.String(64), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("contract_date", sa.Date),
    sa.Column("invoice_date", sa.Date),
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("principal_cents", Cents, nullable=False),
    sa.Column("return_charges_cents", Cents, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("reminder_date", sa.Date),
    sa.Column("disputed", sa.Boolean, nullable=False),
    sa.Column("category", sa.String(64)),
    sa.Column("consumer", sa.Boolean, nullable=False),
    sa.Column("return_reason", sa.String(64)),
    sa.Column("content_sha256", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("reason", sa.String(300), nullable=False, server_default=""),
    sa.Column("case_id", sa.ForeignKey("case.id")),
    sa.Column("default_start", sa.Date),
    # Interest is posted to the ledger up to, not including, this day.
    sa.Column("interest_until", sa.Date),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("creditor_id", "item_ref", name="uq_item_creditor_ref"),
    sa.UniqueConstraint("creditor_id", "id", name="uq_item_creditor_id"),
    sa.CheckConstraint("principal_cents > 0", name="principal_positive"),
    sa.CheckConstraint("return_charges_cents >= 0", name="charges_not_negative"),
    sa.CheckConstraint(
        "state IN ('waiting', 'handed_over', 'rejected', 'settled', 'cancelled')",
        name="state_known",
    ),
    # The daily run's lookups by state and debtor range (migration 0006).
    sa.Index("ix_item_work", "creditor_id", "state", "customer_ref", "id"),
    sa.Index(
        "ix_item_unbundled",
        "creditor_id",
        "customer_ref",
        sqlite_where=sa.text("state = 'handed_over' AND case_id IS NULL"),
        postgresql_where=sa.text("state = 'handed_over' AND case_id IS NULL"),
    ),
    sa.Index("ix_item_case", "case_id"),
)

# Append-only history of what an import changed on an item.
item_event = sa.Table(
    "item_event",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("creditor_id", sa.String(64), nullable=False),
    sa.Column("item_id", Id, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(
        ["creditor_id", "item_id"], ["item.creditor_id", "item.id"]
    ),
)

case = sa.Table(
    "case",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("creditor_id", sa.ForeignKey("creditor.id"), nullable=False),
    sa.Column("case_no", sa.BigInteger, nullable=False),
    sa.Column("case_ref", sa.String(32), nullable=False),
    sa.Column("customer_ref", sa.String(64), nullable=False),
    sa.Column("creditor_reference", sa.String(25), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("opened_on", sa.Date, nullable=False),
    sa.Column("mandate_date", sa.Date, nullable=False),
    sa.Column("first_demand_on", sa.Date),
    sa.Column("fee_rate", sa.String(8), nullable=False),
    sa.Column("fee_value_cents", Cents, nullable=False),
    sa.Column("vat_charged", sa.Boolean, nullable=False),
    sa.Column("closed_on", sa.Date),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("case_ref", name="uq_case_case_ref"),
    sa.UniqueConstraint("creditor_reference", name="uq_case_creditor_reference"),
    sa.UniqueConstraint("creditor_id", "case_no", name="uq_case_creditor_no"),
    sa.UniqueConstraint("creditor_id", "id", name="uq_case_creditor_id"),
    sa.CheckConstraint(
        "status IN ('open', 'paid', 'disputed', 'closed')", name="status_known"
    ),
    # One open case per debtor and creditor: all claims are one matter.
    sa.Index(
        "uq_case_one_open",
        "creditor_id",
        "customer_ref",
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    ),
)

# The open amount per case and component, kept in step with the ledger in
# the same transaction. The CHECK constraints make an
# over-allocation fail instead of leaving a negative open amount.
case_balance = sa.Table(
    "case_balance",
    metadata,
    sa.Column("case_id", sa.ForeignKey("case.id"), primary_key=True),
    sa.Column("creditor_id", sa.String(64), nullable=False),
    sa.Column("principal_cents", Cents, nullable=False),
    sa.Column("interest_cents", Cents, nullable=False),
    sa.Column("costs_cents", Cents, nullable=False),
    sa.Column("fee_cents", Cents, nullable=False),
    sa.Column("expenses_cents", Cents, nullable=False),
    sa.Column("vat_cents", Cents, nullable=False),
    sa.Column("paid_cents", Cents, nullable=False),
    sa.Column("refund_cents", Cents, nullable=False),
    sa.Column("written_off_cents", Cents, nullable=False),
    sa.CheckConstraint(
        "principal_cents >= 0 AND interest_cents >= 0 AND costs_cents >= 0"
        " AND fee_cents >= 0 AND expenses_cents >= 0 AND vat_cents >= 0"
        " AND paid_cents >= 0 AND refund_cents >= 0 AND written_off_cents >= 0",
        name="not_negative",
    ),
    sa.ForeignKeyConstraint(
        ["creditor_id", "case_id"], ["case.creditor_id", "case.id"]
    ),
)

journal_entry = sa.Table(
    "journal_entry",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("creditor_id", sa.ForeignKey("creditor.id"), nullable=False),
    sa.Column("case_id", Id),
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("booked_on", sa.Date, nullable=False),
    sa.Column("rule", sa.String(120), nullable=False),
    sa.Column("table_version", sa.String(80)),
    sa.Column("explanation", sa.JSON, nullable=False),
    # Deduplication key of the event that caused the entry, e.g. a bank
    # entry; a second attempt to book the same event fails on this key.
    sa.Column("source_key", sa.String(200)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("source_key", name="uq_journal_entry_source_key"),
    sa.ForeignKeyConstraint(
        ["creditor_id", "case_id"], ["case.creditor_id", "case.id"]
    ),
    sa.Index("ix_journal_entry_case", "case_id"),
)

posting = sa.Table(
    "posting",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("entry_id", sa.ForeignKey("journal_entry.id"), nullable=False),
    sa.Column("creditor_id", sa.String(64), nullable=False),
    sa.Column("case_id", Id),
    sa.Column("item_id", Id),
    sa.Column("account", sa.String(32), nullable=False),
    sa.Column("amount_cents", Cents, nullable=False),
    sa.ForeignKeyConstraint(
        ["creditor_id", "item_id"], ["item.creditor_id", "item.id"]
    ),
    sa.Index("ix_posting_case", "case_id", "account"),
    sa.Index("ix_posting_entry", "entry_id"),
)

bank_statement = sa.Table(
    "bank_statement",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("account_key", sa.String(64), nullable=False),
    sa.Column("statement_id", sa.String(140), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("source", sa.String(300), nullable=False),
    sa.Column("file_sha256", sa.String(64), nullable=False),
    sa.Column("currency", sa.String(3)),
    sa.Column("opening_balance_cents", Cents),
    sa.Column("closing_balance_cents", Cents),
    sa.Column("entry_count", sa.Integer, nullable=False),
    sa.Column("balance_problem", sa.String(300)),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("account_key", "statement_id", name="uq_statement_key"),
)

bank_entry = sa.Table(
    "bank_entry",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("statement_pk", sa.ForeignKey("bank_statement.id"), nullable=False),
    sa.Column("entry_key", sa.String(140), nullable=False),
    # Account, bank reference, booking date and amount of an entry whose key
    # the bank assigned; the same booking in a later report (an intraday
    # camt.052, then the day's camt.053) is found by it and not booked twice.
    sa.Column("bank_ref", sa.String(300)),
    sa.Column("booking_date", sa.Date, nullable=False),
    sa.Column("amount_cents", Cents, nullable=False),
    sa.Column("charges_cents", Cents, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("reference", sa.Text, nullable=False),
    sa.Column("return_reason", sa.String(64)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("match_rule", sa.String(32)),
    sa.Column("creditor_id", sa.String(64)),
    sa.Column("case_id", Id),
    sa.UniqueConstraint("statement_pk", "entry_key", name="uq_bank_entry_key"),
    sa.Index("uq_bank_entry_bank_ref", "bank_ref", unique=True),
    sa.CheckConstraint(
        "status IN ('matched', 'review', 'unmatched', 'return', 'ignored')",
        name="status_known",
    ),
    sa.ForeignKeyConstraint(
        ["creditor_id", "case_id"], ["case.creditor_id", "case.id"]
    ),
)

# Every external effect leaves through this table. The row is written in
# the transaction that causes it; the relay delivers it later and marks it.
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("creditor_id", sa.String(64), nullable=False),
    sa.Column("case_id", Id, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("dedup_key", sa.String(200), nullable=False),
    sa.Column("message_id", sa.String(200), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.String(500)),
    sa.Column("created_on", sa.Date, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("dedup_key", name="uq_outbox_dedup_key"),
    sa.UniqueConstraint("message_id", name="uq_outbox_message_id"),
    sa.CheckConstraint(
        "status IN ('pending', 'sent', 'cancelled', 'failed')", name="status_known"
    ),
    sa.ForeignKeyConstraint(
        ["creditor_id", "case_id"], ["case.creditor_id", "case.id"]
    ),
    sa.Index("ix_outbox_pending", "status", "id"),
    # Closing a paid case cancels its pending messages (migration 0006).
    sa.Index("ix_outbox_case", "case_id"),
)

settlement = sa.Table(
    "settlement",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("creditor_id", sa.ForeignKey("creditor.id"), nullable=False),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("collected_cents", Cents, nullable=False),
    sa.Column("forwarded_cents", Cents, nullable=False),
    sa.Column("kept_cents", Cents, nullable=False),
    sa.Column("refund_cents", Cents, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("creditor_id", "period", name="uq_settlement_period"),
    sa.UniqueConstraint("creditor_id", "id", name="uq_settlement_creditor_id"),
)

# The payment entries a settlement covers. Each entry is settled once.
settlement_entry = sa.Table(
    "settlement_entry",
    metadata,
    sa.Column("entry_id", sa.ForeignKey("journal_entry.id"), primary_key=True),
    sa.Column("settlement_id", Id, nullable=False),
    sa.Column("creditor_id", sa.String(64), nullable=False),
    sa.ForeignKeyConstraint(
        ["creditor_id", "settlement_id"],
        ["settlement.creditor_id", "settlement.id"],
    ),
)

# One row per import run, for the audit trail and the run summary.
import_log = sa.Table(
    "import_log",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("creditor_id", sa.ForeignKey("creditor.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("source", sa.String(300), nullable=False),
    sa.Column("read_count", sa.Integer, nullable=False),
    sa.Column("created_count", sa.Integer, nullable=False),
    sa.Column("unchanged_count", sa.Integer, nullable=False),
    sa.Column("amended_count", sa.Integer, nullable=False),
    sa.Column("rejected_count", sa.Integer, nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
)
# Tables defined in their own modules register on ``metadata`` on import.
from kleinkasso.store import api_tables, payment_tables  # noqa: E402, F401
