"""The first demand as an e-mail (RFC 5322) with a text and an HTML part.

Both parts are rendered from the same ``DemandContent`` as the PDF letter,
so they carry the same sentences and amounts. The HTML part shows the EPC QR
code as an inline PNG (multipart/related, referenced by Content-ID).
Templates live in ``comms/templates``; HTML autoescaping is on, so a name
like ``Müller & Söhne`` or ``<script>`` is printed, never interpreted.

The output is deterministic: the Date header comes from the letter date and
the MIME boundaries from a hash of the message, so a message sent again
after a crash carries the same bytes under the same Message-ID.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime, time
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import jinja2

from kleinkasso.comms.checks import check_document
from kleinkasso.comms.content import build_content
from kleinkasso.comms.document import DemandDocument
from kleinkasso.comms.formatting import one_line
from kleinkasso.comms.qr import epc_payload, epc_qr_matrix, epc_qr_png

logger = logging.getLogger(__name__)

BERLIN = ZoneInfo("Europe/Berlin")
QR_SCALE = 4  # pixels per module of the inline PNG
QR_QUIET_MODULES = 4

_MESSAGE_ID = re.compile(r"<?([!-;=?-~]+@[!-;=?-~]+)>?")  # printable ASCII without <>

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("kleinkasso.comms", "templates"),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


class MissingDebtorEmailError(ValueError):
    """The document has no e-mail address for the debtor."""

    def __init__(self, case_ref: str) -> None:
        super().__init__(
            f"case {case_ref} has no debtor e-mail address; send a letter instead"
        )
        self.case_ref = case_ref


class InvalidEmailHeaderError(ValueError):
    """A Message-ID, sender or recipient that cannot go into a header.

    The debtor's address is not repeated in the message because it is
    personal data.
    """

    def __init__(self, case_ref: str, field: str, detail: str) -> None:
        super().__init__(f"case {case_ref}: {field} is invalid: {detail}")
        self.case_ref = case_ref
        self.field = field


def render_email(doc: DemandDocument, *, message_id: str, sender: str) -> bytes:
    """Render the first demand ``doc`` as an e-mail to the debtor.

    ``message_id`` is used as given (angle brackets are added if missing);
    ``sender`` becomes the From header, for example
    ``Kleinkasso <service@kleinkasso.example>``. Replies go to the
    collector's address. The Date header is 00:00 Europe/Berlin on the
    letter date.

    Raises IncompleteFirstDemand, InvalidDemandDocumentError and
    InvalidTransferDetailError as the letter does, MissingDebtorEmailError
    without a debtor address, and InvalidEmailHeaderError for a malformed
    header value.
    """
    check_document(doc)
    if doc.debtor_email is None or not one_line(doc.debtor_email):
        raise MissingDebtorEmailError(doc.case_ref)
    content = build_content(doc)
    payload = epc_payload(
        doc.payee_name,
        doc.payee_iban,
        doc.payee_bic,
        doc.early.total_cents,
        doc.creditor_reference,
    )
    png = epc_qr_png(payload, scale=QR_SCALE)
    qr_size = (len(epc_qr_matrix(payload)) + 2 * QR_QUIET_MODULES) * QR_SCALE

    message_id_header = _message_id(doc.case_ref, message_id)
    content_id = _qr_content_id(message_id_header)
    text = _TEMPLATES.get_template("demand_email.txt").render(c=content)
    html = _TEMPLATES.get_template("demand_email.html").render(
        c=content, qr_cid=content_id[1:-1], qr_size=qr_size
    )

    message = EmailMessage(policy=SMTP)
    message["Message-ID"] = message_id_header
    message["Date"] = format_datetime(
        datetime.combine(doc.letter_date, time(0), BERLIN)
    )
    _set_address_header(message, "From", sender, doc.case_ref, show_value=True)
    _set_recipient(message, doc)
    message["Reply-To"] = Address(
        display_name=content.sender_name, addr_spec=one_line(doc.collector_email)
    )
    message["Subject"] = content.subject
    message.set_content(text, charset="utf-8", cte="quoted-printable")
    message.add_alternative(
        html, subtype="html", charset="utf-8", cte="quoted-printable"
    )
    html_part = message.get_body(("html",))
    assert html_part is not None  # added by add_alternative above
    html_part.add_related(
        png,
        maintype="image",
        subtype="png",
        cid=content_id,
        filename="girocode.png",
        disposition="inline",
    )
    # Set after the parts, because set_content drops Content-* headers.
    message["Content-Language"] = doc.language
    _set_boundaries(message, message_id_header, text, html)
    logger.debug("rendered e-mail for case %s", doc.case_ref)
    return message.as_bytes(policy=SMTP)


def _message_id(case_ref: str, message_id: str) -> str:
    match = _MESSAGE_ID.fullmatch(message_id.strip())
    if match is None:
        raise InvalidEmailHeaderError(
            case_ref,
            "message_id",
            f"{message_id!r} is not of the form <left@right> in printable ASCII",
        )
    return f"<{match.group(1)}>"


def _qr_content_id(message_id: str) -> str:
    """Derive the Content-ID of the QR image from the Message-ID, unique with it."""
    return f"<girocode.{message_id[1:-1]}>"


def _set_address_header(
    message: EmailMessage, name: str, value: str, case_ref: str, *, show_value: bool
) -> None:
    try:
        message[name] = value
        header = message[name]
    except (ValueError, HeaderParseError) as error:
        value_text = repr(value) if show_value else "the address"
        raise InvalidEmailHeaderError(
            case_ref, name, f"{value_text}: {error}"
        ) from error
    addresses: tuple[Address, ...] = getattr(header, "addresses", ())
    if header.defects or len(addresses) != 1 or not addresses[0].domain:
        del message[name]
        value_text = repr(value) if show_value else "the address"
        raise InvalidEmailHeaderError(
            case_ref, name, f"{value_text} is not one address of the form name@domain"
        )


def _set_recipient(message: EmailMessage, doc: DemandDocument) -> None:
    addr_spec = one_line(doc.debtor_email or "")
    try:
        recipient = Address(display_name=one_line(doc.debtor.name), addr_spec=addr_spec)
    except (ValueError, HeaderParseError, IndexError) as error:
        raise InvalidEmailHeaderError(
            doc.case_ref,
            "debtor_email",
            f"not a valid address ({type(error).__name__})",
        ) from error
    _set_address_header(message, "To", str(recipient), doc.case_ref, show_value=False)


def _set_boundaries(message: EmailMessage, *parts: str) -> None:
    """Give every multipart a boundary derived from the message content.

    The email package would pick random boundaries, which makes every
    rendering of the same message differ.
    """
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()
    for index, part in enumerate(message.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_kk{index}_{digest[:32]}")
