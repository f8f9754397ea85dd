"""Build the demand document of a case from the database.

The document is frozen into the outbox row when the demand is queued, so the
letter and the e-mail show the amounts as of the demand date, however late
the relay delivers them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from kleinkasso import law
from kleinkasso.cases.position import EARLY_RATE, ClaimPosition, case_position
from kleinkasso.comms.document import (
    DemandClaim,
    DemandDocument,
    FeeOption,
    PostalAddress,
    SupervisoryAuthority,
)
from kleinkasso.policy.creditor_config import CreditorConfig
from kleinkasso.store.schema import item

RETURN_COST_REASON = {
    "de": "Rücklastschriftgebühr der Bank",
    "en": "bank charge for the returned direct debit",
}


def _fee_option(fee: law.FeeResult, base_cents: int, pay_by: date | None) -> FeeOption:
    return FeeOption(
        rate=str(fee.rate),
        fee_cents=fee.fee_cents,
        expenses_cents=fee.expenses_cents,
        vat_cents=fee.vat_cents,
        total_cents=base_cents + fee.total_cents,
        pay_by=pay_by,
    )


def _euros(cents: int) -> str:
    return f"{law.cents_to_euros(cents):.2f}".replace(".", ",")


def build_demand(
    conn: sa.Connection,
    config: CreditorConfig,
    case_row: sa.Row[Any],
    contact: sa.Row[Any],
    as_of: date,
) -> DemandDocument:
    """Return the demand document of a case as of ``as_of`` (the letter date)."""
    regular_rate = Decimal(config.dunning.regular_fee_rate)
    position = case_position(conn, case_row.id, as_of, regular_rate)
    subjects = {
        row.id: row
        for row in conn.execute(sa.select(item).where(item.c.case_id == case_row.id))
    }
    fees = DemandFees(
        early=law.collection_fee(
            case_row.fee_value_cents,
            case_row.mandate_date,
            EARLY_RATE,
            vat=case_row.vat_charged,
        ),
        regular=law.collection_fee(
            case_row.fee_value_cents,
            case_row.mandate_date,
            regular_rate,
            vat=case_row.vat_charged,
        ),
        deadline=law.simple_case_deadline(
            case_row.mandate_date, case_row.first_demand_on
        ),
    )
    return compose_demand(
        config,
        case_ref=case_row.case_ref,
        creditor_reference=case_row.creditor_reference,
        fee_value_cents=case_row.fee_value_cents,
        vat_charged=case_row.vat_charged,
        contact=contact,
        claims=[(claim, subjects[claim.item_id]) for claim in position.claims],
        fees=fees,
        as_of=as_of,
    )


@dataclasses.dataclass(frozen=True)
class DemandFees:
    """The fee at both rates and the last day of the early rate."""

    early: law.FeeResult
    regular: law.FeeResult
    deadline: date


def compose_demand(
    config: CreditorConfig,
    *,
    case_ref: str,
    creditor_reference: str,
    fee_value_cents: int,
    vat_charged: bool,
    contact: Any,
    claims: Sequence[tuple[ClaimPosition, Any]],
    fees: DemandFees,
    as_of: date,
) -> DemandDocument:
    """Return the demand document from figures already computed.

    ``claims`` pairs each claim's position with its item row, which supplies
    the subject, the dates and the return reason. ``contact`` is the
    debtor's party row.
    """
    language = config.dunning.language
    demand_claims = []
    for claim, row in claims:
        periods = claim.interest.periods if claim.interest else ()
        demand_claims.append(
            DemandClaim(
                item_ref=claim.item_ref,
                subject=row.subject,
                contract_date=row.contract_date,
                due_date=row.due_date,
                principal_cents=claim.principal_cents,
                interest_cents=claim.interest_cents,
                interest_rate_percent=str(periods[-1].rate_percent) if periods else "0",
                interest_from=periods[0].start if periods else None,
                interest_to=periods[-1].end if periods else None,
                costs_cents=claim.costs_cents,
                costs_reason=(
                    f"{RETURN_COST_REASON[language]} ({row.return_reason})"
                    if claim.costs_cents and row.return_reason
                    else RETURN_COST_REASON[language]
                    if claim.costs_cents
                    else None
                ),
            )
        )
    principal = sum(claim.principal_cents for claim, _ in claims)
    interest = sum(claim.interest_cents for claim, _ in claims)
    costs = sum(claim.costs_cents for claim, _ in claims)
    base = principal + interest + costs
    collector = config.collector
    return DemandDocument(
        case_ref=case_ref,
        creditor_reference=creditor_reference,
        letter_date=as_of,
        language=language,
        collector=PostalAddress(
            name=collector.address.name,
            street=collector.address.street,
            postal_code=collector.address.postal_code,
            city=collector.address.city,
            country=collector.address.country,
        ),
        collector_email=collector.email,
        collector_register=collector.register,
        supervisory_authority=SupervisoryAuthority(
            name=collector.authority.name,
            address=PostalAddress(
                name=collector.authority.name,
                street=collector.authority.street,
                postal_code=collector.authority.postal_code,
                city=collector.authority.city,
            ),
            email=collector.authority.email,
        ),
        creditor=PostalAddress(
            name=config.name,
            street=config.address.street,
            postal_code=config.address.postal_code,
            city=config.address.city,
            country=config.address.country,
        ),
        debtor=PostalAddress(
            name=contact.name,
            street=contact.street or "",
            postal_code=contact.postal_code or "",
            city=contact.city or "",
            country=contact.country,
        ),
        debtor_email=contact.email,
        debtor_is_consumer=contact.consumer,
        claims=tuple(demand_claims),
        principal_cents=principal,
        interest_cents=interest,
        costs_cents=costs,
        fee_value_cents=fee_value_cents,
        early=_fee_option(fees.early, base, fees.deadline),
        regular=_fee_option(fees.regular, base, None),
        vat_charged=vat_charged,
        interest_note=_interest_note([claim for claim, _ in claims], language),
        fee_note=_fee_note(fees.early, fees.regular, language),
        payee_name=collector.account_holder,
        payee_iban=collector.iban,
        payee_bic=collector.bic,
        portal_url=collector.portal_url,
    )


def _interest_note(claims: Sequence[ClaimPosition], language: str) -> str:
    """Say how interest is computed; list the periods of claims that span a
    base-rate change, since the letter prints one rate per claim."""
    parts = []
    for claim in claims:
        if claim.interest is None or len(claim.interest.periods) < 2:
            continue
        for period in claim.interest.periods:
            rate = str(period.rate_percent)
            if language == "de":
                parts.append(
                    f"{claim.item_ref}: {rate.replace('.', ',')} % p. a. vom "
                    f"{period.start:%d.%m.%Y} bis {period.end:%d.%m.%Y} "
                    f"({period.days} Tage)"
                )
            else:
                parts.append(
                    f"{claim.item_ref}: {rate} % p.a. from {period.start} to "
                    f"{period.end} ({period.days} days)"
                )
    if language == "de":
        head = (
            "Verzugszinsen nach § 288 BGB: Basiszinssatz zuzüglich 5 Prozentpunkte "
            "(bei Unternehmern 9), taggenau auf 365 Tage gerechnet, vom ersten "
            "Verzugstag bis zum Tag vor dem Zahlungseingang"
        )
        return head + (". Zinssätze je Zeitraum: " + "; ".join(parts) if parts else ".")
    head = (
        "Default interest under § 288 BGB: base rate plus 5 points (9 for "
        "businesses), actual days over 365, from the first day of default to the "
        "day before the payment arrives"
    )
    return head + (". Rates per period: " + "; ".join(parts) if parts else ".")


def _fee_note(early: law.FeeResult, regular: law.FeeResult, language: str) -> str:
    early_rate = str(early.rate).replace(".", ",")
    regular_rate = str(regular.rate).replace(".", ",")
    if language == "de":
        return (
            "Inkassokosten als Verzugsschaden (§§ 280, 286 BGB), höchstens in Höhe "
            "der Vergütung eines Rechtsanwalts (§ 13e RDG): Geschäftsgebühr "
            "Nr. 2300 VV RVG aus einem Gegenstandswert von "
            f"{_euros(early.value_cents)} €, {early_rate}-fach "
            f"{_euros(early.fee_cents)} € bei Zahlung binnen zwei Wochen, sonst "
            f"{regular_rate}-fach {_euros(regular.fee_cents)} €; dazu die "
            "Auslagenpauschale Nr. 7002 VV RVG (20 %, höchstens 20 €). "
            f"Tabelle: {early.table_version}."
        )
    return (
        "Collection costs as damages for default (§§ 280, 286 BGB), capped at a "
        "lawyer's fee (§ 13e RDG): business fee Nr. 2300 VV RVG on a value of "
        f"EUR {law.cents_to_euros(early.value_cents)}, rate {early.rate} = "
        f"EUR {law.cents_to_euros(early.fee_cents)} if paid within two weeks, "
        f"otherwise rate {regular.rate} = EUR {law.cents_to_euros(regular.fee_cents)}; "
        "plus the flat expenses Nr. 7002 VV RVG (20 %, at most EUR 20). "
        f"Table: {early.table_version}."
    )


def document_to_json(document: DemandDocument) -> dict[str, Any]:
    """Return the document as JSON-ready data (dates as ISO strings).

    The result equals ``dataclasses.asdict`` with dates turned into strings
    and tuples into lists. Walking the fields directly is faster, which
    counts when a run queues hundreds of thousands of demands.
    """
    return _plain(document)  # type: ignore[no-any-return]


_LEAVES = frozenset({str, int, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _LEAVES:
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(inner) for inner in value]
    names = _FIELD_NAMES.get(kind)
    if names is None and dataclasses.is_dataclass(value):
        names = _FIELD_NAMES[kind] = tuple(
            field.name for field in dataclasses.fields(value)
        )
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    return value


def _dates(data: dict[str, Any], *names: str) -> dict[str, Any]:
    result = dict(data)
    for name in names:
        if result.get(name):
            result[name] = date.fromisoformat(result[name])
    return result


def document_from_json(data: dict[str, Any]) -> DemandDocument:
    """Rebuild a document stored with :func:`document_to_json`."""
    fields = dict(data)
    for name in ("collector", "creditor", "debtor"):
        fields[name] = PostalAddress(**fields[name])
    authority = dict(fields["supervisory_authority"])
    authority["address"] = PostalAddress(**authority["address"])
    fields["supervisory_authority"] = SupervisoryAuthority(**authority)
    fields["claims"] = tuple(
        DemandClaim(
            **_dates(claim, "contract_date", "due_date", "interest_from", "interest_to")
        )
        for claim in fields["claims"]
    )
    fields["early"] = FeeOption(**_dates(fields["early"], "pay_by"))
    fields["regular"] = FeeOption(**_dates(fields["regular"], "pay_by"))
    fields["letter_date"] = date.fromisoformat(fields["letter_date"])
    return DemandDocument(**fields)
