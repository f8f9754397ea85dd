from datetime import date

import pytest

from kleinkasso.law import InvalidDateError, is_time_barred, limitation


@pytest.mark.parametrize(
    ("arose_on", "knowledge_on", "expires_on"),
    [
        pytest.param(date(2024, 3, 15), None, date(2027, 12, 31), id="example"),
        pytest.param(
            date(2024, 1, 1), None, date(2027, 12, 31), id="first-day-of-year"
        ),
        pytest.param(
            date(2024, 12, 31), None, date(2027, 12, 31), id="last-day-of-year"
        ),
        pytest.param(date(2025, 1, 1), None, date(2028, 12, 31), id="next-year"),
        pytest.param(
            date(2024, 3, 15), date(2025, 2, 1), date(2028, 12, 31), id="late-knowledge"
        ),
        pytest.param(
            date(2024, 3, 15),
            date(2024, 1, 1),
            date(2027, 12, 31),
            id="knowledge-earlier",
        ),
        pytest.param(
            date(2014, 3, 15), date(2022, 5, 1), date(2024, 3, 15), id="ten-year-cap"
        ),
        pytest.param(
            date(2016, 2, 29),
            date(2025, 1, 1),
            date(2026, 2, 28),
            id="cap-from-leap-day",
        ),
    ],
)
def test_limitation_regular_period(arose_on, knowledge_on, expires_on):
    result = limitation(arose_on, knowledge_on=knowledge_on)
    assert result.expires_on == expires_on
    assert result.restarted_on is None
    assert result.suspended_days == 0


@pytest.mark.parametrize(
    ("acknowledged_on", "expires_on", "restarted_on"),
    [
        pytest.param(
            [date(2026, 6, 10)], date(2029, 6, 10), date(2026, 6, 11), id="part-payment"
        ),
        pytest.param(
            [date(2025, 6, 10), date(2027, 5, 2)],
            date(2030, 5, 2),
            date(2027, 5, 3),
            id="two-payments",
        ),
        pytest.param(
            [date(2024, 4, 1)], date(2027, 12, 31), None, id="before-period-start"
        ),
        pytest.param(
            [date(2027, 12, 31)], date(2030, 12, 31), date(2028, 1, 1), id="last-day"
        ),
        pytest.param([date(2028, 1, 1)], date(2027, 12, 31), None, id="after-expiry"),
        pytest.param(
            [date(2024, 2, 29)], date(2027, 12, 31), None, id="leap-day-early"
        ),
    ],
)
def test_limitation_restart(acknowledged_on, expires_on, restarted_on):
    result = limitation(date(2024, 2, 29), acknowledged_on=acknowledged_on)
    assert result.expires_on == expires_on
    assert result.restarted_on == restarted_on


def test_limitation_restart_from_leap_day():
    # Three years from 2024-02-29 end on 2027-02-28 (§ 188 Abs. 3 BGB).
    result = limitation(date(2023, 5, 1), acknowledged_on=[date(2024, 2, 29)])
    assert result.expires_on == date(2027, 2, 28)
    assert result.restarted_on == date(2024, 3, 1)


@pytest.mark.parametrize(
    ("suspensions", "expires_on", "days"),
    [
        pytest.param(
            [(date(2025, 3, 1), date(2025, 3, 10))],
            date(2028, 1, 10),
            10,
            id="ten-days",
        ),
        pytest.param(
            [
                (date(2025, 3, 1), date(2025, 3, 10)),
                (date(2025, 3, 5), date(2025, 3, 20)),
            ],
            date(2028, 1, 20),
            20,
            id="overlapping",
        ),
        pytest.param(
            [
                (date(2025, 3, 5), date(2025, 3, 20)),
                (date(2025, 3, 1), date(2025, 3, 10)),
            ],
            date(2028, 1, 20),
            20,
            id="overlapping-given-backwards",
        ),
        pytest.param(
            [
                (date(2025, 3, 1), date(2025, 3, 20)),
                (date(2025, 3, 5), date(2025, 3, 10)),
            ],
            date(2028, 1, 20),
            20,
            id="nested",
        ),
        pytest.param(
            [(date(2024, 6, 1), date(2024, 12, 31))],
            date(2027, 12, 31),
            0,
            id="before-start",
        ),
        pytest.param(
            [(date(2024, 12, 1), date(2025, 1, 10))],
            date(2028, 1, 10),
            10,
            id="across-start",
        ),
        pytest.param(
            [(date(2028, 1, 1), date(2028, 3, 1))],
            date(2027, 12, 31),
            0,
            id="after-expiry",
        ),
        pytest.param(
            [(date(2027, 12, 31), date(2027, 12, 31))],
            date(2028, 1, 1),
            1,
            id="last-day",
        ),
    ],
)
def test_limitation_suspension(suspensions, expires_on, days):
    result = limitation(date(2024, 3, 15), suspensions=suspensions)
    assert result.expires_on == expires_on
    assert result.suspended_days == days


def test_limitation_restart_during_suspension():
    result = limitation(
        date(2024, 3, 15),
        acknowledged_on=[date(2025, 6, 10)],
        suspensions=[(date(2025, 1, 1), date(2025, 6, 30))],
    )
    # New period 2025-06-11..2028-06-10, held for 2025-06-11..2025-06-30.
    assert result.expires_on == date(2028, 6, 30)
    assert result.restarted_on == date(2025, 6, 11)
    assert result.suspended_days == 20


def test_limitation_suspension_after_restart():
    result = limitation(
        date(2024, 3, 15),
        acknowledged_on=[date(2025, 6, 10)],
        suspensions=[(date(2026, 1, 1), date(2026, 1, 31))],
    )
    assert result.expires_on == date(2028, 7, 11)
    assert result.suspended_days == 31


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param(
            {"acknowledged_on": [date(2024, 3, 14)]}, "acknowledgement", id="ack-before"
        ),
        pytest.param(
            {"suspensions": [(date(2025, 3, 2), date(2025, 3, 1))]},
            "suspension end",
            id="reversed",
        ),
    ],
)
def test_limitation_rejects_dates(kwargs, message):
    with pytest.raises(InvalidDateError, match=message):
        limitation(date(2024, 3, 15), **kwargs)


@pytest.mark.parametrize(
    ("as_of", "barred"),
    [
        pytest.param(date(2027, 12, 31), False, id="last-day"),
        pytest.param(date(2028, 1, 1), True, id="day-after"),
        pytest.param(date(2024, 3, 15), False, id="day-of-arising"),
    ],
)
def test_is_time_barred(as_of, barred):
    assert is_time_barred(limitation(date(2024, 3, 15)), as_of) is barred


def test_limitation_explanation():
    result = limitation(
        date(2024, 3, 15),
        acknowledged_on=[date(2024, 4, 1), date(2026, 6, 10), date(2030, 1, 1)],
        suspensions=[(date(2025, 1, 1), date(2025, 1, 10))],
    )
    german = result.explanation.render("de")
    english = result.explanation.render("en")
    assert result.explanation.rule == "§§ 195, 199, 209, 212 BGB"
    assert result.explanation.inputs["suspensions"] == "2025-01-01..2025-01-10"
    assert "endet am 31.12.2027" in german
    assert "bis einschließlich 10.06.2029 durchsetzbar" in german
    assert "does not extend the running period" in english
    assert "has no effect" in english
    assert "these 10 days extend the period to 2028-01-10" in english
    capped = limitation(date(2014, 3, 15), knowledge_on=date(2022, 5, 1))
    assert "ten-year maximum" in capped.explanation.render("en")
