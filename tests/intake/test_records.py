"""Tests for the intake records and the field rules shared by the parsers."""

from __future__ import annotations

import pytest

from kleinkasso.intake.records import (
    FieldValueError,
    Problem,
    check_country,
    check_email,
    check_postal_code,
    check_ref,
    check_text,
)


def test_problem_message_format() -> None:
    problem = Problem(
        row=7,
        item_ref="R2026-000123",
        field="due_date",
        value="31.02.2026",
        expected="DD.MM.YYYY or YYYY-MM-DD",
        reason="is not a valid date",
    )
    assert problem.message("open-items.csv") == (
        "open-items.csv row 7, field due_date: '31.02.2026' is not a valid date; "
        "expected DD.MM.YYYY or YYYY-MM-DD"
    )


def test_problem_default_reason() -> None:
    problem = Problem(3, None, "currency", "USD", "EUR")
    assert problem.message("bank.xml") == (
        "bank.xml row 3, field currency: 'USD' is invalid; expected EUR"
    )


def test_problem_value_truncated() -> None:
    problem = Problem(1, None, "name", "x" * 200, "text")
    assert problem.value == "x" * 80


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(" R2026-000123 ", "R2026-000123", id="stripped"),
        pytest.param("K 100/23", "K 100/23", id="inner-space"),
        pytest.param("R" * 64, "R" * 64, id="64-chars"),
        pytest.param("Mu\u0308ller-1", "Müller-1", id="nfc"),
    ],
)
def test_check_ref_accepts(text: str, expected: str) -> None:
    assert check_ref(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("", "is empty", id="empty"),
        pytest.param("R" * 65, "has 65 characters", id="65-chars"),
        pytest.param("R1\nR2", "non-printable character", id="newline"),
        pytest.param("R1\u00a0R2", "non-printable character", id="nbsp-inner"),
    ],
)
def test_check_ref_rejects(text: str, reason: str) -> None:
    with pytest.raises(FieldValueError, match=reason):
        check_ref(text)


def test_check_text_collapses_whitespace() -> None:
    assert check_text("  c/o Weiß\r\n\tLindenallee  4 ") == "c/o Weiß Lindenallee 4"


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        pytest.param("01067", "DE", "01067", id="de-leading-zero"),
        pytest.param("1010", "AT", "1010", id="at"),
        pytest.param("8001", "CH", "8001", id="ch"),
        pytest.param("1012 ab", "NL", "1012 AB", id="nl-loose"),
        pytest.param("SW1A 1AA", "GB", "SW1A 1AA", id="gb-loose"),
        pytest.param("12345", None, "12345", id="unknown-country-loose"),
    ],
)
def test_check_postal_code_accepts(
    text: str, country: str | None, expected: str
) -> None:
    assert check_postal_code(text, country) == expected


@pytest.mark.parametrize(
    ("text", "country"),
    [
        pytest.param("1067", "DE", id="de-four-digits"),
        pytest.param("010677", "DE", id="de-six-digits"),
        pytest.param("O1067", "DE", id="de-letter-o"),
        pytest.param("10100", "AT", id="at-five-digits"),
        pytest.param("#1", "NL", id="symbol"),
    ],
)
def test_check_postal_code_rejects(text: str, country: str) -> None:
    with pytest.raises(FieldValueError, match="is not a valid postal code"):
        check_postal_code(text, country)


@pytest.mark.parametrize(
    "address",
    ["lena@example.com", "a.b+c@mail.example.org", "jörg@müller.example", "x@y.de"],
)
def test_check_email_accepts(address: str) -> None:
    assert check_email(address) == address


@pytest.mark.parametrize(
    "address",
    [
        "lena.example.com",
        "lena@@example.com",
        "lena@example",
        "lena @example.com",
        "@example.com",
        "lena@.com",
        "lena@example..com",
        "lena@example.c",
        "a" * 65 + "@example.com",
    ],
)
def test_check_email_rejects(address: str) -> None:
    with pytest.raises(FieldValueError, match="is not a valid e-mail address"):
        check_email(address)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("de", "DE", id="lower"),
        pytest.param(" AT ", "AT", id="padded"),
        pytest.param("XK", "XK", id="kosovo"),
    ],
)
def test_check_country_accepts(text: str, expected: str) -> None:
    assert check_country(text) == expected


@pytest.mark.parametrize("text", ["D", "DEU", "EU", "ZZ", "Deutschland", "QQ"])
def test_check_country_rejects(text: str) -> None:
    with pytest.raises(FieldValueError, match="is not an ISO 3166 country code"):
        check_country(text)


def test_check_text_rejects_direction_override() -> None:
    with pytest.raises(FieldValueError, match="control character"):
        check_text("Max \u202eMustermann")
