"""Checks that a first demand is complete and adds up before it is rendered.

§ 13a Abs. 1 RDG requires eight items in the first demand to a private
person. Leaving one out is an administrative offence with a fine of up to
50,000 EUR (§ 20 RDG). The renderers print every item from the record, so a
record that lacks one is rejected here instead of being sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from kleinkasso.comms.document import DemandDocument, FeeOption, PostalAddress
from kleinkasso.comms.formatting import LANGUAGES, one_line


class IncompleteFirstDemand(Exception):
    """A first demand lacks items that § 13a Abs. 1 RDG requires."""

    def __init__(self, case_ref: str, missing: Sequence[str]) -> None:
        super().__init__(
            f"first demand for case {case_ref} lacks items required by "
            f"§ 13a Abs. 1 RDG: {'; '.join(missing)}"
        )
        self.case_ref = case_ref
        self.missing = tuple(missing)


class InvalidDemandDocumentError(ValueError):
    """A demand document whose amounts, dates or language cannot be printed."""

    def __init__(self, case_ref: str, problems: Sequence[str]) -> None:
        super().__init__(
            f"demand document for case {case_ref} is invalid: {'; '.join(problems)}"
        )
        self.case_ref = case_ref
        self.problems = tuple(problems)


def check_document(doc: DemandDocument) -> None:
    """Raise IncompleteFirstDemand or InvalidDemandDocumentError for a bad ``doc``."""
    missing = missing_first_demand_items(doc)
    if missing:
        raise IncompleteFirstDemand(doc.case_ref, missing)
    problems = document_problems(doc)
    if problems:
        raise InvalidDemandDocumentError(doc.case_ref, problems)


def missing_first_demand_items(doc: DemandDocument) -> list[str]:
    """List the § 13a Abs. 1 RDG items that ``doc`` lacks, each with its field.

    NOTE: Nr. 4 (notice of a rate above the statutory default rate) is not
    checked because the record has no contractual rate: kleinkasso claims the
    statutory rate of § 288 BGB only. The creditor's address cannot be
    withheld for protected interests either, which the law would allow.
    """
    missing = [f"Nr. 1: creditor.{part}" for part in _blank_address_parts(doc.creditor)]
    for claim in doc.claims:
        ref = one_line(claim.item_ref) or "?"
        if _blank(claim.subject):
            missing.append(f"Nr. 2: subject of claim {ref}")
        if claim.contract_date is None:
            missing.append(f"Nr. 2: contract_date of claim {ref}")
        if claim.interest_cents > 0:
            rate = _decimal(claim.interest_rate_percent)
            if rate is None or rate <= 0:
                missing.append(
                    f"Nr. 3: interest_rate_percent of claim {ref} "
                    f"({claim.interest_rate_percent!r})"
                )
            if claim.interest_from is None or claim.interest_to is None:
                missing.append(f"Nr. 3: interest_from and interest_to of claim {ref}")
        if claim.costs_cents > 0 and _blank(claim.costs_reason):
            missing.append(f"Nr. 5: costs_reason of claim {ref}")
    if doc.interest_cents > 0 and _blank(doc.interest_note):
        missing.append("Nr. 3: interest_note")
    charges_fee = _charges_fee(doc.early) or _charges_fee(doc.regular)
    if charges_fee and _blank(doc.fee_note):
        missing.append("Nr. 5: fee_note")
    if (doc.early.vat_cents or doc.regular.vat_cents) and not doc.vat_charged:
        missing.append(
            "Nr. 6: input tax statement (VAT is charged but vat_charged is False)"
        )
    if doc.address_found_by_collector and _blank(doc.collector_email):
        missing.append("Nr. 7: collector_email for reporting a wrong address")
    authority = doc.supervisory_authority
    if _blank(authority.name):
        missing.append("Nr. 8: supervisory_authority.name")
    missing += [
        f"Nr. 8: supervisory_authority.address.{part}"
        for part in _blank_address_parts(authority.address, with_name=False)
    ]
    if _blank(authority.email):
        missing.append("Nr. 8: supervisory_authority.email")
    return missing


def document_problems(doc: DemandDocument) -> list[str]:
    """List what keeps ``doc`` from being printed apart from § 13a items.

    The amounts must add up as the letter shows them: the sums over the
    claims, and for each fee option principal + interest + costs + fee +
    expenses + VAT = total.
    """
    problems: list[str] = []
    if doc.language not in LANGUAGES:
        problems.append(
            f"language {doc.language!r} is not one of {', '.join(LANGUAGES)}"
        )
    if not doc.claims:
        problems.append("claims is empty")
    problems += _sum_problems(doc)
    for name, option in (("early", doc.early), ("regular", doc.regular)):
        problems += _option_problems(name, option, doc)
    if doc.early.pay_by is None:
        problems.append("early.pay_by is missing")
    elif doc.regular.pay_by is not None and doc.regular.pay_by <= doc.early.pay_by:
        problems.append(
            f"regular.pay_by {doc.regular.pay_by} is not after "
            f"early.pay_by {doc.early.pay_by}"
        )
    if doc.early.total_cents < 1:
        problems.append(f"early.total_cents {doc.early.total_cents} is below 1 cent")
    if doc.vat_charged and doc.early.fee_cents > 0 and doc.early.vat_cents == 0:
        problems.append("vat_charged is True but early.vat_cents is 0")
    if _blank(doc.debtor.name):
        problems.append("debtor.name is empty")
    for field in (
        "collector_email",
        "case_ref",
        "creditor_reference",
        "payee_name",
        "payee_iban",
    ):
        if _blank(getattr(doc, field)):
            problems.append(f"{field} is empty")
    problems += [
        f"collector.{part} is empty" for part in _blank_address_parts(doc.collector)
    ]
    return problems


def postal_address_problems(doc: DemandDocument) -> list[str]:
    """List the parts of the debtor's postal address that a letter lacks."""
    return [
        f"debtor.{part} is empty"
        for part in _blank_address_parts(doc.debtor, with_name=False)
    ]


def _sum_problems(doc: DemandDocument) -> list[str]:
    problems = []
    for field in ("principal_cents", "interest_cents", "costs_cents"):
        total = getattr(doc, field)
        parts = [getattr(claim, field) for claim in doc.claims]
        if any(part < 0 for part in parts):
            problems.append(f"a claim has a negative {field}")
        if sum(parts) != total:
            problems.append(
                f"{field} {total} is not the sum over the claims, {sum(parts)}"
            )
    for claim in doc.claims:
        start, end = claim.interest_from, claim.interest_to
        if start is not None and end is not None and start > end:
            problems.append(
                f"claim {one_line(claim.item_ref)}: interest_from {start} is after "
                f"interest_to {end}"
            )
    return problems


def _option_problems(name: str, option: FeeOption, doc: DemandDocument) -> list[str]:
    problems = []
    parts = (option.fee_cents, option.expenses_cents, option.vat_cents)
    if any(part < 0 for part in parts):
        problems.append(f"{name} has a negative fee, expenses or VAT amount")
    expected = doc.principal_cents + doc.interest_cents + doc.costs_cents + sum(parts)
    if option.total_cents != expected:
        problems.append(
            f"{name}.total_cents {option.total_cents} is not principal + interest "
            f"+ costs + fee + expenses + VAT = {expected}"
        )
    if _decimal(option.rate) is None:
        problems.append(f"{name}.rate {option.rate!r} is not a decimal number")
    return problems


def _blank_address_parts(
    address: PostalAddress, *, with_name: bool = True
) -> list[str]:
    parts = (
        ("name", "street", "postal_code", "city")
        if with_name
        else (
            "street",
            "postal_code",
            "city",
        )
    )
    return [part for part in parts if _blank(getattr(address, part))]


def _charges_fee(option: FeeOption) -> bool:
    return option.fee_cents + option.expenses_cents + option.vat_cents > 0


def _blank(value: str | None) -> bool:
    return value is None or not one_line(value)


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError):
        return None
    return value if value.is_finite() else None
