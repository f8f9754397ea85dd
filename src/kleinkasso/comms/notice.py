"""The notice about a small credit: an e-mail or a one-page letter.

An overpayment below the creditor's refund minimum is not transferred back.
It is kept for the debtor and paid out on request, and this notice informs
the debtor of that. The notice is frozen into
the outbox row as JSON when the credit is recorded.

Both renderings are deterministic: the e-mail's Date header is 00:00
Europe/Berlin on the notice date and its MIME boundary is a hash of its
content, and the PDF is written by reportlab in invariant mode. A notice
delivered again after a crash has the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from kleinkasso.comms.document import PostalAddress
from kleinkasso.comms.email import InvalidEmailHeaderError, MissingDebtorEmailError
from kleinkasso.comms.formatting import (
    format_amount,
    format_day,
    one_line,
    to_cp1252,
)

CREDIT_NOTICE_KIND = "credit_notice"
# The only handling of a credit so far: kept for the debtor until paid out on
# request. NOTE: setting a credit off against a later claim is not built, so
# the notice does not offer it.
KEEP_FOR_DEBTOR = "keep_for_debtor"

BERLIN = ZoneInfo("Europe/Berlin")
_MESSAGE_ID = re.compile(r"<?([!-;=?-~]+@[!-;=?-~]+)>?")  # printable ASCII without <>

# Letter geometry in millimetres from the top left corner of an A4 page. The
# sender line and the address lie inside the address field of DIN 5008 form B
# (45 to 90 mm from the top, 20 to 105 mm from the left), so they show
# through a window envelope.
LEFT_MM = 25.0
RIGHT_MM = 190.0
SENDER_LINE_MM = 50.0
ADDRESS_MM = 55.0
DATE_MM = 100.0
SUBJECT_MM = 110.0
BODY_SIZE = 10.5
LEADING = 14.0


class IncompleteNoticeAddressError(ValueError):
    """Raised when a notice letter has no complete postal address of the debtor."""

    def __init__(self, case_ref: str) -> None:
        super().__init__(
            f"case {case_ref}: the debtor's street, postal code or city is "
            "missing; a letter cannot be sent"
        )
        self.case_ref = case_ref


@dataclass(frozen=True)
class CreditNotice:
    """Everything the notice about a credit prints. Amounts are cents."""

    case_ref: str
    language: str
    notice_date: date
    amount_cents: int
    creditor_name: str
    collector: PostalAddress
    collector_email: str
    debtor: PostalAddress
    debtor_email: str | None
    handling: str = KEEP_FOR_DEBTOR


def notice_to_json(notice: CreditNotice) -> dict[str, Any]:
    """Return the notice as JSON-compatible data for the outbox payload."""
    data = asdict(notice)
    data["notice_date"] = notice.notice_date.isoformat()
    return data


def notice_from_json(data: dict[str, Any]) -> CreditNotice:
    """Rebuild a notice from its outbox payload."""
    fields = dict(data)
    fields["notice_date"] = date.fromisoformat(fields["notice_date"])
    fields["collector"] = PostalAddress(**fields["collector"])
    fields["debtor"] = PostalAddress(**fields["debtor"])
    return CreditNotice(**fields)


@dataclass(frozen=True)
class NoticeText:
    subject: str
    salutation: str
    paragraphs: tuple[str, ...]
    closing: str
    signature: str
    date_line: str


def notice_text(notice: CreditNotice) -> NoticeText:
    """Return the sentences of the notice in its language (German or English)."""
    if notice.handling != KEEP_FOR_DEBTOR:
        raise ValueError(
            f"credit handling {notice.handling!r} is invalid; "
            f"expected {KEEP_FOR_DEBTOR!r}"
        )
    amount = format_amount(notice.amount_cents, notice.language)
    day = format_day(notice.notice_date, notice.language)
    name = one_line(notice.debtor.name)
    creditor = one_line(notice.creditor_name)
    email = one_line(notice.collector_email)
    collector = one_line(notice.collector.name)
    if notice.language == "en":
        return NoticeText(
            subject=f"Your credit of {amount}, case {notice.case_ref}",
            salutation=f"Dear {name},",
            paragraphs=(
                f"Thank you for your payment in case {notice.case_ref} for "
                f"{creditor}. You paid {amount} more than was owed, and the "
                "case is settled.",
                "Because the amount is small, we have not transferred it back "
                "straight away. We keep it for you as a credit. If you would "
                f"like it paid out, write to {email} and give us your IBAN.",
                "You do not need to do anything else.",
            ),
            closing="Kind regards",
            signature=collector,
            date_line=day,
        )
    return NoticeText(
        subject=f"Ihr Guthaben von {amount}, Fall {notice.case_ref}",
        salutation=f"Guten Tag {name},",
        paragraphs=(
            f"vielen Dank für Ihre Zahlung im Fall {notice.case_ref} für "
            f"{creditor}. Sie haben {amount} mehr gezahlt, als offen war, und "
            "der Fall ist erledigt.",
            "Weil der Betrag klein ist, haben wir ihn nicht gleich "
            "zurücküberwiesen. Wir bewahren ihn als Guthaben für Sie auf. "
            "Wenn Sie ihn ausgezahlt haben möchten, schreiben Sie uns an "
            f"{email} und nennen Sie uns Ihre IBAN.",
            "Darüber hinaus müssen Sie nichts tun.",
        ),
        closing="Freundliche Grüße",
        signature=collector,
        date_line=day,
    )


def render_notice_email(notice: CreditNotice, *, message_id: str, sender: str) -> bytes:
    """Render the notice as an e-mail with a text and an HTML part.

    ``message_id`` is used as given (angle brackets are added if missing) and
    ``sender`` becomes the From header. Replies go to the collector. Raises
    MissingDebtorEmailError without a debtor address and
    InvalidEmailHeaderError for a malformed header value.
    """
    if notice.debtor_email is None or not one_line(notice.debtor_email):
        raise MissingDebtorEmailError(notice.case_ref)
    match = _MESSAGE_ID.fullmatch(message_id.strip())
    if match is None:
        raise InvalidEmailHeaderError(
            notice.case_ref,
            "message_id",
            f"{message_id!r} is not of the form <left@right> in printable ASCII",
        )
    text = notice_text(notice)
    plain = _plain_text(text)
    markup = _html_text(text, notice.language)

    message = EmailMessage(policy=SMTP)
    message["Message-ID"] = f"<{match.group(1)}>"
    message["Date"] = format_datetime(
        datetime.combine(notice.notice_date, time(0), BERLIN)
    )
    message["From"] = _address(sender, notice.case_ref, "From", show_value=True)
    try:
        recipient = Address(
            display_name=one_line(notice.debtor.name),
            addr_spec=one_line(notice.debtor_email),
        )
    except (ValueError, HeaderParseError, IndexError) as error:
        raise InvalidEmailHeaderError(
            notice.case_ref,
            "debtor_email",
            f"not a valid address ({type(error).__name__})",
        ) from error
    message["To"] = _address(str(recipient), notice.case_ref, "To", show_value=False)
    message["Reply-To"] = Address(
        display_name=one_line(notice.collector.name),
        addr_spec=one_line(notice.collector_email),
    )
    message["Subject"] = text.subject
    message.set_content(plain, charset="utf-8", cte="quoted-printable")
    message.add_alternative(
        markup, subtype="html", charset="utf-8", cte="quoted-printable"
    )
    # Set after the parts, because set_content drops Content-* headers.
    message["Content-Language"] = notice.language
    digest = hashlib.sha256(f"{message_id}\0{plain}".encode()).hexdigest()
    message.set_boundary(f"=_kkn_{digest[:32]}")
    return message.as_bytes(policy=SMTP)


def _address(value: str, case_ref: str, field: str, *, show_value: bool) -> str:
    """Check that ``value`` is one address of the form name@domain and return it."""
    value_text = repr(value) if show_value else "the address"
    probe = EmailMessage(policy=SMTP)
    try:
        probe[field] = value
        header = probe[field]
    except (ValueError, HeaderParseError, IndexError) as error:
        raise InvalidEmailHeaderError(
            case_ref, field, f"{value_text}: {error}"
        ) from error
    addresses: tuple[Address, ...] = getattr(header, "addresses", ())
    if header.defects or len(addresses) != 1 or not addresses[0].domain:
        raise InvalidEmailHeaderError(
            case_ref, field, f"{value_text} is not one address of the form name@domain"
        )
    return value


def _plain_text(text: NoticeText) -> str:
    lines = [text.salutation, ""]
    for paragraph in text.paragraphs:
        lines += [paragraph, ""]
    lines += [text.closing, text.signature, ""]
    return "\n".join(lines)


def _html_text(text: NoticeText, language: str) -> str:
    paragraphs = "".join(
        f"<p>{html.escape(paragraph)}</p>\n" for paragraph in text.paragraphs
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(language)}">\n'
        f'<head><meta charset="utf-8"><title>{html.escape(text.subject)}</title>'
        "</head>\n<body>\n"
        f"<p>{html.escape(text.salutation)}</p>\n{paragraphs}"
        f"<p>{html.escape(text.closing)}<br>{html.escape(text.signature)}</p>\n"
        "</body>\n</html>\n"
    )


def render_notice_pdf(notice: CreditNotice) -> bytes:
    """Render the notice as a one-page A4 letter.

    Raises IncompleteNoticeAddressError when the debtor's postal address is
    incomplete.
    """
    debtor = notice.debtor
    if not (
        one_line(debtor.street)
        and one_line(debtor.postal_code)
        and one_line(debtor.city)
    ):
        raise IncompleteNoticeAddressError(notice.case_ref)
    text = notice_text(notice)
    collector = notice.collector
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=A4,
        invariant=1,
        lang="de-DE" if notice.language == "de" else "en",
    )
    canvas.setTitle(to_cp1252(text.subject))
    canvas.setAuthor(to_cp1252(one_line(collector.name)))
    _, height = A4

    def draw(line: str, x_mm: float, y_points: float) -> None:
        canvas.drawString(x_mm * mm, height - y_points, to_cp1252(line))

    canvas.setFont("Helvetica-Bold", 12)
    draw(one_line(collector.name), LEFT_MM, 25 * mm)
    canvas.setFont("Helvetica", 7)
    draw(
        f"{one_line(collector.name)}, {one_line(collector.street)}, "
        f"{one_line(collector.postal_code)} {one_line(collector.city)}",
        LEFT_MM,
        SENDER_LINE_MM * mm,
    )
    canvas.setFont("Helvetica", BODY_SIZE)
    address = [
        one_line(debtor.name),
        one_line(debtor.street),
        f"{one_line(debtor.postal_code)} {one_line(debtor.city)}",
    ]
    if debtor.country.upper() != "DE":
        address.append(debtor.country.upper())
    for index, line in enumerate(address):
        draw(line, LEFT_MM, ADDRESS_MM * mm + index * LEADING)
    canvas.drawRightString(
        RIGHT_MM * mm, height - DATE_MM * mm, to_cp1252(text.date_line)
    )
    canvas.setFont("Helvetica-Bold", BODY_SIZE)
    draw(text.subject, LEFT_MM, SUBJECT_MM * mm)

    canvas.setFont("Helvetica", BODY_SIZE)
    width = (RIGHT_MM - LEFT_MM) * mm
    y = SUBJECT_MM * mm + 2 * LEADING
    for paragraph in (text.salutation, *text.paragraphs):
        for line in simpleSplit(to_cp1252(paragraph), "Helvetica", BODY_SIZE, width):
            draw(line, LEFT_MM, y)
            y += LEADING
        y += LEADING / 2
    y += LEADING / 2
    draw(text.closing, LEFT_MM, y)
    draw(text.signature, LEFT_MM, y + LEADING)

    canvas.setFont("Helvetica", 7)
    draw(
        f"{one_line(collector.name)} · {one_line(collector.street)} · "
        f"{one_line(collector.postal_code)} {one_line(collector.city)} · "
        f"{one_line(notice.collector_email)}",
        LEFT_MM,
        height - 15 * mm,
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def notice_file_stem(notice: CreditNotice, outbox_id: int) -> str:
    """Return the file name stem of a delivered notice, unique per outbox row."""
    day = f"{notice.notice_date:%Y%m%d}"
    return f"{notice.case_ref}-{CREDIT_NOTICE_KIND}-{day}-{outbox_id}"
