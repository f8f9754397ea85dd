"""Handover rules decide per item, with the reason in words."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from kleinkasso.policy.creditor_config import HandoverRules
from kleinkasso.policy.handover import ItemSnapshot, Outcome, decide

MANDATE = date(2026, 6, 1)
ITEM = ItemSnapshot(
    item_ref="R1",
    due_date=date(2026, 10, 1),
    invoice_date=date(2026, 10, 1),
    reminder_date=date(2026, 10, 12),
    contract_date=date(2026, 10, 1),
    consumer=True,
    disputed=False,
    category=None,
)
RULES = HandoverRules()


@pytest.mark.parametrize(
    ("change", "rules", "outcome", "reason"),
    [
        pytest.param(
            {}, RULES, Outcome.HAND_OVER, "in default since 2026-10-13", id="reminded"
        ),
        pytest.param(
            {"disputed": True}, RULES, Outcome.REJECT, "disputed", id="disputed"
        ),
        pytest.param(
            {"category": "Gambling"},
            RULES,
            Outcome.REJECT,
            "category 'Gambling'",
            id="gambling",
        ),
        pytest.param(
            {"reminder_date": None},
            RULES,
            Outcome.WAIT,
            "not in default",
            id="no-reminder",
        ),
        pytest.param(
            {"reminder_date": date(2026, 9, 20)},
            RULES,
            Outcome.WAIT,
            "not in default",
            id="reminder-before-due-date",
        ),
        pytest.param(
            {"reminder_date": None},
            replace(RULES, due_date_agreed=True),
            Outcome.HAND_OVER,
            "in default since 2026-10-02",
            id="calendar-due-date",
        ),
        pytest.param(
            {"consumer": False},
            replace(RULES, hand_over_business=False),
            Outcome.REJECT,
            "business",
            id="business-excluded",
        ),
        pytest.param(
            {
                "due_date": date(2022, 3, 1),
                "contract_date": date(2022, 3, 1),
                "invoice_date": date(2022, 3, 1),
                "reminder_date": date(2022, 3, 20),
            },
            RULES,
            Outcome.REJECT,
            "time-barred since 2026-01-01",
            id="time-barred",
        ),
        pytest.param(
            {"contract_date": None},
            RULES,
            Outcome.WAIT,
            "contract date missing",
            id="consumer-without-contract-date",
        ),
        pytest.param(
            {"contract_date": None, "consumer": False},
            RULES,
            Outcome.HAND_OVER,
            "in default since",
            id="business-without-contract-date",
        ),
        pytest.param(
            {"reminder_date": None, "is_return": True},
            RULES,
            Outcome.HAND_OVER,
            "in default since",
            id="returned-debit",
        ),
    ],
)
def test_decide_table(
    change: dict[str, object], rules: HandoverRules, outcome: Outcome, reason: str
) -> None:
    decision = decide(replace(ITEM, **change), rules, MANDATE, date(2026, 11, 16))  # type: ignore[arg-type]
    assert decision.outcome is outcome
    assert reason in decision.reason


def test_decide_waits_for_days_past_due() -> None:
    item = replace(ITEM, due_date=date(2026, 11, 10), reminder_date=date(2026, 11, 12))
    decision = decide(item, RULES, MANDATE, date(2026, 11, 16))
    assert decision.outcome is Outcome.WAIT
    assert decision.reason == "handover on 2026-11-24 at the earliest"
    assert decision.default_start == date(2026, 11, 13)


def test_decide_never_on_first_day_of_default() -> None:
    item = replace(ITEM, reminder_date=date(2026, 11, 15))
    decision = decide(item, RULES, MANDATE, date(2026, 11, 16))
    assert decision.outcome is Outcome.WAIT
    assert decision.default_start == date(2026, 11, 16)


def test_decide_waits_for_mandate() -> None:
    decision = decide(ITEM, RULES, date(2026, 12, 1), date(2026, 11, 16))
    assert decision.outcome is Outcome.WAIT
    assert "2026-12-01" in decision.reason
