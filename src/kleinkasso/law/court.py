"""Cost estimate of a court dunning procedure (gerichtliches Mahnverfahren).

The estimate covers the applicant's costs through the enforcement order for
one matter: the court fee GKG KV Nr. 1100, the representative's procedure
fee Nr. 3305 VV RVG and enforcement-order fee Nr. 3308 VV RVG from the
§ 13 Abs. 1 table, one flat rate for expenses (Nr. 7002) for both because
they form one matter, and VAT on the representative's part when asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kleinkasso.law.explanation import Explanation, Phrase
from kleinkasso.law.fee_tables import GKG_SCALES, KV_1100_MINIMUMS, RVG_SCALES, in_force
from kleinkasso.law.fees import fee_amount, flat_rate_expenses, vat_on
from kleinkasso.law.money import cents_to_euros, require_cents, round_half_up_cents

__all__ = ["CourtCostEstimate", "court_dunning_costs"]

COURT_FEE_RATE = Decimal("0.5")  # GKG KV Nr. 1100
PROCEDURE_FEE_RATE = Decimal("1.0")  # Nr. 3305 VV RVG
ENFORCEMENT_FEE_RATE = Decimal("0.5")  # Nr. 3308 VV RVG


@dataclass(frozen=True)
class CourtCostEstimate:
    """Estimated costs of a dunning order and enforcement order, in cents."""

    court_fee_cents: int
    procedure_fee_cents: int
    enforcement_fee_cents: int
    expenses_cents: int
    vat_cents: int
    total_cents: int
    explanation: Explanation


def court_dunning_costs(
    value_cents: int, filing_date: date, *, vat: bool = False
) -> CourtCostEstimate:
    """Estimate the costs of a court dunning procedure for one matter.

    ``value_cents`` is the principal claimed; ``filing_date`` chooses the
    court fee table and, standing in for the mandate date, the RVG table.
    Under the 2025 tables a 5-euro claim costs 38.00 + 51.50 + 25.75 +
    15.45 = 130.70 euros before VAT.

    NOTE: the credit of half the earlier business fee against the procedure
    fee (Vorbem. 3 Abs. 4 VV RVG) is not deducted, so this is an upper
    estimate; how that credit works when the business fee used the
    § 13 Abs. 2 RVG step is unsettled.
    """
    require_cents("value_cents", value_cents)
    court_scale = in_force(GKG_SCALES, filing_date, "GKG § 34")
    rvg_scale = in_force(RVG_SCALES, filing_date, "RVG § 13")
    minimum = in_force(KV_1100_MINIMUMS, filing_date, "GKG KV 1100").fee_cents

    court_base = court_scale.fee(value_cents)
    court_fee = max(
        round_half_up_cents(COURT_FEE_RATE * cents_to_euros(court_base)), minimum
    )
    rvg_base = rvg_scale.fee(value_cents)
    procedure_fee = fee_amount(PROCEDURE_FEE_RATE, rvg_base)
    enforcement_fee = fee_amount(ENFORCEMENT_FEE_RATE, rvg_base)
    expenses = flat_rate_expenses(procedure_fee + enforcement_fee)
    vat_cents = vat_on(procedure_fee + enforcement_fee + expenses) if vat else 0
    total = court_fee + procedure_fee + enforcement_fee + expenses + vat_cents

    euros = {
        name: str(cents_to_euros(cents))
        for name, cents in (
            ("value", value_cents),
            ("court_base", court_base),
            ("court_fee", court_fee),
            ("minimum", minimum),
            ("rvg_base", rvg_base),
            ("procedure_fee", procedure_fee),
            ("enforcement_fee", enforcement_fee),
            ("expenses", expenses),
            ("vat", vat_cents),
            ("total", total),
        )
    }
    steps = (
        f"KV 1100: max({COURT_FEE_RATE} × {euros['court_base']}, "
        f"{euros['minimum']}) = {euros['court_fee']}",
        f"Nr. 3305: {PROCEDURE_FEE_RATE} × {euros['rvg_base']} "
        f"= {euros['procedure_fee']}",
        f"Nr. 3308: {ENFORCEMENT_FEE_RATE} × {euros['rvg_base']} "
        f"= {euros['enforcement_fee']}",
        f"Nr. 7002: 20 % × ({euros['procedure_fee']} + {euros['enforcement_fee']}) "
        f"= {euros['expenses']}",
        f"Nr. 7008: {euros['vat']}",
        f"total: {euros['total']}",
    )

    def pick(*names: str) -> dict[str, str]:
        return {name: euros[name] for name in names}

    phrases = (
        Phrase("court.court_fee", pick("court_base", "minimum", "court_fee")),
        Phrase(
            "court.lawyer_fees", pick("procedure_fee", "enforcement_fee", "expenses")
        ),
        Phrase("court.vat", pick("vat")) if vat else Phrase("court.no_vat"),
        Phrase("court.total", pick("total", "value")),
    )
    inputs = {
        "value": euros["value"],
        "filing_date": filing_date.isoformat(),
        "vat": "true" if vat else "false",
    }
    explanation = Explanation(
        "GKG KV Nr. 1100, Nr. 3305, 3308, 7002 VV RVG",
        f"{court_scale.name}; {rvg_scale.name}",
        inputs,
        steps,
        phrases,
    )
    return CourtCostEstimate(
        court_fee,
        procedure_fee,
        enforcement_fee,
        expenses,
        vat_cents,
        total,
        explanation,
    )
