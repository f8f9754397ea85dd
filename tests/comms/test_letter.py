"""The PDF letter: § 13a items, amounts, QR code and DIN 5008 positions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from kleinkasso.comms.content import build_content
from kleinkasso.comms.document import PostalAddress
from kleinkasso.comms.layout import (
    ADDRESS_LEFT,
    ADDRESS_TOP,
    ADDRESS_WIDTH,
    MM,
    QRCode,
    TextRun,
    layout_letter,
)
from kleinkasso.comms.letter import render_letter_pdf, render_letters_pdf
from kleinkasso.comms.qr import epc_payload, epc_qr_matrix
from kleinkasso.comms.typesetting import text_width
from tests.comms.pdftools import page_image, pdf_pages_text, pdf_text, qr_payloads
from tests.comms.samples import build_document

TYPICAL = build_document()
TYPICAL_PAYLOAD = epc_payload(
    TYPICAL.payee_name,
    TYPICAL.payee_iban,
    TYPICAL.payee_bic,
    TYPICAL.early.total_cents,
    TYPICAL.creditor_reference,
)

# Each § 13a Abs. 1 RDG item that applies to the typical document, as printed.
FIRST_DEMAND_ITEMS = [
    pytest.param(
        "Pixelspiel Media GmbH, Hafenstraße 12, 20457 Hamburg", id="nr1-creditor"
    ),
    pytest.param(
        "A-1001: Premium-Artikel „Stadtgeschichte“, Vertrag geschlossen am 12.08.2026",
        id="nr2-claim1",
    ),
    pytest.param(
        "A-1002: Monatsabo Hörbücher September, Vertrag geschlossen am 01.09.2026",
        id="nr2-claim2",
    ),
    pytest.param(
        "A-1003: Spielwährung 200 Kristalle, Vertrag geschlossen am 20.09.2026",
        id="nr2-claim3",
    ),
    pytest.param("Verzugszinsen nach § 288 Abs. 1 BGB", id="nr3-note"),
    pytest.param(
        "A-1002: 6,52 % Zinsen pro Jahr aus 4,99 € vom 18.09.2026 bis 04.12.2026: "
        "0,06 €",
        id="nr3-calculation",
    ),
    pytest.param("Geschäftsgebühr nach Nr. 2300 VV RVG", id="nr5-fee-note"),
    pytest.param(
        "Bei Zahlung bis zum 18.12.2026: Gebührensatz 0,5 aus einem Gegenstandswert "
        "von 7,97 € = 15,75 €, Auslagenpauschale 3,15 €, zusammen 18,90 €",
        id="nr5-early-fee",
    ),
    pytest.param(
        "Bei späterer Zahlung: Gebührensatz 0,9 aus einem Gegenstandswert von 7,97 € "
        "= 28,35 €, Auslagenpauschale 5,67 €, zusammen 34,02 €",
        id="nr5-regular-fee",
    ),
    pytest.param(
        "A-1002: Rücklastschriftgebühr der Bank (MS03): 3,00 €", id="nr5-costs"
    ),
    pytest.param(
        "Zuständige Aufsichtsbehörde: Bundesamt für Justiz, Adenauerallee 99–103, "
        "53113 Bonn, E-Mail: rdg-aufsicht@bfj.example",
        id="nr8-authority",
    ),
]

AMOUNTS_AND_DATES = [
    pytest.param("Wenn Sie bis zum 18.12.2026 zahlen: 29,95 €", id="early-total"),
    pytest.param("Wenn Sie danach zahlen: 45,07 €", id="regular-total"),
    pytest.param("Gesamtbetrag 29,95 € 45,07 €", id="total-row"),
    pytest.param("Summe 7,97 € 0,08 € 3,00 € 11,05 €", id="claims-total"),
    pytest.param("Verwendungszweck RF18 5390 0754 7034", id="reference-grouped"),
    pytest.param("IBAN DE89 3704 0044 0532 0130 00", id="iban-grouped"),
    pytest.param("Datum 04.12.2026", id="letter-date"),
    pytest.param("Aktenzeichen SW000042", id="case-ref"),
]


@pytest.fixture(scope="module")
def typical_pdf() -> bytes:
    return render_letter_pdf(TYPICAL)


@pytest.fixture(scope="module")
def typical_text(typical_pdf: bytes) -> str:
    return pdf_text(typical_pdf)


@pytest.mark.parametrize("expected", FIRST_DEMAND_ITEMS)
def test_letter_prints_first_demand_item(typical_text: str, expected: str) -> None:
    assert expected in typical_text


@pytest.mark.parametrize("expected", AMOUNTS_AND_DATES)
def test_letter_prints_amounts_and_dates(typical_text: str, expected: str) -> None:
    assert expected in typical_text


def test_letter_no_vat_statement(typical_text: str) -> None:
    assert "Vorsteuer" not in typical_text
    assert "Umsatzsteuer" not in typical_text


def test_letter_with_vat_states_input_tax() -> None:
    text = pdf_text(render_letter_pdf(build_document(vat_charged=True)))

    assert "Pixelspiel Media GmbH kann die Umsatzsteuer auf die Inkassokosten" in text
    assert "nicht als Vorsteuer abziehen" in text
    assert "Umsatzsteuer 3,59 € 6,46 €" in text
    assert "Wenn Sie bis zum 18.12.2026 zahlen: 33,54 €" in text


def test_letter_address_found_notice() -> None:
    doc = build_document(address_found_by_collector=True)

    text = pdf_text(render_letter_pdf(doc))

    assert "Ihre Anschrift haben wir nicht von Pixelspiel Media GmbH erhalten" in text
    assert "E-Mail: service@kleinkasso.example" in text


def test_letter_without_address_notice(typical_text: str) -> None:
    assert "selbst ermittelt" not in typical_text


def test_letter_umlauts_and_euro(typical_text: str) -> None:
    for word in ("Jana Müller", "Lindenstraße 7a", "50667 Köln", "Einwände", "15,75 €"):
        assert word in typical_text


def test_letter_page_one_content(typical_pdf: bytes) -> None:
    pages = pdf_pages_text(typical_pdf)

    assert len(pages) == 2
    assert pages[0].startswith("Kleinkasso Inkasso GmbH")
    assert "Wenn Sie bis zum 18.12.2026 zahlen: 29,95 €" in pages[0]
    assert "So zahlen Sie" in pages[0]
    assert "Seite 1 von 2" in pages[0]
    assert "Seite 2 von 2" in pages[1]


def test_letter_qr_code_on_page_one(typical_pdf: bytes) -> None:
    payloads = qr_payloads(page_image(typical_pdf, 0, scale=2))

    assert len(payloads) == 1
    fields = payloads[0].decode("utf-8").split("\n")
    assert fields[:4] == ["BCD", "002", "1", "SCT"]
    assert fields[4] == "COBADEFFXXX"
    assert fields[5] == "Kleinkasso Inkasso GmbH"
    assert fields[6] == "DE89370400440532013000"
    assert fields[7] == "EUR29.95"  # the early total
    assert fields[8] == ""
    assert fields[9] == "RF18539007547034"


def test_letter_qr_code_at_print_resolution(typical_pdf: bytes) -> None:
    # 150 dpi, a common office scanner and phone camera resolution
    payloads = qr_payloads(page_image(typical_pdf, 0, scale=150 / 72))

    assert payloads == [TYPICAL_PAYLOAD.encode("utf-8")]


def test_letter_is_deterministic(typical_pdf: bytes) -> None:
    assert render_letter_pdf(TYPICAL) == typical_pdf


def test_letter_english() -> None:
    text = pdf_text(render_letter_pdf(build_document(language="en")))

    assert "Dear Jana Müller," in text
    assert "If you pay by 18 December 2026: €29.95" in text
    assert "If you pay after that: €45.07" in text
    assert "Competent supervisory authority: Bundesamt für Justiz" in text
    assert "A-1001: Premium-Artikel „Stadtgeschichte“, contract concluded on" in text


def test_letter_single_claim_wording() -> None:
    claim = replace(TYPICAL.claims[0])
    text = pdf_text(render_letter_pdf(build_document(claims=(claim,))))

    assert "einen offenen Betrag aus Ihrem Kundenkonto" in text
    assert "Wenn Sie bis zum 18.12.2026 zahlen: 19,90 €" in text


def test_letter_later_option_with_date() -> None:
    doc = build_document()
    doc = replace(doc, regular=replace(doc.regular, pay_by=date(2027, 1, 15)))

    text = pdf_text(render_letter_pdf(doc))

    assert "Wenn Sie danach bis zum 15.01.2027 zahlen: 45,07 €" in text
    assert "bei Zahlung bis 15.01.2027" in text


def test_letter_abroad_country_line() -> None:
    debtor = PostalAddress("Jana Müller", "Hauptplatz 1", "8010", "Graz", "AT")

    text = pdf_text(render_letter_pdf(build_document(debtor=debtor)))

    assert "8010 Graz ÖSTERREICH" in text


def test_letter_many_claims_pages() -> None:
    claims = tuple(
        replace(TYPICAL.claims[index % 3], item_ref=f"B-{index:04d}")
        for index in range(40)
    )

    pdf = render_letter_pdf(build_document(claims=claims))
    pages = pdf_pages_text(pdf)
    text = " ".join(pages)

    assert len(pages) >= 3
    assert f"Seite {len(pages)} von {len(pages)}" in pages[-1]
    assert "Leistung fällig am Forderung Zinsen Kosten Summe" in pages[1]
    assert "B-0038: Spielwährung 200 Kristalle" in text
    assert "Bundesamt für Justiz" in pages[-1]


def test_letters_batch_yields_case_refs() -> None:
    docs = [build_document(case_ref=f"SW00004{index}") for index in range(3)]

    rendered = list(render_letters_pdf(docs))

    assert [case_ref for case_ref, _ in rendered] == [
        "SW000040",
        "SW000041",
        "SW000042",
    ]
    assert all(pdf.startswith(b"%PDF-") for _, pdf in rendered)


def test_layout_address_field_positions() -> None:
    content = build_content(TYPICAL)
    page = layout_letter(content, epc_qr_matrix(TYPICAL_PAYLOAD))[0]
    runs = {item.text: item for item in page.items if isinstance(item, TextRun)}

    # DIN 5008 form B: return address inside the first 17.7 mm of the field,
    # recipient lines below it, text 5 mm inside the field's left edge.
    assert (
        runs["Kleinkasso Inkasso GmbH · Beispielweg 5 · 10115 Berlin"].y > ADDRESS_TOP
    )
    assert runs["Kleinkasso Inkasso GmbH · Beispielweg 5 · 10115 Berlin"].y < 62.7 * MM
    assert 62.7 * MM < runs["Jana Müller"].y < runs["50667 Köln"].y < 90 * MM
    assert runs["Jana Müller"].x == pytest.approx(ADDRESS_LEFT + 5 * MM)
    assert runs["Aktenzeichen"].x == pytest.approx(125 * MM)
    assert runs["Aktenzeichen"].y > 50 * MM


def test_layout_long_name_fits_field() -> None:
    name = "Maximiliane Theodora Müller-Lüdenscheidt " * 4 + "Sonnenblumenfeldweg" * 3
    doc = build_document(
        debtor=PostalAddress(name, "Straße " * 20, "50667", "Köln " * 15, "DE")
    )
    page = layout_letter(build_content(doc), epc_qr_matrix(TYPICAL_PAYLOAD))[0]
    address_runs = [
        item
        for item in page.items
        if isinstance(item, TextRun)
        and 62.7 * MM < item.y < 90 * MM
        and item.x < 100 * MM
    ]

    assert len(address_runs) == 6
    for run in address_runs:
        assert run.x + text_width(run.text, run.font, run.size) <= (
            ADDRESS_LEFT + ADDRESS_WIDTH
        )
    assert address_runs[3].text.endswith("…")


def test_layout_qr_code_keeps_quiet_zone() -> None:
    page = layout_letter(build_content(TYPICAL), epc_qr_matrix(TYPICAL_PAYLOAD))[0]
    code = next(item for item in page.items if isinstance(item, QRCode))

    size = len(code.matrix) * code.module
    assert size + 8 * code.module == pytest.approx(30 * MM)
    assert code.x + size + 4 * code.module <= 190 * MM
