"""Compare people's names the way banks and ERPs spell them."""

from __future__ import annotations

import re
import unicodedata


def normalize_name(name: str) -> str:
    """Return a name folded for comparison: no accents, case or extra spaces.

    "Jürgen  STRAUß" and "jurgen strauss" give the same result. Party rows
    store it as ``name_key``, so the database compares names the same way
    on SQLite, whose ``lower()`` folds ASCII letters only, and PostgreSQL.
    """
    decomposed = unicodedata.normalize("NFKD", name.replace("ß", "ss"))
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", letters.casefold()).strip()
