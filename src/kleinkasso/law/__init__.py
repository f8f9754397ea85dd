"""German legal computation for collecting small consumer claims.

The package contains pure functions and dated tables. They cover the base
rate of § 247 BGB, default interest (§ 288 BGB) and the start of default
(§ 286 BGB). They also cover collection and payment plan fees (RVG), the
allocation of payments (§§ 366, 367 BGB), limitation (§§ 195 ff. BGB) and
the costs of a court dunning procedure.
Money crosses the package boundary as integer cents; inside, amounts are
``decimal.Decimal`` or exact fractions. No function reads the clock, a file
other than the packaged tables, or a database. Every result carries an
``Explanation`` naming the rule and the table version.
"""

from kleinkasso.law.allocation import (
    Allocation,
    AllocationLine,
    Component,
    OpenClaim,
    allocate_payment,
)
from kleinkasso.law.base_rate import base_rate
from kleinkasso.law.court import CourtCostEstimate, court_dunning_costs
from kleinkasso.law.default import (
    DefaultFacts,
    DefaultRule,
    DefaultStart,
    default_start,
)
from kleinkasso.law.errors import (
    BaseRateUnknown,
    FeeTableUnknownError,
    InvalidAmountError,
    InvalidDateError,
    InvalidRateError,
    LawError,
    UnknownClaimError,
    UnknownLanguageError,
    UnknownPhraseError,
    UnknownSubdivisionError,
)
from kleinkasso.law.explanation import Explanation, Phrase
from kleinkasso.law.fees import (
    SIMPLE_CASE_WINDOW_DAYS,
    FeeResult,
    collection_fee,
    fee_rate_for,
    flat_rate_expenses,
    payment_plan_fee,
    recoverable_reminder_costs,
    rvg_base_fee,
    simple_case_deadline,
)
from kleinkasso.law.interest import (
    DayCount,
    InterestPeriod,
    InterestResult,
    default_interest,
)
from kleinkasso.law.limitation import LimitationResult, is_time_barred, limitation
from kleinkasso.law.money import cents_to_euros, euros_to_cents, round_half_up_cents
from kleinkasso.law.working_days import next_working_day

__all__ = [
    "SIMPLE_CASE_WINDOW_DAYS",
    "Allocation",
    "AllocationLine",
    "BaseRateUnknown",
    "Component",
    "CourtCostEstimate",
    "DayCount",
    "DefaultFacts",
    "DefaultRule",
    "DefaultStart",
    "Explanation",
    "FeeResult",
    "FeeTableUnknownError",
    "InterestPeriod",
    "InterestResult",
    "InvalidAmountError",
    "InvalidDateError",
    "InvalidRateError",
    "LawError",
    "LimitationResult",
    "OpenClaim",
    "Phrase",
    "UnknownClaimError",
    "UnknownLanguageError",
    "UnknownPhraseError",
    "UnknownSubdivisionError",
    "allocate_payment",
    "base_rate",
    "cents_to_euros",
    "collection_fee",
    "court_dunning_costs",
    "default_interest",
    "default_start",
    "euros_to_cents",
    "fee_rate_for",
    "flat_rate_expenses",
    "is_time_barred",
    "limitation",
    "next_working_day",
    "payment_plan_fee",
    "recoverable_reminder_costs",
    "round_half_up_cents",
    "rvg_base_fee",
    "simple_case_deadline",
]
