"""Open items as intake hands them on, the problems it rejects, and the field rules.

Both export parsers (CSV and JSON) convert raw values with their own readers and
then apply the same rules here, so an item is valid or invalid in the same way
whichever format it arrived in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypeVar

import babel

__all__ = [
    "MAX_REF_LENGTH",
    "MAX_TEXT_LENGTH",
    "MAX_VALUE_SHOWN",
    "DuplicateRefs",
    "FieldValueError",
    "OpenItemRecord",
    "ParseResult",
    "Problem",
    "ValueReader",
    "check_category",
    "check_country",
    "check_currency",
    "check_date_range",
    "check_email",
    "check_postal_code",
    "check_reason_code",
    "check_ref",
    "check_text",
    "record_from_values",
    "show_value",
]

MAX_REF_LENGTH = 64
MAX_TEXT_LENGTH = 200
MAX_EMAIL_LENGTH = 254
MAX_VALUE_SHOWN = 80
EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2099, 12, 31)

T = TypeVar("T")


@dataclass(frozen=True)
class OpenItemRecord:
    """One validated open item of a creditor, as read from an ERP export."""

    item_ref: str  # creditor's own item reference, 1-64 printable chars
    customer_ref: str  # creditor's customer number, 1-64 printable chars
    name: str
    street: str | None
    postal_code: str | None
    city: str | None
    country: str  # ISO 3166 alpha-2, "DE" when the input has none
    email: str | None
    consumer: bool  # True when the input has none
    subject: str  # what was bought ("In-App-Kauf 500 Diamanten"), may be ""
    contract_date: date | None
    invoice_date: date | None
    due_date: date
    amount_cents: int  # principal, > 0
    currency: str  # only "EUR" is accepted for now
    reminder_date: date | None
    return_charges_cents: int  # >= 0, 0 when the input has none
    disputed: bool  # False when the input has none
    category: str | None  # lower-cased, e.g. "gambling"
    return_reason: str | None = None  # bank's reason code for returned debits
    row: int = 0  # source row (header = row 1) or record index, for messages


@dataclass(frozen=True)
class Problem:
    """One rejected value of an input record, as data.

    `reason` completes the sentence "<value> ...", and `expected` names what would
    have been accepted. `value` is cut to 80 characters on construction.
    """

    row: int  # CSV line number of the record (header = 1), or JSON index + 1
    item_ref: str | None  # when it could be read
    field: str  # the column or field name as it appears in the input
    value: str  # the offending value
    expected: str  # what was expected, in plain words
    reason: str = "is invalid"

    def __post_init__(self) -> None:
        if len(self.value) > MAX_VALUE_SHOWN:
            object.__setattr__(self, "value", self.value[:MAX_VALUE_SHOWN])

    def message(self, source: str) -> str:
        """Format the problem as one line for the creditor who sent `source`."""
        return (
            f"{source} row {self.row}, field {self.field}: "
            f"{self.value!r} {self.reason}; expected {self.expected}"
        )


@dataclass(frozen=True)
class ParseResult:
    """The accepted records and the rejected values of one input file."""

    records: tuple[OpenItemRecord, ...]
    problems: tuple[Problem, ...]


class FieldValueError(ValueError):
    """A single value that a field rule rejects.

    `reason` completes the sentence "<value> ..." and `expected` names what would
    have been accepted, so that the caller can turn it into a Problem.
    """

    def __init__(self, reason: str, expected: str) -> None:
        super().__init__(f"{reason}; expected {expected}")
        self.reason = reason
        self.expected = expected


# --- Field rules: each takes a converted value and returns it normalised. ---

_WHITESPACE_RUN = re.compile(r"\s+")
# C0 and C1 controls, and the bidirectional overrides and isolates that can
# make a printed name or reference read differently from what is stored.
_CONTROL_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)*\.[^@\s.]{2,}")
_REASON_CODE = re.compile(r"[A-Z0-9]{2,35}")

# Babel's territory list also contains regions and reserved codes that no
# postal address uses, so they are excluded. XK (Kosovo) stays because address
# data uses it, although the code is user-assigned.
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
)
_COUNTRIES = frozenset(
    code
    for code in babel.Locale.parse("en").territories
    if isinstance(code, str)
    and len(code) == 2
    and code.isalpha()
    and code not in _NOT_COUNTRIES
)
_POSTAL_CODE_DIGITS = {"DE": 5, "AT": 4, "CH": 4}
_POSTAL_CODE_OTHER = re.compile(r"[A-Z0-9][A-Z0-9 -]{0,8}[A-Z0-9]")


def check_ref(text: str) -> str:
    """Return a reference stripped, or raise FieldValueError unless it has 1-64
    printable characters."""
    ref = unicodedata.normalize("NFC", text.strip())
    if not ref:
        raise FieldValueError("is empty", "1 to 64 printable characters")
    if len(ref) > MAX_REF_LENGTH:
        raise FieldValueError(
            f"has {len(ref)} characters", "1 to 64 printable characters"
        )
    if not ref.isprintable():
        raise FieldValueError(
            "contains a non-printable character such as a line break",
            "1 to 64 printable characters",
        )
    return ref


def check_text(text: str, max_length: int = MAX_TEXT_LENGTH) -> str:
    """Return free text in NFC with each run of whitespace reduced to one space.

    Line breaks count as whitespace. Raises FieldValueError on control
    characters or text longer than `max_length`.
    """
    cleaned = _WHITESPACE_RUN.sub(" ", unicodedata.normalize("NFC", text)).strip()
    expected = f"text of at most {max_length} characters without control characters"
    if len(cleaned) > max_length:
        raise FieldValueError(f"has {len(cleaned)} characters", expected)
    if _CONTROL_CHARS.search(cleaned):
        raise FieldValueError("contains a control character", expected)
    return cleaned


def check_country(text: str) -> str:
    """Return an ISO 3166 alpha-2 country code in upper case."""
    code = text.strip().upper()
    if code not in _COUNTRIES:
        raise FieldValueError(
            "is not an ISO 3166 country code",
            "a two-letter country code such as DE or AT",
        )
    return code


def check_postal_code(text: str, country: str | None) -> str:
    """Return a postal code checked against the country's format.

    Germany has 5 digits, Austria and Switzerland 4. Other countries get a
    loose check (2-10 letters, digits, spaces or hyphens) because their
    formats vary.
    """
    code = text.strip().upper()
    digits = _POSTAL_CODE_DIGITS.get(country or "")
    if digits is not None:
        if len(code) == digits and code.isascii() and code.isdigit():
            return code
        expected = f"{digits} digits for {country}"
        if country == "DE" and len(code) == 4 and code.isascii() and code.isdigit():
            expected += " (a spreadsheet may have dropped a leading zero)"
        raise FieldValueError("is not a valid postal code", expected)
    if not _POSTAL_CODE_OTHER.fullmatch(code):
        raise FieldValueError(
            "is not a valid postal code",
            "2 to 10 letters, digits, spaces or hyphens",
        )
    return code


def check_email(text: str) -> str:
    """Return an e-mail address after a loose syntax check.

    The check accepts local@domain.tld with no spaces and a top-level domain
    of at least two characters. Whether the mailbox exists shows only when a
    message bounces.
    """
    address = text.strip()
    if len(address) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(address):
        raise FieldValueError(
            "is not a valid e-mail address", "an address like name@example.com"
        )
    return address


def check_currency(text: str) -> str:
    """Return the currency code, which must be EUR for now."""
    code = text.strip().upper()
    if code != "EUR":
        raise FieldValueError("is not a supported currency", "EUR")
    return code


def check_category(text: str) -> str:
    """Return a category lower-cased, with at most 64 characters."""
    return check_text(text, MAX_REF_LENGTH).lower()


def check_reason_code(text: str) -> str:
    """Return a bank's return reason code (ISO such as MS03, or a bank's own)."""
    code = text.strip().upper()
    if not _REASON_CODE.fullmatch(code):
        raise FieldValueError(
            "is not a return reason code",
            "2 to 35 letters or digits such as MS03",
        )
    return code


def check_date_range(value: date) -> date:
    """Return the date unless it lies before 1990 or after 2099."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise FieldValueError(
            "is outside the accepted date range",
            "a date from 01.01.1990 to 31.12.2099",
        )
    return value


# --- Assembly of one record from the converted values of one input record. ---


class ValueReader(Protocol):
    """The format-specific conversions of raw input values.

    Each method raises FieldValueError for a value it cannot convert. The text
    method returns the value as a str: CSV cells already are strings, and JSON
    values must be.
    """

    def text(self, raw: Any) -> str: ...
    def date(self, raw: Any) -> date: ...
    def cents(self, raw: Any) -> int: ...
    def flag(self, raw: Any) -> bool: ...


def _is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def show_value(raw: Any) -> str:
    """Return a raw input value as text for a Problem, in JSON notation for
    non-strings; arrays and objects show only as [...] and {...}."""
    if isinstance(raw, str):
        return raw
    if raw is None:
        return "null"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int | float):
        return repr(raw)
    return "[...]" if isinstance(raw, list) else "{...}"


class _RecordChecker:
    """Collects the problems of one input record while its fields convert."""

    def __init__(
        self, values: Mapping[str, Any], labels: Mapping[str, str], row: int
    ) -> None:
        self.values = values
        self.labels = labels
        self.row = row
        self.item_ref: str | None = None
        self.problems: list[Problem] = []

    def _convert(self, field: str, convert: Callable[[Any], T]) -> T | None:
        raw = self.values.get(field)
        try:
            return convert(raw)
        except FieldValueError as error:
            self.problems.append(
                Problem(
                    row=self.row,
                    item_ref=self.item_ref,
                    field=self.labels.get(field, field),
                    value=show_value(raw),
                    expected=error.expected,
                    reason=error.reason,
                )
            )
            return None

    def required(self, field: str, convert: Callable[[Any], T]) -> T | None:
        """Convert a value that must be present."""
        if _is_blank(self.values.get(field)):
            self.problems.append(
                Problem(
                    row=self.row,
                    item_ref=self.item_ref,
                    field=self.labels.get(field, field),
                    value="",
                    expected="a value",
                    reason="is missing",
                )
            )
            return None
        return self._convert(field, convert)

    def optional(self, field: str, convert: Callable[[Any], T]) -> T | None:
        """Convert a value that may be absent or blank, which gives None."""
        if _is_blank(self.values.get(field)):
            return None
        return self._convert(field, convert)


def _optional_date(
    checker: _RecordChecker, reader: ValueReader, field: str
) -> date | None:
    return checker.optional(field, lambda raw: check_date_range(reader.date(raw)))


def record_from_values(
    values: Mapping[str, Any],
    labels: Mapping[str, str],
    row: int,
    reader: ValueReader,
) -> OpenItemRecord | list[Problem]:
    """Build one record from raw values keyed by our field names, or list every
    problem found in it.

    `labels` maps our field names to the names in the input, for the messages.
    Amount fields are keyed "amount" and "return_charges" whatever the input
    calls them. A record with any problem yields no record.
    """
    checker = _RecordChecker(values, labels, row)
    item_ref = checker.required("item_ref", lambda raw: check_ref(reader.text(raw)))
    checker.item_ref = item_ref
    customer_ref = checker.required(
        "customer_ref", lambda raw: check_ref(reader.text(raw))
    )
    name = checker.required("name", lambda raw: check_text(reader.text(raw)))
    street = checker.optional("street", lambda raw: check_text(reader.text(raw)))
    country = checker.optional("country", lambda raw: check_country(reader.text(raw)))
    # With a rejected country the postal code gets only the loose check, so that
    # one mistake is reported once.
    postal_country: str | None = country
    if country is None and _is_blank(values.get("country")):
        postal_country = "DE"
    postal_code = checker.optional(
        "postal_code",
        lambda raw: check_postal_code(reader.text(raw), postal_country),
    )
    city = checker.optional("city", lambda raw: check_text(reader.text(raw)))
    email = checker.optional("email", lambda raw: check_email(reader.text(raw)))
    consumer = checker.optional("consumer", reader.flag)
    subject = checker.optional("subject", lambda raw: check_text(reader.text(raw)))
    contract_date = _optional_date(checker, reader, "contract_date")
    invoice_date = _optional_date(checker, reader, "invoice_date")
    due_date = checker.required(
        "due_date", lambda raw: check_date_range(reader.date(raw))
    )
    amount_cents = checker.required("amount", lambda raw: _positive(reader.cents(raw)))
    currency = checker.optional(
        "currency", lambda raw: check_currency(reader.text(raw))
    )
    reminder_date = _optional_date(checker, reader, "reminder_date")
    return_charges_cents = checker.optional(
        "return_charges", lambda raw: _not_negative(reader.cents(raw))
    )
    disputed = checker.optional("disputed", reader.flag)
    category = checker.optional(
        "category", lambda raw: check_category(reader.text(raw)) or None
    )
    return_reason = checker.optional(
        "return_reason", lambda raw: check_reason_code(reader.text(raw))
    )

    if (
        checker.problems
        or item_ref is None
        or customer_ref is None
        or name is None
        or due_date is None
        or amount_cents is None
    ):
        return checker.problems
    return OpenItemRecord(
        item_ref=item_ref,
        customer_ref=customer_ref,
        name=name,
        street=street or None,
        postal_code=postal_code,
        city=city or None,
        country=country or "DE",
        email=email,
        consumer=True if consumer is None else consumer,
        subject=subject or "",
        contract_date=contract_date,
        invoice_date=invoice_date,
        due_date=due_date,
        amount_cents=amount_cents,
        currency=currency or "EUR",
        reminder_date=reminder_date,
        return_charges_cents=return_charges_cents or 0,
        disputed=bool(disputed),
        category=category,
        return_reason=return_reason,
        row=row,
    )


def _positive(cents: int) -> int:
    if cents <= 0:
        raise FieldValueError("is not above 0", "an amount above 0")
    return cents


def _not_negative(cents: int) -> int:
    if cents < 0:
        raise FieldValueError("is negative", "an amount of 0 or more")
    return cents


class DuplicateRefs:
    """The item references seen so far in one input, with their first row.

    NOTE: memory grows with the number of distinct references (about 100 bytes
    each). This is the one part of a streamed parse that is not bounded.
    """

    def __init__(self) -> None:
        self._first_rows: dict[str, int] = {}

    def check(self, record: OpenItemRecord, label: str) -> Problem | None:
        """Remember the record's item_ref, or return a Problem if an earlier
        record of the same input used it."""
        first_row = self._first_rows.setdefault(record.item_ref, record.row)
        if first_row == record.row:
            return None
        return Problem(
            row=record.row,
            item_ref=record.item_ref,
            field=label,
            value=record.item_ref,
            expected="each item_ref once per file",
            reason=(
                f"is a duplicate item_ref in this file, first seen in row {first_row}"
            ),
        )
