"""Working days for deadlines under § 193 BGB.

A deadline or performance date that falls on a Saturday, a Sunday or a
public holiday at the place of performance moves to the next working day.
Holidays come from the ``holidays`` package: the nationwide German holidays,
plus those of one federal state when its code is given.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import holidays

from kleinkasso.law.errors import UnknownSubdivisionError

__all__ = ["SUBDIVISIONS", "is_working_day", "next_working_day"]

# The 16 federal states. The holidays package also lists "Augsburg", a city
# with its own holiday, which is not offered here.
SUBDIVISIONS: tuple[str, ...] = tuple(
    code for code in holidays.list_supported_countries()["DE"] if len(code) == 2
)


@functools.cache
def _holidays(subdivision: str | None, year: int) -> frozenset[date]:
    calendar = holidays.country_holidays("DE", subdiv=subdivision, years=year)
    return frozenset(calendar.keys())


def _check_subdivision(subdivision: str | None) -> None:
    if subdivision is not None and subdivision not in SUBDIVISIONS:
        raise UnknownSubdivisionError(subdivision, SUBDIVISIONS)


def is_working_day(day: date, subdivision: str | None = None) -> bool:
    """Return whether ``day`` is neither a weekend day nor a public holiday."""
    _check_subdivision(subdivision)
    return day.weekday() < 5 and day not in _holidays(subdivision, day.year)


def next_working_day(day: date, subdivision: str | None = None) -> date:
    """Return ``day`` itself if it is a working day, else the next one (§ 193 BGB).

    ``subdivision`` is a federal state code such as "BY" or "NW"; ``None``
    uses the nationwide holidays only.
    """
    _check_subdivision(subdivision)
    while not is_working_day(day, subdivision):
        day += timedelta(days=1)
    return day
