"""Tables of the creditor API: keys, idempotency records, events and webhooks.

Every row carries ``creditor_id``, and every API query filters on the key's
creditor, so one creditor never reads another's rows.
"""

from __future__ import annotations

import sqlalchemy as sa

from kleinkasso.store.schema import Id, metadata

# Only the SHA-256 of a key is stored; the key itself is shown once.
api_key = sa.Table(
    "api_key",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("creditor_id", sa.ForeignKey("creditor.id"), nullable=False),
    sa.Column("key_sha256", sa.String(64), nullable=False),
    # The first characters of the key, so a person can tell keys apart.
    sa.Column("key_prefix", sa.String(12), nullable=False),
    sa.Column("scope", sa.String(8), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("key_sha256", name="uq_api_key_key_sha256"),
    sa.CheckConstraint("scope IN ('read', 'write')", name="scope_known"),
)

# One row per Idempotency-Key and creditor. The row is inserted before the
# request is processed (state in_flight) and stores the first response afterwards.
idempotency_key = sa.Table(
    "idempotency_key",
    metadata,
    sa.Column("creditor_id", sa.ForeignKey("creditor.id"), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("request_sha256", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("response_status", sa.Integer),
    sa.Column("response_body", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('in_flight', 'done')", name="state_known"),
)

# The feed behind GET /v1/events; the id is the cursor.
api_event = sa.Table(
    "api_event",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("creditor_id", sa.ForeignKey("creditor.id"), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("case_ref", sa.String(32)),
    sa.Column("item_ref", sa.String(64)),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_api_event_creditor", "creditor_id", "id"),
)

# NOTE: the signing secret is stored in plain text because signing needs it;
# database backups must be protected like the secrets themselves.
webhook_endpoint = sa.Table(
    "webhook_endpoint",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("creditor_id", sa.ForeignKey("creditor.id"), nullable=False),
    sa.Column("url", sa.String(500), nullable=False),
    sa.Column("secret", sa.String(100), nullable=False),
    # After a rotation the old secret also signs until previous_until, so
    # receivers can switch without rejecting deliveries.
    sa.Column("previous_secret", sa.String(100)),
    sa.Column("previous_until", sa.DateTime(timezone=True)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("disabled_at", sa.DateTime(timezone=True)),
)

# The webhook outbox: one row per event and endpoint, written with the event.
# ``message_id`` is the webhook-id header, the same on every attempt.
webhook_delivery = sa.Table(
    "webhook_delivery",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("creditor_id", sa.ForeignKey("creditor.id"), nullable=False),
    sa.Column("event_id", sa.ForeignKey("api_event.id"), nullable=False),
    sa.Column("endpoint_id", sa.ForeignKey("webhook_endpoint.id"), nullable=False),
    sa.Column("message_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_error", sa.String(500)),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("event_id", "endpoint_id", name="uq_webhook_delivery_event"),
    sa.UniqueConstraint("message_id", name="uq_webhook_delivery_message_id"),
    sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status_known"),
    sa.Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
)
