"""Conversion between integer cents and euro amounts.

Outside this package money is an ``int`` of cents. Inside it amounts are
``decimal.Decimal`` built from strings or integers, or ``fractions.Fraction``
where a quotient must stay exact until the single rounding step. Floats are
rejected everywhere because they cannot hold most cent values exactly.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from kleinkasso.law.errors import InvalidAmountError

__all__ = [
    "cents_to_euros",
    "euros_to_cents",
    "fraction_to_cents",
    "require_cents",
    "round_half_up_cents",
]

_EURO_TEXT = re.compile(r"-?[0-9]+(\.[0-9]{1,2})?")
_CENT = Decimal("0.01")


def euros_to_cents(text: str) -> int:
    """Parse a euro amount written with a decimal point, such as "4.99", into cents.

    At most two decimals are accepted and a leading minus sign is allowed.
    Commas, exponents, spaces and anything that is not a ``str`` raise
    ``InvalidAmountError``.
    """
    if not isinstance(text, str):
        raise InvalidAmountError("euro amount", text, "a string such as '4.99'")
    if _EURO_TEXT.fullmatch(text) is None:
        raise InvalidAmountError(
            "euro amount", text, "digits with at most two decimals after a point"
        )
    return int(Decimal(text).scaleb(2))


def cents_to_euros(cents: int) -> Decimal:
    """Return the euro amount of ``cents`` with exactly two decimals."""
    require_cents("cents", cents, allow_negative=True)
    return Decimal(cents).scaleb(-2)


def round_half_up_cents(amount: Decimal) -> int:
    """Round a euro amount to whole cents, halves away from zero.

    This is the commercial rounding that § 2 Abs. 2 Satz 2 RVG prescribes for
    fees: 0.005 becomes 0.01 and -0.005 becomes -0.01.
    """
    if not isinstance(amount, Decimal):
        raise InvalidAmountError("euro amount", amount, "a decimal.Decimal")
    if not amount.is_finite():
        raise InvalidAmountError("euro amount", amount, "a finite decimal.Decimal")
    with localcontext() as context:
        context.prec = max(28, len(amount.as_tuple().digits) + 4)
        rounded = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
        return int(rounded.scaleb(2))


def fraction_to_cents(amount: Fraction) -> int:
    """Round an exact euro amount to whole cents, halves away from zero."""
    scaled = amount * 100
    magnitude = (abs(scaled.numerator) * 2 + scaled.denominator) // (
        2 * scaled.denominator
    )
    return magnitude if scaled >= 0 else -magnitude


def require_cents(name: str, value: object, *, allow_negative: bool = False) -> int:
    """Return ``value`` if it is an ``int`` of cents, else raise ``InvalidAmountError``.

    ``bool`` is rejected although it is a subclass of ``int``.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAmountError(name, value, "an integer number of cents")
    if value < 0 and not allow_negative:
        raise InvalidAmountError(name, value, "zero or more cents")
    return value
