"""Read MT942 interim transaction reports (SWIFT, German bank dialects).

An MT942 has the fields of an MT940 but no booked balances. ``:34F:`` states
the currency and a floor limit, and ``:13D:`` the date and time of the
report. ``:90D:`` and ``:90C:`` give the count and sum of debits and credits,
which are compared with the entries. The entries (``:61:`` with ``:86:``)
are read exactly as in MT940.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ._model import BankFileError, Statement
from ._mt940 import (
    _CONTROL_CHARACTER,
    _SWIFT_ENVELOPE,
    _check_sums,
    _Field,
    _first_value,
    _read_transactions,
    _split_fields,
    _split_statements,
)
from ._values import (
    ValueProblem,
    calendar_date,
    choose_entry_keys,
    iban_or_none,
    swift_year,
)

# The currency and optional D or C of the floor limit, then the amount.
_FLOOR_LIMIT = re.compile(r"([A-Z]{3})[DC]?\d{1,15}(?:,\d*)?")
# YYMMDDhhmm and the offset from UTC, e.g. 2612011200+0100.
_DATE_TIME = re.compile(r"(\d{2})(\d{2})(\d{2})(\d{4})([+-]\d{4})?")
_MT942_FIELD = re.compile(r"^:(?:34F|13D):", re.MULTILINE)
_BALANCE_FIELD = re.compile(r"^:6[02][FM]?:", re.MULTILINE)


def is_mt942(text: str) -> bool:
    """Tell an MT942 report from an MT940 statement by its fields."""
    return bool(_MT942_FIELD.search(text)) and not _BALANCE_FIELD.search(text)


def read_mt942_statements(
    text: str, filename: str, warnings: list[str]
) -> list[Statement]:
    """Read every report of an MT942 file decoded to ``text``."""
    text = _SWIFT_ENVELOPE.sub("", text.replace("\x01", "").replace("\x03", ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\x1a")
    control = _CONTROL_CHARACTER.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        raise BankFileError(
            filename,
            f"control character U+{ord(control.group()):04X} on line {line}; "
            "expected MT942 text",
        )
    reports = [
        _read_report(fields, filename, warnings)
        for fields in _split_statements(_split_fields(text, warnings), filename)
    ]
    if not reports:
        raise BankFileError(filename, "no report found; expected fields from :20: on")
    return reports


def _read_report(fields: list[_Field], filename: str, warnings: list[str]) -> Statement:
    reference = fields[0].value.strip()
    where = f"report {reference!r} on line {fields[0].line_number}"
    by_tag: dict[str, list[_Field]] = {}
    for item in fields:
        by_tag.setdefault(item.tag, []).append(item)
    try:
        limit = _first_value(by_tag, ("34F",))
        match = _FLOOR_LIMIT.fullmatch(limit or "")
        if match is None:
            raise ValueProblem(
                f":34F: {limit!r} is invalid; expected currency, D or C, amount"
            )
        currency = match.group(1)
        entries, candidates = _read_transactions(
            fields, currency, where, filename, warnings
        )
        keys = choose_entry_keys(candidates)
        entries = [
            replace(entry, entry_key=key)
            for entry, key in zip(entries, keys, strict=True)
        ]
        _check_sums(by_tag, entries, where, warnings)
        stamp = _report_date(_first_value(by_tag, ("13D", "13")), warnings, where)
    except ValueProblem as problem:
        raise BankFileError(filename, f"{where}: {problem}") from None
    number = _first_value(by_tag, ("28C", "28"))
    parts = [reference, number, stamp]
    account = _first_value(by_tag, ("25",))
    return Statement(
        statement_id="/".join(part for part in parts if part),
        account_iban=iban_or_none(account),
        currency=currency,
        opening_balance_cents=None,
        closing_balance_cents=None,
        entries=tuple(entries),
        account_identification=account,
    )


def _report_date(value: str | None, warnings: list[str], where: str) -> str | None:
    """Return the report's date and time as written, checked as a calendar date."""
    if value is None:
        return None
    match = _DATE_TIME.fullmatch(value)
    if match is None:
        raise ValueProblem(f":13D: {value!r} is invalid; expected YYMMDDhhmm+hhmm")
    day, warning = calendar_date(
        swift_year(int(match.group(1))),
        int(match.group(2)),
        int(match.group(3)),
        ":13D: date",
    )
    if warning:
        warnings.append(f"{where}: {warning}")
    return f"{day.isoformat()}T{match.group(4)}{match.group(5) or ''}"
