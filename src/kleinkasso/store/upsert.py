"""INSERT … ON CONFLICT for the two supported databases."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def insert_or_update(
    conn: sa.Connection,
    table: sa.Table,
    rows: Sequence[dict[str, Any]],
    *,
    keys: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert ``rows``, overwriting ``update`` where a row with ``keys`` exists."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect == "postgresql":
        pg_stmt = postgresql.insert(table)
        conn.execute(
            pg_stmt.on_conflict_do_update(
                index_elements=list(keys),
                set_={name: pg_stmt.excluded[name] for name in update},
            ),
            list(rows),
        )
        return
    lite_stmt = sqlite.insert(table)
    conn.execute(
        lite_stmt.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: lite_stmt.excluded[name] for name in update},
        ),
        list(rows),
    )


def insert_ignore(
    conn: sa.Connection, table: sa.Table, row: dict[str, Any], *, keys: Sequence[str]
) -> bool:
    """Insert one row unless one with the same ``keys`` exists; True if inserted."""
    dialect = conn.dialect.name
    stmt: Any
    if dialect == "postgresql":
        stmt = (
            postgresql.insert(table)
            .values(row)
            .on_conflict_do_nothing(index_elements=list(keys))
        )
    else:
        stmt = (
            sqlite.insert(table)
            .values(row)
            .on_conflict_do_nothing(index_elements=list(keys))
        )
    return bool(conn.execute(stmt).rowcount)
