"""Settlement: what was collected for a creditor, what is forwarded and kept.

A settlement covers every payment booked up to the end of its period that no
earlier settlement covered, so a payment that arrives late for a closed
period lands in the next one instead of being lost. Settling the same period
again returns the stored settlement unchanged.

Per case: ``collected = forwarded + kept``. Forwarded to the creditor are
principal, interest and recoverable costs (bank charges); the collector
keeps the fee, the expenses and the VAT on them. Overpayments owed back to
the debtor are listed apart and are neither forwarded nor kept.
"""

from __future__ import annotations

import calendar
import csv
import io
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, datetime

import sqlalchemy as sa

from kleinkasso import crashpoints
from kleinkasso.cases import ledger
from kleinkasso.store.schema import (
    case,
    journal_entry,
    posting,
    settlement,
    settlement_entry,
)

log = logging.getLogger(__name__)

# A reversal of a payment is settled like the payment, with opposite signs,
# so a payment returned after its settlement lowers the next payout.
SETTLED_KINDS = ("payment", "reversal")
PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# Cells that spreadsheet programs would run as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class PeriodError(ValueError):
    """Raised for a period that is not YYYY-MM."""

    def __init__(self, period: str) -> None:
        super().__init__(
            f"period {period!r} is invalid; expected YYYY-MM such as 2026-11"
        )


@dataclass(frozen=True)
class SettlementLine:
    """One case in a settlement, in cents."""

    case_ref: str
    customer_ref: str
    collected_cents: int
    forwarded_cents: int
    kept_cents: int
    refund_cents: int
    principal_cents: int
    interest_cents: int
    costs_cents: int
    fee_cents: int
    expenses_cents: int
    vat_cents: int


@dataclass(frozen=True)
class Settlement:
    """A creditor's settlement for one period."""

    creditor_id: str
    period: str
    period_end: date
    lines: tuple[SettlementLine, ...]
    created: bool

    def total(self, name: str) -> int:
        return sum(getattr(line, name) for line in self.lines)


def period_end(period: str) -> date:
    """Return the last day of a ``YYYY-MM`` period."""
    match = PERIOD.match(period)
    if not match:
        raise PeriodError(period)
    year, month = int(match[1]), int(match[2])
    return date(year, month, calendar.monthrange(year, month)[1])


COMPONENT_FIELDS = {
    ledger.DEBTOR_PRINCIPAL: "principal_cents",
    ledger.DEBTOR_INTEREST: "interest_cents",
    ledger.DEBTOR_COSTS: "costs_cents",
    ledger.DEBTOR_FEE: "fee_cents",
    ledger.DEBTOR_EXPENSES: "expenses_cents",
    ledger.DEBTOR_VAT: "vat_cents",
}


def _lines(conn: sa.Connection, settlement_id: int) -> tuple[SettlementLine, ...]:
    rows = conn.execute(
        sa.select(
            case.c.case_ref,
            case.c.customer_ref,
            posting.c.account,
            posting.c.amount_cents,
        )
        .select_from(settlement_entry)
        .join(journal_entry, journal_entry.c.id == settlement_entry.c.entry_id)
        .join(posting, posting.c.entry_id == journal_entry.c.id)
        .join(case, case.c.id == journal_entry.c.case_id)
        .where(settlement_entry.c.settlement_id == settlement_id)
    )
    sums: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case_ref, customer_ref, account, amount in rows:
        bucket = sums[(case_ref, customer_ref)]
        if account in COMPONENT_FIELDS:
            bucket[COMPONENT_FIELDS[account]] -= amount
        elif account == ledger.DEBTOR_REFUND:
            bucket["refund_cents"] -= amount
        elif account == ledger.CREDITOR_PAYABLE:
            bucket["forwarded_cents"] -= amount
        elif account == ledger.COLLECTOR_INCOME:
            bucket["kept_cents"] -= amount
    lines = []
    for (case_ref, customer_ref), bucket in sorted(sums.items()):
        lines.append(
            SettlementLine(
                case_ref=case_ref,
                customer_ref=customer_ref,
                collected_cents=bucket["forwarded_cents"] + bucket["kept_cents"],
                forwarded_cents=bucket["forwarded_cents"],
                kept_cents=bucket["kept_cents"],
                refund_cents=bucket["refund_cents"],
                principal_cents=bucket["principal_cents"],
                interest_cents=bucket["interest_cents"],
                costs_cents=bucket["costs_cents"],
                fee_cents=bucket["fee_cents"],
                expenses_cents=bucket["expenses_cents"],
                vat_cents=bucket["vat_cents"],
            )
        )
    return tuple(lines)


def settle(
    engine: sa.Engine, creditor_id: str, period: str, now: datetime
) -> Settlement:
    """Create the creditor's settlement for ``period``, or return the stored one."""
    end = period_end(period)
    with engine.begin() as conn:
        existing = conn.execute(
            sa.select(settlement.c.id).where(
                settlement.c.creditor_id == creditor_id, settlement.c.period == period
            )
        ).scalar_one_or_none()
        if existing is not None:
            return Settlement(
                creditor_id, period, end, _lines(conn, existing), created=False
            )
        entry_ids = (
            conn.execute(
                sa.select(journal_entry.c.id)
                .outerjoin(
                    settlement_entry, settlement_entry.c.entry_id == journal_entry.c.id
                )
                .where(
                    journal_entry.c.creditor_id == creditor_id,
                    journal_entry.c.kind.in_(SETTLED_KINDS),
                    journal_entry.c.booked_on <= end,
                    settlement_entry.c.entry_id.is_(None),
                )
                .order_by(journal_entry.c.id)
            )
            .scalars()
            .all()
        )
        settlement_id = conn.execute(
            settlement.insert()
            .values(
                creditor_id=creditor_id,
                period=period,
                period_end=end,
                collected_cents=0,
                forwarded_cents=0,
                kept_cents=0,
                refund_cents=0,
                created_at=now,
            )
            .returning(settlement.c.id)
        ).scalar_one()
        if entry_ids:
            conn.execute(
                settlement_entry.insert(),
                [
                    {
                        "entry_id": entry_id,
                        "settlement_id": settlement_id,
                        "creditor_id": creditor_id,
                    }
                    for entry_id in entry_ids
                ],
            )
        result = Settlement(
            creditor_id, period, end, _lines(conn, settlement_id), created=True
        )
        forwarded = result.total("forwarded_cents")
        conn.execute(
            settlement.update()
            .where(settlement.c.id == settlement_id)
            .values(
                collected_cents=result.total("collected_cents"),
                forwarded_cents=forwarded,
                kept_cents=result.total("kept_cents"),
                refund_cents=result.total("refund_cents"),
            )
        )
        # The payout to the creditor leaves the collection account.
        ledger.post(
            conn,
            creditor_id=creditor_id,
            case_id=None,
            kind="payout",
            booked_on=end,
            rule=f"settlement {period}",
            lines=[
                ledger.Line(ledger.CREDITOR_PAYABLE, forwarded),
                ledger.Line(ledger.BANK, -forwarded),
            ],
            now=now,
            source_key=f"settlement:{creditor_id}:{period}",
        )
        crashpoints.reached("settle.before_commit")
    log.info(
        "settlement %s for creditor %s: %d cases, %d cents forwarded",
        period,
        creditor_id,
        len(result.lines),
        forwarded,
    )
    return result


def _safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def settlement_csv(result: Settlement) -> bytes:
    """Return the settlement as UTF-8 CSV, one row per case."""
    buffer = io.StringIO()
    names = [field.name for field in fields(SettlementLine)]
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for line in result.lines:
        writer.writerow([_safe_cell(getattr(line, name)) for name in names])
    return buffer.getvalue().encode("utf-8")
