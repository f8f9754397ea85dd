"""What a debtor owes on a case when paying on a given date.

The ledger contains what was charged and paid. Two things change with the date
and are added here without being booked: default interest since the last
booking, and the collection fee rate, which is 0.5 while the debtor can
still pay within the simple-case window after the first demand and the
creditor's regular rate (0.9 by default) afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from kleinkasso import law
from kleinkasso.cases import ledger
from kleinkasso.store.schema import case, case_balance, item, journal_entry, posting

EARLY_RATE = Decimal("0.5")


@dataclass(frozen=True)
class ClaimPosition:
    """One claim of a case with its open components."""

    item_id: int
    item_ref: str
    due_date: date
    arose_on: date
    default_start: date | None
    consumer: bool
    contract_date: date | None
    principal_cents: int
    interest_cents: int  # booked and still open, plus accrued since the last booking
    accrued_interest_cents: int
    costs_cents: int
    interest: law.InterestResult | None


@dataclass(frozen=True)
class FeeAdjustment:
    """The fee components still to book so that the fee matches ``rate``."""

    rate: Decimal
    fee: law.FeeResult
    fee_cents: int
    expenses_cents: int
    vat_cents: int

    @property
    def total_cents(self) -> int:
        return self.fee_cents + self.expenses_cents + self.vat_cents


@dataclass(frozen=True)
class CasePosition:
    """Amounts of one case as of a date, in cents."""

    case_id: int
    as_of: date
    status: str
    claims: tuple[ClaimPosition, ...]
    fee_rate: Decimal
    fee_result: law.FeeResult
    fee_cents: int
    expenses_cents: int
    vat_cents: int
    paid_cents: int
    refund_cents: int
    written_off_cents: int
    explanation: list[dict[str, Any]] = field(default_factory=list)

    @property
    def principal_cents(self) -> int:
        return sum(claim.principal_cents for claim in self.claims)

    @property
    def interest_cents(self) -> int:
        return sum(claim.interest_cents for claim in self.claims)

    @property
    def costs_cents(self) -> int:
        return sum(claim.costs_cents for claim in self.claims)

    @property
    def open_cents(self) -> int:
        return (
            self.principal_cents
            + self.interest_cents
            + self.costs_cents
            + self.fee_cents
            + self.expenses_cents
            + self.vat_cents
        )


def rate_on(case_row: sa.Row[Any], regular_rate: Decimal, on: date) -> Decimal:
    """Return the fee rate that applies when the case is paid in full on ``on``."""
    return law.fee_rate_for(
        case_row.mandate_date, case_row.first_demand_on, on, default_rate=regular_rate
    )


def charged_fee(conn: sa.Connection, case_id: int) -> dict[str, int]:
    """Return fee, expenses and VAT charged so far (payments not deducted)."""
    rows = conn.execute(_CHARGED_FEE, {"fee_case_id": case_id})
    totals = {account: int(total) for account, total in rows}
    return {account: totals.get(account, 0) for account in ledger.COLLECTOR_COMPONENTS}


def fee_adjustment(
    conn: sa.Connection, case_row: sa.Row[Any], rate: Decimal, value_cents: int
) -> FeeAdjustment:
    """Return what must be booked so the charged fee equals the fee at ``rate``."""
    target = law.collection_fee(
        value_cents, case_row.mandate_date, rate, vat=case_row.vat_charged
    )
    charged = charged_fee(conn, case_row.id)
    return FeeAdjustment(
        rate=rate,
        fee=target,
        fee_cents=target.fee_cents - charged[ledger.DEBTOR_FEE],
        expenses_cents=target.expenses_cents - charged[ledger.DEBTOR_EXPENSES],
        vat_cents=target.vat_cents - charged[ledger.DEBTOR_VAT],
    )


FEE_RULE = "Nr. 2300, 7002, 7008 VV RVG; § 13 RVG; § 13e RDG"


def fee_entry(
    case_id: int,
    target: law.FeeResult,
    explanation: Mapping[str, Any],
    *,
    charged: Mapping[str, int],
    still_open: Mapping[str, int],
    charged_before: bool,
    booked_on: date,
) -> ledger.Entry | None:
    """Return the journal entry that brings the charged fee to ``target``.

    ``charged`` and ``still_open`` give, per collector account, what was
    charged so far and what the debtor still owes. A reduction never takes
    away more than is still open of a component. Returns None when nothing
    changes.
    """
    parts = {
        account: max(
            getattr(target, COMPONENT_CENTS[account]) - charged.get(account, 0),
            -still_open.get(account, 0),
        )
        for account in ledger.COLLECTOR_COMPONENTS
    }
    if not any(parts.values()):
        return None
    return ledger.Entry(
        case_id=case_id,
        kind="fee_adjustment" if charged_before else "fee",
        booked_on=booked_on,
        rule=FEE_RULE,
        table_version=target.table_version,
        lines=[
            *(ledger.Line(account, amount) for account, amount in parts.items()),
            ledger.Line(ledger.COLLECTOR_FEES, -sum(parts.values())),
        ],
        explanation=explanation,
    )


# The FeeResult field of each collector account.
COMPONENT_CENTS = {
    ledger.DEBTOR_FEE: "fee_cents",
    ledger.DEBTOR_EXPENSES: "expenses_cents",
    ledger.DEBTOR_VAT: "vat_cents",
}


def claim_positions(
    conn: sa.Connection, case_id: int, as_of: date, *, interest: bool = True
) -> list[ClaimPosition]:
    """Return the claims of a case with interest accrued up to ``as_of``."""
    balances = ledger.open_balance(conn, case_id)
    rows = conn.execute(_CASE_ITEMS, {"position_case_id": case_id}).all()
    claims = []
    for row in rows:
        principal = balances.get((row.id, ledger.DEBTOR_PRINCIPAL), 0)
        booked_interest = balances.get((row.id, ledger.DEBTOR_INTEREST), 0)
        result = None
        start = row.interest_until or row.default_start
        if interest and principal > 0 and start is not None and as_of > start:
            result = law.default_interest(
                principal,
                start,
                as_of,
                consumer=row.consumer,
                obligation_date=row.contract_date or row.invoice_date or row.due_date,
            )
        accrued = result.interest_cents if result else 0
        claims.append(
            ClaimPosition(
                item_id=row.id,
                item_ref=row.item_ref,
                due_date=row.due_date,
                arose_on=row.contract_date or row.invoice_date or row.due_date,
                default_start=row.default_start,
                consumer=row.consumer,
                contract_date=row.contract_date,
                principal_cents=principal,
                interest_cents=booked_interest + accrued,
                accrued_interest_cents=accrued,
                costs_cents=balances.get((row.id, ledger.DEBTOR_COSTS), 0),
                interest=result,
            )
        )
    return claims


def case_position(
    conn: sa.Connection, case_id: int, as_of: date, regular_rate: Decimal
) -> CasePosition:
    """Return what the debtor owes on the case when paying on ``as_of``."""
    case_row = conn.execute(_CASE, {"position_case_id": case_id}).one()
    balance = conn.execute(_BALANCE, {"position_case_id": case_id}).one()
    active = case_row.status == "open"
    claims = claim_positions(conn, case_id, as_of, interest=active)
    fee = balance.fee_cents
    expenses = balance.expenses_cents
    vat = balance.vat_cents
    rate = Decimal(case_row.fee_rate)
    if active:
        rate = rate_on(case_row, regular_rate, as_of)
        adjust = fee_adjustment(conn, case_row, rate, case_row.fee_value_cents)
        fee = max(0, fee + adjust.fee_cents)
        expenses = max(0, expenses + adjust.expenses_cents)
        vat = max(0, vat + adjust.vat_cents)
        fee_result = adjust.fee
    else:
        fee_result = law.collection_fee(
            case_row.fee_value_cents,
            case_row.mandate_date,
            rate,
            vat=case_row.vat_charged,
        )
    explanation: list[dict[str, Any]] = [
        {"component": "fee", **fee_result.explanation.to_dict()}
    ]
    for claim in claims:
        if claim.interest is not None:
            explanation.append(
                {
                    "component": "interest",
                    "item_ref": claim.item_ref,
                    **claim.interest.explanation.to_dict(),
                }
            )
    return CasePosition(
        case_id=case_id,
        as_of=as_of,
        status=case_row.status,
        claims=tuple(claims),
        fee_rate=rate,
        fee_result=fee_result,
        fee_cents=fee,
        expenses_cents=expenses,
        vat_cents=vat,
        paid_cents=balance.paid_cents,
        refund_cents=balance.refund_cents,
        written_off_cents=balance.written_off_cents,
        explanation=explanation,
    )


# Built once: these run for every payment and every case shown, and
# building and keying a statement costs more than running it.
_CHARGED_FEE = (
    sa.select(posting.c.account, sa.func.sum(posting.c.amount_cents))
    .join(journal_entry, journal_entry.c.id == posting.c.entry_id)
    .where(
        posting.c.case_id == sa.bindparam("fee_case_id"),
        posting.c.account.in_(ledger.COLLECTOR_COMPONENTS),
        journal_entry.c.kind.in_(("fee", "fee_adjustment")),
    )
    .group_by(posting.c.account)
)
_CASE_ITEMS = (
    sa.select(item)
    .where(item.c.case_id == sa.bindparam("position_case_id"))
    .order_by(item.c.due_date, item.c.id)
)
_CASE = sa.select(case).where(case.c.id == sa.bindparam("position_case_id"))
_BALANCE = sa.select(case_balance).where(
    case_balance.c.case_id == sa.bindparam("position_case_id")
)
