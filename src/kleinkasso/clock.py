"""The one place that reads the clock.

Domain code takes ``as_of`` dates and timestamps as arguments; only the
command line asks this module for defaults, and tests may replace it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def now_utc() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Return today's calendar date in Europe/Berlin."""
    return now_utc().astimezone(BERLIN).date()
