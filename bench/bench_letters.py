"""Measure demand letters per second on one core: reportlab against fpdf2.

Both libraries paint the same laid-out pages (``kleinkasso.comms.layout``),
each in two ways: through its public drawing API, and by writing the PDF
text and QR operators directly as ``letter.draw_pdf`` does. Checks, text,
QR code and layout are the same code in every run and are timed with it,
because a letter is only done when all of it has run.

Usage::

    .venv/bin/python bench/bench_letters.py [--letters 300] [--repeats 5] [--cpu 0]

The process pins itself to one CPU. Each repeat renders ``--letters``
different documents (own case number, reference, debtor and amounts) and
the best repeat is reported with the median beside it, because other
processes on a shared machine only ever slow a run down.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.comms.samples

from fpdf import FPDF  # noqa: E402
from reportlab.lib.rl_accel import escapePDF  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402
from stdnum.iso7064 import mod_97_10  # noqa: E402

from kleinkasso.comms import qr  # noqa: E402
from kleinkasso.comms.checks import check_document  # noqa: E402
from kleinkasso.comms.content import build_content  # noqa: E402
from kleinkasso.comms.document import DemandDocument, PostalAddress  # noqa: E402
from kleinkasso.comms.layout import (  # noqa: E402
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
from kleinkasso.comms.letter import draw_pdf  # noqa: E402
from tests.comms.samples import CLAIMS, build_document  # noqa: E402

DEBTORS = ("Jana Müller", "Jürgen Weiß-Öztürk", "Mia Schäfer", "Lukas Groß")
PRICES = (99, 199, 299, 499, 999, 1499)


@dataclass
class Measurement:
    name: str
    seconds: list[float]  # one per repeat
    letters: int
    pages: int  # pages per letter

    def best(self) -> float:
        return min(self.seconds)

    def rows(self) -> list[str]:
        best = self.best()
        median = statistics.median(self.seconds)
        cells = (
            self.name,
            f"{self.letters / best:,.0f}",
            f"{self.letters / median:,.0f}",
            f"{self.letters * self.pages / best:,.0f}",
            f"{best / self.letters * 1000:.2f}",
        )
        return ["| " + " | ".join(cells) + " |"]


def creditor_reference(number: int) -> str:
    body = f"SW{number:06d}"
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


def sample_documents(count: int, offset: int) -> list[DemandDocument]:
    """Return ``count`` different typical documents (three claims each)."""
    documents = []
    for index in range(count):
        number = offset + index
        claims = tuple(
            replace(claim, principal_cents=PRICES[(number + position) % len(PRICES)])
            for position, claim in enumerate(CLAIMS)
        )
        debtor = PostalAddress(
            DEBTORS[number % len(DEBTORS)],
            f"Lindenstraße {number % 90 + 1}",
            "50667",
            "Köln",
        )
        documents.append(
            build_document(
                claims=claims,
                case_ref=f"SW{number:06d}",
                creditor_reference=creditor_reference(number),
                debtor=debtor,
                portal_url=f"https://portal.kleinkasso.example/c/SW{number:06d}",
            )
        )
    return documents


def prepare_pages(doc: DemandDocument) -> tuple[list[Page], str, str]:
    """Run everything before the PDF library: checks, text, QR code, layout."""
    check_document(doc)
    content = build_content(doc)
    payload = qr.epc_payload(
        doc.payee_name,
        doc.payee_iban,
        doc.payee_bic,
        doc.early.total_cents,
        doc.creditor_reference,
    )
    pages = layout_letter(content, qr.epc_qr_matrix(payload))
    return pages, content.subject, content.sender_name


def render_reportlab(doc: DemandDocument) -> bytes:
    pages, title, author = prepare_pages(doc)
    return draw_pdf(pages, title=title, author=author, language="de-DE")


def render_reportlab_public(doc: DemandDocument) -> bytes:
    pages, _, _ = prepare_pages(doc)
    return draw_reportlab_public(pages)


def render_fpdf2_public(doc: DemandDocument) -> bytes:
    pages, title, author = prepare_pages(doc)
    return draw_fpdf2_public(pages, title=title, author=author)


def render_fpdf2_operators(doc: DemandDocument) -> bytes:
    pages, title, author = prepare_pages(doc)
    return draw_fpdf2_operators(pages, title=title, author=author)


def draw_reportlab_public(pages: list[Page]) -> bytes:
    """Paint the pages with reportlab's text objects and paths only."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
    for page in pages:
        text = canvas.beginText()
        for item in page.items:
            if isinstance(item, TextRun):
                text.setFont(item.font, item.size)
                text.setFillGray(item.gray)
                text.setTextOrigin(item.x, PAGE_HEIGHT - item.y)
                text.textLine(item.text)
            elif isinstance(item, Rule):
                canvas.setLineWidth(item.width)
                canvas.line(
                    item.x1, PAGE_HEIGHT - item.y1, item.x2, PAGE_HEIGHT - item.y2
                )
            elif isinstance(item, Frame):
                canvas.setLineWidth(item.line_width)
                canvas.rect(
                    item.x, PAGE_HEIGHT - item.y - item.height, item.width, item.height
                )
            elif isinstance(item, QRCode):
                path = canvas.beginPath()
                module = item.module
                for row, column, length in dark_runs(item.matrix):
                    path.rect(
                        item.x + column * module,
                        PAGE_HEIGHT - item.y - (row + 1) * module,
                        length * module,
                        module,
                    )
                canvas.drawPath(path, stroke=0, fill=1)
        canvas.drawText(text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


FPDF_STYLES = {REGULAR: "", BOLD: "B"}


def new_fpdf2(title: str, author: str) -> FPDF:
    pdf = FPDF(unit="pt", format=(PAGE_WIDTH, PAGE_HEIGHT))
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_creation_date(datetime(2026, 12, 4, tzinfo=UTC))
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_lang("de-DE")
    pdf.set_auto_page_break(False)
    return pdf


def draw_lines_and_frames(pdf: FPDF, page: Page) -> None:
    for item in page.items:
        if isinstance(item, Rule):
            pdf.set_line_width(item.width)
            pdf.line(item.x1, item.y1, item.x2, item.y2)
        elif isinstance(item, Frame):
            pdf.set_line_width(item.line_width)
            pdf.rect(item.x, item.y, item.width, item.height)


def draw_fpdf2_public(pages: list[Page], *, title: str, author: str) -> bytes:
    """Paint the pages with fpdf2's public API; coordinates are top-down points."""
    pdf = new_fpdf2(title, author)
    for page in pages:
        pdf.add_page()
        draw_lines_and_frames(pdf, page)
        font: tuple[str, float] | None = None
        gray: float | None = None
        for item in page.items:
            if isinstance(item, TextRun):
                if font != (item.font, item.size):
                    font = (item.font, item.size)
                    pdf.set_font("helvetica", FPDF_STYLES[item.font], item.size)
                if gray != item.gray:
                    gray = item.gray
                    pdf.set_text_color(round(item.gray * 255))
                pdf.text(item.x, item.y, item.text)
            elif isinstance(item, QRCode):
                pdf.set_fill_color(0)
                module = item.module
                for row, column, length in dark_runs(item.matrix):
                    pdf.rect(
                        item.x + column * module,
                        item.y + row * module,
                        length * module,
                        module,
                        style="F",
                    )
    return bytes(pdf.output())


def draw_fpdf2_operators(pages: list[Page], *, title: str, author: str) -> bytes:
    """Paint the pages with fpdf2, writing text and QR operators directly.

    This mirrors what ``letter.draw_pdf`` does with reportlab, through
    fpdf2's private ``_out``, to show how much of the difference is the
    library and how much its drawing API.
    """
    pdf = new_fpdf2(title, author)
    for page in pages:
        pdf.add_page()
        draw_lines_and_frames(pdf, page)
        names = {}
        for font in (REGULAR, BOLD):
            pdf.set_font("helvetica", FPDF_STYLES[font], 9)
            pdf.text(0, 0, " ")  # puts the font into the page resources
            assert pdf.current_font is not None
            names[font] = f"/F{pdf.current_font.i}"
        operators = ["BT"]
        for item in page.items:
            if isinstance(item, TextRun):
                escaped = escapePDF(item.text.encode("cp1252"))
                operators.append(
                    f"{names[item.font]} {item.size:g} Tf {item.gray:g} g "
                    f"1 0 0 1 {item.x:.2f} {PAGE_HEIGHT - item.y:.2f} Tm ({escaped}) Tj"
                )
        operators.append("ET")
        for item in page.items:
            if isinstance(item, QRCode):
                operators.append(
                    f"q 0 g {item.module:.4f} 0 0 {-item.module:.4f} "
                    f"{item.x:.3f} {PAGE_HEIGHT - item.y:.3f} cm"
                )
                operators += [
                    f"{column} {row} {length} 1 re"
                    for row, column, length in dark_runs(item.matrix)
                ]
                operators.append("f Q")
        pdf._out("\n".join(operators))
    return bytes(pdf.output())


def time_renderer(
    name: str,
    render: Callable[[DemandDocument], bytes],
    documents: list[list[DemandDocument]],
) -> Measurement:
    render(documents[0][0])  # warm caches and imports
    pages = len(prepare_pages(documents[0][0])[0])
    seconds = []
    for batch in documents:
        start = time.perf_counter()
        for doc in batch:
            render(doc)
        seconds.append(time.perf_counter() - start)
    return Measurement(name, seconds, len(documents[0]), pages)


def time_stages(batch: list[DemandDocument]) -> dict[str, float]:
    """Return milliseconds per letter of each stage of the reportlab renderer."""
    totals = dict.fromkeys(("checks", "text", "QR code", "layout", "PDF"), 0.0)
    for doc in batch:
        start = time.perf_counter()
        check_document(doc)
        checked = time.perf_counter()
        content = build_content(doc)
        texted = time.perf_counter()
        payload = qr.epc_payload(
            doc.payee_name,
            doc.payee_iban,
            doc.payee_bic,
            doc.early.total_cents,
            doc.creditor_reference,
        )
        matrix = qr.epc_qr_matrix(payload)
        coded = time.perf_counter()
        pages = layout_letter(content, matrix)
        laid_out = time.perf_counter()
        draw_pdf(
            pages, title=content.subject, author=content.sender_name, language="de"
        )
        drawn = time.perf_counter()
        for key, begin, end in (
            ("checks", start, checked),
            ("text", checked, texted),
            ("QR code", texted, coded),
            ("layout", coded, laid_out),
            ("PDF", laid_out, drawn),
        ):
            totals[key] += end - begin
    return {key: value / len(batch) * 1000 for key, value in totals.items()}


def machine() -> list[str]:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    packages = ", ".join(
        f"{name} {version(name)}"
        for name in ("reportlab", "rl_accel", "fpdf2", "segno", "Babel")
    )
    return [
        f"- machine: {platform.machine()}, {model}, {os.cpu_count()} logical CPUs",
        f"- system: {platform.platform()}",
        f"- Python {platform.python_version()}; {packages}",
        f"- load average (1 min) at start: {load:.2f}",
        f"- date: {date.today().isoformat()}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--letters", type=int, default=300, help="letters per repeat")
    parser.add_argument("--repeats", type=int, default=5, help="number of repeats")
    parser.add_argument("--cpu", type=int, default=0, help="CPU to pin the process to")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})

    def batches(offset: int) -> list[list[DemandDocument]]:
        return [
            sample_documents(args.letters, offset + repeat * args.letters)
            for repeat in range(args.repeats)
        ]

    measurements = [
        time_renderer(
            "reportlab, operators (chosen)", render_reportlab, batches(100_000)
        ),
        time_renderer(
            "reportlab, public API", render_reportlab_public, batches(150_000)
        ),
        time_renderer("fpdf2, public API", render_fpdf2_public, batches(200_000)),
        time_renderer(
            "fpdf2, operators via _out", render_fpdf2_operators, batches(250_000)
        ),
    ]
    fixed_mask = qr.FIXED_MASK
    qr.FIXED_MASK = None  # segno evaluates all eight mask patterns
    try:
        measurements.append(
            time_renderer(
                "reportlab, operators, segno picks the QR mask",
                render_reportlab,
                batches(300_000),
            )
        )
    finally:
        qr.FIXED_MASK = fixed_mask
    stages = time_stages(sample_documents(args.letters, 400_000))

    print(f"# Letter rendering, one core (CPU {args.cpu})\n")
    print("\n".join(machine()))
    print(
        f"- {args.repeats} repeats of {args.letters} different letters, "
        f"{measurements[0].pages} pages each\n"
    )
    print(
        "| renderer | letters/s (best) | letters/s (median) | pages/s (best) "
        "| ms/letter (best) |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for measurement in measurements:
        print("\n".join(measurement.rows()))
    print("\nStages of the reportlab renderer, ms per letter (one pass):\n")
    print("| " + " | ".join(stages) + " | total |")
    print("|" + " ---: |" * (len(stages) + 1))
    print(
        "| "
        + " | ".join(f"{value:.2f}" for value in stages.values())
        + f" | {sum(stages.values()):.2f} |"
    )
    # Every renderer must produce a PDF.
    sample = sample_documents(1, 500_000)[0]
    for render in (
        render_reportlab,
        render_reportlab_public,
        render_fpdf2_public,
        render_fpdf2_operators,
    ):
        assert render(sample).startswith(b"%PDF-")


if __name__ == "__main__":
    main()
