"""Read and work the booked bank entries: listing, review queue, assignment."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from kleinkasso import crashpoints
from kleinkasso.payments.statements import book_credit
from kleinkasso.policy.creditor_config import CreditorConfig
from kleinkasso.store.payment_tables import bank_entry_match
from kleinkasso.store.schema import bank_entry, case, creditor

log = logging.getLogger(__name__)

ASSIGNABLE = ("review", "unmatched")


class EntryNotFound(LookupError):
    """Raised for a bank entry id that does not exist."""

    def __init__(self, entry_id: int) -> None:
        super().__init__(
            f"bank entry {entry_id} not found; see kleinkasso payments list"
        )


class CaseNotFound(LookupError):
    """Raised for a case reference that does not exist."""

    def __init__(self, case_ref: str) -> None:
        super().__init__(f"case {case_ref!r} not found")


class NotAssignable(ValueError):
    """Raised when an entry cannot be assigned to the requested case."""

    def __init__(self, entry_id: int, status: str, case_ref: str | None) -> None:
        where = f" to case {case_ref}" if case_ref else ""
        super().__init__(
            f"bank entry {entry_id} is {status}{where}; only credits in "
            f"{' or '.join(ASSIGNABLE)} can be assigned"
        )


def entry_rows(
    conn: sa.Connection,
    *,
    statement_pk: int | None = None,
    statuses: tuple[str, ...] | None = None,
) -> list[dict[str, Any]]:
    """Return booked bank entries as JSON-ready rows, in import order."""
    query = (
        sa.select(
            bank_entry,
            case.c.case_ref,
            bank_entry_match.c.confidence,
            bank_entry_match.c.suggestions,
        )
        .outerjoin(case, case.c.id == bank_entry.c.case_id)
        .outerjoin(bank_entry_match, bank_entry_match.c.entry_id == bank_entry.c.id)
        .order_by(bank_entry.c.id)
    )
    if statement_pk is not None:
        query = query.where(bank_entry.c.statement_pk == statement_pk)
    if statuses:
        query = query.where(bank_entry.c.status.in_(statuses))
    return [
        {
            "entry_id": row.id,
            "statement": row.statement_pk,
            "booking_date": row.booking_date.isoformat(),
            "amount_cents": row.amount_cents,
            "charges_cents": row.charges_cents,
            "currency": row.currency,
            "reference": row.reference,
            "return_reason": row.return_reason,
            "status": row.status,
            "match_rule": row.match_rule,
            "confidence": row.confidence,
            "case_ref": row.case_ref,
            "suggestions": row.suggestions or [],
        }
        for row in conn.execute(query)
    ]


def assign_entry(
    engine: sa.Engine, entry_id: int, case_ref: str, *, user: str, now: datetime
) -> bool:
    """Apply a credit from the review queue to a case; return whether it was new.

    The entry, its payment and any refund are stored in one transaction.
    Assigning an entry again to the same case changes nothing.
    """
    with engine.begin() as conn:
        row = conn.execute(
            sa.select(bank_entry).where(bank_entry.c.id == entry_id)
        ).first()
        if row is None:
            raise EntryNotFound(entry_id)
        target = conn.execute(
            sa.select(case.c.id, case.c.creditor_id).where(case.c.case_ref == case_ref)
        ).first()
        if target is None:
            raise CaseNotFound(case_ref)
        if row.status == "matched" and row.case_id == target.id:
            return False
        if row.status not in ASSIGNABLE or row.amount_cents <= 0:
            current = conn.execute(
                sa.select(case.c.case_ref).where(case.c.id == row.case_id)
            ).scalar_one_or_none()
            raise NotAssignable(entry_id, row.status, current)
        # The status condition makes a concurrent second assignment update
        # no row, so the payment is booked once.
        updated = conn.execute(
            bank_entry.update()
            .where(bank_entry.c.id == entry_id, bank_entry.c.status.in_(ASSIGNABLE))
            .values(
                status="matched",
                match_rule="manual",
                creditor_id=target.creditor_id,
                case_id=target.id,
            )
        ).rowcount
        if updated != 1:
            raise NotAssignable(entry_id, "already assigned", None)
        match = conn.execute(
            sa.select(bank_entry_match.c.counterparty_iban).where(
                bank_entry_match.c.entry_id == entry_id
            )
        ).first()
        config = CreditorConfig.from_json(
            conn.execute(
                sa.select(creditor.c.config).where(creditor.c.id == target.creditor_id)
            ).scalar_one()
        )
        book_credit(
            conn,
            config,
            target.id,
            entry_id,
            row.amount_cents,
            row.booking_date,
            match.counterparty_iban if match is not None else None,
            now,
        )
        values = {"assigned_by": user[:64], "assigned_at": now, "confidence": 100}
        if match is None:
            conn.execute(
                bank_entry_match.insert().values(
                    entry_id=entry_id, is_reversal=False, suggestions=[], **values
                )
            )
        else:
            conn.execute(
                bank_entry_match.update()
                .where(bank_entry_match.c.entry_id == entry_id)
                .values(values)
            )
        crashpoints.reached("assign.uncommitted")
    log.info("bank entry %s assigned to case %s by %s", entry_id, case_ref, user)
    return True
