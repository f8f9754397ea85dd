"""Recognise one booking across bank reports by its bank reference.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("bank_entry", sa.Column("bank_ref", sa.String(300)))
    op.create_index("uq_bank_entry_bank_ref", "bank_entry", ["bank_ref"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_bank_entry_bank_ref", table_name="bank_entry")
    with op.batch_alter_table("bank_entry") as batch:
        batch.drop_column("bank_ref")
