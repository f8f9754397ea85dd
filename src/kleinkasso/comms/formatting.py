"""Amounts, dates, rates and references as the debtor reads them.

German output follows the de_DE locale of Babel ("12,50 €", "04.12.2026"),
English output the en_IE locale ("€12.50", "4 December 2026"), a euro-area
English locale. Results are cached because a batch prints the same amounts
and dates many times.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal

LANGUAGES = ("de", "en")

_LOCALES = {"de": "de_DE", "en": "en_IE"}
_DATE_PATTERNS = {"de": "dd.MM.y", "en": "d MMMM y"}
_SHORT_DATE_PATTERNS = {"de": "dd.MM.y", "en": "d MMM y"}
_WHITESPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# Letters outside Windows-1252 that Unicode does not decompose into a base
# letter and an accent.
_FALLBACK_LETTERS = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Ħ": "H",
        "ħ": "h",
        "ı": "i",
        "ŀ": "l",
        "Ŀ": "L",
        "ſ": "s",
        "ŧ": "t",
        "Ŧ": "T",
    }
)


class UnsupportedLanguageError(ValueError):
    """A language in which no letter text exists."""

    def __init__(self, language: str) -> None:
        super().__init__(
            f"language {language!r} is not supported; expected one of "
            + ", ".join(LANGUAGES)
        )
        self.language = language


@lru_cache(maxsize=len(LANGUAGES))
def _locale(language: str) -> Locale:
    if language not in _LOCALES:
        raise UnsupportedLanguageError(language)
    return Locale.parse(_LOCALES[language])


@lru_cache(maxsize=8192)
def format_amount(cents: int, language: str) -> str:
    """Format integer cents as a euro amount, e.g. 1250 -> "12,50 €"."""
    locale = _locale(language)
    pattern = locale.currency_formats["standard"]
    return str(pattern.apply(Decimal(cents).scaleb(-2), locale, currency="EUR"))


@lru_cache(maxsize=4096)
def format_day(day: date, language: str) -> str:
    """Format a date, e.g. "04.12.2026" (de) or "4 December 2026" (en)."""
    return str(
        babel_format_date(day, _DATE_PATTERNS[language], locale=_locale(language))
    )


@lru_cache(maxsize=4096)
def format_short_day(day: date, language: str) -> str:
    """Format a date for a table column, e.g. "04.12.2026" or "4 Dec 2026"."""
    return str(
        babel_format_date(day, _SHORT_DATE_PATTERNS[language], locale=_locale(language))
    )


@lru_cache(maxsize=256)
def format_number(number: str, language: str) -> str:
    """Format a decimal number given as a string, keeping its decimals.

    "0.5" -> "0,5" and "6.52" -> "6,52" in German.
    """
    value = Decimal(number)
    decimals = max(0, -int(value.as_tuple().exponent))
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return str(format_decimal(value, pattern, locale=_locale(language)))


def format_percent(number: str, language: str) -> str:
    """Format a rate in percent, e.g. "6.52" -> "6,52 %" (de) or "6.52%" (en)."""
    if language == "de":
        # DIN 5008 separates the percent sign by a (no-break) space.
        return format_number(number, language) + "\u00a0%"
    return format_number(number, language) + "%"


def group_in_fours(text: str) -> str:
    """Split a reference or IBAN into groups of four characters for reading."""
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def one_line(text: str) -> str:
    """Collapse all whitespace, line breaks included, to single spaces."""
    return _WHITESPACE.sub(" ", _CONTROL.sub(" ", text)).strip()


def country_name(code: str) -> str:
    """Return the German name of a country code for the last address line.

    Deutsche Post sorts international mail by a country line in capitals.
    An unknown code is returned as given.
    """
    names = _locale("de").territories
    return str(names.get(code.upper(), code)).upper()


@lru_cache(maxsize=8192)
def to_cp1252(text: str) -> str:
    """Return text that the PDF core fonts can print (Windows-1252).

    Letters outside Windows-1252 lose their accents ("ő" -> "o", "Ł" -> "L").
    Anything else that cannot be printed becomes "?".
    """
    if text.isascii():
        return text
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        # NFC first, so that "u" with a combining diaeresis becomes "ü".
        composed = unicodedata.normalize("NFC", text)
        return "".join(_char_to_cp1252(char) for char in composed)
    return text


@lru_cache(maxsize=1024)
def _char_to_cp1252(char: str) -> str:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        pass
    else:
        return char
    base = unicodedata.normalize("NFKD", char.translate(_FALLBACK_LETTERS))
    kept = "".join(c for c in base if not unicodedata.combining(c))
    try:
        kept.encode("cp1252")
    except UnicodeEncodeError:
        return "?"
    return kept or "?"
