"""Default interest (Verzugszinsen) under §§ 288, 289 BGB.

Range convention: interest runs on every day from ``first_day``, the first
day of default, up to and including the day before ``payment_day``, the day
the money arrives. Periods are split at every 1 January and 1 July because
the base rate of § 247 BGB can change there. Each period's interest stays an
exact fraction and the sum is rounded half up to the cent once, so splitting
a period never changes the result by a rounding step.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction

from kleinkasso.law.base_rate import base_rate, base_rate_table, half_year_end
from kleinkasso.law.errors import LawError
from kleinkasso.law.explanation import Explanation, Phrase
from kleinkasso.law.money import cents_to_euros, fraction_to_cents, require_cents

__all__ = [
    "BUSINESS_POINTS",
    "BUSINESS_POINTS_BEFORE_2014",
    "CONSUMER_POINTS",
    "DayCount",
    "InterestPeriod",
    "InterestResult",
    "default_interest",
    "interest_points",
]

CONSUMER_POINTS = Decimal("5")  # § 288 Abs. 1 Satz 2 BGB
BUSINESS_POINTS = Decimal("9")  # § 288 Abs. 2 BGB
BUSINESS_POINTS_BEFORE_2014 = Decimal("8")  # § 288 Abs. 2 BGB before 29.07.2014
# Art. 229 § 34 EGBGB: the 9-point rate applies to obligations arising after
# 28 July 2014.
NINE_POINTS_FROM = date(2014, 7, 29)

# Decimal places of the per-period figures; the total is rounded from the
# exact fractions, not from these.
PERIOD_PLACES = 10


class DayCount(StrEnum):
    """Day-count convention; no statute fixes one for default interest."""

    ACT_365 = "act/365"  # calendar days / 365, common practice
    THIRTY_360 = "30/360"  # German 30/360, both ends counted, as dunning courts do
    ACT_ACT = "act/act"  # calendar days / days of that calendar year


@dataclass(frozen=True)
class InterestPeriod:
    """A stretch of days with one rate; ``start`` and ``end`` both bear interest."""

    start: date
    end: date
    days: int
    rate_percent: Decimal
    interest: Decimal  # euros, rounded to PERIOD_PLACES decimals for display
    base_rate_percent: Decimal


@dataclass(frozen=True)
class InterestResult:
    """Default interest on one principal for one stretch of default."""

    principal_cents: int
    interest_cents: int
    periods: tuple[InterestPeriod, ...]
    explanation: Explanation


def interest_points(
    consumer: bool, obligation_date: date | None = None
) -> tuple[Decimal, str]:
    """Return the points above the base rate and the paragraph that sets them.

    A business obligation without a date counts as arising after 28.07.2014.
    """
    if consumer:
        return CONSUMER_POINTS, "§ 288 Abs. 1 BGB"
    if obligation_date is not None and obligation_date < NINE_POINTS_FROM:
        return BUSINESS_POINTS_BEFORE_2014, "§ 288 Abs. 2 BGB a.F., Art. 229 § 34 EGBGB"
    return BUSINESS_POINTS, "§ 288 Abs. 2 BGB"


def default_interest(
    principal_cents: int,
    first_day: date,
    payment_day: date,
    *,
    consumer: bool = True,
    obligation_date: date | None = None,
    day_count: DayCount = DayCount.ACT_365,
) -> InterestResult:
    """Compute default interest on ``principal_cents`` (§ 288 BGB).

    ``first_day`` is the first day of default and is counted; ``payment_day``
    is the day the money arrives and is not counted. A ``payment_day`` on or
    before ``first_day`` gives no interest and no periods. No interest is
    charged on interest (§ 289 BGB), so only the principal bears interest.
    Raises ``BaseRateUnknown`` when a day falls outside the base rate table.
    """
    require_cents("principal_cents", principal_cents)
    day_count = _day_count(day_count)
    points, rule = interest_points(consumer, obligation_date)
    principal = Fraction(principal_cents, 100)

    periods: list[InterestPeriod] = []
    exact_total = Fraction(0)
    day = first_day
    last_day = payment_day - timedelta(days=1)
    while day <= last_day:
        end = min(half_year_end(day), last_day)
        base = base_rate(day)
        rate = base + points
        days, year_days = _day_fraction(day, end, day_count)
        exact = principal * Fraction(rate) / 100 * days / year_days
        exact_total += exact
        periods.append(InterestPeriod(day, end, days, rate, _to_decimal(exact), base))
        day = end + timedelta(days=1)

    interest_cents = fraction_to_cents(exact_total)
    explanation = _explain(
        principal_cents=principal_cents,
        first_day=first_day,
        payment_day=payment_day,
        consumer=consumer,
        obligation_date=obligation_date,
        day_count=day_count,
        points=points,
        rule=rule,
        periods=periods,
        exact_total=exact_total,
        interest_cents=interest_cents,
    )
    return InterestResult(principal_cents, interest_cents, tuple(periods), explanation)


def _day_count(value: DayCount | str) -> DayCount:
    try:
        return DayCount(value)
    except ValueError:
        expected = ", ".join(member.value for member in DayCount)
        raise LawError(
            f"invalid day count {value!r} (expected one of {expected})"
        ) from None


def _day_fraction(start: date, end: date, day_count: DayCount) -> tuple[int, int]:
    """Return the counted days from ``start`` to ``end`` (inclusive) and the
    days of the year they are divided by. A period never crosses 1 January."""
    if day_count is DayCount.THIRTY_360:
        # German 30/360: every month has 30 days and day 31 counts as day 30,
        # with both ends counted. A period ending on the last day of February
        # therefore counts only the actual days.
        days = (
            360 * (end.year - start.year)
            + 30 * (end.month - start.month)
            + min(end.day, 30)
            - min(start.day, 30)
            + 1
        )
        return days, 360
    days = (end - start).days + 1
    if day_count is DayCount.ACT_ACT:
        return days, 366 if calendar.isleap(start.year) else 365
    return days, 365


def _to_decimal(value: Fraction) -> Decimal:
    with localcontext() as context:
        context.prec = 60
        quotient = Decimal(value.numerator) / Decimal(value.denominator)
        return quotient.quantize(Decimal(1).scaleb(-PERIOD_PLACES), ROUND_HALF_UP)


def _explain(
    *,
    principal_cents: int,
    first_day: date,
    payment_day: date,
    consumer: bool,
    obligation_date: date | None,
    day_count: DayCount,
    points: Decimal,
    rule: str,
    periods: list[InterestPeriod],
    exact_total: Fraction,
    interest_cents: int,
) -> Explanation:
    principal = str(cents_to_euros(principal_cents))
    inputs = {
        "principal": principal,
        "first_day": first_day.isoformat(),
        "payment_day": payment_day.isoformat(),
        "consumer": "true" if consumer else "false",
        "obligation_date": ""
        if obligation_date is None
        else obligation_date.isoformat(),
        "day_count": day_count.value,
    }
    total = str(cents_to_euros(interest_cents))
    if not periods:
        return Explanation(
            rule,
            base_rate_table().version,
            inputs,
            ("no interest days → 0.00",),
            (
                Phrase(
                    "interest.none",
                    {
                        "first_day": inputs["first_day"],
                        "payment_day": inputs["payment_day"],
                    },
                ),
            ),
        )

    year_days = {DayCount.ACT_365: "365", DayCount.THIRTY_360: "360"}
    steps: list[str] = []
    phrases = [
        Phrase(
            "interest.claim",
            {
                "principal": principal,
                "first_day": first_day.isoformat(),
                "last_day": periods[-1].end.isoformat(),
                "payment_day": payment_day.isoformat(),
            },
        ),
        Phrase(_rate_phrase_key(consumer, points), {"points": str(points)}),
    ]
    for period in periods:
        divisor = year_days.get(day_count) or str(
            366 if calendar.isleap(period.start.year) else 365
        )
        steps.append(
            f"{period.start.isoformat()}..{period.end.isoformat()}: "
            f"{principal} × {period.rate_percent} % × {period.days} / {divisor} "
            f"= {period.interest}"
        )
        phrases.append(
            Phrase(
                "interest.period",
                {
                    "start": period.start.isoformat(),
                    "end": period.end.isoformat(),
                    "days": str(period.days),
                    "divisor": divisor,
                    "base_rate": str(period.base_rate_percent),
                    "rate": str(period.rate_percent),
                    "interest": str(period.interest),
                },
            )
        )
    exact = str(_to_decimal(exact_total))
    steps.append(f"Σ {exact} → {total} (round half up)")
    phrases.append(Phrase("interest.total", {"exact": exact, "total": total}))
    return Explanation(
        rule, base_rate_table().version, inputs, tuple(steps), tuple(phrases)
    )


def _rate_phrase_key(consumer: bool, points: Decimal) -> str:
    if consumer:
        return "interest.rate.consumer"
    if points == BUSINESS_POINTS_BEFORE_2014:
        return "interest.rate.business_before_2014"
    return "interest.rate.business"
