"""Limitation (Verjährung) of ordinary payment claims, §§ 195-212 BGB.

The regular period is three years (§ 195) and starts at the end of the year
in which the claim arose and the creditor learned of it (§ 199 Abs. 1). It
ends no later than ten years after the claim arose (§ 199 Abs. 4). An
acknowledgement such as a part payment or an agreed payment plan starts a
new three-year period on the following day (§ 212 Abs. 1 Nr. 1), and days
of suspension such as a pending court dunning procedure are not counted
(§§ 204, 209).

Periods measured from a day end on the same calendar date years later, or
on 28 February when that date is missing (§§ 187, 188 BGB).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from kleinkasso.law.errors import InvalidDateError
from kleinkasso.law.explanation import Explanation, Phrase

__all__ = [
    "MAXIMUM_YEARS",
    "REGULAR_YEARS",
    "LimitationResult",
    "is_time_barred",
    "limitation",
]

REGULAR_YEARS = 3  # § 195 BGB
MAXIMUM_YEARS = 10  # § 199 Abs. 4 BGB


@dataclass(frozen=True)
class LimitationResult:
    """When a claim becomes time-barred."""

    arose_on: date
    expires_on: date  # last day on which the claim is enforceable
    restarted_on: date | None  # first day of the newest restarted period
    suspended_days: int  # days added to the current period by suspension
    explanation: Explanation


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February without a leap year, § 188 Abs. 3 BGB
        return date(day.year + years, 2, 28)


def limitation(
    arose_on: date,
    *,
    knowledge_on: date | None = None,
    acknowledged_on: Sequence[date] = (),
    suspensions: Sequence[tuple[date, date]] = (),
) -> LimitationResult:
    """Compute the last day a claim is enforceable.

    ``knowledge_on`` is the day the creditor learned of the claim and the
    debtor, if later than ``arose_on``. ``acknowledged_on`` lists the
    debtor's acknowledgements (part payments, agreed plans). An
    acknowledgement after the claim is already barred has no effect, and one
    never shortens the running period. ``suspensions`` lists inclusive
    ``(first, last)`` days of suspension. The caller includes any statutory
    tail, such as the six months after a dunning procedure ends (§ 204
    Abs. 2 BGB). Overlapping suspensions count each day once.

    Raises ``InvalidDateError`` for an acknowledgement before the claim arose or
    a suspension that ends before it starts.

    NOTE: the ten-year cap applies to the first period only, a restarted
    period runs its full three years; the three-month minimum after
    negotiations (§ 203 Satz 2 BGB) and 30-year periods for titled claims
    (§ 197 BGB) are not modelled.
    """
    for day in acknowledged_on:
        if day < arose_on:
            raise InvalidDateError(
                "acknowledgement", day, f"on or after {arose_on.isoformat()}"
            )
    for first, last in suspensions:
        if last < first:
            raise InvalidDateError(
                "suspension end", last, f"on or after {first.isoformat()}"
            )

    trigger = arose_on if knowledge_on is None else max(arose_on, knowledge_on)
    regular_end = date(trigger.year + REGULAR_YEARS, 12, 31)
    cap = _add_years(arose_on, MAXIMUM_YEARS)
    steps = [f"§ 199 Abs. 1: 31.12.{trigger.year} + {REGULAR_YEARS} y = {regular_end}"]
    phrases = [
        Phrase(
            "limitation.regular",
            {"trigger": trigger.isoformat(), "end": regular_end.isoformat()},
        )
    ]
    if cap < regular_end:
        expires, period_start = cap, arose_on + timedelta(days=1)
        steps.append(f"§ 199 Abs. 4: {arose_on} + {MAXIMUM_YEARS} y = {cap}")
        phrases.append(Phrase("limitation.cap", {"end": cap.isoformat()}))
    else:
        expires, period_start = regular_end, date(trigger.year + 1, 1, 1)

    events = sorted(
        [(day, 1, day) for day in acknowledged_on]
        + [(first, 0, last) for first, last in suspensions]
    )
    restarted_on: date | None = None
    suspended_days = 0
    suspended_until = date.min
    for day, kind, last in events:
        if day > expires:
            steps.append(f"{day}: after expiry, no effect")
            phrases.append(Phrase("limitation.too_late", {"day": day.isoformat()}))
            continue
        if kind == 0:
            counted_from = max(day, period_start, suspended_until + timedelta(days=1))
            suspended_until = max(suspended_until, last)
            if last < counted_from:
                continue
            days = (last - counted_from).days + 1
            expires += timedelta(days=days)
            suspended_days += days
            steps.append(f"§ 209: {counted_from}..{last} = {days} d → {expires}")
            phrases.append(
                Phrase(
                    "limitation.suspension",
                    {
                        "first": counted_from.isoformat(),
                        "last": last.isoformat(),
                        "days": str(days),
                        "end": expires.isoformat(),
                    },
                )
            )
            continue
        # A suspension that is still running also suspends the new period.
        carried = max(0, (suspended_until - day).days)
        new_end = _add_years(day, REGULAR_YEARS) + timedelta(days=carried)
        if new_end <= expires:
            steps.append(f"§ 212: {day} + {REGULAR_YEARS} y = {new_end} ≤ {expires}")
            phrases.append(
                Phrase("limitation.restart_shorter", {"day": day.isoformat()})
            )
            continue
        expires, period_start = new_end, day + timedelta(days=1)
        restarted_on, suspended_days = period_start, carried
        steps.append(f"§ 212: {day} + {REGULAR_YEARS} y + {carried} d = {new_end}")
        phrases.append(
            Phrase(
                "limitation.restart",
                {"day": day.isoformat(), "end": new_end.isoformat()},
            )
        )

    steps.append(f"expires after {expires}")
    phrases.append(Phrase("limitation.result", {"end": expires.isoformat()}))
    inputs = {
        "arose_on": arose_on.isoformat(),
        "knowledge_on": "" if knowledge_on is None else knowledge_on.isoformat(),
        "acknowledged_on": ",".join(day.isoformat() for day in acknowledged_on),
        "suspensions": ",".join(
            f"{a.isoformat()}..{b.isoformat()}" for a, b in suspensions
        ),
    }
    explanation = Explanation(
        "§§ 195, 199, 209, 212 BGB", None, inputs, tuple(steps), tuple(phrases)
    )
    return LimitationResult(
        arose_on, expires, restarted_on, suspended_days, explanation
    )


def is_time_barred(result: LimitationResult, as_of: date) -> bool:
    """Return whether the claim is time-barred on ``as_of``."""
    return as_of > result.expires_on
