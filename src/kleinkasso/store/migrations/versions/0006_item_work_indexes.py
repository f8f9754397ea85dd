"""Index the daily run's work by debtor, and the lookups of payments.

The run evaluates waiting items and bundles unbundled ones debtor by debtor,
in ranges of customer references. ``ix_item_work`` serves both lookups;
``ix_item_unbundled`` holds only handed-over items without a case, so
finding the debtors to bundle does not read every item ever handed over.
A statement import looks up debtors by name and cancels the pending
messages of each case it closes; without ``ix_party_name_key`` and
``ix_outbox_case`` each credit read a whole table. ``party.name_key`` holds
the folded name (accents, case, spacing), so both databases compare names
alike.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kleinkasso.names import normalize_name

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UNBUNDLED = "state = 'handed_over' AND case_id IS NULL"


def upgrade() -> None:
    op.create_index(
        "ix_item_work", "item", ["creditor_id", "state", "customer_ref", "id"]
    )
    op.drop_index("ix_item_state", table_name="item")
    op.create_index(
        "ix_item_unbundled",
        "item",
        ["creditor_id", "customer_ref"],
        sqlite_where=sa.text(UNBUNDLED),
        postgresql_where=sa.text(UNBUNDLED),
    )
    op.create_index("ix_outbox_case", "outbox", ["case_id"])
    op.add_column("party", sa.Column("name_key", sa.String(200)))
    _fill_name_keys()
    op.create_index("ix_party_name_key", "party", ["name_key"])


def _fill_name_keys() -> None:
    conn = op.get_bind()
    party = sa.table(
        "party",
        sa.column("creditor_id"),
        sa.column("customer_ref"),
        sa.column("name"),
        sa.column("name_key"),
    )
    rows = conn.execute(
        sa.select(party.c.creditor_id, party.c.customer_ref, party.c.name)
    )
    keys = [
        {"c": row.creditor_id, "r": row.customer_ref, "k": normalize_name(row.name)}
        for row in rows
    ]
    if keys:
        conn.execute(
            party.update()
            .where(
                party.c.creditor_id == sa.bindparam("c"),
                party.c.customer_ref == sa.bindparam("r"),
            )
            .values(name_key=sa.bindparam("k")),
            keys,
        )


def downgrade() -> None:
    op.drop_index("ix_party_name_key", table_name="party")
    with op.batch_alter_table("party") as batch:
        batch.drop_column("name_key")
    op.drop_index("ix_outbox_case", table_name="outbox")
    op.drop_index("ix_item_unbundled", table_name="item")
    op.create_index("ix_item_state", "item", ["creditor_id", "state"])
    op.drop_index("ix_item_work", table_name="item")
