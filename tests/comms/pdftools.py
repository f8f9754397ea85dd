"""Read rendered letters back: text with pypdfium2, QR codes with zxing-cpp."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image

_SPACES = re.compile(r"\s+")


def pdf_pages_text(pdf: bytes) -> list[str]:
    """Return the text of every page with all whitespace collapsed to one space.

    Line breaks inside a paragraph become spaces, so a phrase that wraps
    is still found.
    """
    document = pdfium.PdfDocument(pdf)
    try:
        texts = []
        for page in document:
            raw = page.get_textpage().get_text_range()
            texts.append(_SPACES.sub(" ", raw.replace("\u00a0", " ")).strip())
        return texts
    finally:
        document.close()


def pdf_text(pdf: bytes) -> str:
    """Return the text of all pages, whitespace collapsed."""
    return " ".join(pdf_pages_text(pdf))


def page_image(pdf: bytes, index: int = 0, scale: float = 2.0) -> Image.Image:
    """Render one page; scale 1 is 72 dpi."""
    document = pdfium.PdfDocument(pdf)
    try:
        image: Image.Image = document[index].render(scale=scale).to_pil()
        return image
    finally:
        document.close()


def qr_payloads(image: Image.Image) -> list[bytes]:
    """Decode every QR code in ``image`` and return the raw bytes of each."""
    return [
        barcode.bytes
        for barcode in zxingcpp.read_barcodes(image)
        if barcode.format == zxingcpp.BarcodeFormat.QRCode
    ]


def collapse(text: str) -> str:
    """Collapse whitespace, no-break spaces included, as ``pdf_text`` does."""
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()
