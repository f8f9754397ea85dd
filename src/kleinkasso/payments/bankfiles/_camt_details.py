"""Read the parts of a camt entry: bank transaction codes, charges and TxDtls.

Paths are local element names, which are the same in camt.052, camt.053 and
camt.054 from version 001.02 to 001.08. Where a version moved an element, both
places are read: a party's name is ``Dbtr/Nm`` up to 001.07 and
``Dbtr/Pty/Nm`` from 001.08; a charge is ``Chrgs/Amt`` in 001.02 and
``Chrgs/Rcrd/Amt`` from 001.03.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ._sepa import keyword_values
from ._values import (
    ValueProblem,
    clean_text,
    normalize_iban,
    parse_xml_amount,
    reference_or_none,
)
from ._xmltree import text_at, texts_at

# The German banks' proprietary code "NDDT+109+00931" carries the MT940
# business transaction code (GVC) between the plus signs.
_DK_PROPRIETARY_CODE = re.compile(r"[A-Z]{4}\+(\d{3})(?:\+.*)?")


@dataclass(frozen=True)
class Money:
    """An amount in cents with the currency its element names."""

    cents: int
    currency: str | None


@dataclass(frozen=True)
class BankCode:
    """A bank transaction code: ISO domain, family and sub-family, and proprietary."""

    domain: str | None = None
    family: str | None = None
    subfamily: str | None = None
    proprietary: str | None = None

    def code(self) -> str | None:
        """Return ``"PMNT/RDDT/UPDD"`` style text, or the proprietary code."""
        if self.domain and self.family and self.subfamily:
            return f"{self.domain}/{self.family}/{self.subfamily}"
        return self.proprietary

    def dk_gvc(self) -> str | None:
        """Return the GVC inside a German proprietary code like ``NDDT+109+00931``."""
        if self.proprietary is None:
            return None
        match = _DK_PROPRIETARY_CODE.fullmatch(self.proprietary)
        return match.group(1) if match else None

    def or_else(self, other: BankCode) -> BankCode:
        """Fill the parts this code lacks from ``other``.

        The domain, family and sub-family come as one group, from this code
        when it has a family, else from ``other``.
        """
        source = self if self.family else other
        return BankCode(
            domain=source.domain,
            family=source.family,
            subfamily=source.subfamily,
            proprietary=self.proprietary or other.proprietary,
        )


@dataclass(frozen=True)
class Charge:
    """One bank charge: positive cents, and whether the entry amount contains it.

    ``included`` is ``None`` where the file does not say (camt 001.02).
    """

    cents: int
    included: bool | None


@dataclass(frozen=True)
class Details:
    """The fields of one TxDtls element that the readers use."""

    amount: Money | None
    instructed: Money | None
    end_to_end_id: str | None
    mandate_id: str | None
    payment_information_id: str | None
    reference: str
    structured_reference: str | None
    debtor_name: str | None
    debtor_iban: str | None
    creditor_name: str | None
    creditor_iban: str | None
    bank_code: BankCode
    has_return_info: bool
    return_reason: str | None
    charges: tuple[Charge, ...]


def money_at(element: ET.Element, path: str) -> Money | None:
    """Read the amount element at ``path`` with its ``Ccy`` attribute."""
    found = element.find(path)
    if found is None or not (found.text or "").strip():
        return None
    return Money(parse_xml_amount(found.text or ""), clean_text(found.get("Ccy")))


def credit_debit_sign(element: ET.Element, default: int | None) -> int:
    """Return +1 for CRDT and -1 for DBIT in ``element``'s CdtDbtInd."""
    indicator = text_at(element, "CdtDbtInd")
    if indicator is None and default is not None:
        return default
    if indicator == "CRDT":
        return 1
    if indicator == "DBIT":
        return -1
    raise ValueProblem(
        f"credit/debit indicator {indicator!r} is invalid; expected CRDT or DBIT"
    )


def read_bank_code(element: ET.Element | None) -> BankCode:
    """Read a BkTxCd element; a missing or empty one gives an empty code."""
    if element is None:
        return BankCode()
    return BankCode(
        domain=text_at(element, "Domn/Cd"),
        family=text_at(element, "Domn/Fmly/Cd"),
        subfamily=text_at(element, "Domn/Fmly/SubFmlyCd"),
        proprietary=text_at(element, "Prtry/Cd"),
    )


def read_charges(element: ET.Element) -> tuple[Charge, ...]:
    """Read every charge of an Ntry or TxDtls element."""
    charges: list[Charge] = []
    for block in element.findall("Chrgs"):
        records = block.findall("Rcrd")
        if records:
            charges.extend(_charge_record(record) for record in records)
            continue
        amount = money_at(block, "Amt")
        if amount is None:
            amount = money_at(block, "TtlChrgsAndTaxAmt")
        if amount is not None and amount.cents:
            charges.append(Charge(amount.cents, None))
    return tuple(charge for charge in charges if charge.cents)


def _charge_record(record: ET.Element) -> Charge:
    amount = money_at(record, "Amt")
    cents = amount.cents if amount is not None else 0
    # A credited charge record is a refund of charges.
    if text_at(record, "CdtDbtInd") == "CRDT":
        cents = -cents
    included_text = text_at(record, "ChrgInclInd")
    included = None if included_text is None else included_text.lower() == "true"
    return Charge(cents, included)


def read_details(tx: ET.Element, entry_sign: int) -> Details:
    """Read one TxDtls element.

    Its amount takes the entry's sign unless the TxDtls has its own CdtDbtInd.
    """
    amount = money_at(tx, "Amt") or money_at(tx, "AmtDtls/TxAmt/Amt")
    if amount is not None:
        sign = credit_debit_sign(tx, entry_sign)
        amount = Money(sign * amount.cents, amount.currency)

    reference, structured = _read_remittance(tx.find("RmtInf"))
    # Some German banks leave Refs empty and write "EREF: ..." and
    # "MREF: ..." into the unstructured remittance text instead.
    packed = keyword_values(reference, allow_colon=True)
    parties = tx.find("RltdPties")
    return_info = tx.find("RtrInf")
    return Details(
        amount=amount,
        instructed=money_at(tx, "AmtDtls/InstdAmt/Amt"),
        end_to_end_id=reference_or_none(text_at(tx, "Refs/EndToEndId"))
        or reference_or_none(packed.get("EREF")),
        mandate_id=reference_or_none(text_at(tx, "Refs/MndtId"))
        or reference_or_none(packed.get("MREF")),
        payment_information_id=reference_or_none(text_at(tx, "Refs/PmtInfId")),
        reference=reference,
        structured_reference=structured,
        debtor_name=_party_name(parties, "Dbtr"),
        debtor_iban=normalize_iban(text_at(parties, "DbtrAcct/Id/IBAN")),
        creditor_name=_party_name(parties, "Cdtr"),
        creditor_iban=normalize_iban(text_at(parties, "CdtrAcct/Id/IBAN")),
        bank_code=read_bank_code(tx.find("BkTxCd")),
        has_return_info=return_info is not None,
        return_reason=_return_reason(return_info),
        charges=read_charges(tx),
    )


def _read_remittance(remittance: ET.Element | None) -> tuple[str, str | None]:
    """Join creditor references, then unstructured lines, then other structured text."""
    if remittance is None:
        return "", None
    references = [text.strip() for text in texts_at(remittance, "Strd/CdtrRefInf/Ref")]
    lines = [text.strip() for text in texts_at(remittance, "Ustrd")]
    additional = [text.strip() for text in texts_at(remittance, "Strd/AddtlRmtInf")]
    structured = references[0] if references else None
    return "\n".join(references + lines + additional), structured


def _party_name(parties: ET.Element | None, role: str) -> str | None:
    return text_at(parties, f"{role}/Nm") or text_at(parties, f"{role}/Pty/Nm")


def _return_reason(return_info: ET.Element | None) -> str | None:
    return text_at(return_info, "Rsn/Cd") or text_at(return_info, "Rsn/Prtry")


def count_at(element: ET.Element, path: str) -> int | None:
    """Read a count such as NbOfTxs; ``None`` when missing."""
    text = text_at(element, path)
    if text is None:
        return None
    if not text.isdigit() or len(text) > 15:
        raise ValueProblem(f"{path} {text!r} is invalid; expected a number")
    return int(text)
