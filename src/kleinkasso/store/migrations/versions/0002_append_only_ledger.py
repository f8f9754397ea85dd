"""Reject UPDATE and DELETE on the ledger tables.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LEDGER_TABLES = ("journal_entry", "posting")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in LEDGER_TABLES:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} "
                    f"ON {table} BEGIN SELECT RAISE(ABORT, "
                    f"'{table} is append-only: {action} rejected'); END"
                )
        return
    op.execute(
        "CREATE FUNCTION kleinkasso_reject_change() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
        "'% is append-only: % rejected', TG_TABLE_NAME, TG_OP; END $$"
    )
    for table in LEDGER_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION kleinkasso_reject_change()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in LEDGER_TABLES:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{action}")
        return
    for table in LEDGER_TABLES:
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
    op.execute("DROP FUNCTION kleinkasso_reject_change()")
