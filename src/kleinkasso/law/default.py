"""Start of default (Verzug) under § 286 BGB.

Several rules can put a debtor in default; the earliest first day of default
among those that apply wins. The first day of default is also the first day
that bears interest. Deadlines follow § 187 Abs. 1 BGB (the day of the
triggering event is not counted) and § 193 BGB (a deadline ending on a
Saturday, Sunday or public holiday ends on the next working day).

When no due date is given, the invoice date is used as the due date,
because a claim without an agreed time is due at once (§ 271 Abs. 1 BGB).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kleinkasso.law.explanation import Explanation, Phrase
from kleinkasso.law.working_days import next_working_day

__all__ = [
    "PAYMENT_PERIOD_DAYS",
    "DefaultFacts",
    "DefaultRule",
    "DefaultStart",
    "default_start",
]

PAYMENT_PERIOD_DAYS = 30  # § 286 Abs. 3 BGB


class DefaultRule(StrEnum):
    """The rule of § 286 BGB that started the default."""

    REMINDER = "reminder"  # Abs. 1: reminder after the due date
    CALENDAR = "calendar"  # Abs. 2 Nr. 1: due date agreed by the calendar
    THIRTY_DAYS = "thirty_days"  # Abs. 3: 30 days after due date and invoice
    REFUSAL = "refusal"  # Abs. 2 Nr. 3: serious and final refusal


_PARAGRAPHS = {
    DefaultRule.REMINDER: "§ 286 Abs. 1 BGB",
    DefaultRule.CALENDAR: "§ 286 Abs. 2 Nr. 1 BGB",
    DefaultRule.THIRTY_DAYS: "§ 286 Abs. 3 BGB",
    DefaultRule.REFUSAL: "§ 286 Abs. 2 Nr. 3 BGB",
}


@dataclass(frozen=True)
class DefaultFacts:
    """What is known about a claim that decides when default began."""

    due_date: date | None
    invoice_date: date | None  # receipt of the invoice is assumed on this date
    reminder_date: date | None  # receipt of the creditor's reminder assumed here
    consumer: bool = True
    due_date_agreed: bool = False  # due date fixed by the calendar in the contract
    invoice_notice: bool = False  # invoice pointed out the 30-day consequence
    refusal_date: date | None = None  # serious and final refusal to pay
    subdivision: str | None = None  # federal state for holidays, None: nationwide


@dataclass(frozen=True)
class DefaultStart:
    """First day of default and the rule behind it."""

    first_day: date | None  # first day of default and of interest; None: no default
    rule: DefaultRule | None
    explanation: Explanation


def default_start(facts: DefaultFacts) -> DefaultStart:
    """Return the first day of default under § 286 BGB, or none.

    - Reminder (Abs. 1): counts only when received after the due date;
      default begins the day after receipt.
    - Calendar (Abs. 2 Nr. 1): only for an agreed due date; default begins
      the day after it, once § 193 BGB has moved it to a working day.
    - 30 days (Abs. 3): the period starts at the later of due date and
      invoice receipt, its end moves by § 193 BGB, and default begins the
      following day. Against a consumer only when the invoice pointed this
      out.
    - Refusal (Abs. 2 Nr. 3): default begins the day after the refusal, but
      not before the day after the due date.

    Raises ``UnknownSubdivisionError`` for an unknown federal state code.
    """
    due = facts.due_date if facts.due_date is not None else facts.invoice_date
    candidates: dict[DefaultRule, date] = {}
    phrases: list[Phrase] = []
    steps: list[str] = []

    for rule, check in (
        (DefaultRule.CALENDAR, _calendar),
        (DefaultRule.REMINDER, _reminder),
        (DefaultRule.THIRTY_DAYS, _thirty_days),
        (DefaultRule.REFUSAL, _refusal),
    ):
        first_day, phrase = check(facts, due)
        phrases.append(phrase)
        if first_day is None:
            steps.append(f"{rule.value}: -")
        else:
            steps.append(f"{rule.value}: {first_day.isoformat()}")
            candidates[rule] = first_day

    if not candidates:
        phrases.append(Phrase("default.none"))
        rule_text = "§ 286 BGB"
        return DefaultStart(None, None, _explanation(facts, rule_text, steps, phrases))

    # min() keeps the first of equal dates, so the order of the loop above
    # breaks ties: calendar, reminder, 30 days, refusal.
    winner = min(candidates, key=lambda rule: candidates[rule])
    first_day = candidates[winner]
    steps.append(f"first day of default: {first_day.isoformat()} ({winner.value})")
    phrases.append(
        Phrase(
            "default.result",
            {"first_day": first_day.isoformat(), "rule": _PARAGRAPHS[winner]},
        )
    )
    explanation = _explanation(facts, _PARAGRAPHS[winner], steps, phrases)
    return DefaultStart(first_day, winner, explanation)


def _calendar(facts: DefaultFacts, due: date | None) -> tuple[date | None, Phrase]:
    if not facts.due_date_agreed or facts.due_date is None:
        return None, Phrase("default.calendar.none")
    moved = next_working_day(facts.due_date, facts.subdivision)
    first_day = moved + timedelta(days=1)
    values = {
        "due": facts.due_date.isoformat(),
        "moved": moved.isoformat(),
        "first_day": first_day.isoformat(),
    }
    if moved != facts.due_date:
        return first_day, Phrase("default.calendar.moved", values)
    return first_day, Phrase("default.calendar", values)


def _reminder(facts: DefaultFacts, due: date | None) -> tuple[date | None, Phrase]:
    if facts.reminder_date is None:
        return None, Phrase("default.reminder.none")
    reminder = facts.reminder_date.isoformat()
    if due is None:
        return None, Phrase("default.reminder.no_due_date", {"reminder": reminder})
    if facts.reminder_date <= due:
        return None, Phrase(
            "default.reminder.too_early", {"reminder": reminder, "due": due.isoformat()}
        )
    first_day = facts.reminder_date + timedelta(days=1)
    return first_day, Phrase(
        "default.reminder", {"reminder": reminder, "first_day": first_day.isoformat()}
    )


def _thirty_days(facts: DefaultFacts, due: date | None) -> tuple[date | None, Phrase]:
    if facts.invoice_date is None or due is None:
        return None, Phrase("default.thirty_days.no_invoice")
    if facts.consumer and not facts.invoice_notice:
        return None, Phrase("default.thirty_days.no_notice")
    start = max(due, facts.invoice_date)
    end = start + timedelta(days=PAYMENT_PERIOD_DAYS)
    moved = next_working_day(end, facts.subdivision)
    first_day = moved + timedelta(days=1)
    key = "default.thirty_days" if moved == end else "default.thirty_days.moved"
    return first_day, Phrase(
        key,
        {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "moved": moved.isoformat(),
            "first_day": first_day.isoformat(),
        },
    )


def _refusal(facts: DefaultFacts, due: date | None) -> tuple[date | None, Phrase]:
    if facts.refusal_date is None:
        return None, Phrase("default.refusal.none")
    trigger = facts.refusal_date if due is None else max(facts.refusal_date, due)
    first_day = trigger + timedelta(days=1)
    return first_day, Phrase(
        "default.refusal",
        {"refusal": facts.refusal_date.isoformat(), "first_day": first_day.isoformat()},
    )


def _explanation(
    facts: DefaultFacts, rule: str, steps: list[str], phrases: list[Phrase]
) -> Explanation:
    def iso(day: date | None) -> str:
        return "" if day is None else day.isoformat()

    inputs = {
        "due_date": iso(facts.due_date),
        "invoice_date": iso(facts.invoice_date),
        "reminder_date": iso(facts.reminder_date),
        "consumer": "true" if facts.consumer else "false",
        "due_date_agreed": "true" if facts.due_date_agreed else "false",
        "invoice_notice": "true" if facts.invoice_notice else "false",
        "refusal_date": iso(facts.refusal_date),
        "subdivision": facts.subdivision or "",
    }
    return Explanation(rule, None, inputs, tuple(steps), tuple(phrases))
