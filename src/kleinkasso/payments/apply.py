"""Apply an incoming payment to a case (§§ 366, 367 BGB).

Before the money is allocated, the case is brought up to the payment day:
default interest is booked up to the day before the money arrived, and the
collection fee is set to the rate that this payment earns (0.5 when it
settles the case within the early window after the first demand). Then the
payment goes to costs, interest and principal in the order of § 367, across
claims in the order of § 366 Abs. 2; anything left over is owed back to the
debtor.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from kleinkasso import law
from kleinkasso.api.events import (
    CASE_PAID,
    CASE_WRITTEN_OFF,
    PAYMENT_RECEIVED,
    record_event,
)
from kleinkasso.cases import ledger
from kleinkasso.cases.position import EARLY_RATE, claim_positions, fee_adjustment
from kleinkasso.cases.service import book_fee
from kleinkasso.policy.creditor_config import CreditorConfig
from kleinkasso.store.schema import case, case_balance, item, outbox

log = logging.getLogger(__name__)

CASE_KEY = "case"

ACCOUNT_OF = {
    law.Component.PRINCIPAL: ledger.DEBTOR_PRINCIPAL,
    law.Component.INTEREST: ledger.DEBTOR_INTEREST,
    law.Component.COSTS: ledger.DEBTOR_COSTS,
}


@dataclass(frozen=True)
class PaymentOutcome:
    """The effect of one payment on a case."""

    case_id: int
    amount_cents: int
    allocated_cents: int
    refund_cents: int
    written_off_cents: int
    paid_in_full: bool
    closed_case: bool = False  # this payment settled an open case


def _book_interest(
    conn: sa.Connection, config: CreditorConfig, case_id: int, on: date, now: datetime
) -> None:
    lines: list[ledger.Line] = []
    explanation = []
    for claim in claim_positions(conn, case_id, on):
        if claim.interest is None:
            continue
        if claim.accrued_interest_cents:
            lines += [
                ledger.Line(
                    ledger.DEBTOR_INTEREST, claim.accrued_interest_cents, claim.item_id
                ),
                ledger.Line(ledger.CREDITOR_CLAIMS, -claim.accrued_interest_cents),
            ]
            explanation.append(
                {"item_ref": claim.item_ref, **claim.interest.explanation.to_dict()}
            )
        conn.execute(_SET_INTEREST_UNTIL, {"claim_item_id": claim.item_id, "on": on})
    if lines:
        ledger.post(
            conn,
            creditor_id=config.id,
            case_id=case_id,
            kind="interest",
            booked_on=on,
            rule="§ 288 Abs. 1 BGB",
            lines=lines,
            now=now,
            explanation={"claims": explanation},
        )


def _open_total(balance: sa.Row[Any]) -> int:
    return int(
        balance.principal_cents
        + balance.interest_cents
        + balance.costs_cents
        + balance.fee_cents
        + balance.expenses_cents
        + balance.vat_cents
    )


def _balance(conn: sa.Connection, case_id: int) -> sa.Row[Any]:
    return conn.execute(_SELECT_BALANCE, {"balance_case_id": case_id}).one()


def _settle_fee_rate(
    conn: sa.Connection,
    config: CreditorConfig,
    case_row: sa.Row[Any],
    amount_cents: int,
    booked_on: date,
    now: datetime,
) -> None:
    """Book the fee at the rate this payment earns."""
    regular = Decimal(config.dunning.regular_fee_rate)
    if case_row.first_demand_on is None:
        return
    deadline = law.simple_case_deadline(case_row.mandate_date, case_row.first_demand_on)
    if booked_on > deadline:
        target = regular
    else:
        at_early = fee_adjustment(conn, case_row, EARLY_RATE, case_row.fee_value_cents)
        needed = _open_total(_balance(conn, case_row.id)) + at_early.total_cents
        residual = config.dunning.residual_write_off_cents
        target = (
            EARLY_RATE
            if amount_cents >= needed - residual
            else Decimal(case_row.fee_rate)
        )
    book_fee(conn, config.id, case_row, target, booked_on, now)


def apply_payment(
    conn: sa.Connection,
    config: CreditorConfig,
    case_id: int,
    amount_cents: int,
    booked_on: date,
    *,
    source_key: str,
    now: datetime,
) -> PaymentOutcome:
    """Allocate ``amount_cents`` received on ``booked_on`` to the case."""
    if amount_cents <= 0:
        raise ValueError(f"payment amount must be above 0 cents, got {amount_cents}")
    case_row = conn.execute(_SELECT_CASE, {"payment_case_id": case_id}).one()
    if case_row.status == "open":
        _book_interest(conn, config, case_id, booked_on, now)
        _settle_fee_rate(conn, config, case_row, amount_cents, booked_on, now)

    balances = ledger.open_balance(conn, case_id)
    balance = _balance(conn, case_id)
    case_costs = balance.fee_cents + balance.expenses_cents + balance.vat_cents
    claims = [
        law.OpenClaim(
            key=CASE_KEY,
            due_date=case_row.first_demand_on or case_row.opened_on,
            arose_on=case_row.opened_on,
            costs_cents=case_costs,
            interest_cents=0,
            principal_cents=0,
        )
    ]
    rows = conn.execute(_SELECT_ITEMS, {"payment_case_id": case_id}).all()
    for row in rows:
        claims.append(
            law.OpenClaim(
                key=f"item:{row.id:012d}",
                due_date=row.due_date,
                arose_on=row.contract_date or row.invoice_date or row.due_date,
                costs_cents=balances.get((row.id, ledger.DEBTOR_COSTS), 0),
                interest_cents=balances.get((row.id, ledger.DEBTOR_INTEREST), 0),
                principal_cents=balances.get((row.id, ledger.DEBTOR_PRINCIPAL), 0),
            )
        )
    if case_row.status == "closed":
        # The creditor settled the case directly: nothing is owed any more,
        # so the whole payment goes back to the debtor.
        claims = [
            replace(claim, costs_cents=0, interest_cents=0, principal_cents=0)
            for claim in claims
        ]
    allocation = law.allocate_payment(amount_cents, claims, as_of=booked_on)

    lines = [ledger.Line(ledger.BANK, amount_cents)]
    to_creditor = 0
    to_collector = 0
    case_parts: dict[str, int] = defaultdict(int)
    for line in allocation.lines:
        if line.key == CASE_KEY:
            case_parts["costs"] += line.cents
            continue
        item_id = int(line.key.split(":", 1)[1])
        lines.append(ledger.Line(ACCOUNT_OF[line.component], -line.cents, item_id))
        to_creditor += line.cents
    remaining = case_parts["costs"]
    for account, column in (
        (ledger.DEBTOR_FEE, "fee_cents"),
        (ledger.DEBTOR_EXPENSES, "expenses_cents"),
        (ledger.DEBTOR_VAT, "vat_cents"),
    ):
        part = min(remaining, getattr(balance, column))
        lines.append(ledger.Line(account, -part))
        remaining -= part
        to_collector += part
    lines += [
        ledger.Line(ledger.CREDITOR_CLAIMS, to_creditor),
        ledger.Line(ledger.CREDITOR_PAYABLE, -to_creditor),
        ledger.Line(ledger.COLLECTOR_FEES, to_collector),
        ledger.Line(ledger.COLLECTOR_INCOME, -to_collector),
        ledger.Line(ledger.DEBTOR_REFUND, -allocation.remainder_cents),
    ]
    ledger.post(
        conn,
        creditor_id=config.id,
        case_id=case_id,
        kind="payment",
        booked_on=booked_on,
        rule="§§ 366, 367 BGB",
        lines=lines,
        now=now,
        explanation=allocation.explanation.to_dict(),
        source_key=source_key,
    )
    record_event(
        conn,
        config.id,
        PAYMENT_RECEIVED,
        now,
        case_ref=case_row.case_ref,
        data={
            "booked_on": str(booked_on),
            "amount_cents": amount_cents,
            "owed_back_cents": allocation.remainder_cents,
        },
    )
    written_off = _write_off_residual(conn, config, case_id, booked_on, now)
    if written_off:
        record_event(
            conn,
            config.id,
            CASE_WRITTEN_OFF,
            now,
            case_ref=case_row.case_ref,
            data={"written_off_cents": written_off},
        )
    paid_in_full = _open_total(_balance(conn, case_id)) == 0
    closed_now = paid_in_full and case_row.status == "open"
    if closed_now:
        _close_paid(conn, case_id, booked_on)
        # The creditor restores the customer's account on this event.
        record_event(
            conn,
            config.id,
            CASE_PAID,
            now,
            case_ref=case_row.case_ref,
            data={"paid_on": str(booked_on)},
        )
    log.info(
        "payment %s on case %s: %d cents, %d owed back, %d written off",
        source_key,
        case_row.case_ref,
        amount_cents,
        allocation.remainder_cents,
        written_off,
    )
    return PaymentOutcome(
        case_id=case_id,
        amount_cents=amount_cents,
        allocated_cents=amount_cents - allocation.remainder_cents,
        refund_cents=allocation.remainder_cents,
        written_off_cents=written_off,
        paid_in_full=paid_in_full,
        closed_case=closed_now,
    )


def _write_off_residual(
    conn: sa.Connection, config: CreditorConfig, case_id: int, on: date, now: datetime
) -> int:
    """Write off a remainder below the creditor's threshold, e.g. a cent of interest."""
    balance = _balance(conn, case_id)
    total = _open_total(balance)
    if total == 0 or total > config.dunning.residual_write_off_cents:
        return 0
    lines: list[ledger.Line] = []
    for (item_id, account), amount in sorted(
        ledger.open_balance(conn, case_id).items(),
        key=lambda pair: (pair[0][0] or 0, pair[0][1]),
    ):
        if amount <= 0:
            continue
        counter = (
            ledger.CREDITOR_CLAIMS
            if account in ledger.CREDITOR_COMPONENTS
            else ledger.COLLECTOR_FEES
        )
        lines += [ledger.Line(account, -amount, item_id), ledger.Line(counter, amount)]
    ledger.post(
        conn,
        creditor_id=config.id,
        case_id=case_id,
        kind="write_off",
        booked_on=on,
        rule=f"residual up to {config.dunning.residual_write_off_cents} cents",
        lines=lines,
        now=now,
        explanation={"residual_cents": total},
    )
    return total


def _close_paid(conn: sa.Connection, case_id: int, on: date) -> None:
    conn.execute(_CLOSE_CASE, {"paid_case_id": case_id, "on": on})
    conn.execute(
        _SETTLE_ITEMS, {"paid_case_id": case_id, "paid_reason": f"paid on {on}"}
    )
    # Nothing may still go out to a debtor who has paid.
    conn.execute(_CANCEL_MESSAGES, {"paid_case_id": case_id})


# The statements of a payment, built once: a statement import applies
# thousands of payments, and building and keying a statement costs more
# than running it on an indexed row.
_SELECT_CASE = sa.select(case).where(case.c.id == sa.bindparam("payment_case_id"))
_SELECT_BALANCE = sa.select(case_balance).where(
    case_balance.c.case_id == sa.bindparam("balance_case_id")
)
_SELECT_ITEMS = (
    sa.select(item)
    .where(item.c.case_id == sa.bindparam("payment_case_id"))
    .order_by(item.c.id)
)
_SET_INTEREST_UNTIL = (
    item.update()
    .where(item.c.id == sa.bindparam("claim_item_id"))
    .values(interest_until=sa.bindparam("on"))
)
_CLOSE_CASE = (
    case.update()
    .where(case.c.id == sa.bindparam("paid_case_id"), case.c.status == "open")
    .values(status="paid", closed_on=sa.bindparam("on"))
)
_SETTLE_ITEMS = (
    item.update()
    .where(item.c.case_id == sa.bindparam("paid_case_id"))
    .values(state="settled", reason=sa.bindparam("paid_reason"))
)
_CANCEL_MESSAGES = (
    outbox.update()
    .where(
        outbox.c.case_id == sa.bindparam("paid_case_id"), outbox.c.status == "pending"
    )
    .values(status="cancelled", last_error="case paid")
)
