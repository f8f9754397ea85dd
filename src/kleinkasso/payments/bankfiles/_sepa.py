"""SEPA keywords that German banks write into remittance text.

MT940 purpose subfields carry ``EREF+`` (end-to-end id), ``MREF+`` (mandate
id), ``SVWZ+`` (remittance text) and more. Some camt files pack the same
information into unstructured remittance lines as ``EREF: ...``.
"""

from __future__ import annotations

import re

_NAMES = "EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|COAM|OAMT|PURP|IBAN|BIC"

STARTS_WITH_KEYWORD = re.compile(rf"(?:{_NAMES})\+")
# A keyword counts at the start or after whitespace, so letters inside a
# word are left alone.
_KEYWORD_PLUS = re.compile(rf"(?:^|(?<=\s))({_NAMES})\+")
_KEYWORD_PLUS_OR_COLON = re.compile(rf"(?:^|(?<=\s))({_NAMES})(?:\+|:)")


def keyword_values(text: str, *, allow_colon: bool = False) -> dict[str, str]:
    """Return the value after each keyword, up to the next keyword.

    With ``allow_colon`` a keyword may end with ``:`` as well as ``+``. When
    a keyword occurs twice, its first value is kept.
    """
    pattern = _KEYWORD_PLUS_OR_COLON if allow_colon else _KEYWORD_PLUS
    matches = list(pattern.finditer(text))
    values: dict[str, str] = {}
    if not matches:
        return values
    ends = [match.start() for match in matches[1:]] + [len(text)]
    for match, end in zip(matches, ends, strict=True):
        values.setdefault(match.group(1), text[match.end() : end].strip())
    return values
