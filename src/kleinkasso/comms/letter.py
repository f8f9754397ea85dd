"""Print-ready PDF letters for the first demand (DIN 5008 form B, A4).

reportlab draws the pages that ``layout.layout_letter`` places. reportlab
was chosen over fpdf2 by measurement: see docs/letters.md and
bench/bench_letters.py.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator

from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfgen.canvas import Canvas

from kleinkasso.comms.checks import (
    InvalidDemandDocumentError,
    check_document,
    postal_address_problems,
)
from kleinkasso.comms.content import build_content
from kleinkasso.comms.document import DemandDocument
from kleinkasso.comms.formatting import to_cp1252
from kleinkasso.comms.layout import (
    BODY_SIZE,
    BOLD,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    REGULAR,
    Frame,
    Page,
    QRCode,
    Rule,
    TextRun,
    dark_runs,
    layout_letter,
)
from kleinkasso.comms.qr import epc_payload, epc_qr_matrix

logger = logging.getLogger(__name__)

FONTS = (REGULAR, BOLD)


def render_letter_pdf(doc: DemandDocument) -> bytes:
    """Render the first demand ``doc`` as a PDF letter.

    Raises IncompleteFirstDemand when a § 13a Abs. 1 RDG item is missing,
    InvalidDemandDocumentError when the amounts do not add up or the debtor's
    postal address is incomplete, and
    InvalidTransferDetailError for an invalid payee, IBAN, BIC or reference.
    """
    check_document(doc)
    address_problems = postal_address_problems(doc)
    if address_problems:
        raise InvalidDemandDocumentError(doc.case_ref, address_problems)
    content = build_content(doc)
    payload = epc_payload(
        doc.payee_name,
        doc.payee_iban,
        doc.payee_bic,
        doc.early.total_cents,
        doc.creditor_reference,
    )
    pages = layout_letter(content, epc_qr_matrix(payload))
    pdf = draw_pdf(
        pages,
        title=to_cp1252(content.subject),
        author=to_cp1252(content.sender_name),
        language="de-DE" if doc.language == "de" else "en",
    )
    logger.debug("rendered letter for case %s: %d pages", doc.case_ref, len(pages))
    return pdf


def render_letters_pdf(docs: Iterable[DemandDocument]) -> Iterator[tuple[str, bytes]]:
    """Render many letters, yielding (case_ref, PDF) in input order.

    The first invalid document raises as in ``render_letter_pdf``. Letters
    yielded before it stay valid.
    """
    for doc in docs:
        yield doc.case_ref, render_letter_pdf(doc)


def draw_pdf(pages: list[Page], *, title: str, author: str, language: str) -> bytes:
    """Paint laid-out ``pages`` into a PDF with reportlab.

    ``invariant`` output omits the creation time and random file ids, so the
    same pages always give the same bytes.
    """
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=1,
        pageCompression=1,
        lang=language,
    )
    canvas.setTitle(title)
    canvas.setAuthor(author)
    for page in pages:
        _draw_page(canvas, page)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_page(canvas: Canvas, page: Page) -> None:
    for item in page.items:
        if isinstance(item, Rule):
            canvas.setLineWidth(item.width)
            canvas.line(item.x1, PAGE_HEIGHT - item.y1, item.x2, PAGE_HEIGHT - item.y2)
        elif isinstance(item, Frame):
            canvas.setLineWidth(item.line_width)
            canvas.rect(
                item.x, PAGE_HEIGHT - item.y - item.height, item.width, item.height
            )
        elif isinstance(item, QRCode):
            _draw_qr(canvas, item)

    runs = [item for item in page.items if isinstance(item, TextRun)]
    canvas.addLiteral(_text_operators(runs, _font_resource_names(canvas)))


def _text_operators(runs: list[TextRun], font_names: dict[str, str]) -> str:
    """Return one PDF text object that shows ``runs``.

    Each run sets its font, gray and position and shows its string, which is
    already in Windows-1252 (the WinAnsiEncoding of the core fonts).
    reportlab's text objects would measure and re-encode every string first,
    which took about a quarter of the drawing time.
    """
    operators = ["BT"]
    font: tuple[str, float] | None = None
    gray: float | None = None
    for run in runs:
        if font != (run.font, run.size):
            font = (run.font, run.size)
            operators.append(f"{font_names[run.font]} {run.size:g} Tf")
        if gray != run.gray:
            gray = run.gray
            operators.append(f"{run.gray:g} g")
        escaped = escapePDF(run.text.encode("cp1252"))
        operators.append(
            f"1 0 0 1 {run.x:.2f} {PAGE_HEIGHT - run.y:.2f} Tm ({escaped}) Tj"
        )
    operators.append("ET")
    return "\n".join(operators)


def _font_resource_names(canvas: Canvas) -> dict[str, str]:
    """Add both core fonts to the page and return their resource names ("/F1")."""
    for font in FONTS:
        canvas.setFont(font, BODY_SIZE)
    # NOTE: reportlab has no public accessor for the name it gives a font
    # resource. Its own text objects read the name from the document in the
    # same way (reportlab 5.1), and the text extraction tests fail if that
    # changes.
    return {font: canvas._doc.getInternalFontName(font) for font in FONTS}


def _draw_qr(canvas: Canvas, code: QRCode) -> None:
    # The modules go straight into the content stream as PDF operators: a
    # transformation to module units, then one integer rectangle per run of
    # dark modules. reportlab's path objects format every number and take
    # several times as long for the few hundred runs of a code.
    operators = [
        "q 0 g",
        f"{code.module:.4f} 0 0 {-code.module:.4f} "
        f"{code.x:.3f} {PAGE_HEIGHT - code.y:.3f} cm",
    ]
    operators += [
        f"{column} {row} {length} 1 re"
        for row, column, length in dark_runs(code.matrix)
    ]
    operators.append("f Q")
    canvas.addLiteral("\n".join(operators))
