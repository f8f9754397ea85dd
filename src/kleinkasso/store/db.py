"""Database connection and schema migration.

The URL comes from ``--db``, else ``KLEINKASSO_DATABASE_URL``, else
``sqlite:///kleinkasso.db`` in the current folder. Every command migrates the
schema to the newest revision before it starts, so a fresh file just works.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///kleinkasso.db"
MIGRATIONS = Path(__file__).with_name("migrations")


class DatabaseUrlError(Exception):
    """Raised when a database URL cannot be used."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"database URL {_masked(url)!r}: {reason}")


def _masked(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def resolve_url(url: str | None) -> str:
    """Return the URL to use: the argument, the environment, or the default."""
    return url or os.environ.get("KLEINKASSO_DATABASE_URL") or DEFAULT_URL


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str | None = None) -> sa.Engine:
    """Create an engine for ``url`` with the settings kleinkasso relies on."""
    resolved = resolve_url(url)
    try:
        parsed = sa.engine.make_url(resolved)
    except sa.exc.ArgumentError as exc:
        raise DatabaseUrlError(resolved, "not a valid SQLAlchemy URL") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = sa.create_engine(parsed)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            return sa.create_engine(parsed, isolation_level="REPEATABLE READ")
        except ImportError as exc:
            raise DatabaseUrlError(
                resolved, f"the driver is not installed ({exc}); pip install psycopg"
            ) from exc
    raise DatabaseUrlError(resolved, "expected a sqlite:// or postgresql:// URL")


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: sa.Engine) -> None:
    """Upgrade the schema to the newest revision; do nothing if it is current."""
    config = _alembic_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == head:
        return
    log.info("migrating database schema from %s to %s", current, head)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
