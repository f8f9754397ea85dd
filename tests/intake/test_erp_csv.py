"""Tests for the CSV export parser and its value parsers."""

from __future__ import annotations

import contextlib
import io
import tracemalloc
from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kleinkasso.intake.erp_csv import (
    COLUMNS,
    ColumnMapError,
    UnusableInput,
    iter_open_items_csv,
    parse_amount_cents,
    parse_bool,
    parse_date,
    parse_open_items_csv,
)
from kleinkasso.intake.records import OpenItemRecord, ParseResult, Problem

HEADER = "item_ref;customer_ref;name;postal_code;email;due_date;amount;reminder_date"
GOOD_ROW = "R1;K1;Jürgen Müller;80331;jm@example.com;15.10.2026;4,99;30.10.2026"


def csv_bytes(*lines: str, encoding: str = "utf-8", newline: str = "\r\n") -> bytes:
    return (newline.join(lines) + newline).encode(encoding)


def parse(
    *lines: str,
    column_map: Mapping[str, str] | None = None,
    encoding: str | None = None,
) -> ParseResult:
    return parse_open_items_csv(
        csv_bytes(*lines), source="test.csv", column_map=column_map, encoding=encoding
    )


# --- parse_amount_cents ---


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        pytest.param("12,50", 1250, id="decimal-comma"),
        pytest.param("1.234,56", 123456, id="german-thousands"),
        pytest.param("12.50", 1250, id="decimal-point"),
        pytest.param("1,234.56", 123456, id="english-thousands"),
        pytest.param("7", 700, id="whole-euros"),
        pytest.param("0,29", 29, id="cents-only"),
        pytest.param("4,9", 490, id="one-decimal"),
        pytest.param(",99", 99, id="no-leading-zero"),
        pytest.param("1.234.567", 123456700, id="thousands-only"),
        pytest.param("1 234,56", 123456, id="space-thousands"),
        pytest.param("1\u00a0234,56", 123456, id="nbsp-thousands"),
        pytest.param("1'234.56", 123456, id="apostrophe-thousands"),
        pytest.param(" 4,99 ", 499, id="padded"),
        pytest.param("4,99 €", 499, id="euro-sign-after"),
        pytest.param("EUR 4,99", 499, id="eur-before"),
        pytest.param("-4,99", -499, id="minus-before"),
        pytest.param("4,99-", -499, id="sap-trailing-minus"),
        pytest.param("+4,99", 499, id="plus-before"),
        pytest.param("0", 0, id="zero"),
        pytest.param("0,123", None, id="three-decimals-after-zero"),
    ],
)
def test_parse_amount_cents_accepts(text: str, cents: int | None) -> None:
    if cents is None:
        with pytest.raises(ValueError, match="more than two decimals"):
            parse_amount_cents(text)
    else:
        assert parse_amount_cents(text) == cents


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("abc", "is not an amount", id="letters"),
        pytest.param("", "is not an amount", id="empty"),
        pytest.param("-", "is not an amount", id="sign-only"),
        pytest.param("1,234", "ambiguous", id="three-digits-comma"),
        pytest.param("1.234", "ambiguous", id="three-digits-point"),
        pytest.param("1234,567", "more than two decimals", id="three-decimals"),
        pytest.param("1.234,567", "more than two decimals", id="grouped-3-decimals"),
        pytest.param("4,999", "ambiguous", id="price-with-3-decimals"),
        pytest.param("4,9900", "more than two decimals", id="four-decimals"),
        pytest.param("1e3", "exponent", id="exponent"),
        pytest.param("4.99E+00", "exponent", id="exponent-with-sign"),
        pytest.param("12,", "no digits after", id="trailing-separator"),
        pytest.param("1.23.4", "misplaced", id="bad-grouping"),
        pytest.param("12.34,56", "misplaced", id="short-group"),
        pytest.param("1,234,56.7", "misplaced", id="mixed-bad"),
        pytest.param("4,99,5", "misplaced", id="two-commas-short"),
        pytest.param("1.2,3.4", "misplaced", id="alternating"),
        pytest.param("٤,٩٩", "is not an amount", id="arabic-digits"),
        pytest.param("4 ,99", "is not an amount", id="space-inside"),
        pytest.param("1" * 13, "too large", id="thirteen-digits"),
        pytest.param("-4,99-", "is not an amount", id="two-minus"),
    ],
)
def test_parse_amount_cents_rejects(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_amount_cents(text)


# --- parse_date ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("15.10.2026", date(2026, 10, 15), id="german"),
        pytest.param("2026-10-15", date(2026, 10, 15), id="iso"),
        pytest.param("1.2.2026", date(2026, 2, 1), id="german-unpadded"),
        pytest.param(" 29.02.2028 ", date(2028, 2, 29), id="leap-day"),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("31.02.2026", "is not a valid date", id="february-31"),
        pytest.param("29.02.2026", "is not a valid date", id="no-leap-day"),
        pytest.param("2026-13-01", "is not a valid date", id="month-13"),
        pytest.param("15.10.26", "is not a date", id="two-digit-year"),
        pytest.param("15/10/2026", "is not a date", id="slashes"),
        pytest.param("2026-10-15T00:00:00", "is not a date", id="with-time"),
        pytest.param("20261015", "is not a date", id="compact"),
        pytest.param("", "is not a date", id="empty"),
        pytest.param("00.00.0000", "is not a valid date", id="zeros"),
    ],
)
def test_parse_date_rejects(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_date(text)


# --- parse_bool ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("ja", True, id="ja"),
        pytest.param("Ja", True, id="ja-capital"),
        pytest.param("J", True, id="j"),
        pytest.param("yes", True, id="yes"),
        pytest.param("y", True, id="y"),
        pytest.param("TRUE", True, id="true"),
        pytest.param("wahr", True, id="wahr"),
        pytest.param("1", True, id="one"),
        pytest.param("x", True, id="x"),
        pytest.param(" X ", True, id="x-padded"),
        pytest.param("nein", False, id="nein"),
        pytest.param("N", False, id="n"),
        pytest.param("no", False, id="no"),
        pytest.param("false", False, id="false"),
        pytest.param("falsch", False, id="falsch"),
        pytest.param("0", False, id="zero"),
        pytest.param("", False, id="empty"),
    ],
)
def test_parse_bool_accepts(text: str, expected: bool) -> None:
    assert parse_bool(text) is expected


@pytest.mark.parametrize("text", ["vielleicht", "2", "ok", "-", "jein"])
def test_parse_bool_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="is not a yes/no value"):
        parse_bool(text)


# --- encodings and delimiters ---


@pytest.mark.parametrize(
    "encoding",
    [
        pytest.param("utf-8", id="utf-8"),
        pytest.param("utf-8-sig", id="utf-8-bom"),
        pytest.param("cp1252", id="cp1252"),
        pytest.param("utf-16", id="utf-16-bom"),
    ],
)
def test_csv_encoding_detected(encoding: str) -> None:
    data = csv_bytes(HEADER, GOOD_ROW, encoding=encoding)
    result = parse_open_items_csv(data, source="test.csv")
    assert result.problems == ()
    assert [record.name for record in result.records] == ["Jürgen Müller"]
    assert result.records[0].item_ref == "R1"


def test_csv_encoding_forced_latin1() -> None:
    data = csv_bytes(HEADER, GOOD_ROW, encoding="latin-1")
    result = parse_open_items_csv(data, source="test.csv", encoding="latin-1")
    assert result.records[0].name == "Jürgen Müller"


def test_csv_encoding_forced_wrong_raises() -> None:
    data = csv_bytes(HEADER, GOOD_ROW, encoding="cp1252")
    with pytest.raises(UnusableInput, match="not valid utf-8"):
        parse_open_items_csv(data, source="test.csv", encoding="utf-8")


def test_csv_encoding_unknown_name() -> None:
    with pytest.raises(LookupError):
        parse_open_items_csv(csv_bytes(HEADER), source="t.csv", encoding="klingon")


def test_csv_utf8_with_one_cp1252_byte() -> None:
    # One byte that is invalid UTF-8 makes the whole file Windows-1252.
    data = csv_bytes(
        HEADER, GOOD_ROW
    ) + "R2;K1;Groß;80331;;15.10.2026;1,99;\r\n".encode("cp1252")
    result = parse_open_items_csv(data, source="test.csv")
    assert result.records[0].name == "JÃ¼rgen MÃ¼ller"
    assert result.records[1].name == "Groß"


def test_csv_neither_utf8_nor_cp1252() -> None:
    data = csv_bytes(HEADER, GOOD_ROW) + b"R2;K1;\x81\x8d;80331;;15.10.2026;1,99;\r\n"
    with pytest.raises(UnusableInput, match="unknown encoding"):
        parse_open_items_csv(data, source="test.csv")


@pytest.mark.parametrize(
    "delimiter",
    [
        pytest.param(";", id="semicolon"),
        pytest.param(",", id="comma"),
        pytest.param("\t", id="tab"),
    ],
)
def test_csv_delimiter_detected(delimiter: str) -> None:
    header = HEADER.replace(";", delimiter)
    row = '"R1";K1;"Müller, Jürgen";80331;;15.10.2026;"4,99";'.replace(";", delimiter)
    result = parse(header, row)
    assert result.problems == ()
    assert result.records[0].name == "Müller, Jürgen"
    assert result.records[0].amount_cents == 499


def test_csv_excel_sep_line() -> None:
    header = HEADER.replace(";", ",")
    result = parse("sep=,", header, GOOD_ROW.replace(";", ",").replace("4,99", "4.99"))
    assert result.problems == ()
    assert result.records[0].amount_cents == 499
    assert result.records[0].row == 3


@pytest.mark.parametrize(
    "newline",
    [
        pytest.param("\r\n", id="crlf"),
        pytest.param("\n", id="lf"),
        pytest.param("\r", id="cr"),
    ],
)
def test_csv_line_endings(newline: str) -> None:
    data = csv_bytes(HEADER, GOOD_ROW, GOOD_ROW.replace("R1", "R2"), newline=newline)
    result = parse_open_items_csv(data, source="test.csv")
    assert [record.row for record in result.records] == [2, 3]


def test_csv_quoted_multiline_value() -> None:
    result = parse(
        "item_ref;customer_ref;name;street;due_date;amount",
        'R1;K1;Anna Groß;"c/o Weiß\r\nLindenallee 4";15.10.2026;1,99',
        "R2;K1;Anna Groß;Lindenallee 4;15.10.2026;abc",
    )
    assert result.records[0].street == "c/o Weiß Lindenallee 4"
    assert result.problems[0].row == 4


def test_csv_quoted_delimiter_and_quotes() -> None:
    result = parse(
        "item_ref;customer_ref;name;subject;due_date;amount",
        'R1;K1;Anna;"Artikel ""Steuern; sparen""";15.10.2026;1,99',
    )
    assert result.records[0].subject == 'Artikel "Steuern; sparen"'


# --- columns and mapping ---


def test_csv_header_case_and_spaces() -> None:
    header = " ITEM_REF ;Customer_Ref;Name;DUE_DATE;Amount;Unbekannt"
    result = parse(header, "R1;K1;Anna;15.10.2026;1,99;ignored")
    assert result.problems == ()
    assert result.records[0].customer_ref == "K1"


def test_csv_column_map_renames() -> None:
    column_map = {
        "item_ref": "Belegnummer",
        "customer_ref": "Kundennummer",
        "amount": "Betrag",
        "due_date": "Fällig am",
        "reminder_date": "Mahnung am",
    }
    header = "Kundennummer;Belegnummer;Name;Fällig am;Betrag;Mahnung am"
    result = parse(header, "K1;R1;Anna;15.10.2026;1,99;", column_map=column_map)
    record = result.records[0]
    assert record.item_ref == "R1"
    assert record.customer_ref == "K1"
    assert record.due_date == date(2026, 10, 15)
    assert record.amount_cents == 199
    assert record.reminder_date is None


def test_csv_column_map_problem_uses_input_name() -> None:
    result = parse(
        "Belegnummer;customer_ref;name;due_date;Betrag",
        "R1;K1;Anna;15.10.2026;abc",
        column_map={"item_ref": "Belegnummer", "amount": "Betrag"},
    )
    problem = result.problems[0]
    assert problem.field == "Betrag"
    assert problem.message("test.csv") == (
        "test.csv row 2, field Betrag: 'abc' is not an amount; "
        "expected an amount in euros such as 4,99 or 1.234,56"
    )


@pytest.mark.parametrize(
    ("column_map", "match"),
    [
        pytest.param({"betrag": "Betrag"}, "unknown field", id="unknown-field"),
        pytest.param({"amount": " "}, "empty column name", id="empty-name"),
        pytest.param({"amount": "name"}, "both read column", id="clash"),
    ],
)
def test_csv_column_map_invalid(column_map: dict[str, str], match: str) -> None:
    with pytest.raises(ColumnMapError, match=match):
        parse(HEADER, GOOD_ROW, column_map=column_map)


@pytest.mark.parametrize("missing", ["item_ref", "customer_ref", "name", "due_date"])
def test_csv_missing_required_column(missing: str) -> None:
    header = ";".join(c for c in HEADER.split(";") if c != missing)
    with pytest.raises(UnusableInput, match=f"missing required column.*'{missing}'"):
        parse(header, GOOD_ROW)


def test_csv_missing_mapped_column_named() -> None:
    with pytest.raises(UnusableInput, match="'Betrag'") as caught:
        parse(HEADER, GOOD_ROW, column_map={"amount": "Betrag"})
    assert caught.value.source == "test.csv"
    assert str(caught.value).startswith("test.csv: missing required column")


def test_csv_duplicate_header_column() -> None:
    with pytest.raises(UnusableInput, match="'amount' 2 times"):
        parse(HEADER + ";Amount", GOOD_ROW + ";1,00")


@pytest.mark.parametrize(
    ("data", "match"),
    [
        pytest.param(b"", "no header line", id="empty"),
        pytest.param(b"\r\n\r\n  \r\n", "no header line", id="blank-lines"),
        pytest.param(b"item_ref customer_ref\r\n", "no ';', ','", id="no-delimiter"),
        pytest.param(b"sep=|\r\n", "unsupported delimiter", id="sep-pipe"),
        pytest.param(bytes(range(256)) * 4, "binary", id="all-bytes"),
        pytest.param(b"PK\x03\x04\x14\x00\x06\x00" * 50, "binary", id="zip-header"),
        pytest.param(b"%PDF-1.7\n" + b"\x01\x02\x03\x04\x05" * 40, "binary", id="pdf"),
        pytest.param(b"a;b;c\r\n" * 3, "missing required column", id="other-csv"),
    ],
)
def test_csv_unusable_input(data: bytes, match: str) -> None:
    with pytest.raises(UnusableInput, match=match):
        parse_open_items_csv(data, source="junk.bin")


def test_csv_nul_after_first_megabyte() -> None:
    data = csv_bytes(HEADER) + csv_bytes(GOOD_ROW) * 20_000 + b"\x00"
    with pytest.raises(UnusableInput, match="binary"):
        parse_open_items_csv(data, source="test.csv")


def test_csv_size_limit() -> None:
    data = csv_bytes(HEADER, GOOD_ROW)
    with pytest.raises(UnusableInput, match="larger than the limit of 50 bytes"):
        parse_open_items_csv(data, source="test.csv", max_bytes=50)


def test_csv_header_line_too_long() -> None:
    with pytest.raises(UnusableInput, match="longer than 65536"):
        parse_open_items_csv(b"x" * 70_000, source="test.csv")


# --- malformed rows ---

FULL_HEADER = ";".join(COLUMNS)
GOOD_CELLS = {
    "item_ref": "R1",
    "customer_ref": "K1",
    "name": "Jürgen Müller",
    "street": "Hauptstraße 1",
    "postal_code": "01067",
    "city": "Dresden",
    "country": "DE",
    "email": "jm@example.com",
    "consumer": "ja",
    "subject": "In-App-Kauf 500 Diamanten",
    "contract_date": "01.10.2026",
    "invoice_date": "01.10.2026",
    "due_date": "15.10.2026",
    "amount": "4,99",
    "currency": "EUR",
    "reminder_date": "30.10.2026",
    "return_charges": "3,00",
    "disputed": "nein",
    "category": "Games",
    "return_reason": "ms03",
}


def full_row(**changes: str) -> str:
    cells = GOOD_CELLS | changes
    return ";".join(cells[column] for column in COLUMNS)


def test_csv_full_row_values() -> None:
    result = parse(FULL_HEADER, full_row())
    assert result.problems == ()
    assert result.records == (
        OpenItemRecord(
            item_ref="R1",
            customer_ref="K1",
            name="Jürgen Müller",
            street="Hauptstraße 1",
            postal_code="01067",
            city="Dresden",
            country="DE",
            email="jm@example.com",
            consumer=True,
            subject="In-App-Kauf 500 Diamanten",
            contract_date=date(2026, 10, 1),
            invoice_date=date(2026, 10, 1),
            due_date=date(2026, 10, 15),
            amount_cents=499,
            currency="EUR",
            reminder_date=date(2026, 10, 30),
            return_charges_cents=300,
            disputed=False,
            category="games",
            return_reason="MS03",
            row=2,
        ),
    )


def test_csv_defaults_for_empty_cells() -> None:
    empty = dict.fromkeys(COLUMNS, "")
    cells = empty | {k: GOOD_CELLS[k] for k in ("item_ref", "customer_ref", "name")}
    cells |= {"due_date": "2026-10-15", "amount": "7"}
    result = parse(FULL_HEADER, ";".join(cells[column] for column in COLUMNS))
    record = result.records[0]
    assert record.country == "DE"
    assert record.consumer is True
    assert record.disputed is False
    assert record.currency == "EUR"
    assert record.return_charges_cents == 0
    assert record.subject == ""
    assert record.street is None
    assert record.postal_code is None
    assert record.email is None
    assert record.category is None
    assert record.reminder_date is None


@pytest.mark.parametrize(
    ("changes", "field", "value", "reason", "expected"),
    [
        pytest.param(
            {"due_date": "31.02.2026"},
            "due_date",
            "31.02.2026",
            "is not a valid date",
            "DD.MM.YYYY or YYYY-MM-DD",
            id="bad-date",
        ),
        pytest.param(
            {"amount": "abc"},
            "amount",
            "abc",
            "is not an amount",
            "an amount in euros such as 4,99 or 1.234,56",
            id="amount-letters",
        ),
        pytest.param(
            {"item_ref": ""},
            "item_ref",
            "",
            "is missing",
            "a value",
            id="missing-item-ref",
        ),
        pytest.param(
            {"amount": "-4,99"},
            "amount",
            "-4,99",
            "is not above 0",
            "an amount above 0",
            id="negative-amount",
        ),
        pytest.param(
            {"amount": "0,00"},
            "amount",
            "0,00",
            "is not above 0",
            "an amount above 0",
            id="zero-amount",
        ),
        pytest.param(
            {"amount": "1,234"},
            "amount",
            "1,234",
            "is ambiguous: a thousands separator or three decimals",
            "at most two decimals, such as 1234 or 1.234,00",
            id="three-decimals",
        ),
        pytest.param(
            {"amount": "4.99e0"},
            "amount",
            "4.99e0",
            "is in exponent notation",
            "an amount in euros such as 4,99 or 1.234,56",
            id="exponent",
        ),
        pytest.param(
            {"email": "jm@@example"},
            "email",
            "jm@@example",
            "is not a valid e-mail address",
            "an address like name@example.com",
            id="invalid-email",
        ),
        pytest.param(
            {"postal_code": "1067"},
            "postal_code",
            "1067",
            "is not a valid postal code",
            "5 digits for DE (a spreadsheet may have dropped a leading zero)",
            id="postal-code-lost-zero",
        ),
        pytest.param(
            {"country": "Deutschland"},
            "country",
            "Deutschland",
            "is not an ISO 3166 country code",
            "a two-letter country code such as DE or AT",
            id="country-name",
        ),
        pytest.param(
            {"due_date": "15.10.1989"},
            "due_date",
            "15.10.1989",
            "is outside the accepted date range",
            "a date from 01.01.1990 to 31.12.2099",
            id="date-too-early",
        ),
        pytest.param(
            {"reminder_date": "01.01.2100"},
            "reminder_date",
            "01.01.2100",
            "is outside the accepted date range",
            "a date from 01.01.1990 to 31.12.2099",
            id="date-too-late",
        ),
        pytest.param(
            {"currency": "USD"},
            "currency",
            "USD",
            "is not a supported currency",
            "EUR",
            id="currency",
        ),
        pytest.param(
            {"return_charges": "-3,00"},
            "return_charges",
            "-3,00",
            "is negative",
            "an amount of 0 or more",
            id="negative-charges",
        ),
        pytest.param(
            {"consumer": "vielleicht"},
            "consumer",
            "vielleicht",
            "is not a yes/no value",
            "ja/nein, yes/no, true/false, 1/0 or x",
            id="consumer-word",
        ),
        pytest.param(
            {"item_ref": "R" * 65},
            "item_ref",
            "R" * 65,
            "has 65 characters",
            "1 to 64 printable characters",
            id="item-ref-too-long",
        ),
        pytest.param(
            {"name": "Anna\x07Groß"},
            "name",
            "Anna\x07Groß",
            "contains a control character",
            "text of at most 200 characters without control characters",
            id="control-character",
        ),
        pytest.param(
            {"return_reason": "MS-03"},
            "return_reason",
            "MS-03",
            "is not a return reason code",
            "2 to 35 letters or digits such as MS03",
            id="reason-code",
        ),
    ],
)
def test_csv_malformed_value(
    changes: dict[str, str], field: str, value: str, reason: str, expected: str
) -> None:
    result = parse(FULL_HEADER, full_row(item_ref="R0"), full_row(**changes))
    assert [record.item_ref for record in result.records] == ["R0"]
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.row == 3
    assert problem.field == field
    assert problem.value == value
    assert problem.reason == reason
    assert problem.expected == expected
    expected_ref = None if field == "item_ref" else "R1"
    assert problem.item_ref == expected_ref


def test_csv_one_problem_per_bad_field() -> None:
    row = full_row(due_date="31.02.2026", amount="abc", email="x")
    problems = parse(FULL_HEADER, row).problems
    assert [problem.field for problem in problems] == ["email", "due_date", "amount"]
    assert {problem.row for problem in problems} == {2}


def test_csv_good_rows_around_bad_rows_kept() -> None:
    rows = []
    for number in range(1, 21):
        bad = {"amount": "abc"} if number % 4 == 0 else {}
        rows.append(full_row(item_ref=f"R{number}", **bad))
    result = parse(FULL_HEADER, *rows)
    assert len(result.records) == 15
    assert len(result.problems) == 5
    assert [problem.row for problem in result.problems] == [5, 9, 13, 17, 21]
    accepted_refs = [record.item_ref for record in result.records]
    assert accepted_refs == [f"R{n}" for n in range(1, 21) if n % 4 != 0]


def test_csv_duplicate_item_ref() -> None:
    result = parse(
        FULL_HEADER,
        full_row(item_ref="R1"),
        full_row(item_ref="R2"),
        full_row(item_ref="R1", amount="9,99"),
    )
    assert [record.item_ref for record in result.records] == ["R1", "R2"]
    assert result.records[0].amount_cents == 499
    problem = result.problems[0]
    assert problem.row == 4
    assert problem.reason == (
        "is a duplicate item_ref in this file, first seen in row 2"
    )


def test_csv_duplicate_of_rejected_row_kept() -> None:
    result = parse(FULL_HEADER, full_row(amount="abc"), full_row())
    assert [record.row for record in result.records] == [3]
    assert [problem.row for problem in result.problems] == [2]


def test_csv_empty_rows_skipped() -> None:
    empty_row = ";" * (len(COLUMNS) - 1)
    result = parse(FULL_HEADER, "", empty_row, full_row(), "  ")
    assert result.problems == ()
    assert [record.row for record in result.records] == [4]


@pytest.mark.parametrize(
    ("row", "count"),
    [
        pytest.param(full_row(amount="4") + ";99", 21, id="unquoted-comma-split"),
        pytest.param("R1;K1;Anna", 3, id="too-few"),
    ],
)
def test_csv_wrong_field_count(row: str, count: int) -> None:
    result = parse(FULL_HEADER, row, full_row(item_ref="R2"))
    assert [record.item_ref for record in result.records] == ["R2"]
    problem = result.problems[0]
    assert problem.field == "(whole row)"
    assert problem.reason == f"has {count} fields"
    assert problem.item_ref == "R1"
    assert problem.expected.startswith("20 fields as in the header")


def test_csv_trailing_empty_fields_ignored() -> None:
    result = parse(FULL_HEADER, full_row() + ";;")
    assert result.problems == ()
    assert len(result.records) == 1


def test_csv_bom_read_as_cp1252_in_header() -> None:
    data = b"\xef\xbb\xbf" + csv_bytes(HEADER, GOOD_ROW, encoding="cp1252")
    result = parse_open_items_csv(data, source="test.csv")
    assert result.records[0].item_ref == "R1"


def test_csv_problem_value_truncated() -> None:
    result = parse(FULL_HEADER, full_row(amount="9" * 100))
    assert result.problems[0].value == "9" * 80


# --- streaming ---


class GeneratedRows(io.RawIOBase):
    """A stream of `count` valid rows made on demand, never held in full."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self._count = count
        self._next = 0
        self._buffer = memoryview(csv_bytes(FULL_HEADER))

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        if not self._buffer:
            if self._next >= self._count:
                return 0
            stop = min(self._count, self._next + 1000)
            rows = [full_row(item_ref=f"R{n}") for n in range(self._next, stop)]
            self._buffer = memoryview(csv_bytes(*rows))
            self._next = stop
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def test_csv_stream_non_seekable() -> None:
    stream = io.BufferedReader(GeneratedRows(3000))
    entries = list(iter_open_items_csv(stream, source="stream.csv"))
    assert len(entries) == 3000
    assert all(isinstance(entry, OpenItemRecord) for entry in entries)
    assert entries[-1].row == 3001


def test_csv_stream_memory_bounded() -> None:
    # 10,000 rows held as records take about 13 MB under tracemalloc. Streamed,
    # the parser needs its read buffers (about 3 MB) and the item_refs kept
    # for the duplicate check (about 70 bytes per row).
    count = 10_000
    stream = io.BufferedReader(GeneratedRows(count))
    tracemalloc.start()
    try:
        seen = 0
        for entry in iter_open_items_csv(stream, source="big.csv"):
            assert not isinstance(entry, Problem)
            seen += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count
    assert peak < 6_000_000


class UnseekableBytes(io.RawIOBase):
    """In-memory bytes behind a stream that cannot seek, like a pipe."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, target: Any) -> int:
        chunk = self._data.read(len(target))
        target[: len(chunk)] = chunk
        return len(chunk)


def test_csv_stream_late_bad_byte() -> None:
    # Past the first MiB of a stream that cannot seek, the encoding is fixed.
    rows = [full_row(item_ref=f"R{n}") for n in range(12_000)]
    tail = full_row(item_ref="R-last", name="Groß").encode("cp1252") + b"\r\n"
    data = csv_bytes(FULL_HEADER, *rows) + tail
    assert len(data) > 1 << 20
    stream = io.BufferedReader(UnseekableBytes(data))
    entries: list[OpenItemRecord | Problem] = []
    with pytest.raises(UnusableInput, match="not valid utf-8; pass the encoding"):
        entries.extend(iter_open_items_csv(stream, source="pipe.csv"))
    assert 0 < len(entries) <= 12_000


def test_csv_stream_leaves_caller_stream_open() -> None:
    stream = io.BytesIO(csv_bytes(HEADER, GOOD_ROW))
    assert len(list(iter_open_items_csv(stream, source="t.csv"))) == 1
    assert not stream.closed


# --- robustness ---

cells = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=24), max_size=8))
def test_csv_arbitrary_rows_never_crash(rows: list[list[str]]) -> None:
    lines = [FULL_HEADER] + [";".join(row) for row in rows]
    try:
        result = parse_open_items_csv(csv_bytes(*lines), source="fuzz.csv")
    except UnusableInput:
        return
    record_rows = {record.row for record in result.records}
    assert record_rows.isdisjoint(problem.row for problem in result.problems)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=["Cs"])))
def test_csv_arbitrary_text_never_crashes(text: str) -> None:
    for encoding in ("utf-8", "cp1252"):
        data = (FULL_HEADER + "\n" + text).encode(encoding, errors="replace")
        with contextlib.suppress(UnusableInput):
            parse_open_items_csv(data, source="fuzz.csv")


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=400))
def test_csv_arbitrary_bytes_never_crash(data: bytes) -> None:
    with contextlib.suppress(UnusableInput):
        parse_open_items_csv(csv_bytes(HEADER) + data, source="fuzz.csv")


def test_unclosed_quote_names_swallowed_lines() -> None:
    data = (
        b"item_ref;customer_ref;name;due_date;amount\n"
        b"U1;K1;Max;01.10.2026;4,99\n"
        b'U2;K2;"Max unclosed;01.10.2026;4,99\n'
        b"U3;K3;Moritz;01.10.2026;4,99\n"
    )
    result = parse_open_items_csv(data, source="u.csv")
    assert [record.item_ref for record in result.records] == ["U1"]
    assert len(result.problems) == 1
    assert "across lines 3 to 4 (is a quote left open?)" in result.problems[0].message(
        "u.csv"
    )


def test_oversized_field_rejects_only_its_row() -> None:
    data = (
        "item_ref;customer_ref;name;due_date;amount\n"
        "U1;K1;Max;01.10.2026;4,99\n"
        f"U2;K2;{'M' * 300_000};01.10.2026;4,99\n"
        "U3;K3;Moritz;01.10.2026;4,99\n"
    ).encode()
    result = parse_open_items_csv(data, source="big.csv")
    assert [record.item_ref for record in result.records] == ["U1", "U3"]
    assert len(result.problems) == 1
    assert result.problems[0].row == 3
    assert "field larger than field limit" in result.problems[0].message("big.csv")
