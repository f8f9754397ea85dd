"""Open new cases for many debtors in one transaction.

Most debtors in a run have no open case yet. For them everything the
per-case path looks up in the database is already in memory: the handed-over
items, the debtor's address, and a ledger that starts empty. This module
computes the amounts and the demand of each new case in Python. It writes
cases, balances, journal entries, postings, item links, events and outbox
rows with one statement per table, so a case costs a few inserted rows
instead of dozens of round trips. The results are the same as
bundling each debtor on its own (``service._bundle``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from kleinkasso import crashpoints, law
from kleinkasso.api.events import CASE_OPENED, Event, record_events
from kleinkasso.cases import ledger
from kleinkasso.cases.demand import DemandFees, compose_demand, document_to_json
from kleinkasso.cases.position import EARLY_RATE, ClaimPosition, fee_entry
from kleinkasso.cases.refs import case_ref, creditor_reference
from kleinkasso.comms.checks import (
    IncompleteFirstDemand,
    InvalidDemandDocumentError,
    check_document,
)
from kleinkasso.law.interest import interest_points
from kleinkasso.policy.creditor_config import CreditorConfig
from kleinkasso.store.ids import reserve_ids
from kleinkasso.store.schema import case, case_balance, creditor, item, outbox

log = logging.getLogger(__name__)

HANDOVER_RULE = "handover of claims in default (§§ 280, 286 BGB)"


@dataclass
class NewCase:
    """A case computed in memory, waiting for its number."""

    customer_ref: str
    items: Sequence[sa.Row[Any]]
    contact: sa.Row[Any]
    value_cents: int
    fee: law.FeeResult
    fee_explanation: dict[str, Any]
    channels: list[str]
    document: dict[str, Any]


@dataclass
class HeldDebtor:
    """A debtor whose demand would be incomplete; the items wait."""

    customer_ref: str
    error: Exception


# Amounts repeat at price points and due dates repeat across debtors, so the
# same fee and interest results recur thousands of times in one run. Each
# result carries its explanation (a few kilobytes), so the caches are kept
# small enough that memory does not grow with the number of cases.
@functools.lru_cache(maxsize=8192)
def fee_with_explanation(
    value_cents: int, mandate_date: date, rate: Decimal, vat: bool
) -> tuple[law.FeeResult, dict[str, Any]]:
    """Return the collection fee and its explanation, cached (both read-only)."""
    fee = law.collection_fee(value_cents, mandate_date, rate, vat=vat)
    return fee, fee.explanation.to_dict()


@functools.lru_cache(maxsize=16384)
def _interest(
    principal_cents: int, start: date, as_of: date, consumer: bool
) -> law.InterestResult:
    return law.default_interest(principal_cents, start, as_of, consumer=consumer)


def _claim_interest(row: sa.Row[Any], as_of: date) -> law.InterestResult | None:
    start = row.default_start
    if start is None or as_of <= start:
        return None
    obligation = row.contract_date or row.invoice_date or row.due_date
    if interest_points(row.consumer, obligation) != interest_points(row.consumer):
        # The obligation date changes the points only for business claims
        # from before 29.07.2014; those few bypass the cache.
        return law.default_interest(
            row.principal_cents,
            start,
            as_of,
            consumer=row.consumer,
            obligation_date=obligation,
        )
    return _interest(row.principal_cents, start, as_of, row.consumer)


def channels_for(config: CreditorConfig, contact: Any) -> list[str]:
    """Return the configured channels on which the debtor can be reached."""
    channels = []
    if (
        "letter" in config.dunning.channels
        and contact.street
        and contact.postal_code
        and contact.city
    ):
        channels.append("letter")
    if "email" in config.dunning.channels and contact.email:
        channels.append("email")
    return channels


def plan_case(
    config: CreditorConfig,
    customer_ref: str,
    items: Sequence[sa.Row[Any]],
    contact: sa.Row[Any],
    provisional_ref: str,
    as_of: date,
) -> NewCase:
    """Compute a new case's fee and first demand.

    Raises IncompleteFirstDemand or InvalidDemandDocumentError when the
    demand lacks what § 13a RDG requires or cannot be printed.

    ``items`` are the debtor's handed-over item rows in due-date order. The
    demand carries ``provisional_ref`` until :func:`write_cases` sets the
    number the case gets.
    """
    vat = not config.input_tax_deduction
    value = sum(row.principal_cents for row in items)
    early, explanation = fee_with_explanation(value, as_of, EARLY_RATE, vat)
    regular, _ = fee_with_explanation(
        value, as_of, Decimal(config.dunning.regular_fee_rate), vat
    )
    claims = []
    for row in items:
        interest = _claim_interest(row, as_of)
        accrued = interest.interest_cents if interest else 0
        claims.append(
            (
                ClaimPosition(
                    item_id=row.id,
                    item_ref=row.item_ref,
                    due_date=row.due_date,
                    arose_on=row.contract_date or row.invoice_date or row.due_date,
                    default_start=row.default_start,
                    consumer=row.consumer,
                    contract_date=row.contract_date,
                    principal_cents=row.principal_cents,
                    interest_cents=accrued,
                    accrued_interest_cents=accrued,
                    costs_cents=row.return_charges_cents,
                    interest=interest,
                ),
                row,
            )
        )
    document = compose_demand(
        config,
        case_ref=provisional_ref,
        creditor_reference=creditor_reference(provisional_ref),
        fee_value_cents=value,
        vat_charged=vat,
        contact=contact,
        claims=claims,
        fees=DemandFees(
            early=early,
            regular=regular,
            deadline=law.simple_case_deadline(as_of, as_of),
        ),
        as_of=as_of,
    )
    # Nothing is queued that the renderer would reject: § 13a Abs. 1 RDG
    # requires every first-demand item before anything is sent.
    check_document(document)
    return NewCase(
        customer_ref=customer_ref,
        items=items,
        contact=contact,
        value_cents=value,
        fee=early,
        fee_explanation=explanation,
        channels=channels_for(config, contact),
        document=document_to_json(document),
    )


def plan_cases(
    conn: sa.Connection,
    config: CreditorConfig,
    debtors: Sequence[tuple[str, Sequence[sa.Row[Any]], sa.Row[Any]]],
    as_of: date,
) -> tuple[list[NewCase], list[HeldDebtor]]:
    """Plan a new case for each (customer_ref, items, contact) of ``debtors``."""
    next_no = conn.execute(
        sa.select(creditor.c.next_case_no).where(creditor.c.id == config.id)
    ).scalar_one()
    planned: list[NewCase] = []
    held: list[HeldDebtor] = []
    for customer_ref, items, contact in debtors:
        provisional = case_ref(config.case_prefix, int(next_no) + len(planned))
        try:
            planned.append(
                plan_case(config, customer_ref, items, contact, provisional, as_of)
            )
        except (IncompleteFirstDemand, InvalidDemandDocumentError) as exc:
            held.append(HeldDebtor(customer_ref, exc))
    return planned, held


def _allocate_numbers(conn: sa.Connection, creditor_id: str, count: int) -> int:
    """Take ``count`` case numbers of the creditor; return the first."""
    after = conn.execute(
        creditor.update()
        .where(creditor.c.id == creditor_id)
        .values(next_case_no=creditor.c.next_case_no + count)
        .returning(creditor.c.next_case_no)
    ).scalar_one()
    return int(after) - count


def write_cases(
    conn: sa.Connection,
    config: CreditorConfig,
    planned: Sequence[NewCase],
    as_of: date,
    now: datetime,
) -> int:
    """Number and store the planned cases with everything that belongs to them.

    Returns the number of outbox rows queued.
    """
    if not planned:
        return 0
    first = _allocate_numbers(conn, config.id, len(planned))
    refs = [
        case_ref(config.case_prefix, first + index) for index in range(len(planned))
    ]
    vat = not config.input_tax_deduction
    case_rows: list[dict[str, Any]] = []
    for ref, new in zip(refs, planned, strict=True):
        reference = creditor_reference(ref)
        new.document["case_ref"] = ref
        new.document["creditor_reference"] = reference
        case_rows.append(
            {
                "creditor_id": config.id,
                "case_no": first + len(case_rows),
                "case_ref": ref,
                "customer_ref": new.customer_ref,
                "creditor_reference": reference,
                "status": "open",
                "opened_on": as_of,
                # The unconditional mandate for this matter is given when
                # the case is opened; it selects the fee table (§ 60 RVG).
                "mandate_date": as_of,
                "first_demand_on": as_of,
                "fee_rate": str(EARLY_RATE),
                "fee_value_cents": new.value_cents,
                "vat_charged": vat,
                "created_at": now,
            }
        )
    case_ids = reserve_ids(conn, case, len(case_rows))
    for case_id, row in zip(case_ids, case_rows, strict=True):
        row["id"] = case_id
    conn.execute(case.insert(), case_rows)
    conn.execute(
        case_balance.insert(),
        [
            {
                "case_id": case_id,
                "creditor_id": config.id,
                "principal_cents": 0,
                "interest_cents": 0,
                "costs_cents": 0,
                "fee_cents": 0,
                "expenses_cents": 0,
                "vat_cents": 0,
                "paid_cents": 0,
                "refund_cents": 0,
                "written_off_cents": 0,
            }
            for case_id in case_ids
        ],
    )
    record_events(
        conn,
        config.id,
        [
            Event(CASE_OPENED, case_ref=ref, data={"opened_on": str(as_of)})
            for ref in refs
        ],
        now,
    )
    entries = []
    for case_id, new in zip(case_ids, planned, strict=True):
        entries.append(_handover_entry(case_id, new, as_of))
        entries.append(_fee_entry(case_id, new, as_of))
    ledger.post_many(conn, config.id, entries, now)
    conn.execute(
        item.update()
        .where(item.c.id == sa.bindparam("item_id"))
        .values(
            case_id=sa.bindparam("new_case_id"),
            interest_until=sa.bindparam("new_interest_until"),
            reason=sa.bindparam("new_reason"),
            updated_at=now,
        ),
        [
            {
                "item_id": row.id,
                "new_case_id": case_id,
                "new_interest_until": row.default_start,
                "new_reason": f"in case {ref}",
            }
            for case_id, ref, new in zip(case_ids, refs, planned, strict=True)
            for row in new.items
        ],
    )
    domain = config.collector.email.rsplit("@", 1)[-1]
    messages = [
        {
            "creditor_id": config.id,
            "case_id": case_id,
            "kind": "first_demand",
            "channel": channel,
            "dedup_key": f"{case_id}:first_demand:{as_of.isoformat()}:{channel}",
            "message_id": f"<{ref}.first_demand.{as_of:%Y%m%d}.{channel}@{domain}>",
            "payload": new.document,
            "status": "pending",
            "created_on": as_of,
            "created_at": now,
        }
        for case_id, ref, new in zip(case_ids, refs, planned, strict=True)
        for channel in new.channels
    ]
    if messages:
        conn.execute(outbox.insert(), messages)
    log.info("cases %s to %s opened for creditor %s", refs[0], refs[-1], config.id)
    for _ in planned:
        crashpoints.reached("run.case_uncommitted")
    return len(messages)


def _handover_entry(case_id: int, new: NewCase, as_of: date) -> ledger.Entry:
    return ledger.Entry(
        case_id=case_id,
        kind="handover",
        booked_on=as_of,
        rule=HANDOVER_RULE,
        lines=[
            line
            for row in new.items
            for line in (
                ledger.Line(ledger.DEBTOR_PRINCIPAL, row.principal_cents, row.id),
                ledger.Line(ledger.CREDITOR_CLAIMS, -row.principal_cents),
                ledger.Line(ledger.DEBTOR_COSTS, row.return_charges_cents, row.id),
                ledger.Line(ledger.CREDITOR_CLAIMS, -row.return_charges_cents),
            )
        ],
        explanation={"item_refs": [row.item_ref for row in new.items]},
    )


def _fee_entry(case_id: int, new: NewCase, as_of: date) -> ledger.Entry:
    entry = fee_entry(
        case_id,
        new.fee,
        new.fee_explanation,
        charged={},
        still_open={},
        charged_before=False,
        booked_on=as_of,
    )
    # A case holds at least one claim of a cent or more, so its fee is above 0.
    assert entry is not None, f"no fee for new case of customer {new.customer_ref}"
    return entry
