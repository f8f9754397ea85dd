"""Text measurement and line breaking with the metrics of the PDF core fonts.

Widths come from reportlab's Adobe font metrics for Helvetica and
Helvetica-Bold at no kerning, so they match what any PDF viewer draws for
the same string. Every function first maps its text to Windows-1252 with
``to_cp1252``, the character set of these fonts.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth

from kleinkasso.comms.formatting import to_cp1252

ELLIPSIS = "…"
_TOLERANCE = 1e-9  # sums of glyph widths may differ from the whole by rounding


def text_width(text: str, font: str, size: float) -> float:
    """Return the width of ``text`` in points (core font metrics, no kerning)."""
    return _unit_width(to_cp1252(text), font) * size


@lru_cache(maxsize=65536)
def _unit_width(text: str, font: str) -> float:
    # Width at size 1. The cache makes words that recur across letters cost
    # one dictionary lookup.
    return float(stringWidth(text, font, 1.0))


@lru_cache(maxsize=4096)
def fit_line(text: str, font: str, size: float, width: float) -> str:
    """Return ``text``, cut and ended with "…" if it is wider than ``width``."""
    text = to_cp1252(text)
    if text_width(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(text[:middle].rstrip() + ELLIPSIS, font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


@lru_cache(maxsize=4096)
def wrap(
    text: str, font: str, size: float, width: float, max_lines: int | None = None
) -> tuple[str, ...]:
    """Break ``text`` into lines no wider than ``width``.

    Words wider than a line are split between characters. With ``max_lines``
    the last line is cut with "…" when the text does not fit. The cache
    serves the fixed paragraphs that every letter repeats.
    """
    text = to_cp1252(text)
    # Core font glyph widths add up without kerning, so a line is as wide as
    # its words and spaces together. Widths are compared at size 1.
    limit = width / size + _TOLERANCE
    space = _unit_width(" ", font)
    lines: list[str] = []
    current: list[str] = []
    current_width = 0.0
    for word in text.split():
        word_width = _unit_width(word, font)
        if current and current_width + space + word_width <= limit:
            current.append(word)
            current_width += space + word_width
            continue
        if current:
            lines.append(" ".join(current))
        rest = word
        while word_width > limit and len(rest) > 1:
            cut = _longest_prefix(rest, font, limit)
            lines.append(rest[:cut])
            rest = rest[cut:]
            word_width = _unit_width(rest, font)
        current = [rest]
        current_width = word_width
    if current:
        lines.append(" ".join(current))
    if max_lines is not None and len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1 :])
        lines = [*lines[: max_lines - 1], fit_line(rest + ELLIPSIS, font, size, width)]
    return tuple(lines)


def _longest_prefix(word: str, font: str, limit: float) -> int:
    """Return the length of the longest prefix of ``word`` not wider than ``limit``."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if _unit_width(word[:middle], font) <= limit:
            low = middle
        else:
            high = middle - 1
    return low
