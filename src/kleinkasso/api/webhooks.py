"""Webhook endpoints and the webhook relay (Standard Webhooks).

Each delivery is sent with the headers ``webhook-id`` (the same on every
attempt, for the receiver to deduplicate on), ``webhook-timestamp`` (Unix
seconds of this attempt) and ``webhook-signature``: ``v1,`` and the base64
HMAC-SHA256 of ``{id}.{timestamp}.{body}`` keyed with the decoded secret. A
failed attempt is retried after 30 s, then twice as long each time, up to
MAX_ATTEMPTS attempts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa

from kleinkasso.api.events import event_json
from kleinkasso.store.api_tables import api_event, webhook_delivery, webhook_endpoint

log = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=12)
MAX_ATTEMPTS = 12
TIMEOUT_SECONDS = 10.0
RELAY_CHUNK = 100
ROTATION_OVERLAP = timedelta(hours=24)


class InvalidEndpoint(Exception):
    """Raised for a webhook URL that is not an absolute http or https URL."""

    def __init__(self, url: object) -> None:
        super().__init__(
            f"webhook url {url!r} is invalid; expected an absolute http:// or "
            "https:// URL of at most 500 characters"
        )


def new_secret() -> str:
    """Return a fresh signing secret in the Standard Webhooks form whsec_BASE64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """Return the webhook-signature header value for one attempt."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def add_endpoint(
    engine: sa.Engine, creditor_id: str, url: object, now: datetime
) -> dict[str, Any]:
    """Register an endpoint; the returned secret is shown only here."""
    if not isinstance(url, str) or len(url) > 500:
        raise InvalidEndpoint(url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidEndpoint(url)
    secret = new_secret()
    with engine.begin() as conn:
        endpoint_id = conn.execute(
            webhook_endpoint.insert()
            .values(creditor_id=creditor_id, url=url, secret=secret, created_at=now)
            .returning(webhook_endpoint.c.id)
        ).scalar_one()
    log.info("webhook endpoint %s added for creditor %s", endpoint_id, creditor_id)
    return {"id": int(endpoint_id), "url": url, "secret": secret}


def list_endpoints(engine: sa.Engine, creditor_id: str) -> list[dict[str, Any]]:
    """Return the creditor's active endpoints without their secrets."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(webhook_endpoint)
            .where(
                webhook_endpoint.c.creditor_id == creditor_id,
                webhook_endpoint.c.disabled_at.is_(None),
            )
            .order_by(webhook_endpoint.c.id)
        )
        return [{"id": row.id, "url": row.url} for row in rows]


def disable_endpoint(
    engine: sa.Engine, creditor_id: str, endpoint_id: int, now: datetime
) -> bool:
    """Disable an endpoint; returns False if the creditor has no such endpoint."""
    with engine.begin() as conn:
        changed = conn.execute(
            webhook_endpoint.update()
            .where(
                webhook_endpoint.c.id == endpoint_id,
                webhook_endpoint.c.creditor_id == creditor_id,
                webhook_endpoint.c.disabled_at.is_(None),
            )
            .values(disabled_at=now)
        ).rowcount
    return bool(changed)


def rotate_secret(
    engine: sa.Engine, creditor_id: str, endpoint_id: int, now: datetime
) -> dict[str, Any] | None:
    """Give an endpoint a new secret; the old one also signs for ROTATION_OVERLAP.

    Returns the endpoint with its new secret, or None if the creditor has no
    such active endpoint.
    """
    secret = new_secret()
    with engine.begin() as conn:
        row = conn.execute(
            sa.select(webhook_endpoint).where(
                webhook_endpoint.c.id == endpoint_id,
                webhook_endpoint.c.creditor_id == creditor_id,
                webhook_endpoint.c.disabled_at.is_(None),
            )
        ).one_or_none()
        if row is None:
            return None
        conn.execute(
            webhook_endpoint.update()
            .where(webhook_endpoint.c.id == endpoint_id)
            .values(
                secret=secret,
                previous_secret=row.secret,
                previous_until=now + ROTATION_OVERLAP,
            )
        )
    log.info(
        "webhook endpoint %s of creditor %s: secret rotated", endpoint_id, creditor_id
    )
    return {"id": endpoint_id, "url": row.url, "secret": secret}


def _signatures(row: sa.Row[Any], timestamp: int, body: bytes, now: datetime) -> str:
    """Return the webhook-signature header: the current secret's signature, and
    the previous secret's while its overlap lasts, separated by a space."""
    values = [sign(row.secret, row.message_id, timestamp, body)]
    until = row.previous_until
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=now.tzinfo)
    if row.previous_secret and until is not None and now < until:
        values.append(sign(row.previous_secret, row.message_id, timestamp, body))
    return " ".join(values)


def retry_delay(attempts: int) -> timedelta:
    """Return the wait after the given number of failed attempts."""
    return min(FIRST_RETRY * (1 << max(attempts - 1, 0)), MAX_RETRY)


@dataclass
class WebhookReport:
    """Counts of one webhook relay pass."""

    sent: int = 0
    retried: int = 0
    failed: int = 0


def relay_webhooks(
    engine: sa.Engine, now: datetime, *, client: httpx.Client | None = None
) -> WebhookReport:
    """Send every delivery that is due; failed ones wait for their next attempt."""
    report = WebhookReport()
    own_client = client is None
    http = client or httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False)
    try:
        last_id = 0
        while True:
            with engine.connect() as conn:
                rows = conn.execute(
                    sa.select(
                        webhook_delivery,
                        webhook_endpoint.c.url,
                        webhook_endpoint.c.secret,
                        webhook_endpoint.c.previous_secret,
                        webhook_endpoint.c.previous_until,
                    )
                    .join(
                        webhook_endpoint,
                        webhook_endpoint.c.id == webhook_delivery.c.endpoint_id,
                    )
                    .where(
                        webhook_delivery.c.status == "pending",
                        webhook_delivery.c.next_attempt_at <= now,
                        webhook_delivery.c.id > last_id,
                    )
                    .order_by(webhook_delivery.c.id)
                    .limit(RELAY_CHUNK)
                ).all()
                events = {
                    row.id: row
                    for row in conn.execute(
                        sa.select(api_event).where(
                            api_event.c.id.in_([row.event_id for row in rows])
                        )
                    )
                }
            if not rows:
                return report
            last_id = rows[-1].id
            for row in rows:
                _attempt(engine, http, row, events[row.event_id], now, report)
    finally:
        if own_client:
            http.close()


def delivery_body(event: sa.Row[Any]) -> bytes:
    """Return the body of a delivery, identical on every attempt."""
    return json.dumps(event_json(event), sort_keys=True).encode()


def _attempt(
    engine: sa.Engine,
    http: httpx.Client,
    row: sa.Row[Any],
    event: sa.Row[Any],
    now: datetime,
    report: WebhookReport,
) -> None:
    body = delivery_body(event)
    timestamp = int(now.timestamp())
    headers = {
        "content-type": "application/json",
        "webhook-id": row.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": _signatures(row, timestamp, body, now),
    }
    error: str | None = None
    try:
        response = http.post(row.url, content=body, headers=headers)
        if not response.is_success:
            error = f"HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
    attempts = row.attempts + 1
    values: dict[str, Any] = {"attempts": attempts}
    if error is None:
        values.update(status="sent", sent_at=now, last_error=None)
        report.sent += 1
    elif attempts >= MAX_ATTEMPTS:
        values.update(status="failed", last_error=error[:500])
        report.failed += 1
        log.error(
            "webhook %s to endpoint %s failed %d times, no further attempt: %s",
            row.message_id,
            row.endpoint_id,
            attempts,
            error,
        )
    else:
        values.update(
            next_attempt_at=now + retry_delay(attempts), last_error=error[:500]
        )
        report.retried += 1
        log.warning(
            "webhook %s to endpoint %s failed on attempt %d, retrying later: %s",
            row.message_id,
            row.endpoint_id,
            attempts,
            error,
        )
    with engine.begin() as conn:
        conn.execute(
            webhook_delivery.update()
            .where(
                webhook_delivery.c.id == row.id,
                webhook_delivery.c.status == "pending",
            )
            .values(values)
        )
