from datetime import date
from typing import Any

import pytest

from kleinkasso.law import (
    DefaultFacts,
    DefaultRule,
    UnknownSubdivisionError,
    default_start,
    next_working_day,
)
from kleinkasso.law.working_days import SUBDIVISIONS, is_working_day


@pytest.mark.parametrize(
    ("day", "subdivision", "expected"),
    [
        pytest.param(date(2026, 11, 4), None, date(2026, 11, 4), id="wednesday"),
        pytest.param(date(2026, 11, 7), None, date(2026, 11, 9), id="saturday"),
        pytest.param(date(2026, 11, 8), None, date(2026, 11, 9), id="sunday"),
        pytest.param(date(2025, 10, 3), None, date(2025, 10, 6), id="unity-day-friday"),
        pytest.param(
            date(2026, 10, 3), None, date(2026, 10, 5), id="unity-day-saturday"
        ),
        pytest.param(date(2026, 12, 25), None, date(2026, 12, 28), id="christmas"),
        pytest.param(date(2026, 4, 3), None, date(2026, 4, 7), id="good-friday-easter"),
        pytest.param(
            date(2025, 10, 31), "SN", date(2025, 11, 3), id="reformation-day-SN"
        ),
        pytest.param(
            date(2025, 10, 31), "BY", date(2025, 10, 31), id="reformation-day-BY"
        ),
        pytest.param(
            date(2025, 10, 31), None, date(2025, 10, 31), id="reformation-nationwide"
        ),
        # 2026-10-31 is a Saturday, so both kinds of state move to Monday.
        pytest.param(
            date(2026, 10, 31), "SN", date(2026, 11, 2), id="reformation-2026-SN"
        ),
        pytest.param(
            date(2026, 10, 31), "NW", date(2026, 11, 2), id="reformation-2026-NW"
        ),
        pytest.param(
            date(2026, 11, 18), "SN", date(2026, 11, 19), id="repentance-day-SN"
        ),
        pytest.param(date(2026, 1, 6), "BY", date(2026, 1, 7), id="epiphany-BY"),
        pytest.param(date(2026, 1, 6), "NW", date(2026, 1, 6), id="epiphany-NW"),
    ],
)
def test_next_working_day(day, subdivision, expected):
    assert next_working_day(day, subdivision) == expected


def test_next_working_day_rejects_unknown_subdivision():
    with pytest.raises(UnknownSubdivisionError, match=r"'XX'.*BY"):
        next_working_day(date(2026, 1, 1), "XX")
    with pytest.raises(UnknownSubdivisionError):
        is_working_day(date(2026, 1, 1), "Augsburg")


def test_subdivisions_are_the_16_states():
    assert len(SUBDIVISIONS) == 16
    assert "NW" in SUBDIVISIONS


def facts(**values: Any) -> DefaultFacts:
    values.setdefault("due_date", None)
    values.setdefault("invoice_date", None)
    values.setdefault("reminder_date", None)
    return DefaultFacts(**values)


DUE = date(2026, 3, 2)

CASES = [
    pytest.param(
        facts(due_date=DUE, reminder_date=date(2026, 3, 10)),
        date(2026, 3, 11),
        DefaultRule.REMINDER,
        id="reminder-after-due",
    ),
    pytest.param(
        facts(due_date=DUE, reminder_date=date(2026, 3, 2)),
        None,
        None,
        id="reminder-on-due-date",
    ),
    pytest.param(
        facts(due_date=DUE, reminder_date=date(2026, 2, 20)),
        None,
        None,
        id="reminder-before-due",
    ),
    pytest.param(
        facts(invoice_date=DUE, reminder_date=date(2026, 3, 10)),
        date(2026, 3, 11),
        DefaultRule.REMINDER,
        id="reminder-invoice-as-due",
    ),
    pytest.param(
        facts(reminder_date=date(2026, 3, 10)),
        None,
        None,
        id="reminder-no-due-date",
    ),
    pytest.param(
        facts(due_date=DUE, due_date_agreed=True),
        date(2026, 3, 3),
        DefaultRule.CALENDAR,
        id="calendar-working-day",
    ),
    pytest.param(
        facts(due_date=date(2026, 10, 3), due_date_agreed=True),
        date(2026, 10, 6),
        DefaultRule.CALENDAR,
        id="calendar-unity-day-2026",
    ),
    pytest.param(
        facts(due_date=date(2025, 10, 3), due_date_agreed=True),
        date(2025, 10, 7),
        DefaultRule.CALENDAR,
        id="calendar-unity-day-2025",
    ),
    pytest.param(
        facts(due_date=date(2025, 10, 31), due_date_agreed=True, subdivision="SN"),
        date(2025, 11, 4),
        DefaultRule.CALENDAR,
        id="calendar-reformation-SN",
    ),
    pytest.param(
        facts(due_date=date(2025, 10, 31), due_date_agreed=True, subdivision="NW"),
        date(2025, 11, 1),
        DefaultRule.CALENDAR,
        id="calendar-reformation-NW",
    ),
    pytest.param(
        facts(due_date=DUE),
        None,
        None,
        id="calendar-not-agreed",
    ),
    pytest.param(
        facts(due_date=DUE, invoice_date=DUE),
        None,
        None,
        id="thirty-days-consumer-without-notice",
    ),
    pytest.param(
        facts(due_date=DUE, invoice_date=DUE, invoice_notice=True),
        date(2026, 4, 2),
        DefaultRule.THIRTY_DAYS,
        id="thirty-days-consumer-notice",
    ),
    pytest.param(
        facts(due_date=DUE, invoice_date=DUE, consumer=False),
        date(2026, 4, 2),
        DefaultRule.THIRTY_DAYS,
        id="thirty-days-business",
    ),
    pytest.param(
        facts(due_date=DUE, invoice_date=date(2026, 3, 10), consumer=False),
        date(2026, 4, 10),
        DefaultRule.THIRTY_DAYS,
        id="thirty-days-from-later-invoice",
    ),
    pytest.param(
        # Day 30 is Saturday 2026-04-04, Easter Monday follows: period ends 04-07.
        facts(due_date=date(2026, 3, 5), invoice_date=date(2026, 3, 5), consumer=False),
        date(2026, 4, 8),
        DefaultRule.THIRTY_DAYS,
        id="thirty-days-easter",
    ),
    pytest.param(
        facts(
            due_date=date(2026, 10, 19),
            invoice_date=date(2026, 10, 19),
            consumer=False,
            subdivision="SN",
        ),
        date(2026, 11, 20),
        DefaultRule.THIRTY_DAYS,
        id="thirty-days-repentance-SN",
    ),
    pytest.param(
        facts(
            due_date=date(2026, 10, 19), invoice_date=date(2026, 10, 19), consumer=False
        ),
        date(2026, 11, 19),
        DefaultRule.THIRTY_DAYS,
        id="thirty-days-nationwide",
    ),
    pytest.param(
        facts(due_date=DUE, consumer=False),
        None,
        None,
        id="thirty-days-no-invoice",
    ),
    pytest.param(
        facts(due_date=DUE, refusal_date=date(2026, 3, 5)),
        date(2026, 3, 6),
        DefaultRule.REFUSAL,
        id="refusal-after-due",
    ),
    pytest.param(
        facts(due_date=DUE, refusal_date=date(2026, 2, 20)),
        date(2026, 3, 3),
        DefaultRule.REFUSAL,
        id="refusal-before-due",
    ),
    pytest.param(
        facts(refusal_date=date(2026, 2, 20)),
        date(2026, 2, 21),
        DefaultRule.REFUSAL,
        id="refusal-without-due-date",
    ),
    pytest.param(
        facts(
            due_date=DUE,
            invoice_date=DUE,
            reminder_date=date(2026, 3, 20),
            invoice_notice=True,
        ),
        date(2026, 3, 21),
        DefaultRule.REMINDER,
        id="earliest-reminder-before-30-days",
    ),
    pytest.param(
        facts(
            due_date=DUE,
            invoice_date=DUE,
            reminder_date=date(2026, 4, 20),
            invoice_notice=True,
        ),
        date(2026, 4, 2),
        DefaultRule.THIRTY_DAYS,
        id="earliest-30-days-before-reminder",
    ),
    pytest.param(
        facts(due_date=DUE, reminder_date=date(2026, 3, 2), due_date_agreed=True),
        date(2026, 3, 3),
        DefaultRule.CALENDAR,
        id="tie-calendar-wins",
    ),
    pytest.param(
        facts(due_date=DUE, reminder_date=date(2026, 3, 3), due_date_agreed=True),
        date(2026, 3, 3),
        DefaultRule.CALENDAR,
        id="calendar-earlier-than-reminder",
    ),
    pytest.param(facts(), None, None, id="nothing-known"),
]


@pytest.mark.parametrize(("default_facts", "first_day", "rule"), CASES)
def test_default_start(default_facts, first_day, rule):
    result = default_start(default_facts)
    assert result.first_day == first_day
    assert result.rule == rule


def test_default_start_explanation_german():
    result = default_start(
        facts(
            due_date=date(2025, 10, 3),
            due_date_agreed=True,
            reminder_date=date(2025, 10, 2),
        )
    )
    text = result.explanation.render("de")
    assert result.explanation.rule == "§ 286 Abs. 2 Nr. 1 BGB"
    assert "verschiebt sich nach § 193 BGB auf den 06.10.2025" in text
    assert "nicht nach der Fälligkeit" in text
    assert "Erster Verzugstag ist der 07.10.2025" in text


def test_default_start_explanation_english_without_default():
    result = default_start(facts(due_date=DUE, invoice_date=DUE))
    text = result.explanation.render("en")
    assert result.explanation.rule == "§ 286 BGB"
    assert "did not point out this consequence" in text
    assert "The debtor is not in default." in text
    assert result.explanation.inputs["due_date"] == "2026-03-02"


def test_default_start_explanation_moved_thirty_days():
    result = default_start(
        facts(due_date=date(2026, 3, 5), invoice_date=date(2026, 3, 5), consumer=False)
    )
    assert "under § 193 BGB to 2026-04-07" in result.explanation.render("en")


def test_default_start_rejects_unknown_subdivision():
    with pytest.raises(UnknownSubdivisionError):
        default_start(facts(due_date=DUE, due_date_agreed=True, subdivision="Bayern"))
