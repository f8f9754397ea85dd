"""Events for the creditor: the feed of GET /v1/events and the webhook outbox.

:func:`record_event` is called inside the transaction of the change it
reports, so an event exists exactly when its change was committed.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from kleinkasso.store.api_tables import api_event, webhook_delivery, webhook_endpoint

CASE_OPENED = "case.opened"
MESSAGE_SENT = "message.sent"
PAYMENT_RECEIVED = "payment.received"
CASE_PAID = "case.paid"
CASE_DISPUTED = "case.disputed"
CASE_WRITTEN_OFF = "case.written_off"
CASE_CLOSED = "case.closed"
ITEM_SETTLED = "item.settled"

EVENT_KINDS = (
    CASE_OPENED,
    MESSAGE_SENT,
    PAYMENT_RECEIVED,
    CASE_PAID,
    CASE_DISPUTED,
    CASE_WRITTEN_OFF,
    CASE_CLOSED,
    ITEM_SETTLED,
)


def record_event(
    conn: sa.Connection,
    creditor_id: str,
    kind: str,
    now: datetime,
    *,
    case_ref: str | None = None,
    item_ref: str | None = None,
    data: dict[str, Any] | None = None,
) -> int:
    """Insert an event and queue one webhook delivery per active endpoint.

    Returns the event id, which is the cursor of the event feed.
    """
    event_id = conn.execute(
        api_event.insert()
        .values(
            creditor_id=creditor_id,
            kind=kind,
            case_ref=case_ref,
            item_ref=item_ref,
            data=data or {},
            occurred_at=now,
        )
        .returning(api_event.c.id)
    ).scalar_one()
    endpoints = conn.execute(
        sa.select(webhook_endpoint.c.id).where(
            webhook_endpoint.c.creditor_id == creditor_id,
            webhook_endpoint.c.disabled_at.is_(None),
        )
    ).scalars()
    rows = [
        {
            "creditor_id": creditor_id,
            "event_id": event_id,
            "endpoint_id": endpoint_id,
            "message_id": f"msg_{secrets.token_hex(16)}",
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
        }
        for endpoint_id in endpoints
    ]
    if rows:
        conn.execute(webhook_delivery.insert(), rows)
    return int(event_id)


def event_json(row: sa.Row[Any]) -> dict[str, Any]:
    """Return an api_event row as the JSON the feed and the webhooks send."""
    return {
        "id": str(row.id),
        "type": row.kind,
        "timestamp": row.occurred_at.isoformat(),
        "case_ref": row.case_ref,
        "item_ref": row.item_ref,
        "data": row.data,
    }
