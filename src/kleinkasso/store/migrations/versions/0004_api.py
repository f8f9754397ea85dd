"""Creditor API: keys, idempotency records, events and webhooks.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column("key_sha256", sa.String(length=64), nullable=False),
        sa.Column("key_prefix", sa.String(length=12), nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("revoked_at", STAMP, nullable=True),
        sa.CheckConstraint(
            "scope IN ('read', 'write')", name=op.f("ck_api_key_scope_known")
        ),
        sa.ForeignKeyConstraint(
            ["creditor_id"],
            ["creditor.id"],
            name=op.f("fk_api_key_creditor_id_creditor"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("key_sha256", name="uq_api_key_key_sha256"),
    )
    op.create_table(
        "idempotency_key",
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_sha256", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column("created_at", STAMP, nullable=False),
        sa.CheckConstraint(
            "state IN ('in_flight', 'done')",
            name=op.f("ck_idempotency_key_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["creditor_id"],
            ["creditor.id"],
            name=op.f("fk_idempotency_key_creditor_id_creditor"),
        ),
        sa.PrimaryKeyConstraint("creditor_id", "key", name=op.f("pk_idempotency_key")),
    )
    op.create_table(
        "api_event",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("case_ref", sa.String(length=32), nullable=True),
        sa.Column("item_ref", sa.String(length=64), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("occurred_at", STAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["creditor_id"],
            ["creditor.id"],
            name=op.f("fk_api_event_creditor_id_creditor"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_event")),
    )
    op.create_index("ix_api_event_creditor", "api_event", ["creditor_id", "id"])
    op.create_table(
        "webhook_endpoint",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("previous_secret", sa.String(length=100), nullable=True),
        sa.Column("previous_until", STAMP, nullable=True),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("disabled_at", STAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["creditor_id"],
            ["creditor.id"],
            name=op.f("fk_webhook_endpoint_creditor_id_creditor"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoint")),
    )
    op.create_table(
        "webhook_delivery",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("creditor_id", sa.String(length=64), nullable=False),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("endpoint_id", ID, nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", STAMP, nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("sent_at", STAMP, nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed')",
            name=op.f("ck_webhook_delivery_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["creditor_id"],
            ["creditor.id"],
            name=op.f("fk_webhook_delivery_creditor_id_creditor"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["api_event.id"],
            name=op.f("fk_webhook_delivery_event_id_api_event"),
        ),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["webhook_endpoint.id"],
            name=op.f("fk_webhook_delivery_endpoint_id_webhook_endpoint"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_delivery")),
        sa.UniqueConstraint(
            "event_id", "endpoint_id", name="uq_webhook_delivery_event"
        ),
        sa.UniqueConstraint("message_id", name="uq_webhook_delivery_message_id"),
    )
    op.create_index(
        "ix_webhook_delivery_due", "webhook_delivery", ["status", "next_attempt_at"]
    )
    # NOTE: row-level security for these tables (PostgreSQL, with an
    # application role that does not own them) is not set up yet; isolation
    # between creditors rests on the creditor filter in every API query.


def downgrade() -> None:
    op.drop_index("ix_webhook_delivery_due", table_name="webhook_delivery")
    op.drop_table("webhook_delivery")
    op.drop_table("webhook_endpoint")
    op.drop_index("ix_api_event_creditor", table_name="api_event")
    op.drop_table("api_event")
    op.drop_table("idempotency_key")
    op.drop_table("api_key")
