"""A typical first demand: three app purchases, one returned direct debit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from kleinkasso.comms.document import (
    DemandClaim,
    DemandDocument,
    FeeOption,
    PostalAddress,
    SupervisoryAuthority,
)

CLAIMS = (
    DemandClaim(
        item_ref="A-1001",
        subject="Premium-Artikel „Stadtgeschichte“",
        contract_date=date(2026, 8, 12),
        due_date=date(2026, 8, 26),
        principal_cents=99,
        interest_cents=1,
        interest_rate_percent="6.52",
        interest_from=date(2026, 9, 10),
        interest_to=date(2026, 12, 4),
        costs_cents=0,
        costs_reason=None,
    ),
    DemandClaim(
        item_ref="A-1002",
        subject="Monatsabo Hörbücher September",
        contract_date=date(2026, 9, 1),
        due_date=date(2026, 9, 3),
        principal_cents=499,
        interest_cents=6,
        interest_rate_percent="6.52",
        interest_from=date(2026, 9, 18),
        interest_to=date(2026, 12, 4),
        costs_cents=300,
        costs_reason="Rücklastschriftgebühr der Bank (MS03)",
    ),
    DemandClaim(
        item_ref="A-1003",
        subject="Spielwährung 200 Kristalle",
        contract_date=date(2026, 9, 20),
        due_date=date(2026, 9, 20),
        principal_cents=199,
        interest_cents=1,
        interest_rate_percent="6.52",
        interest_from=date(2026, 10, 21),
        interest_to=date(2026, 12, 4),
        costs_cents=0,
        costs_reason=None,
    ),
)


def option(
    rate: str, fee: int, *, vat_percent: int, pay_by: date | None, open_cents: int
) -> FeeOption:
    """Build a fee option with 20 % expenses and VAT as the law module would."""
    expenses = fee // 5
    vat = (fee + expenses) * vat_percent // 100
    return FeeOption(
        rate=rate,
        fee_cents=fee,
        expenses_cents=expenses,
        vat_cents=vat,
        total_cents=open_cents + fee + expenses + vat,
        pay_by=pay_by,
    )


def build_document(**changes: Any) -> DemandDocument:
    """Return the typical document; ``changes`` replace fields, totals follow."""
    claims = changes.pop("claims", CLAIMS)
    vat_charged = changes.pop("vat_charged", False)
    principal = sum(claim.principal_cents for claim in claims)
    interest = sum(claim.interest_cents for claim in claims)
    costs = sum(claim.costs_cents for claim in claims)
    open_cents = principal + interest + costs
    vat_percent = 19 if vat_charged else 0
    document = DemandDocument(
        case_ref="SW000042",
        creditor_reference="RF18539007547034",
        letter_date=date(2026, 12, 4),
        language="de",
        collector=PostalAddress(
            "Kleinkasso Inkasso GmbH", "Beispielweg 5", "10115", "Berlin"
        ),
        collector_email="service@kleinkasso.example",
        collector_register=(
            "Rechtsdienstleistungsregister, Bundesamt für Justiz, RDG-2026-0042"
        ),
        supervisory_authority=SupervisoryAuthority(
            name="Bundesamt für Justiz",
            address=PostalAddress(
                "Bundesamt für Justiz", "Adenauerallee 99–103", "53113", "Bonn"
            ),
            email="rdg-aufsicht@bfj.example",
        ),
        creditor=PostalAddress(
            "Pixelspiel Media GmbH", "Hafenstraße 12", "20457", "Hamburg"
        ),
        debtor=PostalAddress("Jana Müller", "Lindenstraße 7a", "50667", "Köln"),
        debtor_email="jana.mueller@example.org",
        claims=claims,
        principal_cents=principal,
        interest_cents=interest,
        costs_cents=costs,
        fee_value_cents=principal,
        early=option(
            "0.5",
            1575,
            vat_percent=vat_percent,
            pay_by=date(2026, 12, 18),
            open_cents=open_cents,
        ),
        regular=option(
            "0.9", 2835, vat_percent=vat_percent, pay_by=None, open_cents=open_cents
        ),
        vat_charged=vat_charged,
        interest_note=(
            "Verzugszinsen nach § 288 Abs. 1 BGB: 5 Prozentpunkte über dem "
            "Basiszinssatz, taggenau (Tage/365), aus dem jeweiligen Betrag ab "
            "dem ersten Tag des Verzugs."
        ),
        fee_note=(
            "Inkassovergütung als Verzugsschaden (§§ 280, 286 BGB): "
            "Geschäftsgebühr nach Nr. 2300 VV RVG aus dem Gegenstandswert, "
            "Auslagenpauschale nach Nr. 7002 VV RVG (20 %), höchstens so viel, "
            "wie ein Rechtsanwalt verlangen dürfte (§ 13e RDG)."
        ),
        payee_name="Kleinkasso Inkasso GmbH",
        payee_iban="DE89370400440532013000",
        payee_bic="COBADEFFXXX",
        portal_url="https://portal.kleinkasso.example/c/SW000042",
    )
    return replace(document, **changes)
