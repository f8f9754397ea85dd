"""Text measurement and line breaking with the core font metrics."""

from __future__ import annotations

import pytest

from kleinkasso.comms.layout import BOLD, REGULAR
from kleinkasso.comms.typesetting import fit_line, text_width, wrap


def test_text_width_core_metrics() -> None:
    # Helvetica AFM: "H" is 722 units, "i" 222 units of 1000.
    assert text_width("Hi", REGULAR, 10) == pytest.approx(9.44)
    assert text_width("Hi", BOLD, 10) > text_width("Hi", REGULAR, 10)


@pytest.mark.parametrize("width", [70.0, 100.0, 300.0])
def test_wrap_lines_fit(width: float) -> None:
    text = "Pixelspiel Media GmbH hat uns beauftragt, drei offene Beträge einzuziehen."

    lines = wrap(text, REGULAR, 10, width)

    assert " ".join(lines) == text
    for line in lines:
        assert text_width(line, REGULAR, 10) <= width + 1e-6


def test_wrap_splits_long_word() -> None:
    lines = wrap("Donaudampfschifffahrtsgesellschaftskapitän", REGULAR, 10, 50)

    assert len(lines) > 2
    assert "".join(lines) == "Donaudampfschifffahrtsgesellschaftskapitän"
    for line in lines:
        assert text_width(line, REGULAR, 10) <= 50


def test_wrap_max_lines_ends_with_ellipsis() -> None:
    lines = wrap(
        "eins zwei drei vier fünf sechs sieben acht", REGULAR, 10, 60, max_lines=2
    )

    assert len(lines) == 2
    assert lines[0] == "eins zwei"
    assert lines[1].endswith("…")
    assert text_width(lines[1], REGULAR, 10) <= 60


def test_wrap_empty() -> None:
    assert wrap("   ", REGULAR, 10, 100) == ()


def test_fit_line() -> None:
    assert fit_line("kurz", REGULAR, 10, 100) == "kurz"
    cut = fit_line("ein sehr langer Name " * 5, REGULAR, 10, 100)
    assert cut.endswith("…")
    assert text_width(cut, REGULAR, 10) <= 100


def test_fit_line_replaces_unprintable() -> None:
    assert fit_line("Łódź", REGULAR, 10, 100) == "Lódz"
