"""The text of a first demand, shared by the letter and the e-mail.

``build_content`` turns a ``DemandDocument`` into formatted strings once, so
that the PDF letter and both e-mail parts print the same sentences and the
same amounts. Values from the record are collapsed to one line each, which
also keeps line breaks out of e-mail headers.
"""

from __future__ import annotations

from dataclasses import dataclass

from schwifty import IBAN

from kleinkasso.comms.document import (
    DemandClaim,
    DemandDocument,
    FeeOption,
    PostalAddress,
)
from kleinkasso.comms.formatting import (
    UnsupportedLanguageError,
    country_name,
    format_amount,
    format_day,
    format_number,
    format_percent,
    format_short_day,
    group_in_fours,
    one_line,
)
from kleinkasso.comms.phrases import PHRASES, Phrases


@dataclass(frozen=True)
class ClaimLine:
    """One row of the table of open amounts, formatted."""

    subject: str
    detail: str
    due_date: str
    principal: str
    interest: str
    costs: str
    total: str


@dataclass(frozen=True)
class FeeRow:
    """One row of the fee table: a label and the amounts of both options."""

    label: str
    early: str
    later: str
    is_total: bool = False


@dataclass(frozen=True)
class Section:
    """A titled block of the § 13a information, one string per paragraph."""

    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class DemandContent:
    """All text of one first demand, in reading order."""

    language: str
    case_ref: str
    subject: str
    salutation: str
    intro: str
    claims_heading: str
    claim_columns: tuple[str, ...]
    claims: tuple[ClaimLine, ...]
    claims_total: ClaimLine
    fees_heading: str
    option_headings: tuple[str, str]
    fee_rows: tuple[FeeRow, ...]
    pay_lines: tuple[str, str]
    pay_reason: str
    payment_heading: str
    payment_fields: tuple[tuple[str, str], ...]
    reference_hint: str
    qr_caption: str
    dispute_heading: str
    dispute_text: str
    contact: str
    closing: str
    signature: str
    details_heading: str
    details: tuple[Section, ...]
    info_fields: tuple[tuple[str, str], ...]
    sender_name: str
    sender_lines: tuple[str, ...]
    return_address: str
    recipient_name: str
    recipient_lines: tuple[str, ...]
    footer_lines: tuple[str, ...]
    page_label: str
    continuation: str


def build_content(doc: DemandDocument) -> DemandContent:
    """Format every sentence and amount of the first demand ``doc``."""
    if doc.language not in PHRASES:
        raise UnsupportedLanguageError(doc.language)
    phrases = PHRASES[doc.language]
    language = doc.language
    creditor = one_line(doc.creditor.name)
    collector = one_line(doc.collector.name)
    case_ref = one_line(doc.case_ref)
    contact = _contact(doc, phrases)
    early_date = format_day(doc.early.pay_by, language) if doc.early.pay_by else ""

    return DemandContent(
        language=language,
        case_ref=case_ref,
        subject=phrases.subject.format(creditor=creditor, case_ref=case_ref),
        salutation=(
            phrases.salutation.format(name=one_line(doc.debtor.name))
            if doc.debtor_is_consumer
            else phrases.salutation_business
        ),
        intro=_intro(doc, phrases, creditor),
        claims_heading=phrases.claims_heading,
        claim_columns=(
            phrases.column_item,
            phrases.column_due,
            phrases.column_principal,
            phrases.column_interest,
            phrases.column_costs,
            phrases.column_total,
        ),
        claims=tuple(_claim_line(claim, phrases, language) for claim in doc.claims),
        claims_total=ClaimLine(
            subject=phrases.claims_total,
            detail="",
            due_date="",
            principal=format_amount(doc.principal_cents, language),
            interest=format_amount(doc.interest_cents, language),
            costs=format_amount(doc.costs_cents, language),
            total=format_amount(_open_cents(doc), language),
        ),
        fees_heading=phrases.fees_heading,
        option_headings=(
            phrases.option_by.format(date=early_date),
            _later_heading(doc.regular, phrases, language),
        ),
        fee_rows=_fee_rows(doc, phrases),
        pay_lines=(
            phrases.pay_early.format(
                date=early_date, amount=format_amount(doc.early.total_cents, language)
            ),
            _pay_later_line(doc.regular, phrases, language),
        ),
        pay_reason=phrases.pay_reason.format(date=early_date),
        payment_heading=phrases.payment_heading,
        payment_fields=_payment_fields(doc, phrases, early_date),
        reference_hint=phrases.reference_hint,
        qr_caption=phrases.qr_caption,
        dispute_heading=phrases.dispute_heading,
        dispute_text=phrases.dispute_text,
        contact=contact,
        closing=phrases.closing,
        signature=collector,
        details_heading=phrases.details_heading,
        details=_details(doc, phrases, contact),
        info_fields=(
            (phrases.label_case, case_ref),
            (phrases.label_reference, group_in_fours(doc.creditor_reference)),
            (phrases.label_creditor, creditor),
            (phrases.label_email, one_line(doc.collector_email)),
            (phrases.label_date, format_day(doc.letter_date, language)),
        ),
        sender_name=collector,
        sender_lines=(
            *_address_lines(doc.collector),
            one_line(doc.collector_email),
        ),
        return_address=" · ".join((collector, *_address_lines(doc.collector))),
        recipient_name=one_line(doc.debtor.name),
        recipient_lines=_address_lines(doc.debtor),
        footer_lines=(
            " · ".join(
                (
                    collector,
                    *_address_lines(doc.collector),
                    one_line(doc.collector_email),
                )
            ),
            phrases.register_text.format(register=one_line(doc.collector_register)),
        ),
        page_label=phrases.page,
        continuation=phrases.continuation.format(
            case_ref=case_ref, date=format_day(doc.letter_date, language)
        ),
    )


def _open_cents(doc: DemandDocument) -> int:
    return doc.principal_cents + doc.interest_cents + doc.costs_cents


def _address_lines(address: PostalAddress) -> tuple[str, ...]:
    """Return street, "postal code city" and, abroad, the country line."""
    lines = [
        one_line(address.street),
        one_line(f"{address.postal_code} {address.city}"),
    ]
    if address.country.upper() != "DE":
        lines.append(country_name(one_line(address.country)))
    return tuple(lines)


def _intro(doc: DemandDocument, phrases: Phrases, creditor: str) -> str:
    if len(doc.claims) == 1:
        return phrases.intro_one.format(creditor=creditor)
    count = len(doc.claims)
    words = phrases.number_words
    count_text = words[count] if count < len(words) else str(count)
    return phrases.intro_many.format(creditor=creditor, count=count_text)


def _claim_line(claim: DemandClaim, phrases: Phrases, language: str) -> ClaimLine:
    item_ref = one_line(claim.item_ref)
    if claim.contract_date is None:
        detail = phrases.claim_detail_no_contract.format(item_ref=item_ref)
    else:
        detail = phrases.claim_detail.format(
            contract_date=format_day(claim.contract_date, language), item_ref=item_ref
        )
    total = claim.principal_cents + claim.interest_cents + claim.costs_cents
    return ClaimLine(
        subject=one_line(claim.subject),
        detail=detail,
        due_date=format_short_day(claim.due_date, language),
        principal=format_amount(claim.principal_cents, language),
        interest=format_amount(claim.interest_cents, language),
        costs=format_amount(claim.costs_cents, language),
        total=format_amount(total, language),
    )


def _later_heading(option: FeeOption, phrases: Phrases, language: str) -> str:
    if option.pay_by is None:
        return phrases.option_later
    return phrases.option_by.format(date=format_day(option.pay_by, language))


def _pay_later_line(option: FeeOption, phrases: Phrases, language: str) -> str:
    amount = format_amount(option.total_cents, language)
    if option.pay_by is None:
        return phrases.pay_later.format(amount=amount)
    return phrases.pay_later_by.format(
        date=format_day(option.pay_by, language), amount=amount
    )


def _shows_vat(doc: DemandDocument) -> bool:
    return doc.vat_charged or doc.early.vat_cents != 0 or doc.regular.vat_cents != 0


def _fee_rows(doc: DemandDocument, phrases: Phrases) -> tuple[FeeRow, ...]:
    language = doc.language
    early, later = doc.early, doc.regular
    open_amount = format_amount(_open_cents(doc), language)
    rows = [
        FeeRow(phrases.row_open, open_amount, open_amount),
        FeeRow(
            phrases.row_fee.format(
                early_rate=format_number(early.rate, language),
                regular_rate=format_number(later.rate, language),
            ),
            format_amount(early.fee_cents, language),
            format_amount(later.fee_cents, language),
        ),
        FeeRow(
            phrases.row_expenses,
            format_amount(early.expenses_cents, language),
            format_amount(later.expenses_cents, language),
        ),
    ]
    if _shows_vat(doc):
        rows.append(
            FeeRow(
                phrases.row_vat,
                format_amount(early.vat_cents, language),
                format_amount(later.vat_cents, language),
            )
        )
    rows.append(
        FeeRow(
            phrases.row_total,
            format_amount(early.total_cents, language),
            format_amount(later.total_cents, language),
            is_total=True,
        )
    )
    return tuple(rows)


def _payment_fields(
    doc: DemandDocument, phrases: Phrases, early_date: str
) -> tuple[tuple[str, str], ...]:
    fields = [(phrases.payee, one_line(doc.payee_name))]
    fields.append((phrases.iban, _readable_iban(doc.payee_iban)))
    if doc.payee_bic:
        fields.append((phrases.bic, one_line(doc.payee_bic)))
    amount = format_amount(doc.early.total_cents, doc.language)
    fields.append(
        (phrases.amount, phrases.amount_value.format(amount=amount, date=early_date))
    )
    fields.append((phrases.reference, group_in_fours(doc.creditor_reference)))
    return tuple(fields)


def _readable_iban(iban: str) -> str:
    compact = one_line(iban).replace(" ", "")
    try:
        return str(IBAN(compact).formatted)
    except ValueError:
        # The renderers reject an invalid IBAN in qr.epc_payload. Content built
        # without that check shows the IBAN grouped as given.
        return group_in_fours(compact)


def _contact(doc: DemandDocument, phrases: Phrases) -> str:
    email = one_line(doc.collector_email)
    if doc.portal_url:
        return phrases.contact_portal.format(url=one_line(doc.portal_url), email=email)
    return phrases.contact_email.format(email=email)


def _details(
    doc: DemandDocument, phrases: Phrases, contact: str
) -> tuple[Section, ...]:
    """Return the § 13a Abs. 1 RDG items that apply to ``doc``, in the law's order."""
    creditor = one_line(doc.creditor.name)
    sections = [
        Section(
            phrases.creditor_title,
            (", ".join((creditor, *_address_lines(doc.creditor))),),
        ),
        Section(
            phrases.basis_title,
            tuple(_basis_line(claim, phrases, doc.language) for claim in doc.claims),
        ),
        Section(phrases.interest_title, _interest_paragraphs(doc, phrases)),
        Section(phrases.costs_title, _cost_paragraphs(doc, phrases)),
    ]
    if doc.vat_charged:
        sections.append(
            Section(phrases.vat_title, (phrases.vat_text.format(creditor=creditor),))
        )
    if doc.address_found_by_collector:
        sections.append(
            Section(
                phrases.address_title,
                (phrases.address_text.format(creditor=creditor, contact=contact),),
            )
        )
    authority = doc.supervisory_authority
    sections.append(
        Section(
            phrases.authority_title,
            (
                phrases.authority_text.format(
                    name=one_line(authority.name),
                    address=", ".join(_address_lines(authority.address)),
                    email=one_line(authority.email),
                ),
                phrases.register_text.format(register=one_line(doc.collector_register)),
            ),
        )
    )
    return tuple(sections)


def _basis_line(claim: DemandClaim, phrases: Phrases, language: str) -> str:
    values = {
        "item_ref": one_line(claim.item_ref),
        "subject": one_line(claim.subject),
        "due_date": format_day(claim.due_date, language),
    }
    if claim.contract_date is None:
        return phrases.basis_line_no_contract.format(**values)
    contract_date = format_day(claim.contract_date, language)
    return phrases.basis_line.format(contract_date=contract_date, **values)


def _interest_paragraphs(doc: DemandDocument, phrases: Phrases) -> tuple[str, ...]:
    language = doc.language
    lines = [
        phrases.interest_line.format(
            item_ref=one_line(claim.item_ref),
            rate=format_percent(claim.interest_rate_percent, language),
            principal=format_amount(claim.principal_cents, language),
            start=format_day(claim.interest_from, language),
            end=format_day(claim.interest_to, language),
            interest=format_amount(claim.interest_cents, language),
        )
        for claim in doc.claims
        if claim.interest_cents
        and claim.interest_from is not None
        and claim.interest_to is not None
    ]
    if not lines and not doc.interest_cents:
        return (phrases.no_interest,)
    note = one_line(doc.interest_note)
    return (note, *lines) if note else tuple(lines)


def _cost_paragraphs(doc: DemandDocument, phrases: Phrases) -> tuple[str, ...]:
    language = doc.language
    paragraphs = []
    note = one_line(doc.fee_note)
    if note:
        paragraphs.append(note)
    value = format_amount(doc.fee_value_cents, language)
    for template, option in (
        (phrases.fee_line_early, doc.early),
        (phrases.fee_line_later, doc.regular),
    ):
        paragraphs.append(_fee_line(template, option, doc, phrases, value))
    for claim in doc.claims:
        if claim.costs_cents:
            paragraphs.append(
                phrases.costs_line.format(
                    item_ref=one_line(claim.item_ref),
                    reason=one_line(claim.costs_reason or ""),
                    amount=format_amount(claim.costs_cents, language),
                )
            )
    return tuple(paragraphs)


def _fee_line(
    template: str,
    option: FeeOption,
    doc: DemandDocument,
    phrases: Phrases,
    value: str,
) -> str:
    language = doc.language
    vat = ""
    if _shows_vat(doc):
        vat = phrases.vat_part.format(vat=format_amount(option.vat_cents, language))
    fees = option.fee_cents + option.expenses_cents + option.vat_cents
    return template.format(
        date=format_day(option.pay_by, language) if option.pay_by else "",
        rate=format_number(option.rate, language),
        value=value,
        fee=format_amount(option.fee_cents, language),
        expenses=format_amount(option.expenses_cents, language),
        vat=vat,
        sum=format_amount(fees, language),
    )
