"""API keys per creditor: created once, stored as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from kleinkasso.store.api_tables import api_key

log = logging.getLogger(__name__)

SCOPES = ("read", "write")
KEY_PREFIX = "kk_"


class UnknownScope(Exception):
    """Raised when a key is created with a scope other than read or write."""

    def __init__(self, scope: str) -> None:
        super().__init__(f"scope {scope!r} is invalid; expected read or write")


class ApiKeyNotFound(Exception):
    """Raised when a key id to revoke does not exist for the creditor."""

    def __init__(self, key_id: int, creditor_id: str) -> None:
        super().__init__(f"API key {key_id} of creditor {creditor_id!r} not found")


@dataclass(frozen=True)
class Principal:
    """The creditor and scope an authenticated request acts for."""

    creditor_id: str
    scope: str
    key_id: int


def hash_key(key: str) -> str:
    """Return the hex SHA-256 of a key, the only form stored."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(
    conn: sa.Connection, creditor_id: str, scope: str, now: datetime
) -> tuple[int, str]:
    """Create a key and return its id and the key, which is not stored."""
    if scope not in SCOPES:
        raise UnknownScope(scope)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    key_id = conn.execute(
        api_key.insert()
        .values(
            creditor_id=creditor_id,
            key_sha256=hash_key(key),
            key_prefix=key[:10],
            scope=scope,
            created_at=now,
        )
        .returning(api_key.c.id)
    ).scalar_one()
    log.info("API key %s created for creditor %s", key_id, creditor_id)
    return int(key_id), key


def list_keys(conn: sa.Connection, creditor_id: str) -> list[dict[str, Any]]:
    """Return the creditor's keys without their secret part."""
    rows = conn.execute(
        sa.select(api_key)
        .where(api_key.c.creditor_id == creditor_id)
        .order_by(api_key.c.id)
    )
    return [
        {
            "id": row.id,
            "prefix": row.key_prefix,
            "scope": row.scope,
            "created_at": row.created_at.isoformat(),
            "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
        }
        for row in rows
    ]


def revoke_key(
    conn: sa.Connection, creditor_id: str, key_id: int, now: datetime
) -> None:
    """Revoke a key; revoking it again keeps the first revocation time."""
    found = conn.execute(
        sa.select(api_key.c.id).where(
            api_key.c.id == key_id, api_key.c.creditor_id == creditor_id
        )
    ).scalar_one_or_none()
    if found is None:
        raise ApiKeyNotFound(key_id, creditor_id)
    conn.execute(
        api_key.update()
        .where(api_key.c.id == key_id, api_key.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    log.info("API key %s of creditor %s revoked", key_id, creditor_id)


def authenticate(conn: sa.Connection, key: str) -> Principal | None:
    """Return who a key acts for, or None for an unknown or revoked key."""
    row = conn.execute(
        sa.select(api_key).where(
            api_key.c.key_sha256 == hash_key(key), api_key.c.revoked_at.is_(None)
        )
    ).one_or_none()
    if row is None:
        return None
    return Principal(creditor_id=row.creditor_id, scope=row.scope, key_id=row.id)
