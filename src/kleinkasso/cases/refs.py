"""Case numbers and ISO 11649 structured creditor references ("RF…")."""

from __future__ import annotations

import re

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

CASE_REF = re.compile(r"^[A-Z][A-Z0-9]{0,7}\d{6,}$")


def case_ref(prefix: str, case_no: int) -> str:
    """Return the case reference, e.g. ``SW000042``: prefix and at least six digits."""
    return f"{prefix}{case_no:06d}"


def creditor_reference(reference: str) -> str:
    """Return the ISO 11649 reference for ``reference`` in electronic form.

    The check digits are computed with ISO 7064 MOD 97-10 over the reference
    followed by "RF", as ISO 11649 defines; python-stdnum validates the result.
    """
    if not reference.isalnum() or not 1 <= len(reference) <= 21:
        raise ValueError(
            f"creditor reference base {reference!r} is invalid; "
            "expected 1 to 21 letters or digits"
        )
    body = reference.upper()
    check = mod_97_10.calc_check_digits(body + "RF")
    return str(iso11649.validate(f"RF{check}{body}"))
