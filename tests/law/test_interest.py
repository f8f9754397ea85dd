from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kleinkasso.law import (
    BaseRateUnknown,
    DayCount,
    InvalidAmountError,
    LawError,
    default_interest,
)


@pytest.mark.parametrize(
    ("consumer", "cents"),
    [
        pytest.param(True, 32828, id="consumer-plus-5"),
        pytest.param(False, 52664, id="business-plus-9"),
    ],
)
def test_default_interest_independent_figure(consumer, cents):
    # 10,000.00 EUR from 2023-01-01, payment arrives 2023-07-01: 181 days
    # at 1.62 % + 5 or + 9 points, act/365.
    result = default_interest(
        1_000_000, date(2023, 1, 1), date(2023, 7, 1), consumer=consumer
    )
    assert result.interest_cents == cents
    assert len(result.periods) == 1
    assert result.periods[0].days == 181
    assert result.periods[0].end == date(2023, 6, 30)


@pytest.mark.parametrize(
    ("obligation_date", "rate"),
    [
        pytest.param(date(2014, 7, 28), Decimal("7.12"), id="before-2014-07-29"),
        pytest.param(date(2014, 7, 29), Decimal("8.12"), id="from-2014-07-29"),
        pytest.param(None, Decimal("8.12"), id="unknown-date"),
    ],
)
def test_default_interest_business_points(obligation_date, rate):
    result = default_interest(
        100_000,
        date(2019, 1, 1),
        date(2019, 1, 2),
        consumer=False,
        obligation_date=obligation_date,
    )
    assert result.periods[0].rate_percent == rate


def test_default_interest_splits_at_half_years():
    result = default_interest(499, date(2026, 1, 15), date(2026, 12, 4))
    starts = [period.start for period in result.periods]
    ends = [period.end for period in result.periods]
    assert starts == [date(2026, 1, 15), date(2026, 7, 1)]
    assert ends == [date(2026, 6, 30), date(2026, 12, 3)]
    assert [p.rate_percent for p in result.periods] == [
        Decimal("6.27"),
        Decimal("6.52"),
    ]
    assert [p.days for p in result.periods] == [167, 156]
    assert result.interest_cents == 28


def test_default_interest_splits_across_years():
    result = default_interest(100_000, date(2023, 12, 20), date(2024, 7, 10))
    assert [p.start for p in result.periods] == [
        date(2023, 12, 20),
        date(2024, 1, 1),
        date(2024, 7, 1),
    ]
    assert [p.base_rate_percent for p in result.periods] == [
        Decimal("3.12"),
        Decimal("3.62"),
        Decimal("3.37"),
    ]


def test_default_interest_rounds_once_at_end():
    # 100.00 EUR, three days at 6.27 % and three days at 6.52 %: 0.0515 and
    # 0.0536 would round to 5 + 5 cents, the exact sum 0.1051 rounds to 11.
    result = default_interest(10_000, date(2026, 6, 28), date(2026, 7, 4))
    per_period = [
        int((p.interest * 100).quantize(Decimal(1), ROUND_HALF_UP))
        for p in result.periods
    ]
    assert per_period == [5, 5]
    assert result.interest_cents == 11


@pytest.mark.parametrize(
    "payment_day",
    [
        pytest.param(date(2026, 3, 1), id="same-day"),
        pytest.param(date(2026, 2, 1), id="before"),
    ],
)
def test_default_interest_none_when_paid_before_default(payment_day):
    result = default_interest(10_000, date(2026, 3, 1), payment_day)
    assert result.interest_cents == 0
    assert result.periods == ()
    assert "keine Zinsen" in result.explanation.render("de")


def test_default_interest_one_day():
    result = default_interest(1_000_000, date(2026, 3, 1), date(2026, 3, 2))
    assert result.periods[0].start == result.periods[0].end == date(2026, 3, 1)
    assert result.periods[0].days == 1
    # 10,000 x 6.27 % / 365 = 1.7178...
    assert result.interest_cents == 172


@pytest.mark.parametrize(
    ("day_count", "cents"),
    [
        # 100,000.00 EUR on 2024-02-29 alone at 3.62 % + 5 = 8.62 %.
        pytest.param(DayCount.ACT_ACT, 2355, id="act-act-366"),
        pytest.param(DayCount.ACT_365, 2362, id="act-365"),
        pytest.param(DayCount.THIRTY_360, 2394, id="30-360"),
    ],
)
def test_default_interest_leap_day(day_count, cents):
    result = default_interest(
        10_000_000, date(2024, 2, 29), date(2024, 3, 1), day_count=day_count
    )
    assert result.periods[0].days == 1
    assert result.interest_cents == cents


@pytest.mark.parametrize(
    ("day_count", "cents"),
    [
        # 1,000.00 EUR through 2020 at -0.88 % + 5 = 4.12 %, 366 actual days.
        pytest.param(DayCount.ACT_365, 4131, id="act-365"),
        pytest.param(DayCount.ACT_ACT, 4120, id="act-act"),
        pytest.param(DayCount.THIRTY_360, 4120, id="30-360"),
    ],
)
def test_default_interest_negative_base_rate_year(day_count, cents):
    result = default_interest(
        100_000, date(2020, 1, 1), date(2021, 1, 1), day_count=day_count
    )
    assert [p.base_rate_percent for p in result.periods] == [Decimal("-0.88")] * 2
    assert [p.rate_percent for p in result.periods] == [Decimal("4.12")] * 2
    assert result.interest_cents == cents


@pytest.mark.parametrize(
    ("first_day", "payment_day", "days"),
    [
        pytest.param(date(2023, 1, 1), date(2023, 7, 1), 180, id="half-year"),
        pytest.param(date(2023, 2, 1), date(2023, 3, 1), 28, id="ends-february"),
        pytest.param(date(2023, 2, 1), date(2023, 4, 1), 60, id="through-february"),
        pytest.param(date(2023, 1, 31), date(2023, 2, 1), 1, id="31st-alone"),
        pytest.param(date(2023, 1, 30), date(2023, 2, 1), 1, id="31st-not-counted"),
        pytest.param(date(2023, 1, 31), date(2023, 2, 2), 2, id="31st-and-1st"),
        pytest.param(date(2023, 3, 15), date(2023, 3, 16), 1, id="one-day"),
    ],
)
def test_default_interest_thirty_360_days(first_day, payment_day, days):
    result = default_interest(
        100_000, first_day, payment_day, day_count=DayCount.THIRTY_360
    )
    assert sum(p.days for p in result.periods) == days


def test_default_interest_thirty_360_split_is_additive():
    whole = default_interest(
        100_000, date(2023, 3, 10), date(2023, 10, 5), day_count=DayCount.THIRTY_360
    )
    # 2023-03-10..2023-06-30 = 111 days, 2023-07-01..2023-10-04 = 94 days.
    assert [p.days for p in whole.periods] == [111, 94]


def test_default_interest_accepts_day_count_string():
    day_count: str = "30/360"
    result = default_interest(
        100_000,
        date(2023, 1, 1),
        date(2023, 7, 1),
        day_count=day_count,  # type: ignore[arg-type]
    )
    assert result.periods[0].days == 180


def test_default_interest_rejects_unknown_day_count():
    with pytest.raises(LawError, match="act/365, 30/360, act/act"):
        default_interest(100, date(2023, 1, 1), date(2023, 2, 1), day_count="act/364")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "principal",
    [pytest.param(-1, id="negative"), pytest.param(1.5, id="float")],
)
def test_default_interest_rejects_principal(principal):
    with pytest.raises(InvalidAmountError, match="principal_cents"):
        default_interest(principal, date(2023, 1, 1), date(2023, 2, 1))


def test_default_interest_beyond_table():
    assert default_interest(100, date(2026, 12, 1), date(2027, 1, 1)).periods
    with pytest.raises(BaseRateUnknown, match="2027-01-01"):
        default_interest(100, date(2026, 12, 1), date(2027, 1, 2))


def test_default_interest_explanation():
    result = default_interest(1_000_000, date(2023, 1, 1), date(2023, 7, 1))
    explanation = result.explanation
    assert explanation.rule == "§ 288 Abs. 1 BGB"
    assert explanation.table_version == "base rate 2026-07-01"
    assert explanation.inputs["principal"] == "10000.00"
    assert explanation.steps[0] == (
        "2023-01-01..2023-06-30: 10000.00 × 6.62 % × 181 / 365 = 328.2794520548"
    )
    assert "328,28 EUR" in explanation.render("de")
    assert "rounded half up once, to 328.28 EUR" in explanation.render("en")


@pytest.mark.parametrize(
    ("consumer", "obligation_date", "text"),
    [
        pytest.param(True, None, "because a consumer is involved", id="consumer"),
        pytest.param(False, None, "no consumer is involved.", id="business"),
        pytest.param(False, date(2010, 1, 1), "before 29 July 2014", id="old-business"),
    ],
)
def test_default_interest_explains_rate(consumer, obligation_date, text):
    result = default_interest(
        100,
        date(2023, 1, 1),
        date(2023, 2, 1),
        consumer=consumer,
        obligation_date=obligation_date,
    )
    assert text in result.explanation.render("en")


def test_default_interest_act_act_divisor_in_steps():
    result = default_interest(
        100_000, date(2024, 12, 31), date(2025, 1, 2), day_count=DayCount.ACT_ACT
    )
    assert "/ 366" in result.explanation.steps[0]
    assert "/ 365" in result.explanation.steps[1]


days_in_table = st.dates(min_value=date(2002, 1, 1), max_value=date(2026, 12, 31))


@given(
    first_day=days_in_table,
    length=st.integers(min_value=0, max_value=800),
    extra=st.integers(min_value=1, max_value=60),
    principal=st.integers(min_value=0, max_value=10_000_000),
    day_count=st.sampled_from(DayCount),
    consumer=st.booleans(),
)
def test_default_interest_grows_with_days(
    first_day, length, extra, principal, day_count, consumer
):
    limit = date(2027, 1, 1)
    shorter = min(first_day + timedelta(days=length), limit)
    longer = min(shorter + timedelta(days=extra), limit)
    short = default_interest(
        principal, first_day, shorter, day_count=day_count, consumer=consumer
    )
    long = default_interest(
        principal, first_day, longer, day_count=day_count, consumer=consumer
    )
    assert short.interest_cents <= long.interest_cents


@given(
    first_day=days_in_table,
    length=st.integers(min_value=0, max_value=800),
    principal=st.integers(min_value=0, max_value=10_000_000),
    more=st.integers(min_value=0, max_value=1_000_000),
    day_count=st.sampled_from(DayCount),
)
def test_default_interest_grows_with_principal(
    first_day, length, principal, more, day_count
):
    payment_day = min(first_day + timedelta(days=length), date(2027, 1, 1))
    small = default_interest(principal, first_day, payment_day, day_count=day_count)
    large = default_interest(
        principal + more, first_day, payment_day, day_count=day_count
    )
    assert small.interest_cents <= large.interest_cents


@given(
    first_day=days_in_table,
    length=st.integers(min_value=1, max_value=800),
)
def test_default_interest_periods_cover_every_day(first_day, length):
    payment_day = min(first_day + timedelta(days=length), date(2027, 1, 1))
    result = default_interest(100_000, first_day, payment_day)
    assert result.periods[0].start == first_day
    assert result.periods[-1].end == payment_day - timedelta(days=1)
    assert sum(p.days for p in result.periods) == (payment_day - first_day).days
