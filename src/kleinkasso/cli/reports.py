"""Read models for the command line: rows for listings and their printing."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from kleinkasso import creditors
from kleinkasso.cases.position import case_position
from kleinkasso.daily import DailyResult
from kleinkasso.payments.statements import StatementReport
from kleinkasso.policy.creditor_config import CreditorConfig
from kleinkasso.settlement.service import Settlement
from kleinkasso.store.schema import (
    bank_entry,
    case,
    case_balance,
    import_log,
    item,
    outbox,
)

console = Console()


def euros(cents: int) -> str:
    """Format cents as euros with a decimal comma, e.g. ``1.234,56 €``."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole:,}".replace(",", ".") + f",{rest:02d} €"


def item_rows(
    conn: sa.Connection, creditor_id: str, state: str | None
) -> list[dict[str, Any]]:
    """Return the creditor's items as JSON-ready rows, ordered by item_ref."""
    query = (
        sa.select(item, case.c.case_ref)
        .outerjoin(case, case.c.id == item.c.case_id)
        .where(item.c.creditor_id == creditor_id)
        .order_by(item.c.item_ref)
    )
    if state:
        query = query.where(item.c.state == state)
    return [
        {
            "item_ref": row.item_ref,
            "customer_ref": row.customer_ref,
            "principal_cents": row.principal_cents,
            "costs_cents": row.return_charges_cents,
            "state": row.state,
            "reason": (
                f"{row.reason}; bank return reason {row.return_reason}"
                if row.return_reason
                else row.reason
            ),
            "return_reason": row.return_reason,
            "due_date": row.due_date.isoformat(),
            "default_start": row.default_start.isoformat()
            if row.default_start
            else None,
            "case_ref": row.case_ref,
            "source": row.source,
        }
        for row in conn.execute(query)
    ]


def case_rows(
    conn: sa.Connection, config: CreditorConfig, as_of: Any
) -> list[dict[str, Any]]:
    """Return the creditor's cases with the open amount as of ``as_of``."""
    regular = Decimal(config.dunning.regular_fee_rate)
    rows = conn.execute(
        sa.select(case).where(case.c.creditor_id == config.id).order_by(case.c.case_no)
    ).all()
    result = []
    for row in rows:
        position = case_position(conn, row.id, as_of, regular)
        result.append(
            {
                "case_ref": row.case_ref,
                "customer_ref": row.customer_ref,
                "status": row.status,
                "creditor_reference": row.creditor_reference,
                "open_cents": position.open_cents,
                "paid_cents": position.paid_cents,
                "claims": len(position.claims),
                "opened_on": row.opened_on.isoformat(),
            }
        )
    return result


def case_detail(
    conn: sa.Connection, case_ref: str, as_of: Any
) -> dict[str, Any] | None:
    """Return one case with its amounts as of ``as_of``, or None if unknown."""
    row = conn.execute(sa.select(case).where(case.c.case_ref == case_ref)).one_or_none()
    if row is None:
        return None
    config = creditors.load(conn, row.creditor_id)
    position = case_position(
        conn, row.id, as_of, Decimal(config.dunning.regular_fee_rate)
    )
    return {
        "case_ref": row.case_ref,
        "creditor_id": row.creditor_id,
        "customer_ref": row.customer_ref,
        "status": row.status,
        "creditor_reference": row.creditor_reference,
        "as_of": as_of.isoformat(),
        "opened_on": row.opened_on.isoformat(),
        "first_demand_on": row.first_demand_on.isoformat()
        if row.first_demand_on
        else None,
        "mandate_date": row.mandate_date.isoformat(),
        "fee_value_cents": row.fee_value_cents,
        "fee_rate": str(position.fee_rate),
        "principal_cents": position.principal_cents,
        "interest_cents": position.interest_cents,
        "fee_cents": position.fee_cents,
        "expenses_cents": position.expenses_cents,
        "vat_cents": position.vat_cents,
        "costs_cents": position.costs_cents,
        "paid_cents": position.paid_cents,
        "refund_cents": position.refund_cents,
        "written_off_cents": position.written_off_cents,
        "open_cents": position.open_cents,
        "claims": [
            {
                "item_ref": claim.item_ref,
                "due_date": claim.due_date.isoformat(),
                "default_start": claim.default_start.isoformat()
                if claim.default_start
                else None,
                "principal_cents": claim.principal_cents,
                "interest_cents": claim.interest_cents,
                "costs_cents": claim.costs_cents,
            }
            for claim in position.claims
        ],
        "explanation": position.explanation,
    }


def creditor_summary(
    conn: sa.Connection, config: CreditorConfig, as_of: Any
) -> dict[str, Any]:
    """Return the figures of the run summary for one creditor."""
    imports = conn.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(import_log.c.read_count), 0),
            sa.func.coalesce(sa.func.sum(import_log.c.rejected_count), 0),
        ).where(import_log.c.creditor_id == config.id)
    ).one()
    states: dict[str, int] = dict(
        conn.execute(
            sa.select(item.c.state, sa.func.count())
            .where(item.c.creditor_id == config.id)
            .group_by(item.c.state)
        ).all()
    )
    statuses: dict[str, int] = dict(
        conn.execute(
            sa.select(case.c.status, sa.func.count())
            .where(case.c.creditor_id == config.id)
            .group_by(case.c.status)
        ).all()
    )
    balance = conn.execute(
        sa.select(
            *(
                sa.func.coalesce(sa.func.sum(getattr(case_balance.c, name)), 0)
                for name in (
                    "principal_cents",
                    "interest_cents",
                    "costs_cents",
                    "fee_cents",
                    "expenses_cents",
                    "vat_cents",
                    "paid_cents",
                    "refund_cents",
                )
            )
        ).where(case_balance.c.creditor_id == config.id)
    ).one()
    handed_over = conn.execute(
        sa.select(sa.func.coalesce(sa.func.sum(item.c.principal_cents), 0)).where(
            item.c.creditor_id == config.id, item.c.case_id.is_not(None)
        )
    ).scalar_one()
    messages: dict[str, int] = dict(
        conn.execute(
            sa.select(outbox.c.channel, sa.func.count())
            .where(outbox.c.creditor_id == config.id, outbox.c.status == "sent")
            .group_by(outbox.c.channel)
        ).all()
    )
    matched = conn.execute(
        sa.select(
            sa.func.count(), sa.func.coalesce(sa.func.sum(bank_entry.c.amount_cents), 0)
        ).where(bank_entry.c.creditor_id == config.id, bank_entry.c.status == "matched")
    ).one()
    open_now = sum(row["open_cents"] for row in case_rows(conn, config, as_of))
    return {
        "creditor_id": config.id,
        "as_of": as_of.isoformat(),
        "items_read": int(imports[0]),
        "items_rejected": int(imports[1]),
        "items_waiting": states.get("waiting", 0),
        "items_handed_over": states.get("handed_over", 0),
        "items_not_handed_over": states.get("rejected", 0),
        "items_settled": states.get("settled", 0),
        "cases": sum(statuses.values()),
        "cases_open": statuses.get("open", 0),
        "cases_paid": statuses.get("paid", 0),
        "principal_handed_over_cents": int(handed_over),
        "open_principal_cents": int(balance[0]),
        "open_interest_cents": int(balance[1]),
        "open_costs_cents": int(balance[2]),
        "open_fees_cents": int(balance[3] + balance[4] + balance[5]),
        "open_as_of_cents": open_now,
        "letters_written": messages.get("letter", 0),
        "emails_written": messages.get("email", 0),
        "payments_matched": int(matched[0]),
        "payments_matched_cents": int(matched[1]),
        "collected_cents": int(balance[6]),
        "owed_back_cents": int(balance[7]),
    }


LABELS = {
    "items_read": "Items read",
    "items_rejected": "Rows rejected at import",
    "items_waiting": "Items waiting",
    "items_handed_over": "Items handed over (open cases)",
    "items_not_handed_over": "Items not handed over",
    "items_settled": "Items settled",
    "cases": "Cases",
    "cases_open": "Cases open",
    "cases_paid": "Cases paid",
    "principal_handed_over_cents": "Principal handed over",
    "open_principal_cents": "Open principal",
    "open_interest_cents": "Open interest (booked)",
    "open_costs_cents": "Open bank charges",
    "open_fees_cents": "Open fees, expenses, VAT (booked)",
    "open_as_of_cents": "Open in total as of the date (its fee rate, interest)",
    "letters_written": "Letters written",
    "emails_written": "E-mails written",
    "payments_matched": "Payments matched",
    "payments_matched_cents": "Payments matched, amount",
    "collected_cents": "Collected (allocated)",
    "owed_back_cents": "Owed back to debtors",
}


def print_summary(title: str, figures: dict[str, Any]) -> None:
    """Print the run summary as a table."""
    table = Table(title=f"{title}, as of {figures['as_of']}")
    table.add_column("Figure")
    table.add_column("Value", justify="right")
    for key, label in LABELS.items():
        value = figures[key]
        table.add_row(label, euros(value) if key.endswith("_cents") else str(value))
    console.print(table)


def print_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    """Print rows as a table with the given columns."""
    table = Table()
    for column in columns:
        table.add_column(
            column, justify="right" if column.endswith("_cents") else "left"
        )
    for row in rows:
        table.add_row(
            *(
                euros(row[c]) if c.endswith("_cents") else str(row[c] or "")
                for c in columns
            )
        )
    console.print(table)
    console.print(f"{len(rows)} rows")


def print_case(detail: dict[str, Any]) -> None:
    """Print one case with its amounts and claims."""
    table = Table(
        title=f"Case {detail['case_ref']} ({detail['status']}), as of {detail['as_of']}"
    )
    table.add_column("Component")
    table.add_column("Amount", justify="right")
    for key in (
        "principal_cents",
        "interest_cents",
        "costs_cents",
        "fee_cents",
        "expenses_cents",
        "vat_cents",
        "paid_cents",
        "open_cents",
    ):
        table.add_row(key.removesuffix("_cents"), euros(detail[key]))
    console.print(table)
    console.print(
        f"Creditor reference: {detail['creditor_reference']}, "
        f"fee rate {detail['fee_rate']}"
    )
    print_table(
        detail["claims"],
        (
            "item_ref",
            "default_start",
            "principal_cents",
            "interest_cents",
            "costs_cents",
        ),
    )


def run_summary(result: DailyResult) -> dict[str, Any]:
    """Return what a daily run did as JSON-ready data."""
    return {
        "as_of": result.as_of.isoformat(),
        "out": str(result.out_dir),
        "creditors": [vars(report) for report in result.creditors],
        "letters_written": result.relay.letters,
        "emails_written": result.relay.emails,
        "messages_failed": result.relay.failed,
        "relayed": result.relayed,
    }


RUN_LABELS = {
    "evaluated": "Items evaluated",
    "handed_over": "Items handed over",
    "waiting": "Items waiting",
    "rejected": "Items not handed over",
    "cases_opened": "Cases opened",
    "cases_extended": "Cases extended",
    "fees_raised": "Fees raised to the regular rate",
    "messages_queued": "Messages queued",
}


def print_run(result: DailyResult) -> None:
    """Print what a daily run did, one column per creditor."""
    table = Table(title=f"Daily run {result.as_of}")
    table.add_column("Figure")
    for report in result.creditors:
        table.add_column(report.creditor_id, justify="right")
    for key, label in RUN_LABELS.items():
        table.add_row(
            label, *(str(getattr(report, key)) for report in result.creditors)
        )
    console.print(table)
    if not result.relayed:
        console.print("The queued messages stay pending in the outbox (--no-relay).")
        return
    console.print(
        f"{result.relay.letters} letters and {result.relay.emails} e-mails written to "
        f"{result.out_dir}; {result.relay.failed} failed"
    )


def statement_summary(report: StatementReport) -> dict[str, Any]:
    """Return what a statement import did as JSON-ready data."""
    return vars(report)


def settlement_summary(result: Settlement, path: Path) -> dict[str, Any]:
    """Return a settlement's totals as JSON-ready data."""
    return {
        "creditor_id": result.creditor_id,
        "period": result.period,
        "file": str(path),
        "cases": len(result.lines),
        "new": result.created,
        "collected_cents": result.total("collected_cents"),
        "forwarded_cents": result.total("forwarded_cents"),
        "kept_cents": result.total("kept_cents"),
        "refund_cents": result.total("refund_cents"),
    }
