"""Amounts, dates and text clean-up as the debtor reads them."""

from __future__ import annotations

from datetime import date

import pytest

from kleinkasso.comms.formatting import (
    UnsupportedLanguageError,
    country_name,
    format_amount,
    format_day,
    format_number,
    format_percent,
    format_short_day,
    group_in_fours,
    one_line,
    to_cp1252,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("cents", "language", "expected"),
    [
        pytest.param(1250, "de", f"12,50{NBSP}€", id="de"),
        pytest.param(0, "de", f"0,00{NBSP}€", id="de-zero"),
        pytest.param(7, "de", f"0,07{NBSP}€", id="de-cents"),
        pytest.param(123456, "de", f"1.234,56{NBSP}€", id="de-thousands"),
        pytest.param(1250, "en", "€12.50", id="en"),
        pytest.param(123456, "en", "€1,234.56", id="en-thousands"),
    ],
)
def test_format_amount(cents: int, language: str, expected: str) -> None:
    assert format_amount(cents, language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        pytest.param("de", "04.12.2026", id="de"),
        pytest.param("en", "4 December 2026", id="en"),
    ],
)
def test_format_day(language: str, expected: str) -> None:
    assert format_day(date(2026, 12, 4), language) == expected


def test_format_short_day() -> None:
    assert format_short_day(date(2026, 9, 20), "de") == "20.09.2026"
    assert format_short_day(date(2026, 12, 4), "en") == "4 Dec 2026"


@pytest.mark.parametrize(
    ("number", "language", "expected"),
    [
        pytest.param("0.5", "de", "0,5", id="rate-de"),
        pytest.param("0.9", "en", "0.9", id="rate-en"),
        pytest.param("6.52", "de", "6,52", id="percent-de"),
        pytest.param("5", "de", "5", id="integer"),
    ],
)
def test_format_number(number: str, language: str, expected: str) -> None:
    assert format_number(number, language) == expected


def test_format_percent() -> None:
    assert format_percent("6.52", "de") == f"6,52{NBSP}%"
    assert format_percent("6.52", "en") == "6.52%"


def test_format_unsupported_language() -> None:
    with pytest.raises(UnsupportedLanguageError, match="'fr' is not supported"):
        format_amount(100, "fr")


def test_group_in_fours() -> None:
    assert group_in_fours("RF18539007547034") == "RF18 5390 0754 7034"
    assert group_in_fours("RF471234") == "RF47 1234"
    assert group_in_fours("RF4712345") == "RF47 1234 5"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("  Jana \n Müller\t", "Jana Müller", id="whitespace"),
        pytest.param("a\r\nBcc: b", "a Bcc: b", id="crlf"),
        pytest.param("a\x00b\x85c", "a b c", id="controls"),
    ],
)
def test_one_line(text: str, expected: str) -> None:
    assert one_line(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Jürgen Weiß", "Jürgen Weiß", id="german"),
        pytest.param("12,50 € – „Abo“ …", "12,50 € – „Abo“ …", id="cp1252-punctuation"),
        pytest.param("Łukasz Żółć", "Lukasz Zólc", id="polish"),
        pytest.param("Őrsi Čapek", "Orsi Capek", id="accents"),
        pytest.param("Mu\u0308ller", "Müller", id="combining"),
        pytest.param("李雷 🎮", "?? ?", id="not-latin"),
    ],
)
def test_to_cp1252(text: str, expected: str) -> None:
    assert to_cp1252(text) == expected
    to_cp1252(text).encode("cp1252")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param("AT", "ÖSTERREICH", id="austria"),
        pytest.param("nl", "NIEDERLANDE", id="lower-case"),
        pytest.param("XQ", "XQ", id="unknown"),
    ],
)
def test_country_name(code: str, expected: str) -> None:
    assert country_name(code) == expected
