"""Open items from JSON exports: {"items": [{...}, ...]}.

Each item uses the CSV column names (see erp_csv.COLUMNS), except that money is
given as integer cents in "amount_cents" and "return_charges_cents". A JSON
number with a fraction or exponent is rejected rather than rounded. Dates are
ISO 8601 strings (YYYY-MM-DD) and flags are JSON booleans. Unknown keys are
ignored. A Problem's row is the item's index + 1.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from typing import Any

from kleinkasso.intake.erp_csv import DEFAULT_MAX_BYTES, UnusableInput
from kleinkasso.intake.records import (
    DuplicateRefs,
    FieldValueError,
    OpenItemRecord,
    ParseResult,
    Problem,
    record_from_values,
    show_value,
)

__all__ = ["parse_open_items_json"]

logger = logging.getLogger(__name__)

# Our field names for the money fields, keyed by the JSON key.
_MONEY_KEYS = {"amount_cents": "amount", "return_charges_cents": "return_charges"}
_LABELS = {field: key for key, field in _MONEY_KEYS.items()}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ITEM = "(item)"


class _JsonValues:
    """The ValueReader for JSON values, which must already have the right
    JSON type."""

    def text(self, raw: Any) -> str:
        if not isinstance(raw, str):
            raise FieldValueError(f"is a JSON {_json_type(raw)}", "a JSON string")
        return raw

    def date(self, raw: Any) -> date:
        text = self.text(raw).strip()
        if not _ISO_DATE.fullmatch(text):
            raise FieldValueError("is not a date", "YYYY-MM-DD")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise FieldValueError("is not a valid date", "YYYY-MM-DD") from None

    def cents(self, raw: Any) -> int:
        # bool is a subclass of int in Python, so it is excluded explicitly.
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise FieldValueError(
                f"is a JSON {_json_type(raw)}", "an integer number of cents"
            )
        return raw

    def flag(self, raw: Any) -> bool:
        if not isinstance(raw, bool):
            raise FieldValueError(f"is a JSON {_json_type(raw)}", "true or false")
        return raw


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number with a fraction or exponent"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def _load_items(data: bytes, source: str, max_bytes: int) -> list[Any]:
    if len(data) > max_bytes:
        raise UnusableInput(
            source, f"the file is larger than the limit of {max_bytes} bytes"
        )
    try:
        document = json.loads(data, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        # ValueError covers malformed JSON, undecodable bytes and integers
        # above Python's digit limit for int().
        raise UnusableInput(source, f"not valid JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise UnusableInput(
            source, 'expected a JSON object with an "items" array of open items'
        )
    items: list[Any] = document["items"]
    return items


def parse_open_items_json(
    data: bytes, *, source: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> ParseResult:
    """Parse a JSON export of open items held in memory.

    Raises UnusableInput when the document is not JSON or has no "items"
    array. Every bad value inside an item becomes a Problem.
    """
    items = _load_items(data, source, max_bytes)
    reader = _JsonValues()
    duplicates = DuplicateRefs()
    records: list[OpenItemRecord] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        row = index + 1
        if not isinstance(item, dict):
            problems.append(
                Problem(
                    row=row,
                    item_ref=None,
                    field=_ITEM,
                    value=show_value(item),
                    expected="a JSON object with the fields of one open item",
                    reason=f"is a JSON {_json_type(item)}",
                )
            )
            continue
        # "amount" and "return_charges" are the CSV names, which carry euros;
        # in JSON only the cents keys are read.
        values = {
            key: value for key, value in item.items() if key not in _MONEY_KEYS.values()
        }
        for json_key, field in _MONEY_KEYS.items():
            if json_key in values:
                values[field] = values.pop(json_key)
        result = record_from_values(values, _LABELS, row, reader)
        if isinstance(result, list):
            problems.extend(result)
            continue
        duplicate = duplicates.check(result, "item_ref")
        if duplicate is None:
            records.append(result)
        else:
            problems.append(duplicate)
    logger.info(
        "%s: %d open items accepted, %d problems", source, len(records), len(problems)
    )
    return ParseResult(records=tuple(records), problems=tuple(problems))
