"""Handover rules: which open items go to collection, as a pure decision.

:func:`decide` looks at one item snapshot, the creditor's rules and a date,
and returns whether the item is handed over, waits, or is rejected, with the
reason in plain words. It reads nothing and writes nothing; the daily run
carries the decision out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kleinkasso.law import DefaultFacts, default_start, is_time_barred, limitation
from kleinkasso.policy.creditor_config import HandoverRules


class Outcome(StrEnum):
    """The outcome of the handover rules for one item."""

    HAND_OVER = "handed_over"
    WAIT = "waiting"
    REJECT = "rejected"


@dataclass(frozen=True)
class ItemSnapshot:
    """The facts about one open item that the rules look at."""

    item_ref: str
    due_date: date
    invoice_date: date | None
    reminder_date: date | None
    contract_date: date | None
    consumer: bool
    disputed: bool
    category: str | None
    is_return: bool = False


@dataclass(frozen=True)
class Decision:
    """The outcome for one item, with the first day of default if known."""

    outcome: Outcome
    reason: str
    default_start: date | None


def decide(
    item: ItemSnapshot, rules: HandoverRules, mandate_date: date, as_of: date
) -> Decision:
    """Decide whether ``item`` is handed over to collection on ``as_of``."""
    if item.disputed:
        return Decision(
            Outcome.REJECT, "disputed by the debtor; a person must review it", None
        )
    if item.category and item.category.lower() in rules.excluded_categories:
        return Decision(
            Outcome.REJECT,
            f"category '{item.category}' is excluded by the creditor",
            None,
        )
    if not item.consumer and not rules.hand_over_business:
        return Decision(Outcome.REJECT, "business customers are not handed over", None)
    if item.consumer and item.contract_date is None:
        # The first demand to a consumer must name the date the contract was
        # concluded (§ 13a Abs. 1 Nr. 2 RDG); without it nothing may be sent.
        return Decision(
            Outcome.WAIT,
            "contract date missing: the first demand must name it "
            "(§ 13a Abs. 1 Nr. 2 RDG); send the item again with contract_date",
            None,
        )

    arose_on = item.contract_date or item.invoice_date or item.due_date
    barred = limitation(arose_on)
    if is_time_barred(barred, as_of):
        return Decision(
            Outcome.REJECT,
            f"time-barred since {barred.expires_on + timedelta(days=1)}",
            None,
        )

    # A returned direct debit was due on the debit date announced in the
    # pre-notification, a date fixed by the calendar (§ 286 Abs. 2 Nr. 1 BGB),
    # when the creditor's rules enable it.
    agreed = rules.due_date_agreed or (item.is_return and rules.returns_in_default)
    start = default_start(
        DefaultFacts(
            due_date=item.due_date,
            invoice_date=item.invoice_date,
            reminder_date=item.reminder_date,
            consumer=item.consumer,
            due_date_agreed=agreed,
            invoice_notice=rules.invoice_notice,
        )
    ).first_day
    if start is None:
        return Decision(
            Outcome.WAIT,
            "not in default: no reminder after the due date, no agreed calendar "
            "due date and no 30-day notice on the invoice",
            None,
        )

    # Collection costs are only recoverable if default began before the
    # mandate for this case, which is given on the day the case is opened:
    # so the earliest handover is the day after default began.
    ready_on = max(
        item.due_date + timedelta(days=rules.min_days_past_due),
        start + timedelta(days=max(1, rules.min_days_in_default)),
        mandate_date,
    )
    if ready_on > as_of:
        return Decision(Outcome.WAIT, f"handover on {ready_on} at the earliest", start)
    return Decision(Outcome.HAND_OVER, f"in default since {start}", start)
