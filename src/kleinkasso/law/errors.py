"""Exceptions raised by the law package.

Every class builds its message from the values it receives, so a caller can
show ``str(error)`` as it is.
"""

from __future__ import annotations

from datetime import date

__all__ = [
    "BaseRateUnknown",
    "FeeTableUnknownError",
    "InvalidAmountError",
    "InvalidDateError",
    "InvalidRateError",
    "LawError",
    "UnknownClaimError",
    "UnknownLanguageError",
    "UnknownPhraseError",
    "UnknownSubdivisionError",
]


class LawError(Exception):
    """Base class of every error raised by ``kleinkasso.law``."""


class BaseRateUnknown(LawError):
    """The base rate (§ 247 BGB) of a half-year is not in the packaged table."""

    def __init__(self, half_year: date, first_known: date, last_known: date) -> None:
        self.half_year = half_year
        super().__init__(
            f"no base rate for the half-year starting {half_year.isoformat()}; "
            f"the table covers {first_known.isoformat()} to "
            f"{last_known.isoformat()}, add the published rate to "
            "kleinkasso/law/data/base_rates.csv"
        )


class FeeTableUnknownError(LawError):
    """No fee table is in force on the date that decides which table applies."""

    def __init__(self, table: str, on: date, first_known: date) -> None:
        self.table = table
        self.on = on
        super().__init__(
            f"no {table} table for {on.isoformat()}; "
            f"the first packaged table applies from {first_known.isoformat()}"
        )


class InvalidAmountError(LawError):
    """An amount is negative, not an integer number of cents, or not parseable."""

    def __init__(self, name: str, value: object, expected: str) -> None:
        self.name = name
        self.value = value
        super().__init__(f"invalid {name}: {value!r} (expected {expected})")


class InvalidRateError(LawError):
    """A fee rate lies outside the range the fee item allows."""

    def __init__(self, rate: object, low: object, high: object, rule: str) -> None:
        self.rate = rate
        super().__init__(
            f"invalid fee rate {rate!s} for {rule}: "
            f"expected a Decimal from {low!s} to {high!s}"
        )


class InvalidDateError(LawError):
    """A date contradicts another input, for example an end before its start."""

    def __init__(self, name: str, value: date, expected: str) -> None:
        self.name = name
        self.value = value
        super().__init__(f"invalid {name}: {value.isoformat()} (expected {expected})")


class UnknownClaimError(LawError):
    """A designated claim key is not among the open claims, or a key repeats."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        super().__init__(f"claim {key!r} {problem}")


class UnknownPhraseError(LawError):
    """An explanation phrase names a key that the catalogue does not contain."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"unknown phrase key {key!r}")


class UnknownLanguageError(LawError):
    """An explanation was requested in a language without phrases."""

    def __init__(self, lang: str, supported: tuple[str, ...]) -> None:
        self.lang = lang
        super().__init__(
            f"unknown language {lang!r} (expected one of {', '.join(supported)})"
        )


class UnknownSubdivisionError(LawError):
    """A German federal state code is not known to the holiday calendar."""

    def __init__(self, code: str, known: tuple[str, ...]) -> None:
        self.code = code
        super().__init__(
            f"unknown German subdivision {code!r} (expected one of {', '.join(known)})"
        )
