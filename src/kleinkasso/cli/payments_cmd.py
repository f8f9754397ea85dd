"""``kleinkasso payments``: booked bank entries, the review queue, reconciliation."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer

from kleinkasso import clock, creditors
from kleinkasso.cli import reports
from kleinkasso.cli.common import (
    DbOption,
    JsonOption,
    handled,
    open_database,
    parse_day,
    print_json,
)
from kleinkasso.payments.reconcile import reconcile
from kleinkasso.payments.refund_file import RefundFileConflict, write_refund_file
from kleinkasso.payments.review import (
    CaseNotFound,
    EntryNotFound,
    NotAssignable,
    assign_entry,
    entry_rows,
)
from kleinkasso.store.db import DatabaseUrlError

payments_app = typer.Typer(
    help=(
        "Show bank entries, work the review queue, reconcile the bank, pay refunds out."
    ),
    no_args_is_help=True,
)


def _engine(db: str | None) -> sa.Engine:
    with handled(DatabaseUrlError, sa.exc.OperationalError, sa.exc.ArgumentError):
        return open_database(db)


LIST_COLUMNS = (
    "entry_id",
    "booking_date",
    "amount_cents",
    "charges_cents",
    "status",
    "case_ref",
    "return_reason",
    "reference",
)


@payments_app.command("list")
def list_entries(
    statement: Annotated[
        int | None,
        typer.Option("--statement", help="Only entries of this statement number."),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List every booked bank entry with its status and case."""
    engine = _engine(db)
    with engine.connect() as conn:
        rows = entry_rows(conn, statement_pk=statement)
    if as_json:
        print_json(rows)
        return
    reports.print_table(rows, LIST_COLUMNS)


@payments_app.command("review")
def review(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List credits that wait for a person, with the suggested cases."""
    engine = _engine(db)
    with engine.connect() as conn:
        rows = entry_rows(conn, statuses=("review", "unmatched"))
    if as_json:
        print_json(rows)
        return
    for row in rows:
        row["suggested"] = ", ".join(
            f"{s['case_ref']} ({s['rule']} {s['confidence']} %)"
            for s in row["suggestions"]
        )
    reports.print_table(
        rows,
        ("entry_id", "booking_date", "amount_cents", "reference", "suggested"),
    )


@payments_app.command("assign")
def assign(
    entry_id: Annotated[int, typer.Argument(help="Bank entry id from the review.")],
    case_ref: Annotated[str, typer.Argument(help="Case reference, e.g. SW000001.")],
    db: DbOption = None,
) -> None:
    """Apply a credit from the review queue to a case."""
    engine = _engine(db)
    with handled(EntryNotFound, CaseNotFound, NotAssignable):
        created = assign_entry(
            engine, entry_id, case_ref, user=getpass.getuser(), now=clock.now_utc()
        )
    state = "assigned" if created else "already assigned"
    typer.echo(f"bank entry {entry_id} {state} to case {case_ref}")


@payments_app.command("reconcile")
def reconcile_command(
    date_from: Annotated[
        str, typer.Option("--from", help="First booking date, YYYY-MM-DD.")
    ],
    date_to: Annotated[
        str, typer.Option("--to", help="Last booking date, YYYY-MM-DD.")
    ],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show that bank credits = allocations + refunds + review + unallocated."""
    start = parse_day(date_from, "--from")
    end = parse_day(date_to, "--to")
    engine = _engine(db)
    with engine.connect() as conn:
        result = reconcile(conn, start, end)
    data = result.to_json()
    if as_json:
        print_json(data)
    else:
        for key, value in data.items():
            formatted = reports.euros(value) if key.endswith("_cents") else value
            typer.echo(f"{key.removesuffix('_cents'):<20} {formatted}")
    if result.difference_cents:
        raise typer.Exit(1)


@payments_app.command("refunds")
def refunds_command(
    creditor: Annotated[str, typer.Option("--creditor", help="Creditor id.")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the pain.001 refund file.")
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Execution and file date, YYYY-MM-DD (default: today)."
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write pending transfer refunds to one pain.001 file and mark them sent."""
    day = parse_day(as_of, "--as-of") if as_of else clock.today()
    engine = _engine(db)
    with engine.connect() as conn, handled(creditors.CreditorNotFound):
        config = creditors.load(conn, creditor)
    with handled(RefundFileConflict):
        result = write_refund_file(engine, config, out, day)
    if as_json:
        print_json(result.to_json())
        return
    if result.path is None:
        typer.echo("no refund with an IBAN is pending; no file written")
    else:
        typer.echo(
            f"{result.path}: {result.refunds} refunds, "
            f"{reports.euros(result.total_cents)}"
        )
    for skipped in result.skipped:
        typer.echo(
            f"refund {skipped.refund_id} of case {skipped.case_ref} "
            f"({reports.euros(skipped.amount_cents)}) stays pending: "
            f"{skipped.reason}"
        )
