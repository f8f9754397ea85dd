"""Reserve primary keys for rows that are inserted in bulk.

A bulk insert that needs the new ids (to link postings to their journal
entries, say) would otherwise use ``INSERT ... RETURNING`` row by row on
SQLite, because SQLite does not promise to return rows in the order they
were given. Reserving the ids first lets one ``executemany`` insert them all.
"""

from __future__ import annotations

import sqlalchemy as sa


def reserve_ids(conn: sa.Connection, table: sa.Table, count: int) -> list[int]:
    """Return ``count`` unused values for ``table``'s ``id`` column.

    PostgreSQL draws them from the column's sequence, so concurrent
    transactions never get the same value. SQLite continues after the
    largest id. Before that, an update that matches no row takes the
    database's write lock, which the transaction holds until it ends, so no
    other connection can insert in between.
    """
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        name = conn.dialect.identifier_preparer.format_table(table)
        values = conn.execute(
            sa.text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                "FROM generate_series(1, :count)"
            ),
            {"table": name, "count": count},
        ).scalars()
        return [int(value) for value in values]
    conn.execute(table.update().where(sa.false()).values(id=table.c.id))
    top = conn.execute(sa.select(sa.func.max(table.c.id))).scalar()
    start = int(top or 0) + 1
    return list(range(start, start + count))
