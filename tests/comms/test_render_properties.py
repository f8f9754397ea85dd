"""Random documents render without errors, and addresses stay in the window."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kleinkasso.comms.content import build_content
from kleinkasso.comms.document import DemandClaim, DemandDocument, PostalAddress
from kleinkasso.comms.email import render_email
from kleinkasso.comms.formatting import format_amount, one_line
from kleinkasso.comms.layout import (
    ADDRESS_LEFT,
    ADDRESS_TOP,
    ADDRESS_WIDTH,
    MM,
    TextRun,
    layout_letter,
)
from kleinkasso.comms.letter import render_letter_pdf
from kleinkasso.comms.qr import epc_payload, epc_qr_matrix
from kleinkasso.comms.typesetting import text_width
from tests.comms.pdftools import collapse, pdf_text
from tests.comms.samples import build_document, option

GERMAN_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüßABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ"

words = st.text(alphabet=GERMAN_LETTERS + "-.'&", min_size=1, max_size=40)
names = st.one_of(
    st.lists(words, min_size=1, max_size=12).map(" ".join),
    st.text(min_size=1, max_size=150).filter(one_line),
)


@st.composite
def claims(draw: st.DrawFn, index: int) -> DemandClaim:
    principal = draw(st.integers(min_value=1, max_value=2_000))
    interest = draw(st.integers(min_value=0, max_value=99))
    costs = draw(st.sampled_from([0, 0, 300, 450]))
    contract = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 300)))
    return DemandClaim(
        item_ref=f"R-{index}",
        subject=draw(names),
        contract_date=contract,
        due_date=contract + timedelta(days=14),
        principal_cents=principal,
        interest_cents=interest,
        interest_rate_percent="6.52",
        interest_from=contract + timedelta(days=30),
        interest_to=date(2026, 12, 4),
        costs_cents=costs,
        costs_reason="Rücklastschriftgebühr der Bank" if costs else None,
    )


@st.composite
def documents(draw: st.DrawFn) -> DemandDocument:
    count = draw(st.integers(min_value=1, max_value=6))
    claim_list = tuple(draw(claims(index)) for index in range(count))
    vat_charged = draw(st.booleans())
    open_cents = sum(
        c.principal_cents + c.interest_cents + c.costs_cents for c in claim_list
    )
    vat_percent = 19 if vat_charged else 0
    early_fee = draw(st.sampled_from([1500, 1575, 2575]))
    doc = build_document(
        claims=claim_list,
        vat_charged=vat_charged,
        language=draw(st.sampled_from(["de", "en"])),
        address_found_by_collector=draw(st.booleans()),
        debtor=PostalAddress(
            draw(names),
            draw(names),
            draw(st.text(alphabet="0123456789", min_size=4, max_size=5)),
            draw(names),
            draw(st.sampled_from(["DE", "AT", "CH", "FR", "PL"])),
        ),
        creditor=PostalAddress(draw(names), "Hafenstraße 12", "20457", "Hamburg"),
    )
    early = option(
        "0.5",
        early_fee,
        vat_percent=vat_percent,
        pay_by=date(2026, 12, 18),
        open_cents=open_cents,
    )
    regular = option(
        "0.9",
        early_fee * 9 // 5,
        vat_percent=vat_percent,
        pay_by=None,
        open_cents=open_cents,
    )
    return replace(doc, early=early, regular=regular)


SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(doc=documents())
def test_letter_renders_any_document(doc: DemandDocument) -> None:
    pdf = render_letter_pdf(doc)

    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert collapse(format_amount(doc.early.total_cents, doc.language)) in text
    assert collapse(format_amount(doc.regular.total_cents, doc.language)) in text


@SETTINGS
@given(doc=documents())
def test_email_renders_any_document(doc: DemandDocument) -> None:
    raw = render_email(
        doc, message_id="<p1@kleinkasso.example>", sender="a@kleinkasso.example"
    )

    assert raw.isascii()
    assert b"\r\nBcc:" not in raw


@SETTINGS
@given(doc=documents())
def test_address_stays_in_window(doc: DemandDocument) -> None:
    payload = epc_payload(
        doc.payee_name,
        doc.payee_iban,
        doc.payee_bic,
        doc.early.total_cents,
        doc.creditor_reference,
    )
    page = layout_letter(build_content(doc), epc_qr_matrix(payload))[0]
    field_runs = [
        item
        for item in page.items
        if isinstance(item, TextRun)
        and ADDRESS_TOP <= item.y <= ADDRESS_TOP + 45 * MM
        and item.x < ADDRESS_LEFT + ADDRESS_WIDTH
    ]

    assert 3 <= len(field_runs) <= 7  # return address and at most six lines
    for run in field_runs:
        assert (
            run.x + text_width(run.text, run.font, run.size)
            <= ADDRESS_LEFT + ADDRESS_WIDTH
        )
        run.text.encode("cp1252")
