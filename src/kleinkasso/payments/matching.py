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

from stdnum import iso11649

RF_MIN, RF_MAX = 5, 25
CASE_REF_PATTERN = re.compile(r"\b([A-Z][A-Z0-9]{0,7}\d{6,})\b")


def compact(text: str) -> str:
    """Return ``text`` upper-cased with every whitespace character removed."""
    return re.sub(r"\s+", "", text).upper()


def rf_candidates(text: str) -> list[str]:
    """Return every valid ISO 11649 reference that occurs in ``text``, longest first."""
    flat = compact(text)
    found: dict[str, None] = {}
    start = flat.find("RF")
    while start != -1:
        for length in range(min(RF_MAX, len(flat) - start), RF_MIN - 1, -1):
            candidate = flat[start : start + length]
            if candidate[2:4].isdigit() and iso11649.is_valid(candidate):
                found[candidate] = None
        start = flat.find("RF", start + 1)
    return list(found)


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
