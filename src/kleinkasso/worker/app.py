"""The procrastinate app, its connection to PostgreSQL and its schema.

The tasks are registered on :data:`app` when :mod:`kleinkasso.worker.tasks`
is imported. The app has no database until :func:`queue_connector` builds a
connector for a kleinkasso database URL and the caller puts it in place with
``app.replace_connector``. The queue tables (``procrastinate_*``) live in
the same database as kleinkasso's own tables.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import procrastinate
import sqlalchemy as sa
from procrastinate.schema import SchemaManager

from kleinkasso.store.db import resolve_url

log = logging.getLogger(__name__)

# Key of the PostgreSQL advisory lock held while the queue schema is
# installed, so that workers starting together install it once.
SCHEMA_LOCK_KEY = 0x6B6B_7175_65

app = procrastinate.App(
    connector=procrastinate.PsycopgConnector(),
    import_paths=["kleinkasso.worker.tasks"],
)


class QueueNeedsPostgres(Exception):
    """Raised when the job queue is asked to use a database that is not PostgreSQL."""

    def __init__(self, url: str) -> None:
        masked = sa.engine.make_url(url).render_as_string(hide_password=True)
        super().__init__(
            f"database URL {masked!r} is not PostgreSQL; the job queue and its "
            "workers need a postgresql:// URL (use `kleinkasso run` on SQLite)"
        )


def libpq_url(url: str | None) -> str:
    """Return the libpq connection URL for a kleinkasso database URL.

    Raises :class:`QueueNeedsPostgres` for any other database. An invalid URL
    raises SQLAlchemy's ``ArgumentError``.
    """
    resolved = resolve_url(url)
    parsed = sa.engine.make_url(resolved)
    if parsed.get_backend_name() != "postgresql":
        raise QueueNeedsPostgres(resolved)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def queue_connector(
    url: str | None, *, pool_size: int = 4
) -> procrastinate.PsycopgConnector:
    """Build a connector for the job queue in the database at ``url``.

    ``pool_size`` is the maximum number of connections the worker's pool
    opens; the LISTEN connection comes on top of it.
    """
    return procrastinate.PsycopgConnector(
        conninfo=libpq_url(url), min_size=1, max_size=pool_size
    )


@contextmanager
def opened_queue(url: str | None) -> Iterator[procrastinate.App]:
    """Open :data:`app` synchronously on ``url``, for deferring jobs from a command."""
    with app.replace_connector(queue_connector(url)):
        app.open()
        try:
            yield app
        finally:
            app.close()


def install_queue_schema(engine: sa.Engine) -> bool:
    """Create procrastinate's tables and functions unless they exist.

    Returns whether the schema was created now. Does nothing on SQLite,
    which has no job queue. Safe to call from several processes at once.
    """
    # NOTE: a schema created by another procrastinate version is left as it
    # is. Upgrading it needs procrastinate's migration files (sql/migrations
    # in its package), applied in order.
    if engine.dialect.name != "postgresql":
        return False
    with engine.begin() as conn:
        conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY}
        )
        exists = conn.execute(
            sa.text("SELECT to_regclass('procrastinate_jobs')")
        ).scalar()
        if exists is not None:
            return False
        # The script contains "%" signs; psycopg treats them as placeholders
        # only when parameters are passed, so it runs on the driver's cursor.
        dbapi_connection = conn.connection.dbapi_connection
        assert dbapi_connection is not None, "a connection in a transaction is open"
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(SchemaManager.get_schema())
        finally:
            cursor.close()
    log.info("job queue schema installed")
    return True
