"""Read the :86: information field of MT940 statements.

German banks structure the field as a three-digit business transaction code
(GVC) followed by subfields ``?00`` to ``?63``:

- ``?00`` booking text
- ``?20`` to ``?29`` and ``?60`` to ``?63`` purpose
- ``?30`` bank code or BIC, ``?31`` account number or IBAN
- ``?32`` and ``?33`` counterparty name
- ``?34`` text key extension, for returns the number of the return reason

The field is wrapped into lines of 65 characters anywhere, even inside a
subfield marker, so line breaks are removed before the subfields are split.

A subfield that does not start with a SEPA keyword (EREF+, SVWZ+ ...)
continues the previous one, often in the middle of a word, an IBAN or a
creditor reference, so it is joined without a separator. A subfield that
starts with a keyword begins a new line of the purpose.

A field without a GVC is free text, and its lines are kept, joined by
``"\\n"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._sepa import STARTS_WITH_KEYWORD, keyword_values
from ._values import clean_text

_STRUCTURED_START = re.compile(r"(\d{3})\?")
_SUBFIELD_MARK = re.compile(r"\?(\d{2})")
_PURPOSE_SUBFIELDS = frozenset(
    [f"{n:02d}" for n in range(20, 30)] + [f"{n:02d}" for n in range(60, 64)]
)

# ISO 20022 reason codes of SEPA direct debit returns and rejects.
_ISO_RETURN_REASON = re.compile(
    r"\b(AC01|AC04|AC06|AC13|AG01|AG02|AM04|AM05|BE05|CNOR|DNOR|FF01|MD01|MD02"
    r"|MD06|MD07|MS02|MS03|RC01|RR01|RR02|RR03|RR04|SL01)\b"
)
# Reason texts German banks put in front of a returned item's purpose.
_GERMAN_RETURN_REASON = re.compile(
    r"SONSTIGE GR(?:UE|Ü)NDE|GRUND NICHT SPEZIFIZIERT|KONTO ERLOSCHEN"
    r"|KONTO AUFGEL(?:OE|Ö)ST|KONTO GESPERRT|KEIN MANDAT|MANDAT UNG(?:UE|Ü)LTIG"
    r"|IBAN FEHLERHAFT|KONTONUMMER FEHLERHAFT|WIDERSPRUCH|VERSTORBEN",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Information:
    """The parts of one :86: field."""

    gvc: str | None
    booking_text: str | None
    purpose: str
    counterparty_account: str | None
    counterparty_name: str | None
    text_key_extension: str | None
    sepa: dict[str, str] = field(default_factory=dict)
    text: str = ""


def parse_information(raw: str) -> Information:
    """Parse a :86: field whose lines are separated by ``"\\n"``."""
    joined = raw.replace("\n", "")
    start = _STRUCTURED_START.match(joined)
    if start is None:
        text = "\n".join(line.rstrip() for line in raw.split("\n")).strip()
        return Information(
            gvc=None,
            booking_text=None,
            purpose=text,
            counterparty_account=None,
            counterparty_name=None,
            text_key_extension=None,
            sepa=keyword_values(text),
            text=text,
        )

    subfields = _split_subfields(joined[start.end() - 1 :])
    purpose = _join_purpose(subfields)
    name = "".join(text for code, text in subfields if code in ("32", "33"))
    return Information(
        gvc=start.group(1),
        booking_text=_first(subfields, "00"),
        purpose=purpose,
        counterparty_account=_first(subfields, "31"),
        counterparty_name=clean_text(name),
        text_key_extension=_first(subfields, "34"),
        sepa=keyword_values(purpose),
        text=joined,
    )


def _split_subfields(text: str) -> list[tuple[str, str]]:
    parts = _SUBFIELD_MARK.split(text)
    # parts[0] is the text before the first marker, which is empty.
    return list(zip(parts[1::2], parts[2::2], strict=True))


def _first(subfields: list[tuple[str, str]], code: str) -> str | None:
    return next((clean_text(text) for c, text in subfields if c == code), None)


def _join_purpose(subfields: list[tuple[str, str]]) -> str:
    purpose = ""
    for code, text in subfields:
        if code not in _PURPOSE_SUBFIELDS:
            continue
        if purpose and STARTS_WITH_KEYWORD.match(text):
            purpose += "\n"
        purpose += text
    return purpose.strip()


def find_return_reason(information: Information) -> str | None:
    """Return the reason of a returned item as the bank gave it.

    MT940 carries no ISO field for it: the reason is the number in ``?34``,
    an ISO code or a German reason text inside the purpose.
    """
    if information.text_key_extension:
        return information.text_key_extension
    code = _ISO_RETURN_REASON.search(information.purpose)
    if code is not None:
        return code.group(1)
    phrase = _GERMAN_RETURN_REASON.search(information.purpose)
    return phrase.group(0) if phrase else None
