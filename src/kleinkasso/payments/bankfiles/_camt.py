"""Read camt.052 reports, camt.053 statements and camt.054 notifications.

Each Rpt, Stmt or Ntfctn becomes one :class:`Statement` with its booked
balances and entries. Only booked entries (status BOOK) are read; pending and
information-only entries are counted in a warning. The statement's summary
(TxsSummry) is compared with the entries.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from ._camt_details import Money, count_at, credit_debit_sign, money_at
from ._camt_entries import read_entry
from ._model import BankEntry, BankFileError, Statement, format_cents
from ._values import (
    ValueProblem,
    choose_entry_keys,
    normalize_iban,
    parse_xml_amount,
    reference_or_none,
)
from ._xmltree import text_at


def read_camt_statements(
    message: ET.Element, report_tag: str, filename: str, warnings: list[str]
) -> list[Statement]:
    """Read every ``report_tag`` element (Rpt, Stmt or Ntfctn) of a camt message."""
    return [
        _read_statement(report, position, filename, warnings)
        for position, report in enumerate(message.findall(report_tag), start=1)
    ]


def _read_statement(
    report: ET.Element, position: int, filename: str, warnings: list[str]
) -> Statement:
    statement_id = text_at(report, "Id")
    if statement_id is None:
        raise BankFileError(filename, f"statement {position} has no Id; expected one")
    where = f"statement {statement_id!r}"
    account_iban = normalize_iban(text_at(report, "Acct/Id/IBAN"))

    try:
        opening, closing = _read_balances(report)
        groups, candidates, all_amounts = _read_entries(
            report, where, filename, warnings
        )
        _check_summary(report, all_amounts, where, warnings)
    except ValueProblem as problem:
        raise BankFileError(filename, f"{where}: {problem}") from None

    currency = (
        text_at(report, "Acct/Ccy")
        or (opening.currency if opening else None)
        or (closing.currency if closing else None)
        or next((g[0].currency for g in groups if g), None)
    )
    skipped = sum(1 for group in groups if group is None)
    if skipped:
        warnings.append(
            f"{where}: {skipped} entries with a status other than BOOK "
            "(pending or information only) were not read"
        )

    entries = _keyed_entries(choose_entry_keys(candidates), groups)
    if len({entry.entry_key for entry in entries}) < len(entries):
        # A bank reference such as "B/0" can equal the key of another entry's
        # first batch part; position keys cannot.
        positions = [f"@{position}" for position in range(1, len(groups) + 1)]
        entries = _keyed_entries(positions, groups)

    return Statement(
        statement_id=statement_id,
        account_iban=account_iban,
        currency=currency,
        opening_balance_cents=opening.cents if opening else None,
        closing_balance_cents=closing.cents if closing else None,
        entries=tuple(entries),
        account_identification=account_iban or text_at(report, "Acct/Id/Othr/Id"),
    )


def _keyed_entries(
    keys: list[str], groups: list[list[BankEntry] | None]
) -> list[BankEntry]:
    """Give each entry its Ntry's key, with ``/<batch_index>`` for batch parts."""
    entries: list[BankEntry] = []
    for key, group in zip(keys, groups, strict=True):
        for entry in group or ():
            suffix = "" if entry.batch_index is None else f"/{entry.batch_index}"
            entries.append(replace(entry, entry_key=key + suffix))
    return entries


def _read_balances(report: ET.Element) -> tuple[Money | None, Money | None]:
    """Pick the opening and closing booked balance.

    Opening is OPBD, else PRCD (previously closed booked). Closing is CLBD.
    camt.052 reports often end with an interim booked balance (ITBD) instead,
    which then serves as closing. With two ITBDs and no other opening, the
    first serves as opening.
    """
    by_type: dict[str, list[Money]] = {}
    for balance in report.findall("Bal"):
        code = text_at(balance, "Tp/CdOrPrtry/Cd") or text_at(
            balance, "Tp/CdOrPrtry/Prtry"
        )
        amount = money_at(balance, "Amt")
        if code is None or amount is None:
            raise ValueProblem("a balance lacks its type code or amount")
        signed = Money(credit_debit_sign(balance, None) * amount.cents, amount.currency)
        by_type.setdefault(code, []).append(signed)

    opening = _first(by_type, "OPBD") or _first(by_type, "PRCD")
    closing = _first(by_type, "CLBD")
    interim = by_type.get("ITBD", [])
    if closing is None and interim:
        if opening is None and len(interim) >= 2:
            opening = interim[0]
        if opening is not None:
            closing = interim[-1]
    return opening, closing


def _first(by_type: dict[str, list[Money]], code: str) -> Money | None:
    found = by_type.get(code)
    return found[0] if found else None


def _read_entries(
    report: ET.Element, where: str, filename: str, warnings: list[str]
) -> tuple[list[list[BankEntry] | None], list[tuple[str | None, ...]], list[int]]:
    """Read every Ntry; a group is ``None`` for an entry that is not booked.

    Also returns each Ntry's candidate keys and the signed amounts of all
    entries, booked or not, for the summary check.
    """
    statement_currency = text_at(report, "Acct/Ccy")
    groups: list[list[BankEntry] | None] = []
    candidates: list[tuple[str | None, ...]] = []
    all_amounts: list[int] = []
    for position, ntry in enumerate(report.findall("Ntry"), start=1):
        entry_where = f"{where} entry {position}"
        candidates.append(
            (
                reference_or_none(text_at(ntry, "AcctSvcrRef")),
                reference_or_none(text_at(ntry, "NtryRef")),
            )
        )
        try:
            amount = money_at(ntry, "Amt")
            if amount is None:
                raise ValueProblem("amount is missing; expected Ntry/Amt")
            all_amounts.append(credit_debit_sign(ntry, None) * amount.cents)
            groups.append(
                read_entry(ntry, amount, entry_where, statement_currency, warnings)
            )
        except ValueProblem as problem:
            raise BankFileError(filename, f"{entry_where}: {problem}") from None
    return groups, candidates, all_amounts


def _check_summary(
    report: ET.Element, amounts: list[int], where: str, warnings: list[str]
) -> None:
    """Compare the TxsSummry counts and sums with the entries."""
    summary = report.find("TxsSummry")
    if summary is None:
        return
    credits = [a for a in amounts if a > 0]
    debits = [-a for a in amounts if a < 0]
    _compare_count(
        summary, "TtlNtries/NbOfNtries", len(amounts), "entries", where, warnings
    )
    for path, selected, label in (
        ("TtlCdtNtries", credits, "credit entries"),
        ("TtlDbtNtries", debits, "debit entries"),
    ):
        _compare_count(
            summary, f"{path}/NbOfNtries", len(selected), label, where, warnings
        )
        stated_sum = text_at(summary, f"{path}/Sum")
        if stated_sum is None:
            continue
        stated = parse_xml_amount(stated_sum)
        if stated != sum(selected):
            warnings.append(
                f"{where}: summary states {label} of {format_cents(stated)} "
                f"but the entries add up to {format_cents(sum(selected))}"
            )
    net = summary.find("TtlNtries/TtlNetNtry")
    net_amount = text_at(net, "Amt")
    if net is not None and net_amount is not None:
        stated_net = credit_debit_sign(net, 1) * parse_xml_amount(net_amount)
        if stated_net != sum(amounts):
            warnings.append(
                f"{where}: summary states a net amount of {format_cents(stated_net)} "
                f"but the entries add up to {format_cents(sum(amounts))}"
            )


def _compare_count(
    summary: ET.Element,
    path: str,
    actual: int,
    label: str,
    where: str,
    warnings: list[str],
) -> None:
    stated = count_at(summary, path)
    if stated is not None and stated != actual:
        warnings.append(
            f"{where}: summary states {stated} {label} but the file has {actual}"
        )
