"""The e-mail: structure, headers, escaping and the same amounts as the letter."""

from __future__ import annotations

import email
import email.policy
import io
import re
from datetime import date, datetime
from email.message import EmailMessage

import pytest
from PIL import Image

from kleinkasso.comms.document import PostalAddress
from kleinkasso.comms.email import (
    InvalidEmailHeaderError,
    MissingDebtorEmailError,
    render_email,
)
from kleinkasso.comms.letter import render_letter_pdf
from kleinkasso.comms.qr import epc_payload
from tests.comms.pdftools import collapse, pdf_text, qr_payloads
from tests.comms.samples import build_document

MESSAGE_ID = "<0f1e2d3c.SW000042@kleinkasso.example>"
SENDER = "Kleinkasso Inkasso <service@kleinkasso.example>"
AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})*,\d{2} €")

TYPICAL = build_document()


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None
    assert html is not None
    return plain.get_content(), html.get_content()


def html_text(html: str) -> str:
    """Return the visible text of the HTML part, tags removed, entities kept."""
    return collapse(re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def typical() -> EmailMessage:
    return parse(render_email(TYPICAL, message_id=MESSAGE_ID, sender=SENDER))


def test_email_structure(typical: EmailMessage) -> None:
    types = [part.get_content_type() for part in typical.walk()]

    assert types == [
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
    ]


def test_email_headers(typical: EmailMessage) -> None:
    assert typical["Message-ID"] == MESSAGE_ID
    assert typical["From"] == SENDER
    assert typical["To"].addresses[0].addr_spec == "jana.mueller@example.org"
    assert typical["To"].addresses[0].display_name == "Jana Müller"
    assert typical["Reply-To"].addresses[0].addr_spec == "service@kleinkasso.example"
    assert typical["Subject"] == (
        "Ihre offene Zahlung bei Pixelspiel Media GmbH – Aktenzeichen SW000042"
    )
    assert typical["Content-Language"] == "de"


def test_email_date_from_letter_date(typical: EmailMessage) -> None:
    sent: datetime = typical["Date"].datetime

    assert sent.date() == date(2026, 12, 4)
    offset = sent.utcoffset()
    assert offset is not None
    assert offset.total_seconds() == 3600  # CET in December


def test_email_message_id_without_brackets() -> None:
    raw = render_email(TYPICAL, message_id="abc@kleinkasso.example", sender=SENDER)

    assert parse(raw)["Message-ID"] == "<abc@kleinkasso.example>"


@pytest.mark.parametrize(
    "message_id",
    [
        pytest.param("no-at-sign", id="no-at"),
        pytest.param("<a b@example>", id="space"),
        pytest.param("<a@example>\r\nBcc: x@example", id="injection"),
        pytest.param("", id="empty"),
    ],
)
def test_email_rejects_message_id(message_id: str) -> None:
    with pytest.raises(InvalidEmailHeaderError) as raised:
        render_email(TYPICAL, message_id=message_id, sender=SENDER)

    assert raised.value.field == "message_id"


@pytest.mark.parametrize(
    "sender",
    [
        pytest.param("not an address", id="no-address"),
        pytest.param("a@example, b@example", id="two-addresses"),
        pytest.param("a@example\r\nBcc: x@example", id="injection"),
    ],
)
def test_email_rejects_sender(sender: str) -> None:
    with pytest.raises(InvalidEmailHeaderError) as raised:
        render_email(TYPICAL, message_id=MESSAGE_ID, sender=sender)

    assert raised.value.field == "From"


def test_email_rejects_bad_debtor_address() -> None:
    doc = build_document(debtor_email="jana.mueller at example.org")

    with pytest.raises(InvalidEmailHeaderError) as raised:
        render_email(doc, message_id=MESSAGE_ID, sender=SENDER)

    assert "jana.mueller" not in str(raised.value)


@pytest.mark.parametrize("address", [None, "", "  "])
def test_email_needs_debtor_address(address: str | None) -> None:
    with pytest.raises(MissingDebtorEmailError):
        render_email(
            build_document(debtor_email=address), message_id=MESSAGE_ID, sender=SENDER
        )


def test_email_amounts_match_letter(typical: EmailMessage) -> None:
    plain, html = parts(typical)
    letter = pdf_text(render_letter_pdf(TYPICAL))
    letter_amounts = sorted(AMOUNT.findall(letter))

    assert sorted(AMOUNT.findall(collapse(plain))) == letter_amounts
    assert sorted(AMOUNT.findall(html_text(html))) == letter_amounts
    assert "29,95 €" in letter_amounts
    assert "45,07 €" in letter_amounts


@pytest.mark.parametrize(
    "expected",
    [
        pytest.param("Wenn Sie bis zum 18.12.2026 zahlen: 29,95 €", id="early"),
        pytest.param("Wenn Sie danach zahlen: 45,07 €", id="regular"),
        pytest.param("Verwendungszweck: RF18 5390 0754 7034", id="reference"),
        pytest.param("Pixelspiel Media GmbH, Hafenstraße 12, 20457 Hamburg", id="nr1"),
        pytest.param("Vertrag geschlossen am 01.09.2026", id="nr2"),
        pytest.param("A-1002: Rücklastschriftgebühr der Bank (MS03): 3,00 €", id="nr5"),
        pytest.param(
            "Bundesamt für Justiz, Adenauerallee 99–103, 53113 Bonn", id="nr8"
        ),
        pytest.param("§ 13a Abs. 1", id="heading"),
    ],
)
def test_email_plain_content(typical: EmailMessage, expected: str) -> None:
    plain, _ = parts(typical)

    assert expected in collapse(plain)


def test_email_escapes_debtor_name() -> None:
    name = "<script>alert(1)</script> Müller & Söhne"
    doc = build_document(debtor=PostalAddress(name, "Weg 1", "50667", "Köln"))

    message = parse(render_email(doc, message_id=MESSAGE_ID, sender=SENDER))
    plain, html = parts(message)

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Müller &amp; Söhne" in html
    assert name in plain
    assert message["To"].addresses[0].display_name == name


def test_email_header_injection_in_name() -> None:
    name = "Jana\r\nBcc: attacker@example.org"
    doc = build_document(debtor=PostalAddress(name, "Weg 1", "50667", "Köln"))

    message = parse(render_email(doc, message_id=MESSAGE_ID, sender=SENDER))

    assert message["Bcc"] is None
    assert message["To"].addresses[0].display_name == "Jana Bcc: attacker@example.org"


def test_email_inline_qr_code(typical: EmailMessage) -> None:
    _, html = parts(typical)
    image = next(
        part for part in typical.walk() if part.get_content_type() == "image/png"
    )
    content_id = image["Content-ID"].strip("<>")

    assert f'src="cid:{content_id}"' in html
    assert image.get_content_disposition() == "inline"
    payloads = qr_payloads(Image.open(io.BytesIO(image.get_content())))
    expected = epc_payload(
        TYPICAL.payee_name,
        TYPICAL.payee_iban,
        TYPICAL.payee_bic,
        TYPICAL.early.total_cents,
        TYPICAL.creditor_reference,
    )
    assert payloads == [expected.encode("utf-8")]


def test_email_is_deterministic() -> None:
    first = render_email(TYPICAL, message_id=MESSAGE_ID, sender=SENDER)
    second = render_email(TYPICAL, message_id=MESSAGE_ID, sender=SENDER)

    assert first == second


def test_email_lines_fit_smtp_limit() -> None:
    raw = render_email(TYPICAL, message_id=MESSAGE_ID, sender=SENDER)

    assert max(len(line) for line in raw.split(b"\r\n")) <= 78
    assert raw.isascii()


def test_email_english() -> None:
    doc = build_document(language="en")

    message = parse(render_email(doc, message_id=MESSAGE_ID, sender=SENDER))
    plain, _ = parts(message)

    assert (
        message["Subject"]
        == "Your open payment to Pixelspiel Media GmbH – case SW000042"
    )
    assert message["Content-Language"] == "en"
    assert "If you pay by 18 December 2026: €29.95" in collapse(plain)
