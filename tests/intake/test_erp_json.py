"""Tests for the JSON export parser."""

from __future__ import annotations

import contextlib
import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kleinkasso.intake.erp_csv import UnusableInput
from kleinkasso.intake.erp_json import parse_open_items_json
from kleinkasso.intake.records import OpenItemRecord, ParseResult

GOOD_ITEM: dict[str, Any] = {
    "item_ref": "R2026-000123",
    "customer_ref": "K10023",
    "name": "Jürgen Müller",
    "street": "Hauptstraße 1",
    "postal_code": "80331",
    "city": "München",
    "country": "DE",
    "email": "jm@example.com",
    "consumer": True,
    "subject": "In-App-Kauf 500 Diamanten",
    "contract_date": "2026-10-01",
    "invoice_date": "2026-10-01",
    "due_date": "2026-10-15",
    "amount_cents": 499,
    "currency": "EUR",
    "reminder_date": "2026-10-30",
    "return_charges_cents": 300,
    "disputed": False,
    "category": "Games",
    "return_reason": None,
    "shop_id": 17,
}


def parse_items(*items: Any) -> ParseResult:
    data = json.dumps({"items": list(items)}).encode()
    return parse_open_items_json(data, source="items.json")


def test_json_full_item() -> None:
    result = parse_items(GOOD_ITEM)
    assert result.problems == ()
    assert result.records == (
        OpenItemRecord(
            item_ref="R2026-000123",
            customer_ref="K10023",
            name="Jürgen Müller",
            street="Hauptstraße 1",
            postal_code="80331",
            city="München",
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
            return_reason=None,
            row=1,
        ),
    )


def test_json_minimal_item_defaults() -> None:
    item = {
        "item_ref": "R1",
        "customer_ref": "K1",
        "name": "Anna",
        "due_date": "2026-10-15",
        "amount_cents": 29,
    }
    record = parse_items(item).records[0]
    assert record.country == "DE"
    assert record.consumer is True
    assert record.disputed is False
    assert record.return_charges_cents == 0
    assert record.currency == "EUR"


@pytest.mark.parametrize(
    ("changes", "field", "value", "reason", "expected"),
    [
        pytest.param(
            {"amount_cents": 4.99},
            "amount_cents",
            "4.99",
            "is a JSON number with a fraction or exponent",
            "an integer number of cents",
            id="float-amount",
        ),
        pytest.param(
            {"amount_cents": 499.0},
            "amount_cents",
            "499.0",
            "is a JSON number with a fraction or exponent",
            "an integer number of cents",
            id="float-whole",
        ),
        pytest.param(
            {"amount_cents": "499"},
            "amount_cents",
            "499",
            "is a JSON string",
            "an integer number of cents",
            id="string-amount",
        ),
        pytest.param(
            {"amount_cents": True},
            "amount_cents",
            "true",
            "is a JSON boolean",
            "an integer number of cents",
            id="bool-amount",
        ),
        pytest.param(
            {"amount_cents": 0},
            "amount_cents",
            "0",
            "is not above 0",
            "an amount above 0",
            id="zero-amount",
        ),
        pytest.param(
            {"return_charges_cents": -300},
            "return_charges_cents",
            "-300",
            "is negative",
            "an amount of 0 or more",
            id="negative-charges",
        ),
        pytest.param(
            {"due_date": "15.10.2026"},
            "due_date",
            "15.10.2026",
            "is not a date",
            "YYYY-MM-DD",
            id="german-date",
        ),
        pytest.param(
            {"due_date": "2026-02-31"},
            "due_date",
            "2026-02-31",
            "is not a valid date",
            "YYYY-MM-DD",
            id="bad-date",
        ),
        pytest.param(
            {"due_date": None},
            "due_date",
            "",
            "is missing",
            "a value",
            id="null-due-date",
        ),
        pytest.param(
            {"disputed": "ja"},
            "disputed",
            "ja",
            "is a JSON string",
            "true or false",
            id="string-flag",
        ),
        pytest.param(
            {"name": ["Anna"]},
            "name",
            "[...]",
            "is a JSON array",
            "a JSON string",
            id="array-name",
        ),
        pytest.param(
            {"customer_ref": 10023},
            "customer_ref",
            "10023",
            "is a JSON integer",
            "a JSON string",
            id="number-ref",
        ),
        pytest.param(
            {"email": "jm.example.com"},
            "email",
            "jm.example.com",
            "is not a valid e-mail address",
            "an address like name@example.com",
            id="email",
        ),
    ],
)
def test_json_malformed_value(
    changes: dict[str, Any], field: str, value: str, reason: str, expected: str
) -> None:
    other = GOOD_ITEM | {"item_ref": "R0"}
    result = parse_items(other, GOOD_ITEM | changes)
    assert [record.item_ref for record in result.records] == ["R0"]
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.row == 2
    assert problem.field == field
    assert problem.value == value
    assert problem.reason == reason
    assert problem.expected == expected


def test_json_missing_amount_cents() -> None:
    item = {k: v for k, v in GOOD_ITEM.items() if k != "amount_cents"}
    problems = parse_items(item | {"amount": "4,99"}).problems
    assert [(p.field, p.reason) for p in problems] == [("amount_cents", "is missing")]


def test_json_item_not_object() -> None:
    result = parse_items(GOOD_ITEM, ["R1"], 17)
    assert len(result.records) == 1
    assert [(p.row, p.field, p.reason) for p in result.problems] == [
        (2, "(item)", "is a JSON array"),
        (3, "(item)", "is a JSON integer"),
    ]


def test_json_duplicate_item_ref() -> None:
    result = parse_items(GOOD_ITEM, GOOD_ITEM | {"amount_cents": 999})
    assert result.records[0].amount_cents == 499
    assert result.problems[0].row == 2
    assert result.problems[0].reason.endswith("first seen in row 1")


@pytest.mark.parametrize(
    ("data", "match"),
    [
        pytest.param(b"", "not valid JSON", id="empty"),
        pytest.param(b'{"items": [', "not valid JSON", id="truncated"),
        pytest.param(b"[]", '"items" array', id="top-level-array"),
        pytest.param(b'{"items": {}}', '"items" array', id="items-object"),
        pytest.param(b'{"items": [NaN]}', "not valid JSON", id="nan"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "not valid JSON", id="deep"),
        pytest.param(
            b'{"items": [1' + b"0" * 5000 + b"]}", "not valid JSON", id="huge-int"
        ),
        pytest.param(b"\xff\xfe\x00junk", "not valid JSON", id="binary"),
    ],
)
def test_json_unusable_input(data: bytes, match: str) -> None:
    with pytest.raises(UnusableInput, match=match):
        parse_open_items_json(data, source="items.json")


def test_json_size_limit() -> None:
    with pytest.raises(UnusableInput, match="larger than the limit of 10 bytes"):
        parse_open_items_json(b'{"items": []}', source="items.json", max_bytes=10)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)
field_names = st.sampled_from([*GOOD_ITEM, "amount", "return_charges"])


@settings(max_examples=300, deadline=None)
@given(items=st.lists(st.dictionaries(field_names, json_values), max_size=5))
def test_json_arbitrary_items_never_crash(items: list[dict[str, Any]]) -> None:
    data = json.dumps({"items": items}).encode()
    result = parse_open_items_json(data, source="fuzz.json")
    assert len(result.records) + len(result.problems) >= len(items)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=200))
def test_json_arbitrary_bytes_never_crash(data: bytes) -> None:
    with contextlib.suppress(UnusableInput):
        parse_open_items_json(data, source="fuzz.json")
