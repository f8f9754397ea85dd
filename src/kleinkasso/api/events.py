"""Events for the creditor: the feed of GET /v1/events and the webhook outbox.

:func:`record_event` is called inside the transaction of the change it
reports, so an event exists exactly when its change was committed.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from kleinkasso.store.api_tables import api_event, webhook_delivery, webhook_endpoint
from kleinkasso.store.ids import reserve_ids

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


@dataclass(frozen=True)
class Event:
    """One event to record with :func:`record_events`."""

    kind: str
    case_ref: str | None = None
    item_ref: str | None = None
    data: dict[str, Any] | None = None


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
    event = Event(kind, case_ref=case_ref, item_ref=item_ref, data=data)
    return record_events(conn, creditor_id, [event], now)[0]


def record_events(
    conn: sa.Connection, creditor_id: str, events: Sequence[Event], now: datetime
) -> list[int]:
    """Insert events of one creditor in order and queue their webhook deliveries.

    With more than one event the ids are reserved first. Returns the event
    ids in the order of ``events``.
    """
    if not events:
        return []
    rows: list[dict[str, Any]] = [
        {
            "creditor_id": creditor_id,
            "kind": event.kind,
            "case_ref": event.case_ref,
            "item_ref": event.item_ref,
            "data": event.data or {},
            "occurred_at": now,
        }
        for event in events
    ]
    if len(rows) == 1:
        ids = [
            conn.execute(
                api_event.insert().returning(api_event.c.id), rows[0]
            ).scalar_one()
        ]
    else:
        ids = reserve_ids(conn, api_event, len(rows))
        for event_id, row in zip(ids, rows, strict=True):
            row["id"] = event_id
        conn.execute(api_event.insert(), rows)
    endpoints = (
        conn.execute(_ACTIVE_ENDPOINTS, {"endpoint_creditor": creditor_id})
        .scalars()
        .all()
    )
    deliveries = [
        {
            "creditor_id": creditor_id,
            "event_id": event_id,
            "endpoint_id": endpoint_id,
            "message_id": f"msg_{secrets.token_hex(16)}",
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
        }
        for event_id in ids
        for endpoint_id in endpoints
    ]
    if deliveries:
        conn.execute(webhook_delivery.insert(), deliveries)
    return [int(event_id) for event_id in ids]


# Built once: an event is recorded with every payment, and building and
# keying a statement costs more than running it.
_INSERT_EVENT = api_event.insert().returning(api_event.c.id)
_ACTIVE_ENDPOINTS = sa.select(webhook_endpoint.c.id).where(
    webhook_endpoint.c.creditor_id == sa.bindparam("endpoint_creditor"),
    webhook_endpoint.c.disabled_at.is_(None),
)


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
