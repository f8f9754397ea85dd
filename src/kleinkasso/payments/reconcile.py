"""Reconcile the bank credits of a period with what became of them.

Every credit booked between two dates is either allocated to a case
(debtor components), owed back (refunds and credits), waiting in the review
queue, or unallocated (no case found, foreign currency, other transfers).
The report sums the credits from the bank entries, and the allocations and
refunds from the ledger postings of their payments. So a credit marked
matched without its payment shows as a difference, and so does a payment
that differs from its credit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from kleinkasso.cases import ledger
from kleinkasso.store.payment_tables import reversal
from kleinkasso.store.schema import bank_entry, journal_entry, posting


@dataclass(frozen=True)
class Reconciliation:
    """Bank credits of a period and where they went, in cents."""

    date_from: date
    date_to: date
    credits_cents: int
    allocated_cents: int
    refund_cents: int
    review_cents: int
    unallocated_cents: int
    reversed_cents: int
    other_debits_cents: int

    @property
    def difference_cents(self) -> int:
        return self.credits_cents - (
            self.allocated_cents
            + self.refund_cents
            + self.review_cents
            + self.unallocated_cents
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["date_from"] = self.date_from.isoformat()
        data["date_to"] = self.date_to.isoformat()
        data["difference_cents"] = self.difference_cents
        return data


def _sum(conn: sa.Connection, query: sa.Select[Any]) -> int:
    return int(conn.execute(query).scalar_one() or 0)


def reconcile(conn: sa.Connection, date_from: date, date_to: date) -> Reconciliation:
    """Return the reconciliation of credits booked from ``date_from`` to ``date_to``."""
    in_period = sa.and_(
        bank_entry.c.booking_date >= date_from, bank_entry.c.booking_date <= date_to
    )
    credit = sa.and_(in_period, bank_entry.c.amount_cents > 0)
    total = sa.func.coalesce(sa.func.sum(bank_entry.c.amount_cents), 0)
    payment_key = sa.literal("bank_entry:").concat(sa.cast(bank_entry.c.id, sa.String))
    ledger_part = (
        sa.select(sa.func.coalesce(sa.func.sum(-posting.c.amount_cents), 0))
        .select_from(bank_entry)
        .join(journal_entry, journal_entry.c.source_key == payment_key)
        .join(posting, posting.c.entry_id == journal_entry.c.id)
        .where(credit, journal_entry.c.kind == "payment")
    )
    reversed_debits = sa.select(reversal.c.debit_entry_id)
    return Reconciliation(
        date_from=date_from,
        date_to=date_to,
        credits_cents=_sum(conn, sa.select(total).where(credit)),
        allocated_cents=_sum(
            conn,
            ledger_part.where(posting.c.account.in_(list(ledger.BALANCE_COLUMNS))),
        ),
        refund_cents=_sum(
            conn, ledger_part.where(posting.c.account == ledger.DEBTOR_REFUND)
        ),
        review_cents=_sum(
            conn, sa.select(total).where(credit, bank_entry.c.status == "review")
        ),
        unallocated_cents=_sum(
            conn,
            sa.select(total).where(
                credit, bank_entry.c.status.in_(("unmatched", "ignored", "return"))
            ),
        ),
        reversed_cents=-_sum(
            conn,
            sa.select(total).where(
                in_period,
                bank_entry.c.amount_cents < 0,
                bank_entry.c.id.in_(reversed_debits),
            ),
        ),
        other_debits_cents=-_sum(
            conn,
            sa.select(total).where(
                in_period,
                bank_entry.c.amount_cents < 0,
                bank_entry.c.id.not_in(reversed_debits),
            ),
        ),
    )
