"""Page layout of the demand letter in DIN 5008 form B, independent of the PDF library.

``layout_letter`` places the text of a ``DemandContent`` on A4 pages and
returns drawing items (text runs, rules, frames, the QR code) with
coordinates in points measured from the top left corner. A backend such as
``letter.draw_pdf`` only paints them, so two PDF libraries can be compared
on identical pages.

Positions on page 1 follow DIN 5008 form B for window envelopes. The address
field starts 45 mm from the top and 20 mm from the left edge and is 85 mm
wide and 45 mm high. Its first 17.7 mm contain the return address, the
remaining 27.3 mm up to six address lines. The information block starts
50 mm from the top and 125 mm from the left. Text starts 25 mm from the left
and keeps a 20 mm right margin. Fold marks sit at 105 mm and 210 mm, the
hole mark at 148.5 mm.

Text is set in the PDF core fonts Helvetica and Helvetica-Bold, which only
cover Windows-1252, so every string is measured (``typesetting``) and placed
after ``to_cp1252``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from kleinkasso.comms.content import ClaimLine, DemandContent
from kleinkasso.comms.formatting import to_cp1252
from kleinkasso.comms.typesetting import fit_line, text_width, wrap

MM = 72 / 25.4
PAGE_WIDTH = 210 * MM
PAGE_HEIGHT = 297 * MM

REGULAR = "Helvetica"
BOLD = "Helvetica-Bold"
GRAY = 0.35  # fill gray of secondary text, 0 is black

LEFT = 25 * MM
RIGHT = 190 * MM
TEXT_WIDTH = RIGHT - LEFT

ADDRESS_LEFT = 20 * MM
ADDRESS_TOP = 45 * MM
ADDRESS_WIDTH = 85 * MM
ADDRESS_HEIGHT = 45 * MM
ADDRESS_TEXT_LEFT = ADDRESS_LEFT + 5 * MM
ADDRESS_TEXT_WIDTH = ADDRESS_WIDTH - 5 * MM
RETURN_ZONE_HEIGHT = 17.7 * MM
ADDRESS_LINES = 6
ADDRESS_SIZE = 10.0
ADDRESS_LEADING = 12.0

INFO_LEFT = 125 * MM
INFO_TOP = 50 * MM
INFO_WIDTH = RIGHT - INFO_LEFT

SUBJECT_BASELINE = 101.5 * MM
CONTINUATION_TOP = 28 * MM
BODY_BOTTOM = 276 * MM
FOOTER_RULE = 281 * MM

BODY_SIZE = 10.0
BODY_LEADING = 12.5
SMALL_SIZE = 8.5
SMALL_LEADING = 10.5
PARAGRAPH_GAP = 6.0

QR_SIZE = 30 * MM
QR_QUIET_MODULES = 4

_DARK_RUN = re.compile(rb"\x01+")


# Drawing items are named tuples: immutable like frozen dataclasses, but
# several times faster to create, and a letter creates a few hundred.


class TextRun(NamedTuple):
    """One line of text; ``y`` is its baseline."""

    x: float
    y: float
    text: str
    font: str
    size: float
    gray: float = 0.0


class Rule(NamedTuple):
    """A straight line."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.5


class Frame(NamedTuple):
    """An unfilled rectangle; ``y`` is its top edge."""

    x: float
    y: float
    width: float
    height: float
    line_width: float = 0.5


class QRCode(NamedTuple):
    """QR modules placed with their top left corner at (x, y)."""

    x: float
    y: float
    module: float
    matrix: tuple[bytes, ...]  # one row per bytes object, 1 for dark


Item = TextRun | Rule | Frame | QRCode


@dataclass
class Page:
    """The drawing items of one page, in painting order."""

    items: list[Item] = field(default_factory=list)


def dark_runs(matrix: tuple[bytes, ...]) -> list[tuple[int, int, int]]:
    """Return (row, first column, length) for every horizontal run of dark modules."""
    runs = []
    for row_index, row in enumerate(matrix):
        for run in _DARK_RUN.finditer(row):
            start, end = run.span()
            runs.append((row_index, start, end - start))
    return runs


def layout_letter(content: DemandContent, qr_matrix: tuple[bytes, ...]) -> list[Page]:
    """Place the letter for ``content`` on pages, the QR code in the payment box."""
    flow = _Flow(content)
    flow.first_page()
    flow.body(qr_matrix)
    flow.finish()
    return flow.pages


class _Flow:
    """Placement of blocks from top to bottom, with a new page when one is full."""

    def __init__(self, content: DemandContent) -> None:
        self.content = content
        self.pages: list[Page] = []
        self.page = Page()
        self.y = 0.0

    # Pages

    def first_page(self) -> None:
        self.pages.append(self.page)
        self._marks()
        self._letterhead()
        self._address_field()
        self._info_block()
        self.y = SUBJECT_BASELINE

    def _new_page(self) -> None:
        self.page = Page()
        self.pages.append(self.page)
        header = f"{self.content.sender_name} · {self.content.continuation}"
        self.text(
            LEFT, 15 * MM, fit_line(header, REGULAR, 8, TEXT_WIDTH), REGULAR, 8, GRAY
        )
        self.page.items.append(Rule(LEFT, 17.5 * MM, RIGHT, 17.5 * MM, 0.4))
        self.y = CONTINUATION_TOP

    def ensure(self, height: float) -> None:
        """Start a new page unless ``height`` points still fit above the footer."""
        if self.y + height > BODY_BOTTOM:
            self._new_page()

    def finish(self) -> None:
        """Add footers, which need the page count."""
        total = len(self.pages)
        for number, page in enumerate(self.pages, start=1):
            self.page = page
            self._footer(number, total)

    # Drawing helpers

    def text(
        self, x: float, y: float, text: str, font: str, size: float, gray: float = 0.0
    ) -> None:
        if text:
            self.page.items.append(TextRun(x, y, to_cp1252(text), font, size, gray))

    def right_text(
        self,
        right: float,
        y: float,
        text: str,
        font: str,
        size: float,
        gray: float = 0.0,
    ) -> None:
        self.text(right - text_width(text, font, size), y, text, font, size, gray)

    def paragraph(
        self,
        text: str,
        *,
        font: str = REGULAR,
        size: float = BODY_SIZE,
        leading: float = BODY_LEADING,
        x: float = LEFT,
        width: float = TEXT_WIDTH,
        gray: float = 0.0,
        gap: float = PARAGRAPH_GAP,
    ) -> None:
        """Place a wrapped paragraph; lines move to the next page one by one."""
        for line in wrap(text, font, size, width):
            self.ensure(leading)
            self.y += leading
            self.text(x, self.y, line, font, size, gray)
        self.y += gap

    def heading(
        self, text: str, size: float = 10.5, keep: float = 3 * BODY_LEADING
    ) -> None:
        """Place a bold heading together with ``keep`` points of what follows."""
        lines = wrap(text, BOLD, size, TEXT_WIDTH)
        self.ensure(len(lines) * (size + 3) + keep)
        for line in lines:
            self.y += size + 3
            self.text(LEFT, self.y, line, BOLD, size)
        self.y += 2

    # Fixed parts of page 1

    def _marks(self) -> None:
        items = self.page.items
        for y_mm, length_mm in ((105, 5), (148.5, 8), (210, 5)):
            y = y_mm * MM
            items.append(Rule(4 * MM, y, (4 + length_mm) * MM, y, 0.3))

    def _letterhead(self) -> None:
        content = self.content
        name = fit_line(content.sender_name, BOLD, 14, 95 * MM)
        self.text(LEFT, 20 * MM, name, BOLD, 14)
        y = 13 * MM
        for line in content.sender_lines:
            self.right_text(
                RIGHT, y, fit_line(line, REGULAR, 8, 65 * MM), REGULAR, 8, GRAY
            )
            y += 10

    def _address_field(self) -> None:
        content = self.content
        return_line = fit_line(content.return_address, REGULAR, 7, ADDRESS_TEXT_WIDTH)
        zone_bottom = ADDRESS_TOP + RETURN_ZONE_HEIGHT
        self.text(ADDRESS_TEXT_LEFT, zone_bottom - 2.5 * MM, return_line, REGULAR, 7)
        self.page.items.append(
            Rule(
                ADDRESS_TEXT_LEFT,
                zone_bottom - 1.6 * MM,
                ADDRESS_TEXT_LEFT + text_width(return_line, REGULAR, 7),
                zone_bottom - 1.6 * MM,
                0.3,
            )
        )
        for index, line in enumerate(self._recipient_lines()):
            y = zone_bottom + 3.5 * MM + index * ADDRESS_LEADING
            self.text(ADDRESS_TEXT_LEFT, y, line, REGULAR, ADDRESS_SIZE)

    def _recipient_lines(self) -> list[str]:
        """Fit name and address into the six lines of the address zone.

        Street, postal code with city and the country line keep one line
        each and are cut with "…" if too wide. The name wraps into the lines
        that are left.
        """
        content = self.content
        width = ADDRESS_TEXT_WIDTH
        others = [
            fit_line(line, REGULAR, ADDRESS_SIZE, width)
            for line in content.recipient_lines
        ]
        name_lines = max(1, ADDRESS_LINES - len(others))
        name = wrap(content.recipient_name, REGULAR, ADDRESS_SIZE, width, name_lines)
        return [*name, *others][:ADDRESS_LINES]

    def _info_block(self) -> None:
        y = INFO_TOP
        for label, value in self.content.info_fields:
            y += 8
            self.text(INFO_LEFT, y, label, REGULAR, 7, GRAY)
            y += 11
            self.text(INFO_LEFT, y, fit_line(value, REGULAR, 9, INFO_WIDTH), REGULAR, 9)
            y += 1.5

    def _footer(self, number: int, total: int) -> None:
        self.page.items.append(Rule(LEFT, FOOTER_RULE, RIGHT, FOOTER_RULE, 0.4))
        label = self.content.page_label.format(page=number, pages=total)
        self.right_text(RIGHT, FOOTER_RULE + 3.8 * MM, label, REGULAR, 7, GRAY)
        width = TEXT_WIDTH - text_width(label, REGULAR, 7) - 6 * MM
        y = FOOTER_RULE + 3.8 * MM
        for line in self.content.footer_lines:
            self.text(LEFT, y, fit_line(line, REGULAR, 7, width), REGULAR, 7, GRAY)
            y += 9

    # Body

    def body(self, qr_matrix: tuple[bytes, ...]) -> None:
        content = self.content
        subject = wrap(content.subject, BOLD, 11, TEXT_WIDTH)
        for index, line in enumerate(subject):
            self.text(LEFT, self.y + index * 13.5, line, BOLD, 11)
        self.y += (len(subject) - 1) * 13.5 + 2 * BODY_LEADING
        self.paragraph(content.salutation)
        self.paragraph(content.intro)
        self._claims_table()
        self._fee_table()
        self._pay_lines()
        self._payment_box(qr_matrix)
        self.heading(content.dispute_heading)
        self.paragraph(content.dispute_text, gap=2)
        self.paragraph(content.contact)
        self.ensure(3 * BODY_LEADING)
        self.paragraph(content.closing, gap=0)
        self.paragraph(content.signature, gap=PARAGRAPH_GAP * 2)
        self._details()

    def _claims_table(self) -> None:
        content = self.content
        columns = [61, 21, 21, 19, 19, 24]  # mm, adds up to the text width
        rights = []
        x = LEFT
        for width_mm in columns:
            x += width_mm * MM
            rights.append(x)
        self.heading(content.claims_heading, keep=4 * BODY_LEADING)
        self._claims_header(rights)
        for claim in content.claims:
            self._claim_row(claim, rights, (columns[0] - 2) * MM)
        self._rule(self.y + 3)
        self.y += 3
        self._amount_row(self.content.claims_total, rights, BOLD)
        self.y += PARAGRAPH_GAP

    def _claims_header(self, rights: list[float]) -> None:
        columns = self.content.claim_columns
        self.y += 10
        self.text(LEFT, self.y, columns[0], BOLD, 8)
        for right, title in zip(rights[1:], columns[1:], strict=True):
            self.right_text(right, self.y, title, BOLD, 8)
        self._rule(self.y + 3)
        self.y += 3

    def _claim_row(self, claim: ClaimLine, rights: list[float], width: float) -> None:
        subject = wrap(claim.subject, REGULAR, 9, width, max_lines=2)
        detail = wrap(claim.detail, REGULAR, 7.5, width, max_lines=2)
        height = 11 * len(subject) + 9.5 * len(detail) + 3
        if self.y + height > BODY_BOTTOM:
            # A table that continues on the next page repeats its header.
            self._new_page()
            self._claims_header(rights)
        self._amount_row(claim, rights, REGULAR, subject[0])
        for line in subject[1:]:
            self.y += 11
            self.text(LEFT, self.y, line, REGULAR, 9)
        for line in detail:
            self.y += 9.5
            self.text(LEFT, self.y, line, REGULAR, 7.5, GRAY)
        self.y += 3

    def _amount_row(
        self, row: ClaimLine, rights: list[float], font: str, first: str | None = None
    ) -> None:
        self.y += 11
        self.text(LEFT, self.y, row.subject if first is None else first, font, 9)
        values = (row.due_date, row.principal, row.interest, row.costs, row.total)
        for right, value in zip(rights[1:], values, strict=True):
            self.right_text(right - 0.5 * MM, self.y, value, font, 9)

    def _rule(self, y: float, width: float = 0.4) -> None:
        self.page.items.append(Rule(LEFT, y, RIGHT, y, width))

    def _fee_table(self) -> None:
        content = self.content
        early_right = RIGHT - 42 * MM
        label_width = early_right - 42 * MM - LEFT
        self.heading(content.fees_heading, keep=(len(content.fee_rows) + 2) * 11)
        self.y += 10
        self.right_text(early_right, self.y, content.option_headings[0], BOLD, 8)
        self.right_text(RIGHT - 0.5 * MM, self.y, content.option_headings[1], BOLD, 8)
        self._rule(self.y + 3)
        self.y += 3
        for row in content.fee_rows:
            font = BOLD if row.is_total else REGULAR
            if row.is_total:
                self._rule(self.y + 3)
                self.y += 3
            lines = wrap(row.label, font, 9, label_width, max_lines=2)
            self.ensure(11 * len(lines))
            self.y += 11
            self.text(LEFT, self.y, lines[0], font, 9)
            self.right_text(early_right, self.y, row.early, font, 9)
            self.right_text(RIGHT - 0.5 * MM, self.y, row.later, font, 9)
            for line in lines[1:]:
                self.y += 11
                self.text(LEFT, self.y, line, font, 9)
        self.y += PARAGRAPH_GAP

    def _pay_lines(self) -> None:
        content = self.content
        self.ensure(3 * BODY_LEADING + SMALL_LEADING)
        for line in content.pay_lines:
            self.paragraph(line, font=BOLD, size=10.5, leading=13, gap=0)
        self.paragraph(
            content.pay_reason, size=SMALL_SIZE, leading=SMALL_LEADING, gray=GRAY
        )

    def _payment_box(self, qr_matrix: tuple[bytes, ...]) -> None:
        """Place the transfer details beside the QR code, never split across pages."""
        content = self.content
        padding = 3 * MM
        modules = len(qr_matrix) + 2 * QR_QUIET_MODULES
        module = QR_SIZE / modules
        text_left = LEFT + padding
        text_width_ = TEXT_WIDTH - QR_SIZE - 3 * padding
        label_width = 33 * MM
        value_width = text_width_ - label_width

        rows = [
            (
                label,
                wrap(
                    value,
                    BOLD if index == len(content.payment_fields) - 1 else REGULAR,
                    9,
                    value_width,
                    max_lines=2,
                ),
            )
            for index, (label, value) in enumerate(content.payment_fields)
        ]
        hint = wrap(content.reference_hint, REGULAR, 7.5, text_width_)
        text_height = (
            14 + sum(11 * len(lines) for _, lines in rows) + 4 + 9.5 * len(hint)
        )
        caption = wrap(content.qr_caption, REGULAR, 6.5, QR_SIZE)
        qr_height = QR_SIZE + 8 * len(caption)
        height = max(text_height, qr_height) + 2 * padding
        self.ensure(height + PARAGRAPH_GAP)

        top = self.y + 2
        self.page.items.append(Frame(LEFT, top, TEXT_WIDTH, height, 0.5))
        y = top + padding + 10
        self.text(text_left, y, content.payment_heading, BOLD, 10.5)
        y += 4
        for index, (label, lines) in enumerate(rows):
            font = BOLD if index == len(rows) - 1 else REGULAR
            y += 11
            self.text(text_left, y, label, REGULAR, 9, GRAY)
            for number, line in enumerate(lines):
                if number:
                    y += 11
                self.text(text_left + label_width, y, line, font, 9)
        y += 4
        for line in hint:
            y += 9.5
            self.text(text_left, y, line, REGULAR, 7.5, GRAY)

        qr_left = RIGHT - padding - QR_SIZE
        qr_top = top + padding
        quiet = QR_QUIET_MODULES * module
        self.page.items.append(
            QRCode(qr_left + quiet, qr_top + quiet, module, qr_matrix)
        )
        y = qr_top + QR_SIZE
        for line in caption:
            y += 7
            self.text(
                qr_left + (QR_SIZE - text_width(line, REGULAR, 6.5)) / 2,
                y,
                line,
                REGULAR,
                6.5,
                GRAY,
            )
        self.y = top + height + PARAGRAPH_GAP

    def _details(self) -> None:
        content = self.content
        self.heading(content.details_heading, size=10, keep=4 * SMALL_LEADING)
        for section in content.details:
            self.ensure(3 * SMALL_LEADING)
            self.y += 4
            self.paragraph(
                section.title, font=BOLD, size=SMALL_SIZE, leading=SMALL_LEADING, gap=0
            )
            for paragraph in section.paragraphs:
                self.paragraph(
                    paragraph, size=SMALL_SIZE, leading=SMALL_LEADING, gap=1.5
                )
