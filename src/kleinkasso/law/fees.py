"""Collection fees: Nr. 2300 and Nr. 1000 VV RVG with § 13 RVG.

A fee is the rate times the 1.0 fee of the table in force on the mandate
date (§ 60 Abs. 1 RVG), rounded half up to the cent (§ 2 Abs. 2 Satz 2 RVG)
and at least 15 euros. The flat rate for post and telecommunication
(Nr. 7002 VV) adds 20 % of the fees, at most 20 euros per matter, and VAT
(Nr. 7008 VV, 19 %) is added only when the creditor cannot deduct input tax.
The value of a matter is the sum of the principals bundled in it; interest
and costs do not count (§ 22 Abs. 1, § 23 Abs. 1 RVG with § 43 Abs. 1 GKG).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from kleinkasso.law.errors import InvalidAmountError, InvalidRateError
from kleinkasso.law.explanation import Explanation, Phrase
from kleinkasso.law.fee_tables import RVG_COLLECTION_STEPS, RVG_SCALES, in_force
from kleinkasso.law.money import cents_to_euros, require_cents, round_half_up_cents

__all__ = [
    "COLLECTION_STEP_FROM",
    "DISPUTED_RATE_RANGE",
    "EXPENSES_CAP_CENTS",
    "MINIMUM_FEE_CENTS",
    "SIMPLE_CASE_RATE",
    "SIMPLE_CASE_WINDOW_DAYS",
    "UNCONTESTED_RATE_RANGE",
    "VAT_PERCENT",
    "FeeResult",
    "collection_fee",
    "fee_amount",
    "fee_rate_for",
    "flat_rate_expenses",
    "payment_plan_fee",
    "recoverable_reminder_costs",
    "rvg_base_fee",
    "simple_case_deadline",
    "vat_on",
]

MINIMUM_FEE_CENTS = 1_500
EXPENSES_PERCENT = Decimal("20")
EXPENSES_CAP_CENTS = 2_000
# NOTE: VAT is always 19 %. The temporary 16 % rate of 2020-07-01 to
# 2020-12-31 depends on the day the service was completed, which these
# functions do not receive.
VAT_PERCENT = Decimal("19")

# Anm. Abs. 2 to Nr. 2300 VV RVG and § 13 Abs. 2 RVG, both from 2021-10-01.
COLLECTION_STEP_FROM = date(2021, 10, 1)
UNCONTESTED_RATE_RANGE = (Decimal("0.5"), Decimal("1.3"))
DISPUTED_RATE_RANGE = (Decimal("0.5"), Decimal("2.5"))
SIMPLE_CASE_RATE = Decimal("0.5")
REGULAR_RATE = Decimal("0.9")

# Nr. 1000 Nr. 2 VV RVG with § 31b RVG from 2021-10-01; before that Nr. 1000
# with 1.5 on 20 % of the claim.
PAYMENT_PLAN_RATE = Decimal("0.7")
PAYMENT_PLAN_SHARE_PERCENT = 50
OLD_PAYMENT_PLAN_RATE = Decimal("1.5")
OLD_PAYMENT_PLAN_SHARE_PERCENT = 20

# The simple case of Anm. Abs. 2 Satz 2 to Nr. 2300 VV RVG: from 2025-06-01
# payment "within two weeks after the first payment demand"; before, payment
# "on the first demand", for which the demand's own 14-day deadline is used.
SIMPLE_CASE_WINDOW_DAYS = 14


@dataclass(frozen=True)
class FeeResult:
    """One fee with its expenses and VAT, all in cents."""

    value_cents: int
    mandate_date: date
    rate: Decimal
    base_fee_cents: int  # the 1.0 fee that applies
    fee_cents: int  # rate x base fee, at least 15 euros, rounded half up
    expenses_cents: int  # Nr. 7002 VV RVG
    vat_cents: int  # Nr. 7008 VV RVG, 0 unless vat=True
    total_cents: int
    table_version: str
    explanation: Explanation


def rvg_base_fee(
    value_cents: int, mandate_date: date, *, collection_step: bool = False
) -> tuple[int, str]:
    """Return the 1.0 fee in cents and the table version for a value.

    With ``collection_step`` a value up to 50 euros gets the fixed 1.0 fee of
    § 13 Abs. 2 RVG (30.00 from 2021-10-01, 31.50 from 2025-06-01); before
    2021-10-01, or above 50 euros, the § 13 Abs. 1 table applies. Raises
    ``FeeTableUnknownError`` for mandates before 2013-08-01.
    """
    require_cents("value_cents", value_cents)
    if collection_step and mandate_date >= COLLECTION_STEP_FROM:
        step = in_force(RVG_COLLECTION_STEPS, mandate_date, "RVG § 13 Abs. 2")
        if value_cents <= step.up_to_cents:
            return step.fee_cents, step.name
    scale = in_force(RVG_SCALES, mandate_date, "RVG § 13")
    return scale.fee(value_cents), scale.name


def fee_amount(rate: Decimal, base_fee_cents: int) -> int:
    """Return ``rate`` times a 1.0 fee, rounded half up and at least 15 euros."""
    fee = round_half_up_cents(rate * cents_to_euros(base_fee_cents))
    return max(fee, MINIMUM_FEE_CENTS)


def flat_rate_expenses(fees_cents: int) -> int:
    """Return Nr. 7002 VV RVG: 20 % of the fees, at most 20 euros, in cents.

    The cap applies once per matter, so pass the sum of all fees of the
    matter when a matter has more than one.
    """
    require_cents("fees_cents", fees_cents)
    share = round_half_up_cents(cents_to_euros(fees_cents) * EXPENSES_PERCENT / 100)
    return min(share, EXPENSES_CAP_CENTS)


def vat_on(net_cents: int) -> int:
    """Return 19 % VAT on ``net_cents`` (Nr. 7008 VV RVG), rounded half up."""
    require_cents("net_cents", net_cents)
    return round_half_up_cents(cents_to_euros(net_cents) * VAT_PERCENT / 100)


def collection_fee(
    value_cents: int,
    mandate_date: date,
    rate: Decimal = REGULAR_RATE,
    *,
    vat: bool = False,
    disputed: bool = False,
) -> FeeResult:
    """Compute the business fee for collection, Nr. 2300 VV RVG.

    For an uncontested claim the rate must lie from 0.5 to 1.3 (Anm. Abs. 2)
    and a value up to 50 euros uses the § 13 Abs. 2 step. A disputed claim
    uses the § 13 Abs. 1 table with rates from 0.5 to 2.5; above 1.3 the work
    must have been extensive or difficult, which the caller decides. Raises
    ``InvalidRateError`` for a rate outside the range.
    """
    require_cents("value_cents", value_cents)
    low, high = DISPUTED_RATE_RANGE if disputed else UNCONTESTED_RATE_RANGE
    _check_rate(rate, low, high, "Nr. 2300 VV RVG")
    base_cents, table_version = rvg_base_fee(
        value_cents, mandate_date, collection_step=not disputed
    )
    regime = "fee.disputed" if disputed else "fee.uncontested"
    return _fee_result(
        rule="Nr. 2300 VV RVG",
        value_cents=value_cents,
        fee_value_cents=value_cents,
        mandate_date=mandate_date,
        rate=rate,
        base_cents=base_cents,
        table_version=table_version,
        vat=vat,
        lead=(Phrase(regime, {"low": str(low), "high": str(high)}),),
        extra_inputs={"disputed": _flag(disputed)},
    )


def payment_plan_fee(
    value_cents: int, mandate_date: date, *, vat: bool = False
) -> FeeResult:
    """Compute the settlement fee for a payment plan, Nr. 1000 Nr. 2 VV RVG.

    ``value_cents`` is the claim; the fee value is 50 % of it (§ 31b RVG) and
    the rate 0.7, both from 2021-10-01. Earlier mandates use 1.5 on 20 %. The
    § 13 Abs. 1 table applies because the 50-euro step of § 13 Abs. 2 covers
    only the business fee. ``FeeResult.value_cents`` is the claim value.
    """
    require_cents("value_cents", value_cents)
    if mandate_date >= COLLECTION_STEP_FROM:
        rule = "Nr. 1000 Nr. 2 VV RVG, § 31b RVG"
        rate, share = PAYMENT_PLAN_RATE, PAYMENT_PLAN_SHARE_PERCENT
    else:
        rule = "Nr. 1000 VV RVG, § 31b RVG a.F."
        rate, share = OLD_PAYMENT_PLAN_RATE, OLD_PAYMENT_PLAN_SHARE_PERCENT
    # The share can end in half a cent. Rounding up keeps a value just above a
    # table limit above it, because every limit is a whole number of cents.
    fee_value_cents = -(-value_cents * share // 100)
    base_cents, table_version = rvg_base_fee(fee_value_cents, mandate_date)
    return _fee_result(
        rule=rule,
        value_cents=value_cents,
        fee_value_cents=fee_value_cents,
        mandate_date=mandate_date,
        rate=rate,
        base_cents=base_cents,
        table_version=table_version,
        vat=vat,
        lead=(
            Phrase(
                "fee.plan_value",
                {
                    "value": str(cents_to_euros(value_cents)),
                    "share": str(share),
                    "fee_value": str(cents_to_euros(fee_value_cents)),
                },
            ),
        ),
        extra_inputs={},
    )


def simple_case_deadline(mandate_date: date, first_demand_on: date) -> date:
    """Return the last day on which full payment makes the case a simple one.

    For mandates from 2025-06-01 the law names two weeks after the first
    payment demand. Before, it named payment "on the first demand", so the
    payment deadline of that demand is used instead, which kleinkasso sets
    at 14 days. The day is not moved by § 193 BGB.
    """
    del mandate_date  # both regimes give the same day with a 14-day deadline
    return first_demand_on + timedelta(days=SIMPLE_CASE_WINDOW_DAYS)


def fee_rate_for(
    mandate_date: date,
    first_demand_on: date | None,
    paid_in_full_on: date | None,
    *,
    default_rate: Decimal = REGULAR_RATE,
) -> Decimal:
    """Return 0.5 when the claim was paid in full by the simple-case deadline.

    Otherwise, and when no first demand or no full payment is known, return
    ``default_rate``.
    """
    _check_rate(default_rate, *DISPUTED_RATE_RANGE, "Nr. 2300 VV RVG")
    if first_demand_on is None or paid_in_full_on is None:
        return default_rate
    if paid_in_full_on <= simple_case_deadline(mandate_date, first_demand_on):
        return SIMPLE_CASE_RATE
    return default_rate


def recoverable_reminder_costs(reminder_count: int, material_cost_cents: int) -> int:
    """Return the recoverable cost of the creditor's own reminders in cents.

    Only material costs (print, envelope, postage) of each reminder after the
    first count, because the first reminder creates the default and costs
    before default are no damage (§ 286 BGB). ``material_cost_cents`` is the
    cost of one reminder.
    """
    require_cents("material_cost_cents", material_cost_cents)
    if isinstance(reminder_count, bool) or not isinstance(reminder_count, int):
        raise InvalidAmountError("reminder_count", reminder_count, "an integer count")
    if reminder_count < 0:
        raise InvalidAmountError("reminder_count", reminder_count, "zero or more")
    return max(0, reminder_count - 1) * material_cost_cents


def _check_rate(rate: Decimal, low: Decimal, high: Decimal, rule: str) -> None:
    if not isinstance(rate, Decimal) or not rate.is_finite():
        raise InvalidRateError(rate, low, high, rule)
    if not low <= rate <= high:
        raise InvalidRateError(rate, low, high, rule)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _fee_result(
    *,
    rule: str,
    value_cents: int,
    fee_value_cents: int,
    mandate_date: date,
    rate: Decimal,
    base_cents: int,
    table_version: str,
    vat: bool,
    lead: tuple[Phrase, ...],
    extra_inputs: dict[str, str],
) -> FeeResult:
    base = cents_to_euros(base_cents)
    raw_fee_cents = round_half_up_cents(rate * base)
    fee_cents = fee_amount(rate, base_cents)
    expenses_cents = flat_rate_expenses(fee_cents)
    vat_cents = vat_on(fee_cents + expenses_cents) if vat else 0
    total_cents = fee_cents + expenses_cents + vat_cents

    euros = {
        "value": str(cents_to_euros(value_cents)),
        "fee_value": str(cents_to_euros(fee_value_cents)),
        "base": str(base),
        "raw_fee": str(cents_to_euros(raw_fee_cents)),
        "fee": str(cents_to_euros(fee_cents)),
        "expenses": str(cents_to_euros(expenses_cents)),
        "vat": str(cents_to_euros(vat_cents)),
        "total": str(cents_to_euros(total_cents)),
        "net": str(cents_to_euros(fee_cents + expenses_cents)),
    }
    steps = [
        f"1.0 fee: {base} ({table_version}, value {euros['fee_value']})",
        f"fee: {rate} × {base} = {euros['raw_fee']}",
    ]
    phrases = [
        *lead,
        Phrase(
            "fee.base",
            {
                "base": euros["base"],
                "table": table_version,
                "value": euros["fee_value"],
            },
        ),
        Phrase(
            "fee.rate",
            {"rate": str(rate), "base": euros["base"], "fee": euros["raw_fee"]},
        ),
    ]
    # With the packaged tables and rates the lowest fee is 0.5 x 30.00 = 15.00,
    # so the minimum only binds for a future table or a lower rate.
    if fee_cents != raw_fee_cents:  # pragma: no cover
        # The minimum moved from § 13 Abs. 2 to Abs. 3 RVG when the collection
        # step became the new Abs. 2.
        minimum = "§ 13 Abs. 3 RVG"
        if mandate_date < COLLECTION_STEP_FROM:
            minimum = "§ 13 Abs. 2 RVG"
        steps.append(f"minimum {euros['fee']} ({minimum})")
        phrases.append(Phrase("fee.minimum", {"fee": euros["fee"], "rule": minimum}))
    capped = expenses_cents == EXPENSES_CAP_CENTS
    steps.append(
        f"Nr. 7002: {EXPENSES_PERCENT} % × {euros['fee']} = {euros['expenses']}"
        + (" (cap 20.00)" if capped else "")
    )
    phrases.append(
        Phrase(
            "fee.expenses_capped" if capped else "fee.expenses",
            {"fee": euros["fee"], "expenses": euros["expenses"]},
        )
    )
    if vat:
        steps.append(f"Nr. 7008: {VAT_PERCENT} % × {euros['net']} = {euros['vat']}")
        phrases.append(Phrase("fee.vat", {"net": euros["net"], "vat": euros["vat"]}))
    else:
        steps.append("Nr. 7008: no VAT (creditor deducts input tax)")
        phrases.append(Phrase("fee.no_vat"))
    steps.append(
        f"total: {euros['fee']} + {euros['expenses']} + {euros['vat']} "
        f"= {euros['total']}"
    )
    phrases.append(Phrase("fee.total", {"total": euros["total"]}))

    inputs = {
        "value": euros["value"],
        "mandate_date": mandate_date.isoformat(),
        "rate": str(rate),
        "vat": _flag(vat),
        **extra_inputs,
    }
    explanation = Explanation(rule, table_version, inputs, tuple(steps), tuple(phrases))
    return FeeResult(
        value_cents=value_cents,
        mandate_date=mandate_date,
        rate=rate,
        base_fee_cents=base_cents,
        fee_cents=fee_cents,
        expenses_cents=expenses_cents,
        vat_cents=vat_cents,
        total_cents=total_cents,
        table_version=table_version,
        explanation=explanation,
    )
