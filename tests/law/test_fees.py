from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kleinkasso.law import (
    SIMPLE_CASE_WINDOW_DAYS,
    FeeTableUnknownError,
    InvalidAmountError,
    InvalidRateError,
    collection_fee,
    fee_rate_for,
    flat_rate_expenses,
    payment_plan_fee,
    recoverable_reminder_costs,
    rvg_base_fee,
    simple_case_deadline,
)
from kleinkasso.law.fees import fee_amount, vat_on

OLD = date(2020, 12, 31)
MID = date(2025, 5, 31)
NEW = date(2025, 6, 1)

# § 13 RVG Anlage 2, 1.0 fee in euros by upper limit, for the 2013, 2021 and
# 2025 versions.
ANLAGE_2 = [
    (500, "45.00", "49.00", "51.50"),
    (1_000, "80.00", "88.00", "93.00"),
    (1_500, "115.00", "127.00", "134.50"),
    (2_000, "150.00", "166.00", "176.00"),
    (3_000, "201.00", "222.00", "235.50"),
    (4_000, "252.00", "278.00", "295.00"),
    (5_000, "303.00", "334.00", "354.50"),
    (6_000, "354.00", "390.00", "414.00"),
    (7_000, "405.00", "446.00", "473.50"),
    (8_000, "456.00", "502.00", "533.00"),
    (9_000, "507.00", "558.00", "592.50"),
    (10_000, "558.00", "614.00", "652.00"),
]


def cents(euros: str) -> int:
    return int(Decimal(euros) * 100)


@pytest.mark.parametrize(
    ("limit", "old", "mid", "new"), ANLAGE_2, ids=[str(row[0]) for row in ANLAGE_2]
)
def test_rvg_base_fee_matches_anlage_2(limit, old, mid, new):
    for mandate, fee in ((OLD, old), (MID, mid), (NEW, new)):
        assert rvg_base_fee(limit * 100, mandate)[0] == cents(fee)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(0, 5_150, id="0.00"),
        pytest.param(5_000, 5_150, id="50.00"),
        pytest.param(50_000, 5_150, id="500.00"),
        pytest.param(50_001, 9_300, id="500.01"),
        pytest.param(200_000, 17_600, id="2000.00"),
        pytest.param(200_001, 23_550, id="2000.01"),
        pytest.param(1_000_000, 65_200, id="10000.00"),
        pytest.param(1_000_001, 70_700, id="10000.01"),
        pytest.param(2_500_000, 92_700, id="25000.00"),
        pytest.param(2_500_001, 101_300, id="25000.01"),
        pytest.param(5_000_000, 135_700, id="50000.00"),
        pytest.param(5_000_001, 145_650, id="50000.01"),
        pytest.param(20_000_000, 235_200, id="200000.00"),
        pytest.param(20_000_001, 249_200, id="200000.01"),
        pytest.param(50_000_000, 375_200, id="500000.00"),
        pytest.param(50_000_001, 392_700, id="500000.01"),
        pytest.param(55_000_001, 410_200, id="550000.01"),
    ],
)
def test_rvg_base_fee_bracket_edges_2025(value, expected):
    assert rvg_base_fee(value, NEW) == (expected, "RVG Anlage 2 (2025-06-01)")


@pytest.mark.parametrize(
    ("value", "table_2013", "table_2021"),
    [
        pytest.param(2_500_000, 78_800, 87_400, id="25000.00"),
        pytest.param(5_000_000, 116_300, 127_900, id="50000.00"),
        pytest.param(20_000_000, 201_300, 221_900, id="200000.00"),
        pytest.param(50_000_000, 321_300, 353_900, id="500000.00"),
        pytest.param(50_000_001, 336_300, 370_400, id="500000.01"),
    ],
)
def test_rvg_base_fee_upper_brackets_older_tables(value, table_2013, table_2021):
    assert rvg_base_fee(value, OLD)[0] == table_2013
    assert rvg_base_fee(value, MID)[0] == table_2021


@pytest.mark.parametrize(
    ("value", "mandate", "expected", "version"),
    [
        pytest.param(
            5_000,
            date(2021, 9, 30),
            4_900,
            "RVG Anlage 2 (2021-01-01)",
            id="2021-09-30",
        ),
        pytest.param(
            5_000,
            date(2021, 10, 1),
            3_000,
            "RVG § 13 Abs. 2 (2021-10-01)",
            id="2021-10-01",
        ),
        pytest.param(
            5_000, MID, 3_000, "RVG § 13 Abs. 2 (2021-10-01)", id="2025-05-31"
        ),
        pytest.param(
            5_000, NEW, 3_150, "RVG § 13 Abs. 2 (2025-06-01)", id="2025-06-01"
        ),
        pytest.param(5_001, NEW, 5_150, "RVG Anlage 2 (2025-06-01)", id="50.01"),
        pytest.param(5_001, MID, 4_900, "RVG Anlage 2 (2021-01-01)", id="50.01-mid"),
        pytest.param(499, OLD, 4_500, "RVG Anlage 2 (2013-08-01)", id="2020"),
        pytest.param(
            499, date(2021, 1, 1), 4_900, "RVG Anlage 2 (2021-01-01)", id="2021-01-01"
        ),
    ],
)
def test_rvg_base_fee_collection_step(value, mandate, expected, version):
    assert rvg_base_fee(value, mandate, collection_step=True) == (expected, version)


def test_rvg_base_fee_before_first_table():
    assert rvg_base_fee(100, date(2013, 8, 1))[0] == 4_500
    with pytest.raises(FeeTableUnknownError, match=r"2013-07-31.*2013-08-01"):
        rvg_base_fee(100, date(2013, 7, 31))


def test_rvg_base_fee_rejects_negative_value():
    with pytest.raises(InvalidAmountError, match="value_cents"):
        rvg_base_fee(-1, NEW)


# Worked table for one uncontested claim: fee, Nr. 7002, net, with 19 % VAT.
WORKED = [
    (NEW, 499, "0.5", "15.75", "3.15", "18.90", "22.49"),
    (NEW, 499, "0.9", "28.35", "5.67", "34.02", "40.48"),
    (NEW, 499, "1.3", "40.95", "8.19", "49.14", "58.48"),
    (NEW, 5_000, "0.9", "28.35", "5.67", "34.02", "40.48"),
    (NEW, 5_001, "0.5", "25.75", "5.15", "30.90", "36.77"),
    (NEW, 5_001, "0.9", "46.35", "9.27", "55.62", "66.19"),
    (NEW, 50_000, "1.3", "66.95", "13.39", "80.34", "95.60"),
    (MID, 499, "0.5", "15.00", "3.00", "18.00", "21.42"),
    (MID, 499, "0.9", "27.00", "5.40", "32.40", "38.56"),
    (MID, 499, "1.3", "39.00", "7.80", "46.80", "55.69"),
    (MID, 5_001, "0.5", "24.50", "4.90", "29.40", "34.99"),
    (MID, 5_001, "0.9", "44.10", "8.82", "52.92", "62.97"),
    (MID, 50_000, "1.3", "63.70", "12.74", "76.44", "90.96"),
]


@pytest.mark.parametrize(
    ("mandate", "value", "rate", "fee", "expenses", "net", "gross"),
    WORKED,
    ids=[f"{row[0]}-{row[1]}-{row[2]}" for row in WORKED],
)
def test_collection_fee_worked_table(mandate, value, rate, fee, expenses, net, gross):
    plain = collection_fee(value, mandate, Decimal(rate))
    assert plain.fee_cents == cents(fee)
    assert plain.expenses_cents == cents(expenses)
    assert plain.vat_cents == 0
    assert plain.total_cents == cents(net)
    with_vat = collection_fee(value, mandate, Decimal(rate), vat=True)
    assert with_vat.vat_cents == cents(gross) - cents(net)
    assert with_vat.total_cents == cents(gross)


def test_collection_fee_result_fields():
    result = collection_fee(499, date(2026, 11, 1))
    assert result.value_cents == 499
    assert result.mandate_date == date(2026, 11, 1)
    assert result.rate == Decimal("0.9")
    assert result.base_fee_cents == 3_150
    assert result.table_version == "RVG § 13 Abs. 2 (2025-06-01)"
    assert result.explanation.rule == "Nr. 2300 VV RVG"
    assert result.explanation.table_version == result.table_version


def test_collection_fee_disputed_uses_table():
    result = collection_fee(499, NEW, Decimal("0.9"), disputed=True)
    assert result.base_fee_cents == 5_150
    assert result.fee_cents == 4_635
    assert collection_fee(499, NEW, Decimal("2.5"), disputed=True).fee_cents == 12_875


def test_collection_fee_old_mandate_has_no_step():
    result = collection_fee(499, date(2021, 9, 30), Decimal("0.5"))
    assert result.base_fee_cents == 4_900
    assert result.fee_cents == 2_450


def test_collection_fee_expenses_capped():
    result = collection_fee(1_000_000, NEW, Decimal("1.3"))
    assert result.fee_cents == 84_760
    assert result.expenses_cents == 2_000
    assert "höchstens aber 20,00 EUR" in result.explanation.render("de")


@pytest.mark.parametrize(
    ("rate", "disputed", "expected_range"),
    [
        pytest.param("1.31", False, "from 0.5 to 1.3", id="above-uncontested-cap"),
        pytest.param("0.49", False, "from 0.5 to 1.3", id="below-minimum"),
        pytest.param("2.51", True, "from 0.5 to 2.5", id="above-disputed-cap"),
        pytest.param("NaN", False, "from 0.5 to 1.3", id="nan"),
    ],
)
def test_collection_fee_rejects_rate(rate, disputed, expected_range):
    with pytest.raises(InvalidRateError, match=expected_range):
        collection_fee(499, NEW, Decimal(rate), disputed=disputed)


def test_collection_fee_rejects_float_rate():
    with pytest.raises(InvalidRateError, match="expected a Decimal"):
        collection_fee(499, NEW, 0.9)  # type: ignore[arg-type]


def test_collection_fee_explanation_languages():
    result = collection_fee(499, NEW, Decimal("0.5"), vat=True)
    german = result.explanation.render("de")
    english = result.explanation.render("en")
    assert "0,5 × 31,50 EUR = 15,75 EUR" in german
    assert "Umsatzsteuer nach Nr. 7008 VV RVG beträgt 19 % von 18,90 EUR" in german
    assert "The total is 22.49 EUR." in english
    disputed = collection_fee(499, NEW, disputed=True).explanation.render("en")
    assert "The claim is disputed" in disputed


@pytest.mark.parametrize(
    ("rate", "base", "expected"),
    [
        pytest.param("0.5", 3_000, 1_500, id="exactly-minimum"),
        pytest.param("0.3", 3_150, 1_500, id="raised-to-minimum"),
        pytest.param("0.9", 3_150, 2_835, id="above-minimum"),
        pytest.param("0.65", 3_150, 2_048, id="half-cent-rounds-up"),
    ],
)
def test_fee_amount(rate, base, expected):
    assert fee_amount(Decimal(rate), base) == expected


@pytest.mark.parametrize(
    ("fees", "expected"),
    [
        pytest.param(1_575, 315, id="20-percent"),
        pytest.param(10_000, 2_000, id="at-cap"),
        pytest.param(10_003, 2_000, id="above-cap"),
        pytest.param(2, 0, id="tiny"),
        pytest.param(3, 1, id="half-cent-up"),
    ],
)
def test_flat_rate_expenses(fees, expected):
    assert flat_rate_expenses(fees) == expected


def test_vat_on_rounds_half_up():
    assert vat_on(1_890) == 359  # 3.591
    assert vat_on(50) == 10  # 0.095


PLAN = [
    (499, NEW, "0.7", 5_150, 3_605, 721, 4_326, "RVG Anlage 2 (2025-06-01)"),
    (
        499,
        date(2026, 11, 1),
        "0.7",
        5_150,
        3_605,
        721,
        4_326,
        "RVG Anlage 2 (2025-06-01)",
    ),
    (499, MID, "0.7", 4_900, 3_430, 686, 4_116, "RVG Anlage 2 (2021-01-01)"),
    (
        499,
        date(2021, 10, 1),
        "0.7",
        4_900,
        3_430,
        686,
        4_116,
        "RVG Anlage 2 (2021-01-01)",
    ),
    (
        499,
        date(2021, 9, 30),
        "1.5",
        4_900,
        7_350,
        1_470,
        8_820,
        "RVG Anlage 2 (2021-01-01)",
    ),
    (100_000, NEW, "0.7", 5_150, 3_605, 721, 4_326, "RVG Anlage 2 (2025-06-01)"),
    (100_001, NEW, "0.7", 9_300, 6_510, 1_302, 7_812, "RVG Anlage 2 (2025-06-01)"),
    (
        250_000,
        date(2021, 9, 30),
        "1.5",
        4_900,
        7_350,
        1_470,
        8_820,
        "RVG Anlage 2 (2021-01-01)",
    ),
    (
        250_001,
        date(2021, 9, 30),
        "1.5",
        8_800,
        13_200,
        2_000,
        15_200,
        "RVG Anlage 2 (2021-01-01)",
    ),
]


@pytest.mark.parametrize(
    ("value", "mandate", "rate", "base", "fee", "expenses", "total", "version"),
    PLAN,
    ids=[f"{row[0]}-{row[1]}" for row in PLAN],
)
def test_payment_plan_fee(value, mandate, rate, base, fee, expenses, total, version):
    result = payment_plan_fee(value, mandate)
    assert result.rate == Decimal(rate)
    assert result.base_fee_cents == base
    assert result.fee_cents == fee
    assert result.expenses_cents == expenses
    assert result.total_cents == total
    assert result.table_version == version
    assert result.value_cents == value


def test_payment_plan_fee_with_vat():
    result = payment_plan_fee(499, NEW, vat=True)
    assert result.vat_cents == 822
    assert result.total_cents == 5_148
    assert (
        "50 % der Forderung von 4,99 EUR, also 2,50 EUR" in result.explanation.render()
    )


@pytest.mark.parametrize(
    ("mandate", "demand", "deadline"),
    [
        pytest.param(NEW, date(2026, 11, 2), date(2026, 11, 16), id="from-2025-06"),
        pytest.param(MID, date(2025, 5, 30), date(2025, 6, 13), id="before-2025-06"),
        pytest.param(NEW, date(2026, 11, 7), date(2026, 11, 21), id="ends-saturday"),
    ],
)
def test_simple_case_deadline(mandate, demand, deadline):
    assert SIMPLE_CASE_WINDOW_DAYS == 14
    assert simple_case_deadline(mandate, demand) == deadline


@pytest.mark.parametrize(
    ("demand", "paid", "default_rate", "expected"),
    [
        pytest.param(
            date(2026, 11, 2), date(2026, 11, 16), "0.9", "0.5", id="last-day"
        ),
        pytest.param(
            date(2026, 11, 2), date(2026, 11, 17), "0.9", "0.9", id="day-after"
        ),
        pytest.param(
            date(2026, 11, 2), date(2026, 11, 1), "0.9", "0.5", id="before-demand"
        ),
        pytest.param(date(2026, 11, 2), None, "0.9", "0.9", id="unpaid"),
        pytest.param(None, date(2026, 11, 3), "0.9", "0.9", id="no-demand"),
        pytest.param(
            date(2026, 11, 2), date(2026, 12, 1), "1.3", "1.3", id="custom-default"
        ),
    ],
)
def test_fee_rate_for(demand, paid, default_rate, expected):
    rate = fee_rate_for(NEW, demand, paid, default_rate=Decimal(default_rate))
    assert rate == Decimal(expected)


def test_fee_rate_for_rejects_default_rate():
    with pytest.raises(InvalidRateError):
        fee_rate_for(NEW, None, None, default_rate=Decimal("3"))


@pytest.mark.parametrize(
    ("count", "material", "expected"),
    [
        pytest.param(0, 95, 0, id="none"),
        pytest.param(1, 95, 0, id="first-reminder-free"),
        pytest.param(3, 95, 190, id="two-after-first"),
    ],
)
def test_recoverable_reminder_costs(count, material, expected):
    assert recoverable_reminder_costs(count, material) == expected


@pytest.mark.parametrize(
    ("count", "material", "name"),
    [
        pytest.param(-1, 95, "reminder_count", id="negative-count"),
        pytest.param(True, 95, "reminder_count", id="bool-count"),
        pytest.param(2, -1, "material_cost_cents", id="negative-cost"),
    ],
)
def test_recoverable_reminder_costs_rejects(count, material, name):
    with pytest.raises(InvalidAmountError, match=name):
        recoverable_reminder_costs(count, material)


rates_uncontested = st.sampled_from(
    [Decimal("0.5") + Decimal(step) / 10 for step in range(9)]
)
mandates = st.dates(min_value=date(2013, 8, 1), max_value=date(2030, 12, 31))


@given(
    value=st.integers(min_value=0, max_value=100_000_000),
    mandate=mandates,
    rate=rates_uncontested,
    vat=st.booleans(),
)
def test_collection_fee_never_exceeds_caps(value, mandate, rate, vat):
    result = collection_fee(value, mandate, rate, vat=vat)
    highest = collection_fee(value, mandate, Decimal("1.3"))
    assert result.fee_cents <= highest.fee_cents
    assert result.expenses_cents <= 2_000
    assert result.fee_cents >= 1_500
    assert (
        result.total_cents
        == result.fee_cents + result.expenses_cents + result.vat_cents
    )


@given(
    value=st.integers(min_value=0, max_value=100_000_000),
    mandate=mandates,
    excess=st.integers(min_value=1, max_value=1_000),
)
def test_collection_fee_rejects_every_rate_above_cap(value, mandate, excess):
    with pytest.raises(InvalidRateError):
        collection_fee(value, mandate, Decimal("1.3") + Decimal(excess) / 1000)


@given(
    value=st.integers(min_value=0, max_value=100_000_000),
    more=st.integers(min_value=0, max_value=10_000_000),
    mandate=mandates,
)
def test_rvg_base_fee_grows_with_value(value, more, mandate):
    assert rvg_base_fee(value, mandate)[0] <= rvg_base_fee(value + more, mandate)[0]
