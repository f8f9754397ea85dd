from datetime import date
from decimal import Decimal

import pytest

from kleinkasso.law import FeeTableUnknownError, court_dunning_costs

# GKG KV Nr. 1100 (0.5, with minimum) by value limit, before and from 2025-06-01.
KV_1100 = [
    (500, "36.00", "38.00"),
    (1_000, "36.00", "38.00"),
    (1_500, "39.00", "41.00"),
    (2_000, "49.00", "51.50"),
    (3_000, "59.50", "62.75"),
    (4_000, "70.00", "74.00"),
    (5_000, "80.50", "85.25"),
]


def cents(euros: str) -> int:
    return int(Decimal(euros) * 100)


@pytest.mark.parametrize(
    ("limit", "before", "after"), KV_1100, ids=[str(row[0]) for row in KV_1100]
)
def test_court_fee_kv_1100(limit, before, after):
    old = court_dunning_costs(limit * 100, date(2025, 5, 31))
    new = court_dunning_costs(limit * 100, date(2025, 6, 1))
    assert old.court_fee_cents == cents(before)
    assert new.court_fee_cents == cents(after)


@pytest.mark.parametrize(
    ("filing", "minimum"),
    [
        pytest.param(date(2020, 12, 31), 3_200, id="until-2020"),
        pytest.param(date(2021, 1, 1), 3_600, id="from-2021"),
        pytest.param(date(2025, 6, 1), 3_800, id="from-2025-06"),
    ],
)
def test_court_fee_minimum_by_date(filing, minimum):
    assert court_dunning_costs(500, filing).court_fee_cents == minimum


def test_court_dunning_costs_five_euros():
    # 38.00 + 51.50 + 25.75 + 20 % of 77.25 = 130.70 before VAT.
    result = court_dunning_costs(500, date(2026, 12, 4))
    assert result.court_fee_cents == 3_800
    assert result.procedure_fee_cents == 5_150
    assert result.enforcement_fee_cents == 2_575
    assert result.expenses_cents == 1_545
    assert result.vat_cents == 0
    assert result.total_cents == 13_070


def test_court_dunning_costs_with_vat():
    result = court_dunning_costs(500, date(2026, 12, 4), vat=True)
    # VAT only on the representative's 92.70: 17.613.
    assert result.vat_cents == 1_761
    assert result.total_cents == 14_831


def test_court_dunning_costs_expenses_capped():
    result = court_dunning_costs(1_000_000, date(2026, 12, 4))
    assert result.procedure_fee_cents == 65_200
    assert result.enforcement_fee_cents == 32_600
    assert result.expenses_cents == 2_000
    assert result.court_fee_cents == 14_150


def test_court_dunning_costs_before_tables():
    assert court_dunning_costs(500, date(2013, 8, 1)).court_fee_cents == 3_200
    with pytest.raises(FeeTableUnknownError, match="2013-07-31"):
        court_dunning_costs(500, date(2013, 7, 31))


def test_court_dunning_costs_explanation():
    result = court_dunning_costs(500, date(2026, 12, 4), vat=True)
    explanation = result.explanation
    assert explanation.table_version == (
        "GKG Anlage 2 (2025-06-01); RVG Anlage 2 (2025-06-01)"
    )
    assert "KV 1100: max(0.5 × 40.00, 38.00) = 38.00" in explanation.steps
    assert "insgesamt 148,31 EUR" in explanation.render("de")
    plain = court_dunning_costs(500, date(2026, 12, 4)).explanation.render("en")
    assert "No VAT is charged." in plain
