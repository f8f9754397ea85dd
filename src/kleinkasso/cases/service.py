"""The daily run's case work: evaluate items, bundle them into cases, book the
amounts, queue the demands, and raise the fee when the early window closes.

Each step works in chunks, one transaction per chunk, and only touches rows
whose state shows the step has not happened yet, so it can be killed at any
point and run again without losing or repeating anything.
"""

from __future__ import annotations

import itertools
import logging
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from kleinkasso import crashpoints, law
from kleinkasso.api.events import CASE_OPENED, record_event
from kleinkasso.cases import ledger, opening
from kleinkasso.cases.demand import build_demand, document_to_json
from kleinkasso.cases.position import EARLY_RATE, charged_fee, fee_entry
from kleinkasso.cases.refs import case_ref, creditor_reference
from kleinkasso.comms.checks import (
    IncompleteFirstDemand,
    InvalidDemandDocumentError,
    check_document,
)
from kleinkasso.policy.creditor_config import CreditorConfig
from kleinkasso.policy.handover import Decision, ItemSnapshot, Outcome, decide
from kleinkasso.store.schema import (
    case,
    case_balance,
    creditor,
    item,
    item_event,
    journal_entry,
    outbox,
    party,
    posting,
)

log = logging.getLogger(__name__)

EVALUATE_CHUNK = 5000
# Decisions remembered per run; the cache starts afresh when full, so that
# memory stays flat however many items are evaluated.
DECISION_CACHE = 65536
# Key of the PostgreSQL advisory lock that lets one daily run work at a time.
RUN_LOCK_KEY = 0x6B6B_7275_6E
CASE_CHUNK = 2000
FEE_CHUNK = 2000
# Base of the PostgreSQL advisory lock keys that serialise case numbering,
# one key per creditor (the CRC-32 of its id is added).
NUMBERING_LOCK_BASE = 0x6B6B_6E75_0000_0000


@dataclass(frozen=True)
class CustomerRange:
    """Debtors whose customer_ref is above ``after`` and at most ``upto``.

    ``None`` leaves that side open. Every case belongs to one debtor, so
    disjoint ranges split a creditor's daily work into parts that can run at
    the same time without touching the same rows.
    """

    after: str | None = None
    upto: str | None = None

    def contains(self, column: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
        """Return the SQL condition that ``column`` lies in the range."""
        conditions = []
        if self.after is not None:
            conditions.append(column > self.after)
        if self.upto is not None:
            conditions.append(column <= self.upto)
        return sa.and_(sa.true(), *conditions)


ALL_CUSTOMERS = CustomerRange()


@dataclass
class RunReport:
    """Counts of one daily run for one creditor."""

    creditor_id: str
    evaluated: int = 0
    handed_over: int = 0
    waiting: int = 0
    rejected: int = 0
    cases_opened: int = 0
    cases_extended: int = 0
    fees_raised: int = 0
    messages_queued: int = 0


@contextmanager
def exclusive_run(engine: sa.Engine, *, shared: bool = False) -> Iterator[None]:
    """Hold a database-wide lock while a daily run works.

    On PostgreSQL a second run waits for the first and then finds its work
    done, so two runs never open a case or queue a message twice. Parts of
    a run over disjoint debtor ranges hold the lock ``shared``: they run
    beside each other, but not beside a whole run.
    """
    # NOTE: on SQLite nothing is held here; two runs at once on one file may
    # fail with "database is locked" instead of waiting.
    if engine.dialect.name != "postgresql":
        yield
        return
    mode = "_shared" if shared else ""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(
            sa.text(f"SELECT pg_advisory_lock{mode}(:key)"), {"key": RUN_LOCK_KEY}
        )
        try:
            yield
        finally:
            conn.execute(
                sa.text(f"SELECT pg_advisory_unlock{mode}(:key)"),
                {"key": RUN_LOCK_KEY},
            )


def evaluate_items(
    engine: sa.Engine,
    config: CreditorConfig,
    as_of: date,
    now: datetime,
    report: RunReport,
    customers: CustomerRange = ALL_CUSTOMERS,
) -> None:
    """Apply the handover rules to every waiting item of the creditor."""
    last = ("", 0)
    # Items with the same dates and flags get the same decision; ERP exports
    # repeat them thousands of times.
    seen: dict[tuple[Any, ...], Decision] = {}
    while True:
        with engine.begin() as conn:
            rows = conn.execute(
                sa.select(
                    item,
                    party.c.email,
                    party.c.street,
                    party.c.postal_code,
                    party.c.city,
                )
                .join(
                    party,
                    sa.and_(
                        party.c.creditor_id == item.c.creditor_id,
                        party.c.customer_ref == item.c.customer_ref,
                    ),
                )
                .where(
                    item.c.creditor_id == config.id,
                    item.c.state == "waiting",
                    customers.contains(item.c.customer_ref),
                    sa.tuple_(item.c.customer_ref, item.c.id) > sa.tuple_(*last),
                )
                .order_by(item.c.customer_ref, item.c.id)
                .limit(EVALUATE_CHUNK)
            ).all()
            if not rows:
                return
            last = (rows[-1].customer_ref, rows[-1].id)
            updates = [_evaluate(row, config, as_of, report, seen) for row in rows]
            conn.execute(
                item.update()
                .where(item.c.id == sa.bindparam("item_id"), item.c.state == "waiting")
                .values(
                    state=sa.bindparam("new_state"),
                    reason=sa.bindparam("new_reason"),
                    default_start=sa.bindparam("new_default_start"),
                    updated_at=now,
                ),
                updates,
            )
        crashpoints.reached("run.evaluate")


def _evaluate(
    row: sa.Row[Any],
    config: CreditorConfig,
    as_of: date,
    report: RunReport,
    seen: dict[tuple[Any, ...], Decision],
) -> dict[str, Any]:
    report.evaluated += 1
    has_letter = bool(row.street and row.postal_code and row.city)
    channels = config.dunning.channels
    reachable = ("email" in channels and row.email) or (
        "letter" in channels and has_letter
    )
    facts = (
        row.due_date,
        row.invoice_date,
        row.reminder_date,
        row.contract_date,
        row.consumer,
        row.disputed,
        row.category,
        row.source == "returns",
    )
    decision = seen.get(facts)
    if decision is None:
        if len(seen) >= DECISION_CACHE:
            seen.clear()
        decision = seen[facts] = decide(
            ItemSnapshot(
                item_ref=row.item_ref,
                due_date=row.due_date,
                invoice_date=row.invoice_date,
                reminder_date=row.reminder_date,
                contract_date=row.contract_date,
                consumer=row.consumer,
                disputed=row.disputed,
                category=row.category,
                is_return=row.source == "returns",
            ),
            config.handover,
            config.mandate_date,
            as_of,
        )
    outcome, reason = decision.outcome, decision.reason
    if outcome is Outcome.HAND_OVER and not reachable:
        outcome = Outcome.WAIT
        reason = "no postal address and no e-mail address for the configured channels"
    if outcome is Outcome.HAND_OVER:
        report.handed_over += 1
    elif outcome is Outcome.WAIT:
        report.waiting += 1
    else:
        report.rejected += 1
    return {
        "item_id": row.id,
        "new_state": outcome.value,
        "new_reason": reason,
        "new_default_start": decision.default_start,
    }


def open_cases(
    engine: sa.Engine,
    config: CreditorConfig,
    as_of: date,
    now: datetime,
    report: RunReport,
    customers: CustomerRange = ALL_CUSTOMERS,
) -> None:
    """Bundle handed-over items into one case per debtor and queue the demands.

    Debtors are taken in chunks of ``CASE_CHUNK``. Each chunk is planned
    from a read-only snapshot, which is the expensive part: amounts, fees
    and demands. It is then written in one transaction under the creditor's
    numbering lock. So runs over disjoint ranges plan at the same time and
    take turns only to number and store their cases.
    """
    after = customers.after
    while True:
        with engine.connect() as conn:
            query = (
                sa.select(item.c.customer_ref)
                .where(
                    item.c.creditor_id == config.id,
                    item.c.state == "handed_over",
                    item.c.case_id.is_(None),
                    customers.contains(item.c.customer_ref),
                )
                .group_by(item.c.customer_ref)
                .order_by(item.c.customer_ref)
                .limit(CASE_CHUNK)
            )
            if after is not None:
                query = query.where(item.c.customer_ref > after)
            chunk = conn.execute(query).scalars().all()
            if not chunk:
                return
            after = chunk[-1]
            plan = _plan_chunk(conn, config, chunk[0], chunk[-1], as_of)
        with numbering_lock(engine, config.id), engine.begin() as conn:
            _write_chunk(conn, config, plan, as_of, now, report)
        crashpoints.reached("run.cases")


@dataclass
class _ChunkPlan:
    """The plan of one chunk of debtors, made from a read-only snapshot."""

    first: str
    last: str
    # Each debtor's unbundled items as (id, content hash, updated_at), to
    # detect changes between planning and writing.
    snapshot: dict[str, list[tuple[Any, ...]]]
    extend: list[str]
    planned: list[opening.NewCase]
    held: list[opening.HeldDebtor]


def _unbundled(creditor_id: str, first: str, last: str) -> sa.Select[Any]:
    return (
        sa.select(item)
        .where(
            item.c.creditor_id == creditor_id,
            item.c.state == "handed_over",
            item.c.case_id.is_(None),
            item.c.customer_ref >= first,
            item.c.customer_ref <= last,
        )
        .order_by(item.c.customer_ref, item.c.due_date, item.c.id)
    )


def _open_case_debtors(
    conn: sa.Connection, creditor_id: str, first: str, last: str
) -> set[str]:
    return set(
        conn.execute(
            sa.select(case.c.customer_ref).where(
                case.c.creditor_id == creditor_id,
                case.c.status == "open",
                case.c.customer_ref >= first,
                case.c.customer_ref <= last,
            )
        ).scalars()
    )


def _version(row: sa.Row[Any]) -> tuple[Any, ...]:
    return (row.id, row.content_sha256, row.updated_at)


def _plan_chunk(
    conn: sa.Connection, config: CreditorConfig, first: str, last: str, as_of: date
) -> _ChunkPlan:
    rows = conn.execute(_unbundled(config.id, first, last)).all()
    with_open_case = _open_case_debtors(conn, config.id, first, last)
    contacts = {
        row.customer_ref: row
        for row in conn.execute(
            sa.select(party).where(
                party.c.creditor_id == config.id,
                party.c.customer_ref >= first,
                party.c.customer_ref <= last,
            )
        )
    }
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    extend: list[str] = []
    fresh = []
    for customer_ref, group in itertools.groupby(rows, lambda row: row.customer_ref):
        items = list(group)
        snapshot[customer_ref] = [_version(row) for row in items]
        if customer_ref in with_open_case:
            extend.append(customer_ref)
        else:
            fresh.append((customer_ref, items, contacts[customer_ref]))
    planned, held = opening.plan_cases(conn, config, fresh, as_of)
    return _ChunkPlan(first, last, snapshot, extend, planned, held)


def _write_chunk(
    conn: sa.Connection,
    config: CreditorConfig,
    plan: _ChunkPlan,
    as_of: date,
    now: datetime,
    report: RunReport,
) -> None:
    """Store a planned chunk; debtors that changed since planning go one by one."""
    current: dict[str, list[tuple[Any, ...]]] = {}
    for row in conn.execute(_unbundled(config.id, plan.first, plan.last)):
        current.setdefault(row.customer_ref, []).append(_version(row))
    with_open_case = _open_case_debtors(conn, config.id, plan.first, plan.last)

    def unchanged(customer_ref: str) -> bool:
        return (
            customer_ref not in with_open_case
            and current.get(customer_ref) == plan.snapshot[customer_ref]
        )

    for customer_ref in plan.extend:
        _bundle_or_hold(conn, config, customer_ref, as_of, now, report)
    redo = [new.customer_ref for new in plan.planned if not unchanged(new.customer_ref)]
    for debtor in plan.held:
        if unchanged(debtor.customer_ref):
            _hold(conn, config, debtor.customer_ref, debtor.error, now, report)
        else:
            redo.append(debtor.customer_ref)
    for customer_ref in sorted(redo):
        log.info(
            "customer %s of creditor %s changed while planned; bundled on its own",
            customer_ref,
            config.id,
        )
        _bundle_or_hold(conn, config, customer_ref, as_of, now, report)
    keep = [new for new in plan.planned if unchanged(new.customer_ref)]
    report.messages_queued += opening.write_cases(conn, config, keep, as_of, now)
    report.cases_opened += len(keep)


@contextmanager
def numbering_lock(engine: sa.Engine, creditor_id: str) -> Iterator[None]:
    """Let one transaction at a time number new cases of the creditor.

    On PostgreSQL a session advisory lock is taken before the transaction
    starts, so the transaction's snapshot already shows the cases the
    previous holder committed. SQLite lets one writer at a time anyway.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    key = NUMBERING_LOCK_BASE + zlib.crc32(creditor_id.encode())
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": key})
        try:
            yield
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": key})


def _bundle_or_hold(
    conn: sa.Connection,
    config: CreditorConfig,
    customer_ref: str,
    as_of: date,
    now: datetime,
    report: RunReport,
) -> None:
    """Bundle one debtor's items; if the demand would be incomplete, hold them."""
    savepoint = conn.begin_nested()
    counts = (report.cases_opened, report.cases_extended, report.messages_queued)
    try:
        _bundle(conn, config, customer_ref, as_of, now, report)
    except (IncompleteFirstDemand, InvalidDemandDocumentError) as exc:
        savepoint.rollback()
        report.cases_opened, report.cases_extended, report.messages_queued = counts
        _hold(conn, config, customer_ref, exc, now, report)
        return
    savepoint.commit()


def _hold(
    conn: sa.Connection,
    config: CreditorConfig,
    customer_ref: str,
    error: Exception,
    now: datetime,
    report: RunReport,
) -> None:
    """Put a debtor's unbundled items back to waiting with the demand's error."""
    log.error(
        "customer %s of creditor %s held back: %s", customer_ref, config.id, error
    )
    conn.execute(
        item.update()
        .where(
            item.c.creditor_id == config.id,
            item.c.customer_ref == customer_ref,
            item.c.state == "handed_over",
            item.c.case_id.is_(None),
        )
        .values(
            state="waiting",
            reason=f"demand incomplete: {error}"[:300],
            updated_at=now,
        )
    )
    report.handed_over -= 1
    report.waiting += 1


def _next_case_no(conn: sa.Connection, creditor_id: str) -> int:
    number = conn.execute(
        creditor.update()
        .where(creditor.c.id == creditor_id)
        .values(next_case_no=creditor.c.next_case_no + 1)
        .returning(creditor.c.next_case_no)
    ).scalar_one()
    return int(number) - 1


def _bundle(
    conn: sa.Connection,
    config: CreditorConfig,
    customer_ref: str,
    as_of: date,
    now: datetime,
    report: RunReport,
) -> None:
    items = conn.execute(
        sa.select(item)
        .where(
            item.c.creditor_id == config.id,
            item.c.customer_ref == customer_ref,
            item.c.state == "handed_over",
            item.c.case_id.is_(None),
        )
        .order_by(item.c.due_date, item.c.id)
    ).all()
    if not items:
        return
    case_row = conn.execute(
        sa.select(case).where(
            case.c.creditor_id == config.id,
            case.c.customer_ref == customer_ref,
            case.c.status == "open",
        )
    ).one_or_none()
    new_case = case_row is None
    if case_row is None:
        case_row = _create_case(conn, config, customer_ref, as_of, now)
        report.cases_opened += 1
    else:
        report.cases_extended += 1
    ledger.post(
        conn,
        creditor_id=config.id,
        case_id=case_row.id,
        kind="handover",
        booked_on=as_of,
        rule="handover of claims in default (§§ 280, 286 BGB)",
        lines=[
            line
            for row in items
            for line in (
                ledger.Line(ledger.DEBTOR_PRINCIPAL, row.principal_cents, row.id),
                ledger.Line(ledger.CREDITOR_CLAIMS, -row.principal_cents),
                ledger.Line(ledger.DEBTOR_COSTS, row.return_charges_cents, row.id),
                ledger.Line(ledger.CREDITOR_CLAIMS, -row.return_charges_cents),
            )
        ],
        now=now,
        explanation={"item_refs": [row.item_ref for row in items]},
    )
    for row in items:
        conn.execute(
            item.update()
            .where(item.c.id == row.id)
            .values(
                case_id=case_row.id,
                interest_until=row.default_start,
                reason=f"in case {case_row.case_ref}",
                updated_at=now,
            )
        )
    value = case_row.fee_value_cents + sum(row.principal_cents for row in items)
    conn.execute(
        case.update().where(case.c.id == case_row.id).values(fee_value_cents=value)
    )
    case_row = conn.execute(sa.select(case).where(case.c.id == case_row.id)).one()
    book_fee(conn, config.id, case_row, Decimal(case_row.fee_rate), as_of, now)
    kind = "first_demand" if new_case else "updated_demand"
    report.messages_queued += queue_demand(conn, config, case_row, kind, as_of, now)
    crashpoints.reached("run.case_uncommitted")


def _create_case(
    conn: sa.Connection,
    config: CreditorConfig,
    customer_ref: str,
    as_of: date,
    now: datetime,
) -> sa.Row[Any]:
    number = _next_case_no(conn, config.id)
    ref = case_ref(config.case_prefix, number)
    case_id = conn.execute(
        case.insert()
        .values(
            creditor_id=config.id,
            case_no=number,
            case_ref=ref,
            customer_ref=customer_ref,
            creditor_reference=creditor_reference(ref),
            status="open",
            opened_on=as_of,
            # The unconditional mandate for this matter is given when the
            # case is opened; it selects the fee table (§ 60 RVG).
            mandate_date=as_of,
            first_demand_on=as_of,
            fee_rate=str(EARLY_RATE),
            fee_value_cents=0,
            vat_charged=not config.input_tax_deduction,
            created_at=now,
        )
        .returning(case.c.id)
    ).scalar_one()
    conn.execute(
        case_balance.insert().values(
            case_id=case_id,
            creditor_id=config.id,
            principal_cents=0,
            interest_cents=0,
            costs_cents=0,
            fee_cents=0,
            expenses_cents=0,
            vat_cents=0,
            paid_cents=0,
            refund_cents=0,
            written_off_cents=0,
        )
    )
    record_event(
        conn, config.id, CASE_OPENED, now, case_ref=ref, data={"opened_on": str(as_of)}
    )
    log.info("case %s opened for creditor %s", ref, config.id)
    return conn.execute(sa.select(case).where(case.c.id == case_id)).one()


def book_fee(
    conn: sa.Connection,
    creditor_id: str,
    case_row: sa.Row[Any],
    rate: Decimal,
    booked_on: date,
    now: datetime,
) -> int:
    """Book the difference between the charged fee and the fee at ``rate``.

    Returns the amount booked (negative when the fee goes down). A reduction
    never takes away more than is still open of each component.
    """
    target = law.collection_fee(
        case_row.fee_value_cents, case_row.mandate_date, rate, vat=case_row.vat_charged
    )
    balance = conn.execute(
        sa.select(case_balance).where(case_balance.c.case_id == case_row.id)
    ).one()
    entry = fee_entry(
        case_row.id,
        target,
        target.explanation.to_dict(),
        charged=charged_fee(conn, case_row.id),
        still_open=_open_fee(balance),
        charged_before=_fee_charged_before(balance),
        booked_on=booked_on,
    )
    if entry is None:
        return 0
    ledger.post_many(conn, creditor_id, [entry], now)
    conn.execute(
        case.update().where(case.c.id == case_row.id).values(fee_rate=str(rate))
    )
    return sum(
        line.amount_cents
        for line in entry.lines
        if line.account in ledger.COLLECTOR_COMPONENTS
    )


def _open_fee(balance: sa.Row[Any]) -> dict[str, int]:
    """Return what the debtor still owes of each collector component."""
    return {
        ledger.DEBTOR_FEE: balance.fee_cents,
        ledger.DEBTOR_EXPENSES: balance.expenses_cents,
        ledger.DEBTOR_VAT: balance.vat_cents,
    }


def _fee_charged_before(balance: sa.Row[Any]) -> bool:
    """Return whether a fee or a payment is on the case, so that a new fee
    entry adjusts an earlier one."""
    return bool(balance.fee_cents or balance.paid_cents)


def queue_demand(
    conn: sa.Connection,
    config: CreditorConfig,
    case_row: sa.Row[Any],
    kind: str,
    as_of: date,
    now: datetime,
) -> int:
    """Queue a demand on every channel the debtor can be reached on."""
    contact = conn.execute(
        sa.select(party).where(
            party.c.creditor_id == config.id,
            party.c.customer_ref == case_row.customer_ref,
        )
    ).one()
    channels = opening.channels_for(config, contact)
    demand = build_demand(conn, config, case_row, contact, as_of)
    # Nothing is queued that the renderer would reject: § 13a Abs. 1 RDG
    # requires every first-demand item before anything is sent.
    check_document(demand)
    document = document_to_json(demand)
    domain = config.collector.email.rsplit("@", 1)[-1]
    queued = 0
    for channel in channels:
        dedup = f"{case_row.id}:{kind}:{as_of.isoformat()}:{channel}"
        queued_before = conn.execute(
            sa.select(outbox.c.id, outbox.c.status).where(outbox.c.dedup_key == dedup)
        ).one_or_none()
        if queued_before is not None:
            # One demand of a kind per case, day and channel: a later change
            # on the same day replaces a demand not yet sent, and one already
            # sent stays the day's demand.
            if queued_before.status == "pending":
                conn.execute(
                    outbox.update()
                    .where(outbox.c.id == queued_before.id)
                    .values(payload=document)
                )
            continue
        conn.execute(
            outbox.insert().values(
                creditor_id=config.id,
                case_id=case_row.id,
                kind=kind,
                channel=channel,
                dedup_key=dedup,
                message_id=f"<{case_row.case_ref}.{kind}.{as_of:%Y%m%d}.{channel}@{domain}>",
                payload=document,
                status="pending",
                created_on=as_of,
                created_at=now,
            )
        )
        queued += 1
    return queued


def queue_updated_demands(
    engine: sa.Engine,
    config: CreditorConfig,
    as_of: date,
    now: datetime,
    report: RunReport,
    customers: CustomerRange = ALL_CUSTOMERS,
) -> None:
    """Send an updated demand for open cases whose claims the creditor amended.

    An amendment after the last demand (a changed amount, say) changes what
    the debtor owes, so the debtor must learn the new figure before paying.
    """
    last_demand = (
        sa.select(outbox.c.case_id, sa.func.max(outbox.c.created_at).label("at"))
        .where(
            outbox.c.creditor_id == config.id,
            outbox.c.kind.in_(("first_demand", "updated_demand")),
        )
        .group_by(outbox.c.case_id)
        .subquery()
    )
    last_amendment = (
        sa.select(item.c.case_id, sa.func.max(item_event.c.recorded_at).label("at"))
        .join(item_event, item_event.c.item_id == item.c.id)
        .where(item.c.creditor_id == config.id, item.c.case_id.is_not(None))
        .group_by(item.c.case_id)
        .subquery()
    )
    with engine.connect() as conn:
        case_ids = (
            conn.execute(
                sa.select(case.c.id)
                .join(last_amendment, last_amendment.c.case_id == case.c.id)
                .join(last_demand, last_demand.c.case_id == case.c.id)
                .where(
                    case.c.creditor_id == config.id,
                    case.c.status == "open",
                    customers.contains(case.c.customer_ref),
                    last_amendment.c.at > last_demand.c.at,
                )
                .order_by(case.c.id)
            )
            .scalars()
            .all()
        )
    for case_id in case_ids:
        with engine.begin() as conn:
            row = conn.execute(sa.select(case).where(case.c.id == case_id)).one()
            report.messages_queued += queue_demand(
                conn, config, row, "updated_demand", as_of, now
            )


def raise_fees(
    engine: sa.Engine,
    config: CreditorConfig,
    as_of: date,
    now: datetime,
    report: RunReport,
    customers: CustomerRange = ALL_CUSTOMERS,
) -> None:
    """Raise the fee to the regular rate on open cases whose early window has closed."""
    regular = Decimal(config.dunning.regular_fee_rate)
    last_id = 0
    while True:
        with engine.begin() as conn:
            candidates = (
                conn.execute(
                    sa.select(case.c.id)
                    .where(
                        case.c.creditor_id == config.id,
                        case.c.status == "open",
                        customers.contains(case.c.customer_ref),
                        case.c.fee_rate != str(regular),
                        case.c.first_demand_on.is_not(None),
                        case.c.first_demand_on < as_of,
                        case.c.id > last_id,
                    )
                    .order_by(case.c.id)
                    .limit(FEE_CHUNK)
                )
                .scalars()
                .all()
            )
            if not candidates:
                return
            last_id = candidates[-1]
            report.fees_raised += _raise_chunk(
                conn, config, candidates, regular, as_of, now
            )
        crashpoints.reached("run.fees")


def _raise_chunk(
    conn: sa.Connection,
    config: CreditorConfig,
    case_ids: Sequence[int],
    regular: Decimal,
    as_of: date,
    now: datetime,
) -> int:
    """Raise the fee of the given cases whose early window closed before ``as_of``.

    Does for many cases what :func:`book_fee` does for one: the fee at the
    regular rate less what was charged, a reduction never taking more than
    is still open. Returns the number of cases whose window had closed.
    """
    rows = conn.execute(
        sa.select(case).where(
            case.c.id.in_(case_ids),
            case.c.status == "open",
            case.c.fee_rate != str(regular),
        )
    ).all()
    due = [
        row
        for row in rows
        if law.simple_case_deadline(row.mandate_date, row.first_demand_on) < as_of
    ]
    if not due:
        return 0
    due_ids = [row.id for row in due]
    charged = charged_fees(conn, due_ids)
    balances = {
        row.case_id: row
        for row in conn.execute(
            sa.select(case_balance).where(case_balance.c.case_id.in_(due_ids))
        )
    }
    entries = []
    for row in due:
        target, explanation = opening.fee_with_explanation(
            row.fee_value_cents, row.mandate_date, regular, row.vat_charged
        )
        balance = balances[row.id]
        entry = fee_entry(
            row.id,
            target,
            explanation,
            charged=charged.get(row.id, {}),
            still_open=_open_fee(balance),
            charged_before=_fee_charged_before(balance),
            booked_on=as_of,
        )
        if entry is not None:
            entries.append(entry)
    if entries:
        conn.execute(
            case.update()
            .where(case.c.id == sa.bindparam("raised_id"))
            .values(fee_rate=str(regular)),
            [{"raised_id": entry.case_id} for entry in entries],
        )
        ledger.post_many(conn, config.id, entries, now)
    return len(due)


def charged_fees(
    conn: sa.Connection, case_ids: Sequence[int]
) -> dict[int, dict[str, int]]:
    """Return fee, expenses and VAT charged so far per case (payments not
    deducted), as :func:`~kleinkasso.cases.position.charged_fee` does for one."""
    rows = conn.execute(
        sa.select(
            posting.c.case_id, posting.c.account, sa.func.sum(posting.c.amount_cents)
        )
        .join(journal_entry, journal_entry.c.id == posting.c.entry_id)
        .where(
            posting.c.case_id.in_(case_ids),
            posting.c.account.in_(ledger.COLLECTOR_COMPONENTS),
            journal_entry.c.kind.in_(("fee", "fee_adjustment")),
        )
        .group_by(posting.c.case_id, posting.c.account)
    )
    totals: dict[int, dict[str, int]] = {}
    for case_id, account, total in rows:
        totals.setdefault(case_id, {})[account] = int(total)
    return totals
