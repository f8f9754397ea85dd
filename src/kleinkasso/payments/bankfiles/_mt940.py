"""Read MT940 statements.

Every ``:20:`` starts a statement, and a line that is only ``-`` ends a
message. The grammar of a balance comes from the ``mt-940`` package's
pattern. Fields, dates, amounts and the German ``:86:`` subfields are read
here because kleinkasso needs what the package does not give. It warns
instead of silently fixing 30 February, never rounds amounts, splits
``/OCMT/`` and ``/CHGS/`` of returns, and logs no field values, which contain
personal data. A day past the month's end (a Sparkasse sent 30 February)
becomes the month's last day, with a warning.

The statement id is ``:20:``, ``:28C:`` and the opening balance date joined
by ``/``, because banks reuse ``:20:`` values such as STARTUMS for every
statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

import mt940.tags

from ._model import BankEntry, BankFileError, Statement, format_cents
from ._mt940_entries import read_statement_line
from ._values import (
    ValueProblem,
    calendar_date,
    choose_entry_keys,
    clean_text,
    iban_or_none,
    parse_mt940_amount,
    swift_year,
)

_BALANCE = re.compile(mt940.tags.BalanceBase.pattern, mt940.tags.Tag.RE_FLAGS)
_FIELD_START = re.compile(r":(\d{2}[A-Z]?|NS):")
# SWIFT FIN envelope: basic, application and user header blocks, the text
# block's opening and closing, and the trailer block.
_SWIFT_ENVELOPE = re.compile(
    r"\{[12]:[^{}]*\}|\{3:(?:\{[^{}]*\})*\}|\{4:|-\}|\{5:(?:\{[^{}]*\})*\}"
)
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SUM_ENTRIES = re.compile(r"(\d{1,5})([A-Z]{3})(\d{1,15}(?:,\d*)?)")


@dataclass
class _Field:
    tag: str
    lines: list[str]
    line_number: int

    @property
    def value(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class _Balance:
    cents: int
    currency: str
    date: date


def read_mt940_statements(
    text: str, filename: str, warnings: list[str]
) -> list[Statement]:
    """Read every statement of an MT940 file decoded to ``text``."""
    text = _SWIFT_ENVELOPE.sub("", text.replace("\x01", "").replace("\x03", ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\x1a")
    control = _CONTROL_CHARACTER.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        raise BankFileError(
            filename,
            f"control character U+{ord(control.group()):04X} on line {line}; "
            "expected MT940 text",
        )

    statements = [
        _read_statement(fields, filename, warnings)
        for fields in _split_statements(_split_fields(text, warnings), filename)
    ]
    if not statements:
        raise BankFileError(
            filename, "no statement found; expected fields from :20: on"
        )
    return statements


def _split_fields(text: str, warnings: list[str]) -> list[_Field]:
    fields: list[_Field] = []
    in_message = False
    ignored = 0
    for number, line in enumerate(text.split("\n"), start=1):
        start = _FIELD_START.match(line)
        if start is not None:
            fields.append(_Field(start.group(1), [line[start.end() :]], number))
            in_message = True
        elif line.strip() == "-":
            in_message = False
        elif line.strip() and in_message and fields:
            fields[-1].lines.append(line)
        elif line.strip():
            ignored += 1
    if ignored:
        warnings.append(f"{ignored} lines outside any MT940 message were ignored")
    return fields


def _split_statements(fields: list[_Field], filename: str) -> list[list[_Field]]:
    statements: list[list[_Field]] = []
    for item in fields:
        if item.tag == "20":
            statements.append([item])
        elif statements:
            statements[-1].append(item)
        else:
            raise BankFileError(
                filename,
                f"field :{item.tag}: on line {item.line_number} comes before the "
                "first :20:; expected every statement to start with :20:",
            )
    return statements


def _read_statement(
    fields: list[_Field], filename: str, warnings: list[str]
) -> Statement:
    reference = fields[0].value.strip()
    where = f"statement {reference!r} on line {fields[0].line_number}"
    try:
        return _read_statement_fields(fields, reference, where, filename, warnings)
    except ValueProblem as problem:
        raise BankFileError(filename, f"{where}: {problem}") from None


def _read_statement_fields(
    fields: list[_Field], reference: str, where: str, filename: str, warnings: list[str]
) -> Statement:
    by_tag: dict[str, list[_Field]] = {}
    for item in fields:
        by_tag.setdefault(item.tag, []).append(item)

    opening = _first_balance(
        by_tag, ("60F", "60M", "60"), "opening balance", warnings, where
    )
    closing = _first_balance(
        by_tag, ("62F", "62M", "62"), "closing balance", warnings, where
    )
    # The opening balance, or else the closing one, gives the currency and
    # the date in the statement id.
    anchor = opening or closing
    if anchor is None:
        raise ValueProblem(
            "has no :60: or :62: balance; expected one to give the currency"
        )
    currency = anchor.currency
    if closing is None:
        # Every MT940 statement ends with :62F: or :62M:; without it the file
        # was most likely cut off, and its last entry may be incomplete.
        warnings.append(
            f"{where}: has no :62: closing balance; the file may be truncated"
        )

    entries, candidates = _read_transactions(
        fields, currency, where, filename, warnings
    )
    keys = choose_entry_keys(candidates)
    entries = [
        replace(entry, entry_key=key) for entry, key in zip(entries, keys, strict=True)
    ]
    _check_sums(by_tag, entries, where, warnings)

    number = _first_value(by_tag, ("28C", "28"))
    parts = [reference, number, anchor.date.isoformat()]
    statement_id = "/".join(part for part in parts if part)
    account = _first_value(by_tag, ("25",))
    return Statement(
        statement_id=statement_id,
        account_iban=iban_or_none(account),
        currency=currency,
        opening_balance_cents=opening.cents if opening else None,
        closing_balance_cents=closing.cents if closing else None,
        entries=tuple(entries),
        account_identification=account,
    )


def _first_value(by_tag: dict[str, list[_Field]], tags: tuple[str, ...]) -> str | None:
    for tag in tags:
        if tag in by_tag:
            return clean_text(by_tag[tag][0].value)
    return None


def _first_balance(
    by_tag: dict[str, list[_Field]],
    tags: tuple[str, ...],
    label: str,
    warnings: list[str],
    where: str,
) -> _Balance | None:
    value = _first_value(by_tag, tags)
    if value is None:
        return None
    match = _BALANCE.fullmatch(value)
    if (
        match is None
        or not match.group("amount")
        or not match.group("currency").isalpha()
    ):
        raise ValueProblem(
            f"{label} {value!r} is invalid; expected C|D, YYMMDD, currency, amount"
        )
    parts = match.groupdict()
    day, warning = calendar_date(
        swift_year(int(parts["year"])),
        int(parts["month"]),
        int(parts["day"]),
        f"{label} date",
    )
    if warning:
        warnings.append(f"{where}: {warning}")
    sign = -1 if parts["status"].upper() == "D" else 1
    return _Balance(
        sign * parse_mt940_amount(parts["amount"]), parts["currency"].upper(), day
    )


def _read_transactions(
    fields: list[_Field], currency: str, where: str, filename: str, warnings: list[str]
) -> tuple[list[BankEntry], list[tuple[str | None, ...]]]:
    """Pair every :61: with the :86: fields that follow it."""
    lines: list[tuple[_Field, list[str]]] = []
    for item in fields:
        if item.tag == "61":
            lines.append((item, []))
        elif item.tag == "86" and lines:
            lines[-1][1].append(item.value)

    entries: list[BankEntry] = []
    candidates: list[tuple[str | None, ...]] = []
    for position, (line, details) in enumerate(lines, start=1):
        entry_where = f"{where} entry {position} on line {line.line_number}"
        try:
            entry, bank_reference = read_statement_line(
                line.value, "\n".join(details), currency, entry_where, warnings
            )
        except ValueProblem as problem:
            raise BankFileError(filename, f"{entry_where}: {problem}") from None
        entries.append(entry)
        candidates.append((bank_reference,))
    return entries, candidates


def _check_sums(
    by_tag: dict[str, list[_Field]],
    entries: list[BankEntry],
    where: str,
    warnings: list[str],
) -> None:
    """Compare :90D: and :90C: (count and sum of debits, credits) with the entries."""
    for tag, label, selected in (
        ("90D", "debit", [-e.amount_cents for e in entries if e.amount_cents < 0]),
        ("90C", "credit", [e.amount_cents for e in entries if e.amount_cents > 0]),
    ):
        value = _first_value(by_tag, (tag,))
        if value is None:
            continue
        match = _SUM_ENTRIES.fullmatch(value)
        if match is None:
            raise ValueProblem(
                f":{tag}: {value!r} is invalid; expected count, currency, amount"
            )
        count, total = int(match.group(1)), parse_mt940_amount(match.group(3))
        if count != len(selected) or total != sum(selected):
            warnings.append(
                f"{where}: :{tag}: states {count} {label} entries of "
                f"{format_cents(total)} but the statement has {len(selected)} of "
                f"{format_cents(sum(selected))}"
            )
