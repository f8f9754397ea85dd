"""Read one MT940 statement line (:61:) with its information (:86:).

The grammar of the statement line comes from the ``mt-940`` package's
pattern. Its six digits are the value date and the optional four after them
the booking date, whose year is the one nearest the value date. Marks C and
RD (reversal of a debit) are credits, D and RC debits.

A returned direct debit is booked as the original amount plus the bank
charge. German banks state both in the supplementary details, as ``/OCMT/``
(original amount) and ``/CHGS/`` (charges). Some give the original as
``OAMT+`` in the purpose instead, and the charge is the difference.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import mt940.tags

from ._model import BankEntry, format_cents
from ._mt940_details import Information, find_return_reason, parse_information
from ._values import (
    ValueProblem,
    calendar_date,
    iban_or_none,
    nearest_year,
    parse_mt940_amount,
    reference_or_none,
    swift_year,
)

_STATEMENT_LINE = re.compile(mt940.tags.Statement.pattern, mt940.tags.Tag.RE_FLAGS)
_RETURN_AMOUNT = re.compile(r"/(OCMT|CHGS)/([A-Z]{3})(\d{1,15}(?:,\d{0,15})?)/?")
_MISPLACED_TYPE = re.compile(r"\s+([A-Z][A-Z0-9]{3})(.*)")

# GVC 108 and 109: returned SEPA B2B and Core direct debit. 110, 159 and
# 160 are returns of card clearing and (instant) credit transfers.
_DIRECT_DEBIT_RETURN_GVCS = frozenset({"108", "109"})
_OTHER_RETURN_GVCS = frozenset({"110", "159", "160"})
_DIRECT_DEBIT_RETURN_TEXT = re.compile(
    r"R(?:UE|Ü)CKLASTSCHRIFT|LASTSCHR\S*\s+(?:RETOURE|R(?:UE|Ü)CK)"
    r"|\bLS\s+R(?:UE|Ü)CK|R(?:UE|Ü)CKBELASTUNG",
    re.IGNORECASE,
)
_RETURN_TEXT = re.compile(
    r"RETOURE|R(?:UE|Ü)CK(?:LASTSCHRIFT|BELASTUNG|(?:UE|Ü)BERWEISUNG|GABE)",
    re.IGNORECASE,
)


def read_statement_line(
    value: str, details: str, currency: str, where: str, warnings: list[str]
) -> tuple[BankEntry, str | None]:
    """Read a :61: value and its :86: details into an entry without a key.

    Returns the entry and the bank reference (after ``//``) that may serve
    as its key. Raises :class:`ValueProblem` for a line that does not parse.
    """
    first_line, _, rest = value.partition("\n")
    match = _STATEMENT_LINE.match(first_line)
    if match is None:
        raise ValueProblem(
            f"statement line {first_line!r} is invalid; expected YYMMDD[MMDD], "
            "C|D|RC|RD, amount, type and reference"
        )
    parts = match.groupdict()
    type_code, customer_reference = parts["id"], parts["customer_reference"] or ""
    misplaced = _MISPLACED_TYPE.fullmatch(customer_reference)
    if type_code is None and misplaced is not None:
        # Some banks put a space between the amount and the type code.
        type_code, customer_reference = misplaced.group(1), misplaced.group(2)

    value_date, booking_date = _line_dates(parts, where, warnings)
    mark = parts["status"].upper()
    sign = -1 if mark in ("D", "RC") else 1
    amount = sign * parse_mt940_amount(parts["amount"])

    information = parse_information(details) if details.strip() else None
    supplementary = (
        f"{parts['extra_details'] or ''}\n{rest}\n{customer_reference}\n{details}"
    )
    return_amounts = _return_amounts(supplementary, currency)
    entry = _build_entry(
        amount,
        currency,
        booking_date,
        value_date,
        information,
        return_amounts,
        where,
        warnings,
    )
    entry = replace(
        entry,
        transaction_code=entry.transaction_code or type_code,
        is_reversal=mark.startswith("R"),
    )
    return entry, reference_or_none(parts["bank_reference"])


def _line_dates(
    parts: dict[str, str | None], where: str, warnings: list[str]
) -> tuple[date, date]:
    year = swift_year(int(parts["year"] or "0"))
    value_date, warning = calendar_date(
        year, int(parts["month"] or "0"), int(parts["day"] or "0"), "value date"
    )
    if warning:
        warnings.append(f"{where}: {warning}")
    month_text = (parts["entry_month"] or "").strip()
    day_text = (parts["entry_day"] or "").strip()
    if not (month_text.isdigit() and day_text.isdigit()):
        return value_date, value_date
    month, day = int(month_text), int(day_text)
    entry_year = (
        nearest_year(month, day, value_date) if 1 <= month <= 12 else value_date.year
    )
    booking_date, warning = calendar_date(entry_year, month, day, "booking date")
    if warning:
        warnings.append(f"{where}: {warning}")
    return value_date, booking_date


def _return_amounts(text: str, currency: str) -> dict[str, int]:
    """Find ``/OCMT/`` (original amount) and ``/CHGS/`` (charges) in ``currency``."""
    found: dict[str, int] = {}
    for match in _RETURN_AMOUNT.finditer(text):
        kind, amount_currency, amount = match.groups()
        if amount_currency == currency and kind not in found:
            found[kind] = parse_mt940_amount(amount)
    return found


def _build_entry(
    amount: int,
    currency: str,
    booking_date: date,
    value_date: date,
    information: Information | None,
    return_amounts: dict[str, int],
    where: str,
    warnings: list[str],
) -> BankEntry:
    gvc = information.gvc if information else None
    # The booking text (?00) names a return. Free text has none, so all of it
    # is searched.
    text = (information.booking_text or information.text) if information else ""
    is_return = amount < 0 and (
        gvc in _DIRECT_DEBIT_RETURN_GVCS
        or bool(_DIRECT_DEBIT_RETURN_TEXT.search(text or ""))
    )
    any_return = (
        is_return or gvc in _OTHER_RETURN_GVCS or bool(_RETURN_TEXT.search(text or ""))
    )
    sepa = information.sepa if information else {}

    charges = return_amounts.get("CHGS", 0)
    original = None
    if is_return:
        original = return_amounts.get("OCMT")
        if original is None and "OAMT" in sepa:
            original = _amount_or_none(sepa["OAMT"])
        booked = abs(amount)
        if original is None:
            original = booked - charges
        elif "CHGS" not in return_amounts and booked > original:
            charges = booked - original
        elif booked != original + charges:
            warnings.append(
                f"{where}: returned debit booked {format_cents(booked)} but its "
                f"original amount {format_cents(original)} plus charges "
                f"{format_cents(charges)} makes {format_cents(original + charges)}"
            )

    return BankEntry(
        entry_key="",
        booking_date=booking_date,
        value_date=value_date,
        amount_cents=amount,
        currency=currency,
        charges_cents=charges,
        original_amount_cents=original,
        reference=information.purpose if information else "",
        structured_reference=None,
        end_to_end_id=reference_or_none(sepa.get("EREF")),
        mandate_id=reference_or_none(sepa.get("MREF")),
        counterparty_name=information.counterparty_name if information else None,
        counterparty_iban=iban_or_none(information.counterparty_account)
        if information
        else None,
        return_reason=find_return_reason(information)
        if information and any_return
        else None,
        is_return=is_return,
        transaction_code=gvc,
        booking_text=information.booking_text if information else None,
    )


def _amount_or_none(text: str) -> int | None:
    try:
        return parse_mt940_amount(text)
    except ValueProblem:
        return None
