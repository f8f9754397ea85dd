"""Store validated open items: new ones are inserted, repeats change nothing,
changed ones are recorded as amendments.

The pair (creditor, item_ref) identifies an item. Records are written in
chunks, each in its own transaction, so a crash loses at most the chunk in
flight, and a rerun of the same file converges on the same state.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

import sqlalchemy as sa

from kleinkasso import crashpoints
from kleinkasso.api.events import CASE_DISPUTED, record_event
from kleinkasso.cases import ledger
from kleinkasso.cases.service import book_fee
from kleinkasso.clock import BERLIN
from kleinkasso.intake.records import OpenItemRecord, Problem
from kleinkasso.names import normalize_name
from kleinkasso.store.schema import case, item, item_event, outbox, party
from kleinkasso.store.upsert import insert_or_update

log = logging.getLogger(__name__)

CHUNK_SIZE = 5000

# Fields that make up an item's content; a change in any of them is an
# amendment. Party fields (name, address, e-mail) are stored separately.
ITEM_FIELDS = (
    "customer_ref",
    "subject",
    "contract_date",
    "invoice_date",
    "due_date",
    "amount_cents",
    "currency",
    "reminder_date",
    "return_charges_cents",
    "disputed",
    "category",
    "consumer",
    "return_reason",
)
PARTY_FIELDS = ("name", "street", "postal_code", "city", "country", "email", "consumer")


@dataclass
class ImportReport:
    """Counts and problems of one import."""

    source: str
    accepted: int = 0
    created: int = 0
    unchanged: int = 0
    amended: int = 0
    problems: list[str] = field(default_factory=list)
    # item_ref to created, unchanged or amended; filled only on request.
    outcomes: dict[str, str] | None = None
    # Rows with at least one problem; a row can have several.
    rejected_rows: set[int] = field(default_factory=set)

    @property
    def rejected(self) -> int:
        return len(self.rejected_rows)

    @property
    def read(self) -> int:
        """Rows read: the accepted ones and the rejected ones."""
        return self.accepted + self.rejected


def content_hash(record: OpenItemRecord) -> str:
    """Return a fingerprint of the fields that make up an item's content."""
    values = {name: _plain(getattr(record, name)) for name in ITEM_FIELDS}
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _chunks(
    records: Iterable[OpenItemRecord], size: int
) -> Iterator[list[OpenItemRecord]]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _first_of_each_ref(
    chunk: list[OpenItemRecord], report: ImportReport
) -> list[OpenItemRecord]:
    """Keep the first record of each item_ref in a chunk; report the others."""
    seen: dict[str, int] = {}
    kept = []
    for record in chunk:
        if record.item_ref in seen:
            report.accepted -= 1
            report.rejected_rows.add(record.row)
            report.problems.append(
                Problem(
                    record.row,
                    record.item_ref,
                    "item_ref",
                    record.item_ref,
                    "an item_ref used once per input",
                    reason=f"repeats the item of row {seen[record.item_ref]}",
                ).message(report.source)
            )
            continue
        seen[record.item_ref] = record.row
        kept.append(record)
    return kept


def import_items(
    engine: sa.Engine,
    creditor_id: str,
    entries: Iterable[OpenItemRecord | Problem],
    *,
    source: str,
    origin: str,
    now: datetime,
    chunk_size: int = CHUNK_SIZE,
    update_parties: bool = True,
    record_outcomes: bool = False,
) -> ImportReport:
    """Store parsed records and collect the problems, chunk by chunk.

    With ``update_parties`` False, a debtor already known keeps its stored
    name, address and e-mail (a bank return carries only a name). With
    ``record_outcomes`` the report's ``outcomes`` maps each stored item_ref to
    what happened to it.
    """
    report = ImportReport(source=source, outcomes={} if record_outcomes else None)
    log.info("import of %s for creditor %s started", source, creditor_id)

    def records() -> Iterator[OpenItemRecord]:
        for entry in entries:
            if isinstance(entry, Problem):
                report.problems.append(entry.message(source))
                report.rejected_rows.add(entry.row)
                continue
            report.accepted += 1
            yield entry

    for chunk in _chunks(records(), chunk_size):
        unique = _first_of_each_ref(chunk, report)
        with engine.begin() as conn:
            _store_chunk(
                conn,
                creditor_id,
                unique,
                report,
                origin=origin,
                now=now,
                update_parties=update_parties,
            )
        crashpoints.reached("import.chunk")
    log.info(
        "import of %s for creditor %s finished: %d read, %d new, %d unchanged, "
        "%d amended, %d rejected",
        source,
        creditor_id,
        report.read,
        report.created,
        report.unchanged,
        report.amended,
        report.rejected,
    )
    return report


def _store_chunk(
    conn: sa.Connection,
    creditor_id: str,
    chunk: list[OpenItemRecord],
    report: ImportReport,
    *,
    origin: str,
    now: datetime,
    update_parties: bool,
) -> None:
    refs = [record.item_ref for record in chunk]
    existing = {
        row.item_ref: row
        for row in conn.execute(
            sa.select(item).where(
                item.c.creditor_id == creditor_id, item.c.item_ref.in_(refs)
            )
        )
    }
    new_rows: list[dict[str, Any]] = []
    parties: dict[str, dict[str, Any]] = {}
    for record in chunk:
        digest = content_hash(record)
        parties[record.customer_ref] = {
            "creditor_id": creditor_id,
            "customer_ref": record.customer_ref,
            **{name: getattr(record, name) for name in PARTY_FIELDS},
            "name_key": normalize_name(record.name),
            "updated_at": now,
        }
        old = existing.get(record.item_ref)
        if old is None:
            new_rows.append(_item_row(creditor_id, record, digest, origin, now))
            report.created += 1
            outcome = "created"
        elif old.content_sha256 == digest:
            report.unchanged += 1
            outcome = "unchanged"
        else:
            _amend(conn, old, record, digest, source=report.source, now=now)
            report.amended += 1
            outcome = "amended"
        if report.outcomes is not None:
            report.outcomes[record.item_ref] = outcome
    insert_or_update(
        conn,
        party,
        list(parties.values()),
        keys=("creditor_id", "customer_ref"),
        update=(
            (*PARTY_FIELDS, "name_key", "updated_at")
            if update_parties
            else ("customer_ref",)
        ),
    )
    if new_rows:
        conn.execute(item.insert(), new_rows)


def _item_row(
    creditor_id: str, record: OpenItemRecord, digest: str, origin: str, now: datetime
) -> dict[str, Any]:
    return {
        "creditor_id": creditor_id,
        "item_ref": record.item_ref,
        "customer_ref": record.customer_ref,
        "source": origin,
        "subject": record.subject,
        "contract_date": record.contract_date,
        "invoice_date": record.invoice_date,
        "due_date": record.due_date,
        "principal_cents": record.amount_cents,
        "return_charges_cents": record.return_charges_cents,
        "currency": record.currency,
        "reminder_date": record.reminder_date,
        "disputed": record.disputed,
        "category": record.category,
        "consumer": record.consumer,
        "return_reason": record.return_reason,
        "content_sha256": digest,
        "state": "waiting",
        "reason": "new; evaluated in the next run",
        "created_at": now,
        "updated_at": now,
    }


def _amend(
    conn: sa.Connection,
    old: sa.Row[Any],
    record: OpenItemRecord,
    digest: str,
    *,
    source: str,
    now: datetime,
) -> None:
    """Record a changed item and carry the change into its case if it has one."""
    changes = {}
    for name in ITEM_FIELDS:
        column = "principal_cents" if name == "amount_cents" else name
        before, after = old._mapping[column], getattr(record, name)
        if before != after:
            changes[name] = [_plain(before), _plain(after)]
    conn.execute(
        item_event.insert().values(
            creditor_id=old.creditor_id,
            item_id=old.id,
            kind="amended",
            changes=changes,
            source=source,
            recorded_at=now,
        )
    )
    row = _item_row(old.creditor_id, record, digest, old.source, now)
    for key in ("creditor_id", "item_ref", "source", "created_at", "state", "reason"):
        row.pop(key)
    if old.state in ("waiting", "rejected"):
        row.update(state="waiting", reason="amended; evaluated again in the next run")
    elif old.state == "handed_over" and old.case_id is not None:
        _amend_case(conn, old, record, now=now)
    conn.execute(item.update().where(item.c.id == old.id).values(row))
    log.info(
        "item %s of creditor %s amended: %s",
        old.item_ref,
        old.creditor_id,
        sorted(changes),
    )


def _amend_case(
    conn: sa.Connection, old: sa.Row[Any], record: OpenItemRecord, *, now: datetime
) -> None:
    """Book an amended amount into the case and stop collection on a dispute."""
    today = now.astimezone(BERLIN).date()
    balances = ledger.open_balance(conn, old.case_id)
    lines: list[ledger.Line] = []
    for account, before, after in (
        (ledger.DEBTOR_PRINCIPAL, old.principal_cents, record.amount_cents),
        (ledger.DEBTOR_COSTS, old.return_charges_cents, record.return_charges_cents),
    ):
        # A reduction can only take away what is still open; anything the
        # debtor already paid beyond the new amount stays allocated.
        delta = max(after - before, -balances.get((old.id, account), 0))
        lines += [
            ledger.Line(account, delta, old.id),
            ledger.Line(ledger.CREDITOR_CLAIMS, -delta),
        ]
    ledger.post(
        conn,
        creditor_id=old.creditor_id,
        case_id=old.case_id,
        kind="amendment",
        booked_on=today,
        rule="amendment by the creditor",
        lines=lines,
        now=now,
        explanation={"item_ref": old.item_ref},
    )
    # The fee is charged on the summed principal (§ 22 RVG), so a changed
    # principal changes the fee value; the rate already charged stays.
    principal_delta = lines[0].amount_cents
    if principal_delta:
        conn.execute(
            case.update()
            .where(case.c.id == old.case_id)
            .values(fee_value_cents=case.c.fee_value_cents + principal_delta)
        )
        case_row = conn.execute(sa.select(case).where(case.c.id == old.case_id)).one()
        if case_row.status == "open":
            book_fee(
                conn, old.creditor_id, case_row, Decimal(case_row.fee_rate), today, now
            )
    if record.disputed and not old.disputed:
        disputed = conn.execute(
            case.update()
            .where(case.c.id == old.case_id, case.c.status == "open")
            .values(status="disputed")
            .returning(case.c.case_ref)
        ).scalar_one_or_none()
        if disputed is not None:
            record_event(
                conn,
                old.creditor_id,
                CASE_DISPUTED,
                now,
                case_ref=disputed,
                item_ref=old.item_ref,
            )
        conn.execute(
            outbox.update()
            .where(outbox.c.case_id == old.case_id, outbox.c.status == "pending")
            .values(status="cancelled", last_error="case disputed")
        )
        log.info("case %s disputed by amendment of item %s", old.case_id, old.item_ref)
