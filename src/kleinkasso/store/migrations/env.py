"""Alembic environment: runs migrations on the connection handed in by
:func:`kleinkasso.store.db.migrate`, or on ``sqlalchemy.url`` when Alembic's
own command line is used."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from kleinkasso.store.schema import metadata

config = context.config


def run_migrations() -> None:
    """Run the pending migrations inside one transaction."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
