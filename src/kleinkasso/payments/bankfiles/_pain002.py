"""Read pain.002 payment status reports.

A status report lists for the creditor which transactions of a direct debit
order (pain.008) or credit transfer order (pain.001) the bank rejected,
before any money moves. The whole report becomes one
:class:`Statement` named by its MsgId, with one :class:`BankEntry` per
TxInfAndSts:

- ``amount_cents`` is 0, because nothing was booked; the ordered amount is in
  ``original_amount_cents``.
- ``booking_date`` is the report's creation date as written (GrpHdr/CreDtTm),
  ``value_date`` the requested collection date of the original order.
- ``is_return`` is true for a rejected (RJCT) direct debit. A rejected credit
  transfer keeps its reason in ``return_reason`` but is no returned debit.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date

from ._camt_details import money_at
from ._model import BankEntry, BankFileError, Statement
from ._values import (
    ValueProblem,
    choose_entry_keys,
    clean_text,
    normalize_iban,
    parse_iso_date,
    reference_or_none,
)
from ._xmltree import text_at, texts_at


def read_pain002_statement(
    message: ET.Element, filename: str, warnings: list[str]
) -> Statement:
    """Read a CstmrPmtStsRpt element into one statement of status entries."""
    message_id = text_at(message, "GrpHdr/MsgId")
    created = text_at(message, "GrpHdr/CreDtTm")
    if message_id is None or created is None:
        raise BankFileError(
            filename,
            "status report has no GrpHdr/MsgId or GrpHdr/CreDtTm; expected both",
        )
    where = f"status report {message_id!r}"
    try:
        report_date, warning = parse_iso_date(created, "creation date")
    except ValueProblem as problem:
        raise BankFileError(filename, f"{where}: {problem}") from None
    if warning:
        warnings.append(f"{where}: {warning}")

    group = message.find("OrgnlGrpInfAndSts")
    group_status = text_at(group, "GrpSts")
    original_message_type = (text_at(group, "OrgnlMsgNmId") or "").lower()
    if group_status == "RJCT":
        warnings.append(
            f"{where}: the whole order {text_at(group, 'OrgnlMsgId')!r} was rejected "
            f"(reason {_status_reason(group)})"
        )

    entries: list[BankEntry] = []
    candidates: list[tuple[str | None, ...]] = []
    position = 0
    for payment in message.findall("OrgnlPmtInfAndSts"):
        own_status = text_at(payment, "PmtInfSts")
        payment_status = own_status or group_status
        payment_id = reference_or_none(text_at(payment, "OrgnlPmtInfId"))
        if own_status == "RJCT" and payment.find("TxInfAndSts") is None:
            warnings.append(
                f"{where}: the whole payment information {payment_id!r} was "
                f"rejected (reason {_status_reason(payment)}) without listing "
                "its transactions"
            )
        for transaction in payment.findall("TxInfAndSts"):
            position += 1
            entry_where = f"{where} transaction {position}"
            try:
                entry = _read_transaction(
                    transaction,
                    report_date,
                    payment_status,
                    payment_id,
                    original_message_type,
                    entry_where,
                    warnings,
                )
            except ValueProblem as problem:
                raise BankFileError(filename, f"{entry_where}: {problem}") from None
            entries.append(entry)
            candidates.append((reference_or_none(text_at(transaction, "StsId")),))

    keys = choose_entry_keys(candidates)
    currencies = {entry.currency for entry in entries if entry.currency}
    accounts = {
        normalize_iban(text)
        for text in texts_at(
            message, "OrgnlPmtInfAndSts/TxInfAndSts/OrgnlTxRef/CdtrAcct/Id/IBAN"
        )
    }
    return Statement(
        statement_id=message_id,
        account_iban=accounts.pop() if len(accounts) == 1 else None,
        currency=currencies.pop() if len(currencies) == 1 else None,
        opening_balance_cents=None,
        closing_balance_cents=None,
        entries=tuple(
            replace(entry, entry_key=key)
            for entry, key in zip(entries, keys, strict=True)
        ),
    )


def _read_transaction(
    transaction: ET.Element,
    report_date: date,
    payment_status: str | None,
    payment_id: str | None,
    original_message_type: str,
    where: str,
    warnings: list[str],
) -> BankEntry:
    status = text_at(transaction, "TxSts") or payment_status
    original = transaction.find("OrgnlTxRef")
    amount = money_at(original, "Amt/InstdAmt") if original is not None else None
    if amount is None and original is not None:
        amount = money_at(original, "Amt/EqvtAmt/Amt")

    value_date = None
    collection_date = text_at(original, "ReqdColltnDt")
    if collection_date is not None:
        value_date, warning = parse_iso_date(
            collection_date, "requested collection date"
        )
        if warning:
            warnings.append(f"{where}: {warning}")

    is_direct_debit = original_message_type.startswith("pain.008") or (
        not original_message_type.startswith("pain.001")
        and original is not None
        and (original.find("MndtRltdInf") is not None or collection_date is not None)
    )
    rejected = status == "RJCT"
    if rejected and is_direct_debit and amount is None:
        warnings.append(
            f"{where}: rejected direct debit states no original amount; "
            "only its end-to-end id identifies it"
        )

    references: list[str] = []
    lines: list[str] = []
    if original is not None:
        references = [
            t.strip() for t in texts_at(original, "RmtInf/Strd/CdtrRefInf/Ref")
        ]
        lines = [t.strip() for t in texts_at(original, "RmtInf/Ustrd")]
    return BankEntry(
        entry_key="",
        booking_date=report_date,
        value_date=value_date,
        amount_cents=0,
        currency=(amount.currency if amount else None) or "",
        charges_cents=0,
        original_amount_cents=amount.cents if amount else None,
        reference="\n".join(references + lines),
        structured_reference=references[0] if references else None,
        end_to_end_id=reference_or_none(text_at(transaction, "OrgnlEndToEndId")),
        mandate_id=reference_or_none(text_at(original, "MndtRltdInf/MndtId")),
        counterparty_name=_debtor_name(original),
        counterparty_iban=normalize_iban(text_at(original, "DbtrAcct/Id/IBAN")),
        return_reason=_status_reason(transaction) if rejected else None,
        is_return=rejected and is_direct_debit,
        transaction_code=clean_text(status),
        payment_information_id=payment_id,
    )


def _debtor_name(original: ET.Element | None) -> str | None:
    return text_at(original, "Dbtr/Nm") or text_at(original, "Dbtr/Pty/Nm")


def _status_reason(element: ET.Element | None) -> str | None:
    return text_at(element, "StsRsnInf/Rsn/Cd") or text_at(
        element, "StsRsnInf/Rsn/Prtry"
    )
