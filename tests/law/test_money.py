from decimal import Decimal
from fractions import Fraction

import pytest

from kleinkasso.law import (
    InvalidAmountError,
    cents_to_euros,
    euros_to_cents,
    round_half_up_cents,
)
from kleinkasso.law.money import fraction_to_cents, require_cents


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        pytest.param("4.99", 499, id="two-decimals"),
        pytest.param("4.9", 490, id="one-decimal"),
        pytest.param("4", 400, id="whole-euros"),
        pytest.param("0", 0, id="zero"),
        pytest.param("0.01", 1, id="one-cent"),
        pytest.param("-1.50", -150, id="negative"),
        pytest.param("007.50", 750, id="leading-zeros"),
        pytest.param("123456789012.34", 12345678901234, id="large"),
    ],
)
def test_euros_to_cents_parses(text, cents):
    assert euros_to_cents(text) == cents


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("4,99", id="comma"),
        pytest.param("4.999", id="three-decimals"),
        pytest.param("1e3", id="exponent"),
        pytest.param(" 4.99", id="space"),
        pytest.param("", id="empty"),
        pytest.param(".5", id="no-whole-part"),
        pytest.param("5.", id="no-decimals"),
        pytest.param("+1", id="plus-sign"),
        pytest.param("NaN", id="nan"),
        pytest.param("4.99 EUR", id="currency"),
    ],
)
def test_euros_to_cents_rejects_text(text):
    with pytest.raises(InvalidAmountError, match="at most two decimals"):
        euros_to_cents(text)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(4.99, id="float"),
        pytest.param(Decimal("4.99"), id="decimal"),
        pytest.param(499, id="int"),
    ],
)
def test_euros_to_cents_rejects_non_strings(value):
    with pytest.raises(InvalidAmountError, match="a string"):
        euros_to_cents(value)


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        pytest.param(499, "4.99", id="cents"),
        pytest.param(500, "5.00", id="whole"),
        pytest.param(0, "0.00", id="zero"),
        pytest.param(-5, "-0.05", id="negative"),
    ],
)
def test_cents_to_euros(cents, text):
    assert cents_to_euros(cents) == Decimal(text)
    assert str(cents_to_euros(cents)) == text


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(4.99, id="float"),
        pytest.param(True, id="bool"),
        pytest.param("499", id="str"),
    ],
)
def test_cents_to_euros_rejects_non_int(value):
    with pytest.raises(InvalidAmountError, match="integer number of cents"):
        cents_to_euros(value)


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        pytest.param("0.005", 1, id="half-cent-up"),
        pytest.param("0.0049999", 0, id="below-half"),
        pytest.param("-0.005", -1, id="negative-half-away-from-zero"),
        pytest.param("1.125", 113, id="half-up-not-even"),
        pytest.param("328.2794520547945205479452054794520", 32828, id="many-digits"),
        pytest.param(
            "12345678901234567890123456789.995",
            1234567890123456789012345679000,
            id="beyond-default-precision",
        ),
    ],
)
def test_round_half_up_cents(amount, cents):
    assert round_half_up_cents(Decimal(amount)) == cents


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(0.005, id="float"),
        pytest.param(Decimal("NaN"), id="nan"),
        pytest.param(Decimal("Infinity"), id="infinity"),
    ],
)
def test_round_half_up_cents_rejects(value):
    with pytest.raises(InvalidAmountError):
        round_half_up_cents(value)


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        pytest.param(Fraction(1, 200), 1, id="half-cent"),
        pytest.param(Fraction(-1, 200), -1, id="negative-half-cent"),
        pytest.param(Fraction(1, 300), 0, id="third-cent"),
        pytest.param(Fraction(119822, 365), 32828, id="consumer-example"),
    ],
)
def test_fraction_to_cents(amount, cents):
    assert fraction_to_cents(amount) == cents


def test_require_cents_rejects_negative():
    with pytest.raises(InvalidAmountError, match="invalid fee: -1"):
        require_cents("fee", -1)
    assert require_cents("fee", -1, allow_negative=True) == -1
