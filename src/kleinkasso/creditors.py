"""Register creditors and read their configuration back."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime

import sqlalchemy as sa

from kleinkasso.policy.creditor_config import CreditorConfig
from kleinkasso.store.schema import creditor, creditor_config

log = logging.getLogger(__name__)


class CreditorNotFound(Exception):
    """Raised when no creditor has the given id."""

    def __init__(self, creditor_id: str) -> None:
        super().__init__(
            f"creditor {creditor_id!r} not found; register it with "
            "'kleinkasso creditor add --config FILE'"
        )


class CasePrefixTaken(Exception):
    """Raised when another creditor already uses a case prefix."""

    def __init__(self, prefix: str, owner: str) -> None:
        super().__init__(
            f"case_prefix {prefix!r} is already used by creditor {owner!r}; "
            "choose another case_prefix"
        )


def register(
    engine: sa.Engine, config: CreditorConfig, now: datetime
) -> tuple[int, bool]:
    """Store ``config`` as the creditor's newest version.

    Returns the version number and whether anything changed; loading the same
    file again keeps the version.
    """
    data = config.to_json()
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    with engine.begin() as conn:
        owner = conn.execute(
            sa.select(creditor.c.id).where(
                creditor.c.case_prefix == config.case_prefix, creditor.c.id != config.id
            )
        ).scalar_one_or_none()
        if owner is not None:
            raise CasePrefixTaken(config.case_prefix, owner)
        current = conn.execute(
            sa.select(creditor_config.c.version, creditor_config.c.config_sha256)
            .where(creditor_config.c.creditor_id == config.id)
            .order_by(creditor_config.c.version.desc())
            .limit(1)
        ).one_or_none()
        if current is not None and current.config_sha256 == digest:
            return int(current.version), False
        version = 1 if current is None else int(current.version) + 1
        if current is None:
            conn.execute(
                creditor.insert().values(
                    id=config.id,
                    name=config.name,
                    case_prefix=config.case_prefix,
                    config_version=version,
                    config=data,
                    created_at=now,
                    updated_at=now,
                )
            )
        else:
            conn.execute(
                creditor.update()
                .where(creditor.c.id == config.id)
                .values(
                    name=config.name,
                    case_prefix=config.case_prefix,
                    config_version=version,
                    config=data,
                    updated_at=now,
                )
            )
        conn.execute(
            creditor_config.insert().values(
                creditor_id=config.id,
                version=version,
                config=data,
                config_sha256=digest,
                loaded_at=now,
            )
        )
    log.info("creditor %s configuration version %d stored", config.id, version)
    return version, True


def load(conn: sa.Connection, creditor_id: str) -> CreditorConfig:
    """Return the newest configuration of a creditor."""
    data = conn.execute(
        sa.select(creditor.c.config).where(creditor.c.id == creditor_id)
    ).scalar_one_or_none()
    if data is None:
        raise CreditorNotFound(creditor_id)
    return CreditorConfig.from_json(data)
