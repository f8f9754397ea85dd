"""Read one camt entry (Ntry) into BankEntry records.

An entry with several TxDtls that carry their own amounts is a batch. It is
split into one BankEntry per TxDtls when the amounts add up to the entry
amount in its currency. Otherwise it stays one entry, as booked, with a
warning. The sign of an amount is the entry's CdtDbtInd. A reversal (RvslInd)
is reported with the direction it moved the account, so it keeps that sign
and is flagged with ``is_reversal``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date

from ._camt_details import (
    BankCode,
    Charge,
    Details,
    Money,
    count_at,
    credit_debit_sign,
    money_at,
    read_bank_code,
    read_charges,
    read_details,
)
from ._model import BankEntry, format_cents
from ._values import ValueProblem, clean_text, parse_iso_date
from ._xmltree import text_at

_DIRECT_DEBIT_FAMILIES = frozenset({"IDDT", "RDDT"})
_CREDIT_TRANSFER_FAMILIES = frozenset({"ICDT", "RCDT"})
# UPDD is an unpaid direct debit, PRDD the reversal of a paid one.
_DIRECT_DEBIT_RETURN_SUBFAMILIES = frozenset({"UPDD", "PRDD"})
# The German GVCs 108 and 109 are returned SEPA B2B and Core direct debits.
_DIRECT_DEBIT_RETURN_GVCS = frozenset({"108", "109"})


@dataclass(frozen=True)
class _Entry:
    """The Ntry-level facts that every BankEntry split from it shares."""

    where: str
    amount_cents: int
    currency: str
    booking_date: date
    value_date: date | None
    is_reversal: bool
    bank_code: BankCode
    booking_text: str | None
    charges: tuple[Charge, ...]
    instructed: Money | None


def read_entry(
    ntry: ET.Element,
    amount: Money,
    where: str,
    statement_currency: str | None,
    warnings: list[str],
) -> list[BankEntry] | None:
    """Read a booked Ntry into entries without keys.

    Returns ``None`` for an entry that is not booked. Raises
    :class:`ValueProblem` for a value that does not parse.
    """
    status = text_at(ntry, "Sts/Cd") or text_at(ntry, "Sts")
    if status is not None and status != "BOOK":
        return None

    entry = _read_entry_facts(ntry, amount, where, statement_currency, warnings)
    sign = 1 if entry.amount_cents >= 0 else -1
    details: list[Details] = []
    for block in ntry.findall("NtryDtls"):
        block_details = [read_details(tx, sign) for tx in block.findall("TxDtls")]
        _check_batch(block.find("Btch"), block_details, sign, where, warnings)
        details.extend(block_details)

    if len(details) <= 1:
        single = details[0] if details else None
        charges = single.charges if single and single.charges else entry.charges
        return [
            _build_entry(entry, single, entry.amount_cents, charges, None, warnings)
        ]

    if _can_split(entry, details, warnings):
        return [
            _build_entry(entry, item, item.amount.cents, item.charges, index, warnings)
            for index, item in enumerate(details)
            if item.amount is not None
        ]
    merged = _merge_details(details)
    return [
        _build_entry(entry, merged, entry.amount_cents, entry.charges, None, warnings)
    ]


def _read_entry_facts(
    ntry: ET.Element,
    amount: Money,
    where: str,
    statement_currency: str | None,
    warnings: list[str],
) -> _Entry:
    currency = amount.currency or statement_currency
    if currency is None:
        raise ValueProblem("amount has no currency; expected a Ccy attribute")

    booking_date = _read_date(ntry, "BookgDt", where, warnings)
    value_date = _read_date(ntry, "ValDt", where, warnings)
    if booking_date is None:
        booking_date = value_date
    if booking_date is None:
        raise ValueProblem("booking date is missing; expected BookgDt or ValDt")

    return _Entry(
        where=where,
        amount_cents=credit_debit_sign(ntry, None) * amount.cents,
        currency=currency,
        booking_date=booking_date,
        value_date=value_date,
        is_reversal=(text_at(ntry, "RvslInd") or "").lower() == "true",
        bank_code=read_bank_code(ntry.find("BkTxCd")),
        booking_text=clean_text(text_at(ntry, "AddtlNtryInf")),
        charges=read_charges(ntry),
        instructed=money_at(ntry, "AmtDtls/InstdAmt/Amt"),
    )


def _read_date(
    ntry: ET.Element, tag: str, where: str, warnings: list[str]
) -> date | None:
    text = text_at(ntry, f"{tag}/Dt") or text_at(ntry, f"{tag}/DtTm")
    if text is None:
        return None
    label = "booking date" if tag == "BookgDt" else "value date"
    parsed, warning = parse_iso_date(text, label)
    if warning:
        warnings.append(f"{where}: {warning}")
    return parsed


def _check_batch(
    batch: ET.Element | None,
    transactions: list[Details],
    sign: int,
    where: str,
    warnings: list[str],
) -> None:
    """Compare a Btch's stated count and total with the TxDtls beside it."""
    if batch is None:
        return
    stated_count = count_at(batch, "NbOfTxs")
    if stated_count is not None and stated_count != len(transactions):
        warnings.append(
            f"{where}: batch states {stated_count} transactions but lists "
            f"{len(transactions)} transaction details"
        )

    total = money_at(batch, "TtlAmt")
    amounts = [tx.amount for tx in transactions if tx.amount is not None]
    if total is None or not amounts or len(amounts) < len(transactions):
        return
    stated = credit_debit_sign(batch, sign) * total.cents
    listed = sum(a.cents for a in amounts)
    currencies = {a.currency or total.currency for a in amounts}
    if stated != listed or currencies != {total.currency}:
        listed_currencies = ", ".join(
            sorted(c or "without currency" for c in currencies)
        )
        warnings.append(
            f"{where}: batch total {format_cents(stated)} {total.currency} differs "
            f"from its transaction details' sum {format_cents(listed)} "
            f"{listed_currencies}"
        )


def _can_split(entry: _Entry, details: list[Details], warnings: list[str]) -> bool:
    """Decide whether a batch entry splits into one BankEntry per TxDtls.

    It splits when every TxDtls carries an amount in the entry's currency and
    the amounts add up to the entry amount. Otherwise the entry stays whole,
    as booked, and a warning names the figures.
    """
    amounts = [item.amount for item in details]
    present = [a for a in amounts if a is not None]
    if len(present) < len(amounts):
        if present:
            warnings.append(
                f"{entry.where}: only {len(present)} of {len(amounts)} transaction "
                "details carry an amount; kept as one entry"
            )
        return False

    currencies = {a.currency or entry.currency for a in present}
    total = sum(a.cents for a in present)
    if currencies != {entry.currency} or total != entry.amount_cents:
        warnings.append(
            f"{entry.where}: entry amount {format_cents(entry.amount_cents)} "
            f"{entry.currency} differs from the sum of its {len(present)} transaction "
            f"details, {format_cents(total)} {', '.join(sorted(currencies))}; "
            "kept as one entry"
        )
        return False
    return True


def _merge_details(details: list[Details]) -> Details:
    """Combine the TxDtls of an entry that stays whole into one Details."""

    def common(values: list[str | None]) -> str | None:
        distinct = set(values)
        return values[0] if len(distinct) == 1 else None

    codes = {item.bank_code for item in details}
    return Details(
        amount=None,
        instructed=None,
        end_to_end_id=common([d.end_to_end_id for d in details]),
        mandate_id=common([d.mandate_id for d in details]),
        payment_information_id=common([d.payment_information_id for d in details]),
        reference="\n".join(d.reference for d in details if d.reference),
        structured_reference=next(
            (d.structured_reference for d in details if d.structured_reference), None
        ),
        debtor_name=common([d.debtor_name for d in details]),
        debtor_iban=common([d.debtor_iban for d in details]),
        creditor_name=common([d.creditor_name for d in details]),
        creditor_iban=common([d.creditor_iban for d in details]),
        bank_code=details[0].bank_code if len(codes) == 1 else BankCode(),
        has_return_info=all(d.has_return_info for d in details),
        return_reason=common([d.return_reason for d in details]),
        charges=(),
    )


def _build_entry(
    entry: _Entry,
    details: Details | None,
    amount_cents: int,
    charges: tuple[Charge, ...],
    batch_index: int | None,
    warnings: list[str],
) -> BankEntry:
    code = entry.bank_code
    has_return_info = False
    if details is not None:
        code = details.bank_code.or_else(entry.bank_code)
        has_return_info = details.has_return_info
    is_return = is_direct_debit_return(code, has_return_info)

    instructed = details.instructed if details and details.instructed else None
    if instructed is None and batch_index is None:
        instructed = entry.instructed
    original = None
    if (
        is_return
        and instructed is not None
        and instructed.currency in (None, entry.currency)
    ):
        original = instructed.cents
    included, separate, original = _split_charges(
        charges, abs(amount_cents), original, is_return, entry.where, warnings
    )

    # The counterparty is the debtor when the account holder collected a
    # direct debit (IDDT) or received a credit transfer (RCDT), and the
    # creditor when it paid one (ICDT) or was debited (RDDT).
    debtor_side = (
        is_return
        or code.family in {"IDDT", "RCDT"}
        or (code.family not in {"ICDT", "RDDT"} and amount_cents >= 0)
    )
    name = iban = None
    if details is not None:
        name = details.debtor_name if debtor_side else details.creditor_name
        iban = details.debtor_iban if debtor_side else details.creditor_iban

    return BankEntry(
        entry_key="",
        booking_date=entry.booking_date,
        value_date=entry.value_date,
        amount_cents=amount_cents,
        currency=entry.currency,
        charges_cents=included,
        original_amount_cents=original,
        reference=details.reference if details else "",
        structured_reference=details.structured_reference if details else None,
        end_to_end_id=details.end_to_end_id if details else None,
        mandate_id=details.mandate_id if details else None,
        counterparty_name=name,
        counterparty_iban=iban,
        return_reason=details.return_reason if details else None,
        is_return=is_return,
        transaction_code=code.code(),
        batch_index=batch_index,
        is_reversal=entry.is_reversal,
        booking_text=entry.booking_text,
        separate_charges_cents=separate,
        payment_information_id=details.payment_information_id if details else None,
    )


def is_direct_debit_return(code: BankCode, has_return_info: bool) -> bool:
    """Decide whether an entry is a returned or reversed direct debit.

    True for the ISO codes of an unpaid or reversed direct debit, for the
    German GVCs 108 and 109, and for any entry with return information
    (RtrInf) that is not a credit transfer.
    """
    if code.family in _DIRECT_DEBIT_FAMILIES and code.subfamily in (
        _DIRECT_DEBIT_RETURN_SUBFAMILIES
    ):
        return True
    if code.dk_gvc() in _DIRECT_DEBIT_RETURN_GVCS:
        return True
    return has_return_info and code.family not in _CREDIT_TRANSFER_FAMILIES


def _split_charges(
    charges: tuple[Charge, ...],
    booked: int,
    original: int | None,
    is_return: bool,
    where: str,
    warnings: list[str],
) -> tuple[int, int, int | None]:
    """Split charges into those contained in the booked amount and separate ones.

    Returns (included, separate, original amount). A charge whose inclusion
    the file leaves open counts as included, unless the booked amount already
    equals the original amount without it. A return without a stated original
    amount gets the booked amount less the included charges as original. A
    return with a stated original but no listed charge gets the difference as
    its charge.
    """
    included = sum(c.cents for c in charges if c.included is True)
    separate = sum(c.cents for c in charges if c.included is False)
    unstated = sum(c.cents for c in charges if c.included is None)
    if unstated and original is not None and booked == original + included:
        separate += unstated
    else:
        included += unstated
    included, separate = max(included, 0), max(separate, 0)

    if not is_return:
        return included, separate, None
    if original is None:
        return included, separate, booked - included
    if not charges and booked > original:
        return booked - original, separate, original
    if booked != original + included:
        warnings.append(
            f"{where}: returned debit booked {format_cents(booked)} but its original "
            f"amount {format_cents(original)} plus charges {format_cents(included)} "
            f"makes {format_cents(original + included)}"
        )
    return included, separate, original
