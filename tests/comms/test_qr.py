"""EPC QR payloads, checked against segno's EPC helper and decoded with zxing-cpp."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
import segno.helpers
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

from kleinkasso.comms.qr import (
    MAX_AMOUNT_CENTS,
    InvalidTransferDetailError,
    epc_payload,
    epc_qr_matrix,
    epc_qr_png,
)
from tests.comms.pdftools import qr_payloads

NAME = "Kleinkasso Inkasso GmbH"
IBAN = "DE89370400440532013000"
BIC = "COBADEFFXXX"
REFERENCE = "RF18539007547034"


def decode_png(png: bytes) -> list[bytes]:
    return qr_payloads(Image.open(io.BytesIO(png)))


def test_payload_typical() -> None:
    payload = epc_payload(NAME, IBAN, BIC, 2995, REFERENCE)

    assert payload == (
        "BCD\n002\n1\nSCT\nCOBADEFFXXX\nKleinkasso Inkasso GmbH\n"
        "DE89370400440532013000\nEUR29.95\n\nRF18539007547034"
    )


@pytest.mark.parametrize(
    ("cents", "field"),
    [
        pytest.param(1, "EUR0.01", id="one-cent"),
        pytest.param(1250, "EUR12.50", id="trailing-zero"),
        pytest.param(2400, "EUR24.00", id="whole-euros"),
        pytest.param(MAX_AMOUNT_CENTS, "EUR999999999.99", id="maximum"),
    ],
)
def test_payload_amount_format(cents: int, field: str) -> None:
    assert epc_payload(NAME, IBAN, BIC, cents, REFERENCE).split("\n")[7] == field


def test_payload_normalises_spaced_input() -> None:
    payload = epc_payload(
        "  Kleinkasso\nInkasso GmbH ",
        "DE89 3704 0044 0532 0130 00",
        "COBA DEFF XXX",
        100,
        "RF18 5390 0754 7034",
    )

    fields = payload.split("\n")
    assert fields[4] == BIC
    assert fields[5] == NAME
    assert fields[6] == IBAN
    assert fields[9] == REFERENCE


def test_payload_without_bic() -> None:
    assert epc_payload(NAME, IBAN, "", 100, REFERENCE).split("\n")[4] == ""


def test_payload_matches_segno_helper() -> None:
    """segno builds its own EPC payload; both decode to the same fields."""
    ours = epc_payload("Müller & Söhne Inkasso", IBAN, BIC, 1250, REFERENCE)
    reference_code = segno.helpers.make_epc_qr(
        name="Müller & Söhne Inkasso",
        iban=IBAN,
        amount=Decimal("12.50"),
        reference=REFERENCE,
        bic=BIC,
        encoding="utf-8",
    )
    buffer = io.BytesIO()
    reference_code.save(buffer, kind="png", scale=4)

    (theirs,) = decode_png(buffer.getvalue())
    our_fields = ours.split("\n")
    their_fields = theirs.decode("utf-8").split("\n")

    assert our_fields[:7] == their_fields[:7]
    # segno drops trailing zeros ("EUR12.5"); both are valid EPC amounts.
    assert Decimal(our_fields[7][3:]) == Decimal(their_fields[7][3:])
    assert our_fields[8:] == their_fields[8:]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        pytest.param(
            (NAME, "DE89370400440532013001", BIC, 100, REFERENCE),
            "iban",
            id="iban-checksum",
        ),
        pytest.param((NAME, "XX00", BIC, 100, REFERENCE), "iban", id="iban-country"),
        pytest.param((NAME, IBAN, "COBADEF", 100, REFERENCE), "bic", id="bic-length"),
        pytest.param(
            (NAME, IBAN, BIC, 100, "RF19539007547034"),
            "reference",
            id="reference-checksum",
        ),
        pytest.param(
            (NAME, IBAN, BIC, 100, "SW000042"), "reference", id="reference-not-rf"
        ),
        pytest.param((NAME, IBAN, BIC, 0, REFERENCE), "amount_cents", id="amount-zero"),
        pytest.param(
            (NAME, IBAN, BIC, MAX_AMOUNT_CENTS + 1, REFERENCE),
            "amount_cents",
            id="amount-too-big",
        ),
        pytest.param(
            (NAME, IBAN, BIC, 12.5, REFERENCE), "amount_cents", id="amount-float"
        ),
        pytest.param(
            (NAME, IBAN, BIC, True, REFERENCE), "amount_cents", id="amount-bool"
        ),
        pytest.param(("", IBAN, BIC, 100, REFERENCE), "name", id="name-empty"),
        pytest.param(("x" * 71, IBAN, BIC, 100, REFERENCE), "name", id="name-too-long"),
    ],
)
def test_payload_rejects_invalid(arguments: tuple[Any, ...], field: str) -> None:
    with pytest.raises(InvalidTransferDetailError) as raised:
        epc_payload(*arguments)

    assert raised.value.field == field
    assert str(raised.value).startswith(field)


def test_payload_error_masks_iban() -> None:
    with pytest.raises(InvalidTransferDetailError) as raised:
        epc_payload(NAME, "DE89370400440532013001", BIC, 100, REFERENCE)

    assert "DE89370400440532013001" not in str(raised.value)
    assert "3001" in str(raised.value)


def test_png_decodes_to_payload() -> None:
    payload = epc_payload(NAME, IBAN, BIC, 2995, REFERENCE)

    assert decode_png(epc_qr_png(payload)) == [payload.encode("utf-8")]


def test_matrix_size_and_level() -> None:
    payload = epc_payload(NAME, IBAN, BIC, 2995, REFERENCE)
    matrix = epc_qr_matrix(payload)
    code = segno.make(
        payload.encode("utf-8"), error="m", boost_error=False, micro=False
    )

    assert isinstance(code.version, int)
    assert len(matrix) == len(matrix[0]) == 21 + 4 * (code.version - 1)
    assert code.error == "M"
    assert set(b"".join(matrix)) == {0, 1}


def rf_reference(body: str) -> str:
    return str(iso11649.validate(f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"))


@settings(max_examples=40, deadline=None)
@given(
    name=st.text(
        alphabet=st.characters(
            codec="utf-8", categories=("L", "N", "Zs", "P"), max_codepoint=0xFFFF
        ),
        min_size=1,
        max_size=70,
    ).filter(lambda text: text.strip() and " ".join(text.split()) == text),
    cents=st.integers(min_value=1, max_value=MAX_AMOUNT_CENTS),
    body=st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=21
    ),
)
def test_qr_decodes_any_transfer(name: str, cents: int, body: str) -> None:
    """The fixed mask pattern decodes for any payee, amount and reference."""
    payload = epc_payload(name, IBAN, BIC, cents, rf_reference(body))

    assert decode_png(epc_qr_png(payload, scale=3)) == [payload.encode("utf-8")]
