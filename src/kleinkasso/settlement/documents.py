"""Settlement documents: the PDF statement and the payout as pain.001.

The payout file is a SEPA credit transfer (pain.001.001.09) from the
collection account to the creditor's payout account, built with the
``sepaxml`` package. Its message and payment ids are derived from the
creditor and period, so a file written twice for one settlement carries the
same ids and a bank rejects the second one as a duplicate. Every byte of
both files follows from the stored settlement, so writing them again after
a crash gives the same files.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import datetime, time, timedelta
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from sepaxml import SepaTransfer

from kleinkasso.policy.creditor_config import CreditorConfig
from kleinkasso.settlement.service import Settlement

log = logging.getLogger(__name__)

PAIN_SCHEMA = "pain.001.001.09"
COLUMNS = (
    ("case_ref", "Fall", 20),
    ("collected_cents", "eingezogen", 50),
    ("principal_cents", "Hauptford.", 75),
    ("interest_cents", "Zinsen", 100),
    ("costs_cents", "Kosten", 120),
    ("forwarded_cents", "weitergel.", 145),
    ("kept_cents", "einbehalten", 170),
    ("refund_cents", "Erstattung", 195),
)


class PayoutAccountMissing(ValueError):
    """Raised when a payout is due but the creditor has no payout IBAN."""

    def __init__(self, creditor_id: str) -> None:
        super().__init__(
            f"creditor {creditor_id} has no payout_iban; add it under [payments] "
            "in the creditor configuration and run settle again"
        )


def euros(cents: int) -> str:
    """Format cents as a German amount such as ``-1.234,56``, without float."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole:,}".replace(",", ".") + f",{rest:02d}"


def payout_id(result: Settlement) -> str:
    """Return the message id of the settlement's payout, at most 35 characters."""
    return re.sub(r"[^A-Za-z0-9-]", "", f"KK-{result.creditor_id}-{result.period}")[:35]


def settlement_pdf(result: Settlement, config: CreditorConfig) -> bytes:
    """Render the settlement statement: one row per case and the totals."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle(f"Abrechnung {result.period} {config.name}")
    _, height = A4

    def header() -> float:
        canvas.setFont("Helvetica-Bold", 12)
        canvas.drawString(20 * mm, height - 20 * mm, f"Abrechnung {result.period}")
        canvas.setFont("Helvetica", 9)
        canvas.drawString(
            20 * mm,
            height - 26 * mm,
            f"{config.name}, Stichtag {result.period_end:%d.%m.%Y}, "
            f"{config.collector.address.name}",
        )
        y = height - 36 * mm
        canvas.setFont("Helvetica-Bold", 8)
        for _, title, x in COLUMNS:
            _cell(canvas, title, x, y)
        return float(y - 5 * mm)

    y = header()
    canvas.setFont("Helvetica", 8)
    for line in result.lines:
        if y < 25 * mm:
            canvas.showPage()
            y = header()
            canvas.setFont("Helvetica", 8)
        for name, _, x in COLUMNS:
            value = getattr(line, name)
            _cell(canvas, value if isinstance(value, str) else euros(value), x, y)
        y -= 4.5 * mm
    canvas.setFont("Helvetica-Bold", 8)
    _cell(canvas, "Summe", 20, y)
    for name, _, x in COLUMNS[1:]:
        _cell(canvas, euros(result.total(name)), x, y)
    y -= 8 * mm
    canvas.setFont("Helvetica", 9)
    canvas.drawString(
        20 * mm,
        y,
        f"Auszahlung an den Gläubiger: {euros(result.total('forwarded_cents'))} EUR",
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _cell(canvas: Canvas, text: str, x_mm: float, y: float) -> None:
    if x_mm == COLUMNS[0][2]:
        canvas.drawString(x_mm * mm, y, text)
    else:
        canvas.drawRightString(x_mm * mm, y, text)


def payout_pain001(result: Settlement, config: CreditorConfig) -> bytes | None:
    """Return the payout as pain.001.001.09 XML, or None when nothing is due.

    The transfer is requested for the day after the period and the file is
    dated that day at midnight.
    """
    # NOTE: a file sent after that day requests a date in the past. Banks then
    # execute it on the next business day or reject it, as their terms say.
    execution_date = result.period_end + timedelta(days=1)
    created = datetime.combine(execution_date, time())
    amount = result.total("forwarded_cents")
    if amount <= 0:
        return None
    if config.payments.payout_iban is None:
        raise PayoutAccountMissing(config.id)
    collector = config.collector
    transfer = SepaTransfer(
        {
            "name": collector.account_holder,
            "IBAN": collector.iban,
            "BIC": collector.bic,
            "batch": True,
            "currency": "EUR",
        },
        schema=PAIN_SCHEMA,
        clean=True,
    )
    message_id = payout_id(result)
    payment: dict[str, object] = {
        "name": config.name,
        "IBAN": config.payments.payout_iban,
        "amount": amount,
        "execution_date": execution_date,
        "description": f"Abrechnung {result.period} {config.id}"[:140],
        "endtoend_id": message_id,
    }
    if config.payments.payout_bic:
        payment["BIC"] = config.payments.payout_bic
    transfer.add_payment(payment)
    xml = transfer.export(validate=True).decode("utf-8")
    xml = xml.replace(transfer.msg_id, message_id)
    xml = re.sub(
        r"<PmtInfId>[^<]*</PmtInfId>", f"<PmtInfId>{message_id}</PmtInfId>", xml
    )
    xml = re.sub(
        r"<CreDtTm>[^<]*</CreDtTm>",
        f"<CreDtTm>{created.isoformat()}</CreDtTm>",
        xml,
    )
    return xml.encode("utf-8")


def write_documents(
    result: Settlement, config: CreditorConfig, out: Path
) -> list[Path]:
    """Write the PDF statement and, when a payout is due, the pain.001 file.

    Without a payout IBAN the payout file is skipped with a warning, because
    the CSV and PDF are still the creditor's statement.
    """
    stem = f"settlement-{result.creditor_id}-{result.period}"
    written = [out / f"{stem}.pdf"]
    _write_atomic(written[0], settlement_pdf(result, config))
    try:
        xml = payout_pain001(result, config)
    except PayoutAccountMissing as exc:
        log.warning("%s", exc)
        return written
    if xml is not None:
        written.append(out / f"{stem}-pain.001.xml")
        _write_atomic(written[-1], xml)
    return written


def _write_atomic(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)
