"""Find the case a bank credit pays, from the remittance text.

Banks pass the structured creditor reference through in many shapes: upper
or lower case, with spaces in groups of four, split across remittance lines
or MT940 subfields, or glued to other words. The text is compacted (case and
all whitespace removed) and every "RF" in it starts a candidate; each length
whose ISO 11649 check digits hold is a candidate, and the database decides
which one exists. The case reference itself is the fallback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

RF_MIN, RF_MAX = 5, 25
CASE_REF_PATTERN = re.compile(r"\b([A-Z][A-Z0-9]{0,7}\d{6,})\b")


def compact(text: str) -> str:
    """Return ``text`` upper-cased with every whitespace character removed."""
    return re.sub(r"\s+", "", text).upper()


def rf_candidates(text: str) -> list[str]:
    """Return every valid ISO 11649 reference that occurs in ``text``, longest first."""
    flat = compact(text)
    found: list[str] = []
    start = flat.find("RF")
    while start != -1:
        found.extend(
            candidate
            for candidate in reversed(_valid_from(flat, start))
            if candidate not in found
        )
        start = flat.find("RF", start + 1)
    return found


def _valid_from(flat: str, start: int) -> list[str]:
    """Return the valid references starting at ``start``, shortest first.

    ISO 11649 moves "RF" and the check digits behind the body, reads letters
    as 10 to 35 and requires the number to be 1 modulo 97. The remainder of
    the body is extended one character at a time, so every length up to 25
    costs one step instead of a check of the whole candidate.
    """
    digits = flat[start + 2 : start + 4]
    if len(digits) < 2 or not digits.isdigit():
        return []
    # "R" = 27, "F" = 15, followed by the two check digits.
    tail = int("2715" + digits)
    remainder = 0
    valid = []
    for end in range(start + 4, min(start + RF_MAX, len(flat))):
        char = flat[end]
        if not char.isascii() or not char.isalnum():
            break
        value = int(char, 36)
        remainder = (remainder * (100 if value > 9 else 10) + value) % 97
        if end + 1 - start >= RF_MIN and (remainder * 1_000_000 + tail) % 97 == 1:
            valid.append(flat[start : end + 1])
    return valid


def case_ref_candidates(text: str) -> list[str]:
    """Return words of ``text`` that look like a case reference."""
    return list(dict.fromkeys(CASE_REF_PATTERN.findall(text.upper())))


def pick(candidates: Iterable[str], known: Iterable[str]) -> str | None:
    """Return the first candidate that is known, or None."""
    existing = set(known)
    for candidate in candidates:
        if candidate in existing:
            return candidate
    return None
