"""EPC QR codes ("GiroCode") for SEPA credit transfers.

The payload follows the EPC Quick Response Code guidelines (EPC069-12),
version 002. It declares UTF-8 (character set 1) and a SEPA credit transfer
(SCT), gives the amount as "EUR" with two decimals, and puts the ISO 11649
creditor reference into the structured remittance field, so that the
incoming payment is matched automatically. The QR code uses error
correction level M and at most version 13, as the guidelines require.
"""

from __future__ import annotations

import io
from functools import lru_cache

import segno
from schwifty import BIC, IBAN
from stdnum import iso11649
from stdnum.exceptions import ValidationError

from kleinkasso.comms.formatting import one_line

MAX_NAME_LENGTH = 70
MAX_AMOUNT_CENTS = 99_999_999_999  # EUR 999,999,999.99
MAX_PAYLOAD_BYTES = 331
MAX_QR_VERSION = 13

# segno spends about four fifths of its encoding time choosing among the
# eight mask patterns: 7.5 ms against 1.5 ms with a fixed mask (segno 1.6.6,
# one core of an AMD EPYC, bench/bench_letters.py). The choice only balances
# dark and light modules, and every reader decodes every mask. The tests
# decode the printed code with zxing-cpp. None restores segno's own choice.
FIXED_MASK: int | None = 0


class InvalidTransferDetailError(ValueError):
    """A payee, amount or reference that a SEPA credit transfer cannot carry."""

    def __init__(self, field: str, shown_value: str, expected: str) -> None:
        super().__init__(f"{field} {shown_value!r} is invalid: {expected}")
        self.field = field


def epc_payload(
    name: str, iban: str, bic: str, amount_cents: int, reference: str
) -> str:
    """Build the EPC QR payload for a credit transfer of ``amount_cents``.

    ``bic`` may be empty because version 002 makes it optional inside the
    EEA. ``reference`` is an ISO 11649 creditor reference ("RF…").
    Raises InvalidTransferDetailError naming the field that is invalid.
    """
    payee = one_line(name)
    if not 1 <= len(payee) <= MAX_NAME_LENGTH:
        raise InvalidTransferDetailError(
            "name",
            payee,
            f"expected 1 to {MAX_NAME_LENGTH} characters, got {len(payee)}",
        )
    lines = [
        "BCD",  # service tag
        "002",  # version
        "1",  # character set: UTF-8
        "SCT",  # identification: SEPA credit transfer
        _valid_bic(bic),
        payee,
        _valid_iban(iban),
        _epc_amount(amount_cents),
        "",  # purpose code: none
        _valid_reference(reference),
    ]
    payload = "\n".join(lines)
    size = len(payload.encode("utf-8"))
    if size > MAX_PAYLOAD_BYTES:
        raise InvalidTransferDetailError(
            "name", payee, f"payload has {size} bytes, at most {MAX_PAYLOAD_BYTES}"
        )
    return payload


@lru_cache(maxsize=64)
def epc_qr_matrix(payload: str) -> tuple[bytes, ...]:
    """Encode ``payload`` as a QR code: one bytes object per row, 1 for dark modules.

    The matrix has no quiet zone, so leave four modules of white around it.
    The cache lets the letter and the e-mail of one case share the code.
    """
    return tuple(bytes(row) for row in _make_qr(payload).matrix)


def epc_qr_png(payload: str, *, scale: int = 4) -> bytes:
    """Encode ``payload`` as a QR code in a PNG image with a quiet zone.

    ``scale`` is the size of one module in pixels.
    """
    buffer = io.BytesIO()
    _make_qr(payload).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def _make_qr(payload: str) -> segno.QRCode:
    # Bytes keep segno in byte mode without an ECI header, as the EPC
    # guidelines expect: the character set is declared in the payload.
    code = segno.make(
        payload.encode("utf-8"),
        error="m",
        boost_error=False,
        micro=False,
        mask=FIXED_MASK,
    )
    # The version is an int for QR codes and a string only for Micro QR.
    if not isinstance(code.version, int) or code.version > MAX_QR_VERSION:
        raise InvalidTransferDetailError(
            "payload", code.designator, f"QR version at most {MAX_QR_VERSION}"
        )
    return code


@lru_cache(maxsize=256)
def _valid_iban(iban: str) -> str:
    compact = "".join(iban.split())
    try:
        return str(IBAN(compact).compact)
    except ValueError as error:
        raise InvalidTransferDetailError("iban", _mask(compact), str(error)) from error


@lru_cache(maxsize=256)
def _valid_bic(bic: str) -> str:
    compact = "".join(bic.split())
    if not compact:
        return ""
    try:
        return str(BIC(compact).compact)
    except ValueError as error:
        raise InvalidTransferDetailError("bic", compact, str(error)) from error


def _valid_reference(reference: str) -> str:
    try:
        return str(iso11649.validate(reference))
    except ValidationError as error:
        raise InvalidTransferDetailError(
            "reference", reference, f"expected an ISO 11649 reference: {error}"
        ) from error


def _epc_amount(amount_cents: int) -> str:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise InvalidTransferDetailError(
            "amount_cents", repr(amount_cents), "expected integer cents"
        )
    if not 1 <= amount_cents <= MAX_AMOUNT_CENTS:
        raise InvalidTransferDetailError(
            "amount_cents",
            str(amount_cents),
            f"expected 1 to {MAX_AMOUNT_CENTS} cents",
        )
    euros, cents = divmod(amount_cents, 100)
    return f"EUR{euros}.{cents:02d}"


def _mask(iban: str) -> str:
    """Show country code and last four characters only, as for any IBAN in errors."""
    if len(iban) <= 8:
        return "*" * len(iban)
    return iban[:2] + "*" * (len(iban) - 6) + iban[-4:]
