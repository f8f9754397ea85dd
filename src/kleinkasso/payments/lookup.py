"""Candidate cases for the matching cascade, read from the database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from kleinkasso.names import normalize_name
from kleinkasso.payments.cascade import Candidate
from kleinkasso.store.payment_tables import bank_entry_match
from kleinkasso.store.schema import bank_entry, case, case_balance, party

OPEN_CENTS = (
    case_balance.c.principal_cents
    + case_balance.c.interest_cents
    + case_balance.c.costs_cents
    + case_balance.c.fee_cents
    + case_balance.c.expenses_cents
    + case_balance.c.vat_cents
)
CANDIDATE_COLUMNS = (
    case.c.id,
    case.c.case_ref,
    case.c.creditor_id,
    case.c.status,
    case.c.creditor_reference,
    case.c.customer_ref,
    OPEN_CENTS.label("open_cents"),
)


def _candidate(row: Any) -> Candidate:
    return Candidate(
        case_id=int(row.id),
        case_ref=row.case_ref,
        creditor_id=row.creditor_id,
        status=row.status,
        open_cents=int(row.open_cents),
    )


def _select() -> sa.Select[Any]:
    return sa.select(*CANDIDATE_COLUMNS).join(
        case_balance, case_balance.c.case_id == case.c.id
    )


class DatabaseLookup:
    """Look up candidate cases with one query per rule."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def by_creditor_reference(self, refs: Sequence[str]) -> dict[str, Candidate]:
        rows = self.conn.execute(_select().where(case.c.creditor_reference.in_(refs)))
        return {row.creditor_reference: _candidate(row) for row in rows}

    def by_case_ref(self, refs: Sequence[str]) -> dict[str, Candidate]:
        rows = self.conn.execute(_select().where(case.c.case_ref.in_(refs)))
        return {row.case_ref: _candidate(row) for row in rows}

    def by_iban(self, iban: str) -> list[Candidate]:
        """Return open cases of debtors whose earlier payments came from ``iban``."""
        payers = (
            sa.select(case.c.creditor_id, case.c.customer_ref)
            .join(bank_entry, bank_entry.c.case_id == case.c.id)
            .join(bank_entry_match, bank_entry_match.c.entry_id == bank_entry.c.id)
            .where(
                bank_entry_match.c.counterparty_iban == iban,
                bank_entry.c.status == "matched",
            )
            .distinct()
        ).subquery()
        rows = self.conn.execute(
            _select()
            .join(
                payers,
                sa.and_(
                    payers.c.creditor_id == case.c.creditor_id,
                    payers.c.customer_ref == case.c.customer_ref,
                ),
            )
            .where(case.c.status == "open")
            .order_by(case.c.id)
        )
        return [_candidate(row) for row in rows]

    def by_name(self, name: str) -> list[Candidate]:
        # NOTE: names compare in the given order, so a bank that sends
        # "MUSTER, ERIKA" for Erika Muster finds no candidate here.
        rows = self.conn.execute(
            _select()
            .join(
                party,
                sa.and_(
                    party.c.creditor_id == case.c.creditor_id,
                    party.c.customer_ref == case.c.customer_ref,
                ),
            )
            .where(
                party.c.name_key == normalize_name(name),
                case.c.status == "open",
            )
            .order_by(case.c.id)
        )
        return [_candidate(row) for row in rows]
