"""Base rate (Basiszinssatz) of § 247 BGB.

The rate changes only on 1 January and 1 July. The packaged table
``data/base_rates.csv`` contains one row per half-year since 2002-01-01, the
first adjustment under § 247 BGB. The next half-year is one more row there.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources

from kleinkasso.law.errors import BaseRateUnknown, LawError

__all__ = [
    "BaseRateTable",
    "base_rate",
    "base_rate_table",
    "half_year_end",
    "half_year_start",
    "parse_base_rate_table",
]

_HEADER = ["valid_from", "rate_percent"]


def half_year_start(day: date) -> date:
    """Return 1 January or 1 July, whichever starts the half-year of ``day``."""
    return date(day.year, 1 if day.month < 7 else 7, 1)


def half_year_end(day: date) -> date:
    """Return 30 June or 31 December, whichever ends the half-year of ``day``."""
    if day.month < 7:
        return date(day.year, 6, 30)
    return date(day.year, 12, 31)


@dataclass(frozen=True)
class BaseRateTable:
    """Base rates by the first day of their half-year, without gaps."""

    rates: tuple[tuple[date, Decimal], ...]

    @property
    def first(self) -> date:
        """First day covered by the table."""
        return self.rates[0][0]

    @property
    def last(self) -> date:
        """First day of the newest half-year in the table."""
        return self.rates[-1][0]

    @property
    def version(self) -> str:
        """Table version as stored with results, named after the newest row."""
        return f"base rate {self.last.isoformat()}"

    def rate(self, on: date) -> Decimal:
        """Return the base rate in percent for the half-year containing ``on``."""
        start = half_year_start(on)
        index = (
            (start.year - self.first.year) * 2
            + (start.month - 1) // 6
            - (self.first.month - 1) // 6
        )
        if start < self.first or index >= len(self.rates):
            raise BaseRateUnknown(start, self.first, half_year_end(self.last))
        return self.rates[index][1]


def parse_base_rate_table(text: str) -> BaseRateTable:
    """Parse the CSV text of a base rate table.

    Lines starting with ``#`` are comments. The rows must start on 1 January
    or 1 July and follow each other half-year by half-year; any other layout
    raises ``LawError`` naming the line.
    """
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    reader = csv.reader(io.StringIO("\n".join(lines)))
    header = next(reader, None)
    if header != _HEADER:
        raise LawError(f"base rate table header is {header!r}, expected {_HEADER!r}")

    rates: list[tuple[date, Decimal]] = []
    for row in reader:
        if not row:
            continue
        valid_from, rate = _parse_row(row)
        if rates and valid_from != _next_half_year(rates[-1][0]):
            raise LawError(
                f"base rate row {valid_from.isoformat()} does not follow "
                f"{rates[-1][0].isoformat()}; expected "
                f"{_next_half_year(rates[-1][0]).isoformat()}"
            )
        rates.append((valid_from, rate))
    if not rates:
        raise LawError("base rate table has no rows")
    return BaseRateTable(tuple(rates))


def _parse_row(row: list[str]) -> tuple[date, Decimal]:
    try:
        valid_from = date.fromisoformat(row[0])
        rate = Decimal(row[1])
    except (ValueError, IndexError, InvalidOperation) as error:
        raise LawError(
            f"base rate row {row!r} is invalid, expected YYYY-MM-DD,percent"
        ) from error
    if valid_from != half_year_start(valid_from) or not rate.is_finite():
        raise LawError(
            f"base rate row {row!r} is invalid, expected a row starting on "
            "1 January or 1 July with a finite rate"
        )
    return valid_from, rate


def _next_half_year(start: date) -> date:
    if start.month == 1:
        return date(start.year, 7, 1)
    return date(start.year + 1, 1, 1)


@functools.cache
def base_rate_table() -> BaseRateTable:
    """Return the packaged base rate table, read once per process."""
    resource = resources.files("kleinkasso.law").joinpath("data/base_rates.csv")
    return parse_base_rate_table(resource.read_text(encoding="utf-8"))


def base_rate(on: date) -> Decimal:
    """Return the base rate in percent in force on ``on``, e.g. Decimal("1.52").

    Raises ``BaseRateUnknown`` naming the half-year when ``on`` lies before
    2002-01-01 or after the newest half-year in the table.
    """
    return base_rate_table().rate(on)
