"""Raw limits of the benchmark steps: the same input through the plainest path.

``bench/run.py`` creates the tables with :func:`create_raw_tables` and runs
each limit as a child process, so that its time and memory are measured
alone::

    python bench/_raw.py import FILE --db URL --creditor ID --columns JSON
    python bench/_raw.py daily --db URL --as-of YYYY-MM-DD --creditor ID
    python bench/_raw.py statement FILE --db URL

Each prints one JSON object with its counts. The import parses the CSV with
the ``csv`` module and inserts the rows with one ``executemany`` in one
transaction on SQLite, ``COPY`` on PostgreSQL. The daily pass is plain SQL:
one UPDATE decides every waiting item, then INSERT ... SELECT writes one
case per debtor, one posting per item and one outbox row per case. The
statement limit parses the camt.053 file with lxml and inserts its entries
with one ``executemany``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

# Columns of kleinkasso's item table that an import writes; id is generated.
ITEM_COLUMNS = (
    "creditor_id",
    "item_ref",
    "customer_ref",
    "source",
    "subject",
    "contract_date",
    "invoice_date",
    "due_date",
    "principal_cents",
    "return_charges_cents",
    "currency",
    "reminder_date",
    "disputed",
    "category",
    "consumer",
    "return_reason",
    "content_sha256",
    "state",
    "reason",
    "created_at",
    "updated_at",
)
ENTRY_COLUMNS = (
    "statement_pk",
    "entry_key",
    "bank_ref",
    "booking_date",
    "amount_cents",
    "charges_cents",
    "currency",
    "reference",
    "status",
)
CREATED_AT = "2026-11-16 09:00:00+00:00"
AMOUNT = re.compile(r"(\d+),(\d\d)")
YES = frozenset({"ja", "j", "yes", "y", "true", "wahr", "1", "x"})


def create_raw_tables(url: str) -> None:
    """Create raw_item and raw_bank_entry like kleinkasso's item and bank_entry.

    Columns, unique constraints, checks and indexes are copied from
    ``kleinkasso.store.schema``; foreign keys are left out because the
    tables they point to are not there.
    """
    import sqlalchemy as sa

    from kleinkasso.store.db import make_engine
    from kleinkasso.store.schema import bank_entry, item

    metadata = sa.MetaData()
    for source in (item, bank_entry):
        _copy_table(source, f"raw_{source.name}", metadata)
    engine = make_engine(url)
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()


def _copy_table(source: Any, name: str, metadata: Any) -> Any:
    import sqlalchemy as sa

    columns = [
        sa.Column(
            column.name,
            column.type,
            primary_key=column.primary_key,
            nullable=column.nullable,
            autoincrement=column.autoincrement,
            server_default=column.server_default,
        )
        for column in source.columns
    ]
    constraints: list[Any] = []
    for constraint in source.constraints:
        names = [column.name for column in getattr(constraint, "columns", [])]
        if isinstance(constraint, sa.UniqueConstraint):
            constraints.append(
                sa.UniqueConstraint(*names, name=f"raw_{constraint.name}")
            )
        elif isinstance(constraint, sa.CheckConstraint):
            constraints.append(
                sa.CheckConstraint(
                    str(constraint.sqltext), name=f"raw_{constraint.name}"
                )
            )
    table = sa.Table(name, metadata, *columns, *constraints)
    for index in source.indexes:
        sa.Index(
            f"raw_{index.name}",
            *(table.c[column.name] for column in index.columns),
            unique=index.unique,
            **{
                key: value
                for key, value in index.kwargs.items()
                if key.endswith("_where")
            },
        )
    return table


def _connect(url: str) -> Any:
    """Open a DB-API connection with the settings kleinkasso's engine uses."""
    if url.startswith("sqlite:///"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1))


def _is_sqlite(conn: Any) -> bool:
    return isinstance(conn, sqlite3.Connection)


def _iso_date(text: str) -> str | None:
    """Return DD.MM.YYYY as YYYY-MM-DD, None for an empty cell."""
    if not text:
        return None
    day, month, year = text.split(".")
    return date(int(year), int(month), int(day)).isoformat()


def _cents(text: str) -> int:
    match = AMOUNT.fullmatch(text)
    if match is None:
        raise ValueError(f"not an amount: {text!r}")
    return int(match[1]) * 100 + int(match[2])


def item_rows(
    path: Path, creditor_id: str, column_map: dict[str, str], counts: dict[str, int]
) -> Iterator[tuple[Any, ...]]:
    """Yield one raw_item row per valid CSV row; count the others as skipped."""
    with path.open(encoding="cp1252", newline="") as stream:
        reader = csv.reader(stream, delimiter=";")
        header = next(reader)
        at = {name.strip().lower(): index for index, name in enumerate(header)}

        def column(field: str) -> int:
            return at[column_map.get(field, field).lower()]

        ref, customer, subject = (
            column("item_ref"),
            column("customer_ref"),
            column("subject"),
        )
        contract, invoice, due = (
            column("contract_date"),
            column("invoice_date"),
            column("due_date"),
        )
        amount, charges, currency = (
            column("amount"),
            column("return_charges"),
            column("currency"),
        )
        reminder, disputed, category = (
            column("reminder_date"),
            column("disputed"),
            column("category"),
        )
        consumer = column("consumer")
        for row in reader:
            try:
                if not row[ref] or not row[customer]:
                    raise ValueError("missing reference")
                values = (
                    creditor_id,
                    row[ref],
                    row[customer],
                    "csv",
                    row[subject],
                    _iso_date(row[contract]),
                    _iso_date(row[invoice]),
                    _iso_date(row[due]),
                    _positive(_cents(row[amount])),
                    _cents(row[charges]) if row[charges] else 0,
                    row[currency] or "EUR",
                    _iso_date(row[reminder]),
                    row[disputed].lower() in YES,
                    row[category].lower() or None,
                    row[consumer].lower() in YES or not row[consumer],
                    None,
                    "",
                    "waiting",
                    "",
                    CREATED_AT,
                    CREATED_AT,
                )
            except (ValueError, IndexError):
                counts["skipped"] += 1
                continue
            counts["rows"] += 1
            yield values


def _positive(cents: int) -> int:
    if cents <= 0:
        raise ValueError("amount not above 0")
    return cents


def import_items(
    path: Path, url: str, creditor_id: str, column_map: dict[str, str]
) -> dict[str, int]:
    """Insert every valid row of the CSV into raw_item in one transaction."""
    counts = {"rows": 0, "skipped": 0}
    rows = item_rows(path, creditor_id, column_map, counts)
    conn = _connect(url)
    try:
        if _is_sqlite(conn):
            marks = ", ".join("?" for _ in ITEM_COLUMNS)
            conn.executemany(
                f"INSERT INTO raw_item ({', '.join(ITEM_COLUMNS)}) VALUES ({marks})",
                rows,
            )
        else:
            with (
                conn.cursor() as cursor,
                cursor.copy(
                    f"COPY raw_item ({', '.join(ITEM_COLUMNS)}) FROM STDIN"
                ) as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        conn.commit()
    finally:
        conn.close()
    return counts


def _daily_statements(sqlite: bool) -> list[str]:
    """Return the SQL of the daily pass for SQLite or PostgreSQL.

    The handover condition is kleinkasso's rules for this data, written as
    SQL. An item goes over when it is not disputed, its category is not
    excluded, a consumer's contract date is known, and it is 14 days past due.
    It must also be in default by a reminder after the due date: default
    begins the day after the reminder, and handover the day after that.
    Businesses are in default about 30 days after the due date without one.
    """

    def plus(column: str, days: int) -> str:
        if sqlite:
            return f"date({column}, '+{days} days')"
        return f"({column} + {days})"

    as_of = ":as_of" if sqlite else "CAST(%(as_of)s AS DATE)"
    creditor = ":creditor" if sqlite else "%(creditor)s"
    in_default = (
        f"((reminder_date IS NOT NULL AND reminder_date > due_date"
        f" AND {plus('reminder_date', 2)} <= {as_of})"
        f" OR (NOT consumer AND {plus('due_date', 32)} <= {as_of}))"
    )
    decide = f"""
        UPDATE raw_item SET
          state = CASE
            WHEN disputed OR category IN ('gambling') THEN 'rejected'
            WHEN consumer AND contract_date IS NULL THEN 'waiting'
            WHEN {plus("due_date", 14)} <= {as_of} AND {in_default}
              THEN 'handed_over'
            ELSE 'waiting' END,
          reason = 'decided by the raw pass',
          default_start = CASE WHEN reminder_date > due_date
            THEN {plus("reminder_date", 1)} END,
          updated_at = '{CREATED_AT}'
        WHERE creditor_id = {creditor} AND state = 'waiting'"""
    cases = f"""
        INSERT INTO raw_case (customer_ref, principal_cents, costs_cents, items,
                              opened_on)
        SELECT customer_ref, SUM(principal_cents), SUM(return_charges_cents),
               COUNT(*), {as_of}
        FROM raw_item
        WHERE creditor_id = {creditor} AND state = 'handed_over' AND case_id IS NULL
        GROUP BY customer_ref ORDER BY customer_ref"""
    link = f"""
        UPDATE raw_item SET case_id = (
          SELECT id FROM raw_case WHERE raw_case.customer_ref = raw_item.customer_ref)
        WHERE creditor_id = {creditor} AND state = 'handed_over' AND case_id IS NULL"""
    postings = """
        INSERT INTO raw_posting (case_id, item_id, account, amount_cents)
        SELECT case_id, id, 'debtor_principal', principal_cents
        FROM raw_item WHERE case_id IS NOT NULL"""
    payload = (
        "json_object('case_id', id, 'principal_cents', principal_cents,"
        " 'costs_cents', costs_cents, 'items', items)"
        if sqlite
        else "json_build_object('case_id', id, 'principal_cents', principal_cents,"
        " 'costs_cents', costs_cents, 'items', items)::text"
    )
    outbox = f"""
        INSERT INTO raw_outbox (case_id, kind, payload, status)
        SELECT id, 'first_demand', {payload}, 'pending' FROM raw_case"""
    return [decide, cases, link, postings, outbox]


RAW_DAILY_TABLES = (
    """CREATE TABLE raw_case (
         id {id}, customer_ref VARCHAR(64) NOT NULL UNIQUE,
         principal_cents BIGINT NOT NULL, costs_cents BIGINT NOT NULL,
         items INTEGER NOT NULL, opened_on DATE NOT NULL)""",
    """CREATE TABLE raw_posting (
         id {id}, case_id BIGINT NOT NULL, item_id BIGINT NOT NULL,
         account VARCHAR(32) NOT NULL, amount_cents BIGINT NOT NULL)""",
    """CREATE TABLE raw_outbox (
         id {id}, case_id BIGINT NOT NULL, kind VARCHAR(32) NOT NULL,
         payload TEXT NOT NULL, status VARCHAR(16) NOT NULL)""",
)


def daily(url: str, as_of: date, creditor_id: str) -> dict[str, int]:
    """Run the SQL pass in one transaction; return items handed over and cases."""
    conn = _connect(url)
    sqlite = _is_sqlite(conn)
    key = "INTEGER PRIMARY KEY" if sqlite else "BIGSERIAL PRIMARY KEY"
    parameters = {"as_of": as_of.isoformat(), "creditor": creditor_id}
    try:
        cursor = conn.cursor()
        for ddl in RAW_DAILY_TABLES:
            cursor.execute(ddl.format(id=key))
        for statement in _daily_statements(sqlite):
            cursor.execute(statement, parameters)
        cursor.execute("SELECT COUNT(*) FROM raw_case")
        cases = int(cursor.fetchone()[0])
        cursor.execute("SELECT COUNT(*) FROM raw_posting")
        handed_over = int(cursor.fetchone()[0])
        conn.commit()
    finally:
        conn.close()
    return {"rows": cases, "cases": cases, "handed_over": handed_over}


def fees(url: str) -> dict[str, int]:
    """Raise the fee of every raw case: one posting and one update per case.

    This is the least a later day's run writes when the early window of
    every open case has closed.
    """
    conn = _connect(url)
    try:
        cursor = conn.cursor()
        cursor.execute(
            "INSERT INTO raw_posting (case_id, item_id, account, amount_cents) "
            "SELECT id, 0, 'debtor_fee', 100 FROM raw_case"
        )
        cursor.execute("UPDATE raw_case SET costs_cents = costs_cents + 100")
        cursor.execute("SELECT COUNT(*) FROM raw_case")
        cases = int(cursor.fetchone()[0])
        conn.commit()
    finally:
        conn.close()
    return {"rows": cases}


def statement_rows(path: Path, counts: dict[str, int]) -> Iterator[tuple[Any, ...]]:
    """Yield one raw_bank_entry row per entry of a camt.053 file, parsed by lxml."""
    from lxml import etree  # type: ignore[import-untyped]

    namespace = ""
    for _, element in etree.iterparse(str(path), events=("end",), huge_tree=True):
        tag = element.tag
        if not tag.endswith("}Ntry"):
            continue
        namespace = namespace or tag[: -len("Ntry")]
        amount = element.find(f"{namespace}Amt")
        sign = 1 if element.findtext(f"{namespace}CdtDbtInd") == "CRDT" else -1
        whole, _, fraction = amount.text.partition(".")
        cents = sign * (int(whole) * 100 + int(fraction.ljust(2, "0")))
        lines = element.findall(f".//{namespace}RmtInf/{namespace}Ustrd")
        reference = "\n".join((line.text or "").strip() for line in lines)
        bank_ref = element.findtext(f"{namespace}AcctSvcrRef")
        counts["rows"] += 1
        yield (
            1,
            element.findtext(f"{namespace}NtryRef"),
            bank_ref,
            element.findtext(f"{namespace}BookgDt/{namespace}Dt"),
            cents,
            0,
            amount.get("Ccy"),
            reference,
            "unmatched",
        )
        # Drop the parsed entry and the siblings before it, so memory stays flat.
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]


def import_statement(path: Path, url: str) -> dict[str, int]:
    """Insert every entry of the statement into raw_bank_entry in one transaction."""
    counts = {"rows": 0}
    conn = _connect(url)
    marks = ", ".join("?" if _is_sqlite(conn) else "%s" for _ in ENTRY_COLUMNS)
    try:
        cursor = conn.cursor()
        cursor.executemany(
            f"INSERT INTO raw_bank_entry ({', '.join(ENTRY_COLUMNS)}) VALUES ({marks})",
            statement_rows(path, counts),
        )
        conn.commit()
    finally:
        conn.close()
    return counts


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    steps = parser.add_subparsers(dest="step", required=True)
    for name in ("import", "daily", "fees", "statement"):
        step = steps.add_parser(name)
        step.add_argument("--db", required=True, help="database URL")
        if name in ("import", "statement"):
            step.add_argument("file", type=Path)
        if name in ("import", "daily"):
            step.add_argument("--creditor", required=True, help="creditor id")
        if name == "import":
            step.add_argument(
                "--columns", default="{}", help="column map as JSON, field to header"
            )
        if name == "daily":
            step.add_argument("--as-of", type=date.fromisoformat, required=True)
    args = parser.parse_args(argv)
    if args.step == "import":
        counts = import_items(
            args.file, args.db, args.creditor, json.loads(args.columns)
        )
    elif args.step == "daily":
        counts = daily(args.db, args.as_of, args.creditor)
    elif args.step == "fees":
        counts = fees(args.db)
    else:
        counts = import_statement(args.file, args.db)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
