"""Index the daily run's work by debtor, and the lookups of payments.

The run evaluates waiting items and bundles unbundled ones debtor by debtor,
in ranges of customer references. ``ix_item_work`` serves both lookups;
``ix_item_unbundled`` holds only handed-over items without a case, so
finding the debtors to bundle does not read every item ever handed over.
A statement import looks up debtors by lower-cased name and cancels the
pending messages of each case it closes; without ``ix_party_name_lower``
and ``ix_outbox_case`` each credit read a whole table.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

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
    op.create_index("ix_party_name_lower", "party", [sa.text("lower(name)")])


def downgrade() -> None:
    op.drop_index("ix_party_name_lower", table_name="party")
    op.drop_index("ix_outbox_case", table_name="outbox")
    op.drop_index("ix_item_unbundled", table_name="item")
    op.create_index("ix_item_state", "item", ["creditor_id", "state"])
    op.drop_index("ix_item_work", table_name="item")
