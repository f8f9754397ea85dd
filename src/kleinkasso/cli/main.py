"""The ``kleinkasso`` command line.

Exit status: 0 on success, 1 when some records were rejected (the rest is
kept), 2 on unusable input or arguments. Errors go to stderr and name the
file, row, field, value and what was expected.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer

from kleinkasso import clock, creditors
from kleinkasso.cli import api_cmd, reports, worker_cmd
from kleinkasso.cli.common import (
    EXIT_REJECTED,
    DbOption,
    JsonOption,
    close_databases,
    fail,
    handled,
    open_database,
    parse_day,
    print_json,
    read_input,
    setup_logging,
)
from kleinkasso.cli.law_cmd import law_app
from kleinkasso.cli.payments_cmd import payments_app
from kleinkasso.intake.erp_csv import (
    ColumnMapError,
    UnusableInput,
    iter_open_items_csv,
)
from kleinkasso.intake.returns import returns_to_records
from kleinkasso.intake.service import ImportReport, import_items
from kleinkasso.payments.bankfiles import (
    DEFAULT_MAX_BYTES,
    BankFileError,
    read_bank_file,
)
from kleinkasso.payments.statements import StatementReport, import_statement
from kleinkasso.policy.creditor_config import ConfigError, load_creditor_config
from kleinkasso.settlement.documents import write_documents
from kleinkasso.settlement.service import (
    PeriodError,
    period_end,
    settle,
    settlement_csv,
)
from kleinkasso.store.db import DatabaseUrlError
from kleinkasso.store.schema import import_log

log = logging.getLogger(__name__)

app = typer.Typer(
    name="kleinkasso",
    help="Collect very small overdue claims: intake, cases, demands, payments.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
creditor_app = typer.Typer(help="Register and show creditors.", no_args_is_help=True)
import_app = typer.Typer(
    help="Import open items, returned debits and bank statements.", no_args_is_help=True
)
items_app = typer.Typer(help="Show open items.", no_args_is_help=True)
case_app = typer.Typer(help="Show cases.", no_args_is_help=True)
app.add_typer(creditor_app, name="creditor")
app.add_typer(import_app, name="import")
app.add_typer(items_app, name="items")
app.add_typer(case_app, name="case")
app.add_typer(law_app, name="law")
app.add_typer(payments_app, name="payments")
api_cmd.register(app)
worker_cmd.register(app)

CreditorOption = Annotated[
    str, typer.Option("--creditor", help="Creditor id as in its configuration.")
]
EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding", help="Force the file's text encoding, e.g. cp1252 or utf-8."
    ),
]

DATABASE_ERRORS = (DatabaseUrlError, sa.exc.OperationalError, sa.exc.ArgumentError)


def _engine(db: str | None) -> sa.Engine:
    with handled(*DATABASE_ERRORS):
        return open_database(db)


@app.callback()
def main(ctx: typer.Context) -> None:
    """Collect very small overdue claims."""
    setup_logging()
    ctx.call_on_close(close_databases)


@app.command()
def migrate(db: DbOption = None) -> None:
    """Create or upgrade the database schema (with the job queue's on PostgreSQL)."""
    from kleinkasso.worker.app import install_queue_schema

    install_queue_schema(_engine(db))
    typer.echo("database schema is current")


@creditor_app.command("add")
def creditor_add(
    config: Annotated[Path, typer.Option("--config", help="The creditor's TOML file.")],
    db: DbOption = None,
) -> None:
    """Register a creditor or update its configuration."""
    raw = read_input(config)
    with handled(ConfigError):
        parsed = load_creditor_config(raw, source=str(config))
    engine = _engine(db)
    with handled(creditors.CasePrefixTaken):
        version, changed = creditors.register(engine, parsed, clock.now_utc())
    state = "stored" if changed else "unchanged"
    typer.echo(f"creditor {parsed.id}: configuration version {version} {state}")


def _log_import(
    engine: sa.Engine, creditor_id: str, kind: str, report: ImportReport
) -> None:
    with engine.begin() as conn:
        conn.execute(
            import_log.insert().values(
                creditor_id=creditor_id,
                kind=kind,
                source=report.source[-300:],
                read_count=report.read,
                created_count=report.created,
                unchanged_count=report.unchanged,
                amended_count=report.amended,
                rejected_count=report.rejected,
                imported_at=clock.now_utc(),
            )
        )


def _finish_import(report: ImportReport, as_json: bool) -> None:
    for problem in report.problems:
        typer.echo(f"rejected: {problem}", err=True)
    summary = {
        "source": report.source,
        "read": report.read,
        "created": report.created,
        "unchanged": report.unchanged,
        "amended": report.amended,
        "rejected": report.rejected,
    }
    if as_json:
        print_json(summary)
    else:
        typer.echo(
            f"{report.source}: {report.read} read, {report.created} new, "
            f"{report.unchanged} unchanged, {report.amended} amended, "
            f"{report.rejected} rejected"
        )
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


@import_app.command("open-items")
def import_open_items(
    file: Annotated[Path, typer.Argument(help="CSV export of open items.")],
    creditor: CreditorOption,
    encoding: EncodingOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import an ERP export of open items (CSV)."""
    engine = _engine(db)
    with engine.connect() as conn, handled(creditors.CreditorNotFound):
        config = creditors.load(conn, creditor)
    if not file.is_file():
        read_input(file)
    with file.open("rb") as stream, handled(UnusableInput, ColumnMapError):
        entries = iter_open_items_csv(
            stream,
            source=str(file),
            column_map=config.columns or None,
            encoding=encoding or config.csv_encoding,
        )
        report = import_items(
            engine,
            config.id,
            entries,
            source=str(file),
            origin="csv",
            now=clock.now_utc(),
        )
    _log_import(engine, config.id, "open-items", report)
    _finish_import(report, as_json)


@import_app.command("returns")
def import_returns(
    file: Annotated[
        Path, typer.Argument(help="camt.054/052/053, pain.002 or MT940 file.")
    ],
    creditor: CreditorOption,
    encoding: EncodingOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Turn returned direct debits into open items."""
    engine = _engine(db)
    with engine.connect() as conn, handled(creditors.CreditorNotFound):
        config = creditors.load(conn, creditor)
    data = read_input(file)
    with handled(BankFileError):
        bank_file = read_bank_file(data, filename=str(file), encoding=encoding)
    report = import_items(
        engine,
        config.id,
        returns_to_records(bank_file),
        source=str(file),
        origin="returns",
        now=clock.now_utc(),
        update_parties=False,
    )
    for warning in bank_file.warnings:
        typer.echo(f"warning: {file}: {warning}", err=True)
    _log_import(engine, config.id, "returns", report)
    _finish_import(report, as_json)


@import_app.command("statement")
def import_statement_command(
    file: Annotated[Path, typer.Argument(help="camt.053/052/054 or MT940 statement.")],
    encoding: EncodingOption = None,
    max_mb: Annotated[
        int,
        typer.Option(
            "--max-mb",
            min=1,
            help="Largest file to read, in megabytes (10^6 bytes); larger files "
            "are rejected before parsing.",
        ),
    ] = DEFAULT_MAX_BYTES // 1_000_000,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import a bank statement and apply its credits to cases."""
    engine = _engine(db)
    data = read_input(file)
    with handled(BankFileError):
        report = import_statement(
            engine,
            data,
            source=str(file),
            now=clock.now_utc(),
            encoding=encoding,
            max_bytes=max_mb * 1_000_000,
        )
    for warning in report.warnings:
        typer.echo(f"warning: {file}: {warning}", err=True)
    if as_json:
        print_json(reports.statement_summary(report))
    else:
        _print_statement_report(file, report)
    # A file whose entries do not add up to its balances or control sums is
    # imported, but the exit status makes a script look at the warnings.
    if report.warnings:
        raise typer.Exit(EXIT_REJECTED)


def _print_statement_report(file: Path, report: StatementReport) -> None:
    typer.echo(
        f"{file}: {report.kind}, {report.statements} statement(s), "
        f"{report.entries} entries: {report.matched} matched "
        f"({reports.euros(report.matched_cents)}), "
        f"{report.review + report.unmatched} for review, "
        f"{report.returns} returns ({report.reversals} reversing a payment), "
        f"{report.ignored} ignored, "
        f"{report.already_imported} already imported; "
        f"{report.paid_in_full} cases paid in full"
    )


@app.command("run")
def run_command(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Run date YYYY-MM-DD; default today.")
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for letters and e-mails.")
    ] = Path("out"),
    creditor: Annotated[
        str | None, typer.Option("--creditor", help="Only this creditor.")
    ] = None,
    no_relay: Annotated[
        bool,
        typer.Option(
            "--no-relay",
            help="Queue the demands but leave them pending instead of writing them.",
        ),
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Apply the handover rules, open cases, book amounts and write the demands."""
    from kleinkasso.daily import daily_run

    day = parse_day(as_of, "--as-of") if as_of else clock.today()
    engine = _engine(db)
    with handled(creditors.CreditorNotFound):
        result = daily_run(
            engine,
            day,
            out,
            clock.now_utc(),
            creditor_id=creditor,
            relay_outbox=not no_relay,
        )
    if as_json:
        print_json(reports.run_summary(result))
        return
    reports.print_run(result)


@app.command("settle")
def settle_command(
    creditor: CreditorOption,
    period: Annotated[str, typer.Option("--period", help="Month YYYY-MM.")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the settlement files.")
    ] = Path("out"),
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Settlement date YYYY-MM-DD; default today."),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the creditor's settlement statement for a month that has ended."""
    day = parse_day(as_of, "--as-of") if as_of else clock.today()
    engine = _engine(db)
    with engine.connect() as conn, handled(creditors.CreditorNotFound):
        config = creditors.load(conn, creditor)
    with handled(PeriodError):
        last_day = period_end(period)
    if last_day >= day:
        # Payments of a month still running would land in no settlement.
        fail(
            f"period {period} has not ended; it can be settled from "
            f"{last_day + timedelta(days=1)} on"
        )
    with handled(PeriodError):
        result = settle(engine, creditor, period, clock.now_utc())
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"settlement-{creditor}-{period}.csv"
    path.write_bytes(settlement_csv(result))
    write_documents(result, config, out)
    summary = reports.settlement_summary(result, path)
    if as_json:
        print_json(summary)
        return
    typer.echo(
        f"{path}: {len(result.lines)} cases, "
        f"collected {reports.euros(summary['collected_cents'])}, "
        f"forwarded {reports.euros(summary['forwarded_cents'])}, "
        f"kept {reports.euros(summary['kept_cents'])}"
    )


@items_app.command("list")
def items_list(
    creditor: CreditorOption,
    state: Annotated[
        str | None, typer.Option("--state", help="Only items in this state.")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the creditor's open items with their state and reason."""
    engine = _engine(db)
    with engine.connect() as conn:
        with handled(creditors.CreditorNotFound):
            creditors.load(conn, creditor)
        rows = reports.item_rows(conn, creditor, state)
    if as_json:
        print_json(rows)
        return
    reports.print_table(
        rows, ("item_ref", "customer_ref", "principal_cents", "state", "reason")
    )


@case_app.command("list")
def case_list(
    creditor: CreditorOption,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date for open amounts; default today."),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the creditor's cases with their open amounts."""
    day = parse_day(as_of, "--as-of") if as_of else clock.today()
    engine = _engine(db)
    with engine.connect() as conn:
        with handled(creditors.CreditorNotFound):
            config = creditors.load(conn, creditor)
        rows = reports.case_rows(conn, config, day)
    if as_json:
        print_json(rows)
        return
    reports.print_table(
        rows, ("case_ref", "customer_ref", "status", "creditor_reference", "open_cents")
    )


@case_app.command("show")
def case_show(
    case_ref: Annotated[str, typer.Argument(help="Case reference, e.g. SW000001.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Payment date; default today.")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show what the debtor owes on a case when paying on a date."""
    day = parse_day(as_of, "--as-of") if as_of else clock.today()
    engine = _engine(db)
    with engine.connect() as conn:
        detail = reports.case_detail(conn, case_ref, day)
    if detail is None:
        fail(f"case {case_ref!r} not found")
    if as_json:
        print_json(detail)
        return
    reports.print_case(detail)


@app.command()
def check(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Check the data invariants; exit 1 if any is violated."""
    from kleinkasso.store.check import check_invariants

    engine = _engine(db)
    violations = check_invariants(engine)
    if as_json:
        print_json({"violations": violations})
    else:
        for violation in violations:
            typer.echo(violation)
        typer.echo(f"{len(violations)} violations")
    if violations:
        raise typer.Exit(EXIT_REJECTED)


@app.command()
def summary(
    creditor: CreditorOption,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date for open amounts; default today."),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print the creditor's figures: items, cases, amounts, messages, payments."""
    day = parse_day(as_of, "--as-of") if as_of else clock.today()
    engine = _engine(db)
    with engine.connect() as conn:
        with handled(creditors.CreditorNotFound):
            config = creditors.load(conn, creditor)
        figures = reports.creditor_summary(conn, config, day)
    if as_json:
        print_json(figures)
        return
    reports.print_summary(config.name, figures)


def run_cli() -> None:
    """Entry point of the ``kleinkasso`` script."""
    app()
