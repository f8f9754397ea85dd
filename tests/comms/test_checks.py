"""The § 13a Abs. 1 RDG checklist and the amount checks before rendering."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from kleinkasso.comms.checks import (
    IncompleteFirstDemand,
    InvalidDemandDocumentError,
    check_document,
    document_problems,
    missing_first_demand_items,
)
from kleinkasso.comms.document import (
    DemandDocument,
    PostalAddress,
    SupervisoryAuthority,
)
from kleinkasso.comms.email import render_email
from kleinkasso.comms.letter import render_letter_pdf
from tests.comms.samples import CLAIMS, build_document

TYPICAL = build_document()


def with_claim(index: int, **changes: Any) -> DemandDocument:
    claims = list(CLAIMS)
    claims[index] = replace(claims[index], **changes)
    return build_document(claims=tuple(claims))


def with_authority(**changes: Any) -> DemandDocument:
    return replace(
        TYPICAL, supervisory_authority=replace(TYPICAL.supervisory_authority, **changes)
    )


MISSING = [
    pytest.param(
        replace(TYPICAL, creditor=replace(TYPICAL.creditor, name=" ")),
        "Nr. 1: creditor.name",
        id="nr1-creditor-name",
    ),
    pytest.param(
        replace(TYPICAL, creditor=replace(TYPICAL.creditor, street="")),
        "Nr. 1: creditor.street",
        id="nr1-creditor-street",
    ),
    pytest.param(
        replace(TYPICAL, creditor=replace(TYPICAL.creditor, city="")),
        "Nr. 1: creditor.city",
        id="nr1-creditor-city",
    ),
    pytest.param(
        with_claim(0, subject="\n"), "Nr. 2: subject of claim A-1001", id="nr2-subject"
    ),
    pytest.param(
        with_claim(1, contract_date=None),
        "Nr. 2: contract_date of claim A-1002",
        id="nr2-contract-date",
    ),
    pytest.param(
        with_claim(0, interest_rate_percent=""),
        "Nr. 3: interest_rate_percent of claim A-1001 ('')",
        id="nr3-rate",
    ),
    pytest.param(
        with_claim(2, interest_from=None),
        "Nr. 3: interest_from and interest_to of claim A-1003",
        id="nr3-period",
    ),
    pytest.param(
        replace(TYPICAL, interest_note=""), "Nr. 3: interest_note", id="nr3-note"
    ),
    pytest.param(replace(TYPICAL, fee_note=" "), "Nr. 5: fee_note", id="nr5-fee-note"),
    pytest.param(
        with_claim(1, costs_reason=None),
        "Nr. 5: costs_reason of claim A-1002",
        id="nr5-costs-reason",
    ),
    pytest.param(
        replace(build_document(vat_charged=True), vat_charged=False),
        "Nr. 6: input tax statement (VAT is charged but vat_charged is False)",
        id="nr6-vat",
    ),
    pytest.param(
        replace(TYPICAL, address_found_by_collector=True, collector_email=""),
        "Nr. 7: collector_email for reporting a wrong address",
        id="nr7-contact",
    ),
    pytest.param(
        with_authority(name=""), "Nr. 8: supervisory_authority.name", id="nr8-name"
    ),
    pytest.param(
        with_authority(address=PostalAddress("", "", "53113", "Bonn")),
        "Nr. 8: supervisory_authority.address.street",
        id="nr8-address",
    ),
    pytest.param(
        with_authority(email=""), "Nr. 8: supervisory_authority.email", id="nr8-email"
    ),
]


def test_checks_typical_is_complete() -> None:
    assert missing_first_demand_items(TYPICAL) == []
    assert document_problems(TYPICAL) == []


@pytest.mark.parametrize(("doc", "item"), MISSING)
def test_checks_names_missing_item(doc: DemandDocument, item: str) -> None:
    assert missing_first_demand_items(doc) == [item]


@pytest.mark.parametrize(("doc", "item"), MISSING)
def test_letter_rejects_incomplete(doc: DemandDocument, item: str) -> None:
    with pytest.raises(IncompleteFirstDemand) as raised:
        render_letter_pdf(doc)

    assert raised.value.case_ref == "SW000042"
    assert raised.value.missing == (item,)
    assert "SW000042" in str(raised.value)
    assert item in str(raised.value)


@pytest.mark.parametrize(("doc", "item"), MISSING[:3])
def test_email_rejects_incomplete(doc: DemandDocument, item: str) -> None:
    with pytest.raises(IncompleteFirstDemand):
        render_email(
            doc, message_id="<m1@kleinkasso.example>", sender="a@kleinkasso.example"
        )


def test_checks_lists_every_missing_item() -> None:
    doc = replace(
        TYPICAL,
        creditor=PostalAddress("", "", "", ""),
        supervisory_authority=SupervisoryAuthority(
            "", PostalAddress("", "", "", ""), ""
        ),
    )

    assert len(missing_first_demand_items(doc)) == 9


def test_checks_no_interest_needs_no_note() -> None:
    claims = tuple(
        replace(
            claim,
            interest_cents=0,
            interest_from=None,
            interest_to=None,
            interest_rate_percent="",
        )
        for claim in CLAIMS
    )
    doc = build_document(claims=claims, interest_note="")

    assert missing_first_demand_items(doc) == []


PROBLEMS = [
    pytest.param(
        replace(TYPICAL, language="fr"),
        "language 'fr' is not one of de, en",
        id="language",
    ),
    pytest.param(
        replace(
            TYPICAL,
            principal_cents=796,
            early=replace(TYPICAL.early, total_cents=2994),
            regular=replace(TYPICAL.regular, total_cents=4506),
        ),
        "principal_cents 796 is not the sum over the claims, 797",
        id="principal-sum",
    ),
    pytest.param(
        replace(TYPICAL, early=replace(TYPICAL.early, total_cents=2994)),
        "early.total_cents 2994 is not principal + interest + costs + fee + expenses "
        "+ VAT = 2995",
        id="early-total",
    ),
    pytest.param(
        replace(TYPICAL, early=replace(TYPICAL.early, pay_by=None)),
        "early.pay_by is missing",
        id="early-date",
    ),
    pytest.param(
        replace(TYPICAL, regular=replace(TYPICAL.regular, pay_by=date(2026, 12, 18))),
        "regular.pay_by 2026-12-18 is not after early.pay_by 2026-12-18",
        id="regular-date",
    ),
    pytest.param(
        replace(TYPICAL, regular=replace(TYPICAL.regular, rate="0,9")),
        "regular.rate '0,9' is not a decimal number",
        id="rate",
    ),
    pytest.param(
        with_claim(0, interest_from=date(2026, 12, 5)),
        "claim A-1001: interest_from 2026-12-05 is after interest_to 2026-12-04",
        id="interest-period",
    ),
    pytest.param(
        replace(TYPICAL, collector=replace(TYPICAL.collector, city="")),
        "collector.city is empty",
        id="collector-city",
    ),
    pytest.param(replace(TYPICAL, payee_iban=""), "payee_iban is empty", id="payee"),
]


@pytest.mark.parametrize(("doc", "problem"), PROBLEMS)
def test_checks_names_problem(doc: DemandDocument, problem: str) -> None:
    assert document_problems(doc) == [problem]


@pytest.mark.parametrize(("doc", "problem"), PROBLEMS)
def test_check_document_raises_invalid(doc: DemandDocument, problem: str) -> None:
    with pytest.raises(InvalidDemandDocumentError) as raised:
        check_document(doc)

    assert raised.value.problems == (problem,)
    assert str(raised.value).startswith("demand document for case SW000042 is invalid")


def test_checks_debtor_name() -> None:
    doc = build_document(debtor=replace(TYPICAL.debtor, name=" "))

    assert document_problems(doc) == ["debtor.name is empty"]


def test_letter_needs_postal_address() -> None:
    doc = build_document(debtor=replace(TYPICAL.debtor, street="", city=""))

    with pytest.raises(InvalidDemandDocumentError) as raised:
        render_letter_pdf(doc)

    assert raised.value.problems == ("debtor.street is empty", "debtor.city is empty")


def test_checks_empty_claims() -> None:
    doc = replace(TYPICAL, claims=())

    assert "claims is empty" in document_problems(doc)
