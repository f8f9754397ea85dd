"""Amounts, dates, identifiers and entry keys shared by all readers."""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

# ISO 20022 amounts have at most 18 digits; MT940 amounts at most 15 with the
# comma. The bounds also keep hostile input from building huge numbers.
_XML_AMOUNT = re.compile(r"(\d{1,18})(?:\.(\d{1,18}))?")
_MT940_AMOUNT = re.compile(r"(\d{1,15})(?:[,.](\d{0,15}))?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")

# Values banks put where a reference is mandatory but they have none.
PLACEHOLDERS = frozenset({"", "NONREF", "NOTPROVIDED", "NOT PROVIDED"})


class ValueProblem(ValueError):
    """A field value that does not have the expected form."""


def parse_xml_amount(text: str) -> int:
    """Parse an ISO 20022 amount such as ``"53.00"`` into cents."""
    return _to_cents(text, _XML_AMOUNT, "digits with an optional '.' decimal mark")


def parse_mt940_amount(text: str) -> int:
    """Parse an MT940 amount such as ``"12,35"`` or ``"300,"`` into cents."""
    return _to_cents(text, _MT940_AMOUNT, "digits with a ',' decimal mark")


def _to_cents(text: str, pattern: re.Pattern[str], expected: str) -> int:
    match = pattern.fullmatch(text.strip())
    if match is None:
        raise ValueProblem(f"amount {text!r} is invalid; expected {expected}")
    whole, fraction = match.group(1), match.group(2) or ""
    cents = Decimal(f"{whole}.{fraction or '0'}") * 100
    # Amounts are never rounded: extra decimals are accepted only as zeros.
    if cents != cents.to_integral_value():
        raise ValueProblem(
            f"amount {text!r} has non-zero digits beyond two decimals; "
            "expected an amount in whole cents"
        )
    return int(cents)


def calendar_date(
    year: int, month: int, day: int, label: str
) -> tuple[date, str | None]:
    """Build a date, moving a day past the month's end to its last day.

    Returns the date and, when it was moved, a warning naming ``label``.
    Banks have sent 30 February as a value date, so such a day is kept as
    the month's last day instead of rejecting the whole file.
    """
    if not 1 <= month <= 12 or not 1 <= day <= 31 or year < 1:
        raise ValueProblem(
            f"{label} {year:04d}-{month:02d}-{day:02d} is not a date; "
            "expected a valid calendar date"
        )
    last_day = calendar.monthrange(year, month)[1]
    if day <= last_day:
        return date(year, month, day), None
    moved = date(year, month, last_day)
    warning = (
        f"{label} {year:04d}-{month:02d}-{day:02d} does not exist; "
        f"read as {moved.isoformat()}"
    )
    return moved, warning


def parse_iso_date(text: str, label: str) -> tuple[date, str | None]:
    """Parse the date part of an ISO date or date-time as written.

    The time and time zone of a date-time are ignored, so the calendar date
    is never shifted.
    """
    match = _ISO_DATE.match(text.strip())
    if match is None:
        raise ValueProblem(f"{label} {text!r} is invalid; expected YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    return calendar_date(year, month, day, label)


def swift_year(two_digits: int) -> int:
    """Expand a two-digit MT940 year: 00-79 are 2000-2079, 80-99 are 1980-1999."""
    return 2000 + two_digits if two_digits < 80 else 1900 + two_digits


def nearest_year(month: int, day: int, near: date) -> int:
    """Pick the year that puts ``month``/``day`` closest to ``near``.

    MT940 entry dates carry no year. An entry date of 2 January beside a
    value date of 31 December belongs to the next year.
    """
    best_year = near.year
    best_distance: int | None = None
    for year in (near.year - 1, near.year, near.year + 1):
        clamped_day = min(max(day, 1), calendar.monthrange(year, month)[1])
        distance = abs((date(year, month, clamped_day) - near).days)
        if best_distance is None or distance < best_distance:
            best_year, best_distance = year, distance
    return best_year


def clean_text(text: str | None) -> str | None:
    """Strip surrounding whitespace; return ``None`` for a missing or blank value."""
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None


def reference_or_none(text: str | None) -> str | None:
    """Return a cleaned reference, or ``None`` for a placeholder like NOTPROVIDED."""
    cleaned = clean_text(text)
    if cleaned is None or cleaned.upper() in PLACEHOLDERS:
        return None
    return cleaned


def normalize_iban(text: str | None) -> str | None:
    """Return an IBAN upper-cased without spaces, or ``None`` when blank."""
    cleaned = clean_text(text)
    if cleaned is None:
        return None
    return "".join(cleaned.split()).upper()


def iban_or_none(text: str | None) -> str | None:
    """Return ``text`` as an IBAN when it has the shape of one, else ``None``.

    Only the shape is checked. The account identification fields of MT940
    also carry old German account numbers, which this check excludes.
    """
    iban = normalize_iban(text)
    if iban is None or _IBAN_SHAPE.fullmatch(iban) is None:
        return None
    return iban


def choose_entry_keys(candidates: Sequence[Sequence[str | None]]) -> list[str]:
    """Choose one key per entry from its candidate bank references.

    Each entry gets its first candidate that no other entry of the statement
    uses as the same candidate, else ``"@<position>"`` counted from 1. Keys
    depend only on the file's content, so a re-read gives the same keys.
    """
    width = max((len(options) for options in candidates), default=0)
    counts = [
        Counter(options[i] for options in candidates if len(options) > i and options[i])
        for i in range(width)
    ]
    keys: list[str] = []
    for position, options in enumerate(candidates, start=1):
        key = f"@{position}"
        for i, option in enumerate(options):
            if option and counts[i][option] == 1:
                key = option
                break
        keys.append(key)

    # A bank reference may equal another entry's reference of a different
    # kind or look like a position key. Position keys are unique in any case.
    repeated = {key for key, count in Counter(keys).items() if count > 1}
    if repeated:
        keys = [
            f"@{position}" if key in repeated else key
            for position, key in enumerate(keys, start=1)
        ]
        if len(set(keys)) != len(keys):
            keys = [f"@{position}" for position in range(1, len(keys) + 1)]
    return keys


def unique_statement_ids(ids: Sequence[str]) -> list[str]:
    """Make statement ids unique within a file by numbering repeats ``#2``, ``#3``."""
    used = set(ids)
    seen: set[str] = set()
    result: list[str] = []
    for statement_id in ids:
        unique_id = statement_id
        number = 1
        while unique_id in seen or (unique_id != statement_id and unique_id in used):
            number += 1
            unique_id = f"{statement_id}#{number}"
        seen.add(unique_id)
        result.append(unique_id)
    return result
