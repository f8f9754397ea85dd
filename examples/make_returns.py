"""Write examples/returns-camt054.xml, a bank's notice of returned direct debits.

The file is a camt.054.001.08 debit notification (UTF-8) for the example
creditor's account with six returned SEPA core direct debits. Each return is
booked as the original amount plus the bank's charge (for example 4,99 + 3,00
EUR) and carries the end-to-end id, the mandate id, the debtor's name and IBAN
and the ISO reason code. Four debtors are customers in open-items.csv (same
name, and the mandate id is their customer number); two are not. IBANs are
generated with schwifty, so their check digits are valid.

The output depends only on the seed, so running the script again reproduces
the file byte for byte:

    python examples/make_returns.py
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from make_open_items import Customer, example_customers
from schwifty import IBAN

SEED = 20261112
OUTPUT = Path(__file__).with_name("returns-camt054.xml")
NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"

CREDITOR_NAME = "Funkelstein Media GmbH"
# The test creditor identifier published for SEPA test files.
CREDITOR_ID = "DE98ZZZ09999999999"
CREDITOR_BANK_CODE = "37040044"
CREATED = "2026-11-12T06:15:00+01:00"
BOOKING_DATE = date(2026, 11, 11)

# German bank codes in schwifty's bank registry, so that each IBAN maps to a BIC.
DEBTOR_BANK_CODES = (
    "10010010",
    "50010517",
    "43060967",
    "70150000",
    "20050550",
    "12030000",
    "86055592",
    "60050101",
)


@dataclass(frozen=True)
class Return:
    """A returned direct debit: ISO reason code and the bank's text for it,
    the original amount and the bank's charge in cents, and what was bought."""

    reason: str
    reason_text: str
    original_cents: int
    charge_cents: int
    subject: str


RETURNS = (
    Return("MS03", "SONSTIGE GRUENDE", 499, 300, "Abo Premium Video, Monat"),
    Return("AC04", "KONTO AUFGELOEST", 999, 300, "In-App-Kauf 500 Diamanten"),
    Return("AM04", "DECKUNG UNZUREICHEND", 199, 300, "Tagespass Nachrichten Plus"),
    Return(
        "MD06", "RUECKGABE AUF VERLANGEN DES ZAHLERS", 499, 50, "Film-Leihe 48 Stunden"
    ),
    Return("MS02", "WIDERSPRUCH DURCH ZAHLER", 99, 300, "Einzeltitel-Download"),
    Return("MS03", "SONSTIGE GRUENDE", 1999, 300, "Abo Wetter-App Pro, Jahr"),
)

# Debtors that are not in open-items.csv: (customer number, name).
OTHER_DEBTORS = (("K10991", "Friederike Weißgerber"), ("K10994", "Till Ahlgrimm"))


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _add_path(parent: ET.Element, path: str, text: str | None = None) -> ET.Element:
    element = parent
    for tag in path.split("/"):
        element = _add(element, tag)
    if text is not None:
        element.text = text
    return element


def _add_amount(parent: ET.Element, tag: str, cents: int) -> None:
    _add(parent, tag, _amount(cents)).set("Ccy", "EUR")


def _debtors(rng: random.Random) -> list[tuple[str, str]]:
    """Return (customer number, name) for each return: four CSV customers and
    two others, in a stable mixed order."""
    customers: list[Customer] = [
        customer for customer in example_customers() if customer.consumer
    ]
    known = [(c.ref, c.name) for c in rng.sample(customers, 4)]
    debtors = known + list(OTHER_DEBTORS)
    rng.shuffle(debtors)
    return debtors


def _add_group_header(document: ET.Element) -> ET.Element:
    notification = _add(document, "BkToCstmrDbtCdtNtfctn")
    header = _add(notification, "GrpHdr")
    _add(header, "MsgId", "DBN2026111200000417")
    _add(header, "CreDtTm", CREATED)
    pagination = _add(header, "MsgPgntn")
    _add(pagination, "PgNb", "1")
    _add(pagination, "LastPgInd", "true")
    return notification


def _add_account(notification: ET.Element, account_iban: IBAN) -> None:
    account = _add(notification, "Acct")
    _add_path(account, "Id/IBAN", str(account_iban))
    _add(account, "Ccy", "EUR")
    _add_path(account, "Ownr/Nm", CREDITOR_NAME)
    _add_path(account, "Svcr/FinInstnId/BICFI", str(account_iban.bic))


def _add_summary(notification: ET.Element, booked: list[int]) -> None:
    summary = _add(notification, "TxsSummry")
    totals = _add(summary, "TtlNtries")
    _add(totals, "NbOfNtries", str(len(booked)))
    _add(totals, "Sum", _amount(sum(booked)))
    net = _add(totals, "TtlNetNtry")
    _add(net, "Amt", _amount(sum(booked)))
    _add(net, "CdtDbtInd", "DBIT")
    credits = _add(summary, "TtlCdtNtries")
    _add(credits, "NbOfNtries", "0")
    _add(credits, "Sum", "0.00")
    debits = _add(summary, "TtlDbtNtries")
    _add(debits, "NbOfNtries", str(len(booked)))
    _add(debits, "Sum", _amount(sum(booked)))


def _add_entry(
    notification: ET.Element,
    number: int,
    *,
    returned: Return,
    debtor: tuple[str, str],
    debtor_iban: IBAN,
    creditor_iban: IBAN,
    collection_date: date,
) -> None:
    customer_ref, debtor_name = debtor
    booked = returned.original_cents + returned.charge_cents
    end_to_end_id = f"R2026-{1200 + number:06d}"
    entry = _add(notification, "Ntry")
    _add(entry, "NtryRef", f"{number:04d}")
    _add_amount(entry, "Amt", booked)
    _add(entry, "CdtDbtInd", "DBIT")
    _add_path(entry, "Sts/Cd", "BOOK")
    _add_path(entry, "BookgDt/Dt", BOOKING_DATE.isoformat())
    _add_path(entry, "ValDt/Dt", BOOKING_DATE.isoformat())
    _add(entry, "AcctSvcrRef", f"2026111100{4170 + number:06d}")
    code = _add(entry, "BkTxCd")
    domain = _add(code, "Domn")
    _add(domain, "Cd", "PMNT")
    family = _add(domain, "Fmly")
    _add(family, "Cd", "IDDT")
    _add(family, "SubFmlyCd", "UPDD")
    proprietary = _add(code, "Prtry")
    _add(proprietary, "Cd", "NDDT+109")
    _add(proprietary, "Issr", "DK")

    details = _add_path(entry, "NtryDtls/TxDtls")
    refs = _add(details, "Refs")
    _add(refs, "PmtInfId", f"LS-{collection_date:%Y%m%d}-01")
    _add(refs, "EndToEndId", end_to_end_id)
    _add(refs, "MndtId", customer_ref)
    _add_amount(details, "Amt", booked)
    _add(details, "CdtDbtInd", "DBIT")
    amounts = _add(details, "AmtDtls")
    _add_amount(_add(amounts, "InstdAmt"), "Amt", returned.original_cents)
    _add_amount(_add(amounts, "TxAmt"), "Amt", booked)
    charges = _add(details, "Chrgs")
    _add_amount(charges, "TtlChrgsAndTaxAmt", returned.charge_cents)
    record = _add(charges, "Rcrd")
    _add_amount(record, "Amt", returned.charge_cents)
    _add(record, "CdtDbtInd", "DBIT")
    _add(record, "ChrgInclInd", "true")

    parties = _add(details, "RltdPties")
    _add_path(parties, "Dbtr/Pty/Nm", debtor_name)
    _add_path(parties, "DbtrAcct/Id/IBAN", str(debtor_iban))
    creditor = _add_path(parties, "Cdtr/Pty")
    _add(creditor, "Nm", CREDITOR_NAME)
    other_id = _add_path(creditor, "Id/PrvtId/Othr")
    _add(other_id, "Id", CREDITOR_ID)
    _add_path(other_id, "SchmeNm/Prtry", "SEPA")
    _add_path(parties, "CdtrAcct/Id/IBAN", str(creditor_iban))
    _add_path(details, "RltdAgts/DbtrAgt/FinInstnId/BICFI", str(debtor_iban.bic))
    _add_path(details, "RmtInf/Ustrd", f"{end_to_end_id} {returned.subject}")
    _add_path(details, "RltdDts/IntrBkSttlmDt", collection_date.isoformat())
    return_info = _add(details, "RtrInf")
    _add_path(return_info, "Rsn/Cd", returned.reason)
    _add(return_info, "AddtlInf", returned.reason_text)
    _add(entry, "AddtlNtryInf", "RUECKLASTSCHRIFT")


def render_returns() -> bytes:
    """Return the notification as UTF-8 bytes."""
    rng = random.Random(SEED + 2)
    creditor_iban = IBAN.generate(
        "DE", bank_code=CREDITOR_BANK_CODE, account_code=str(rng.randint(10**8, 10**9))
    )
    debtors = _debtors(rng)

    ET.register_namespace("", NAMESPACE)
    document = ET.Element(f"{{{NAMESPACE}}}Document")
    notification_root = _add_group_header(document)
    notification = _add(notification_root, "Ntfctn")
    _add(notification, "Id", "DBN2026111200000417-1")
    _add(notification, "ElctrncSeqNb", "417")
    _add(notification, "CreDtTm", CREATED)
    _add_account(notification, creditor_iban)
    _add_summary(notification, [r.original_cents + r.charge_cents for r in RETURNS])
    for number, (returned, debtor) in enumerate(zip(RETURNS, debtors, strict=True)):
        debtor_iban = IBAN.generate(
            "DE",
            bank_code=rng.choice(DEBTOR_BANK_CODES),
            account_code=str(rng.randint(10**7, 10**10 - 1)),
        )
        collection_date = BOOKING_DATE - timedelta(days=rng.randint(3, 20))
        _add_entry(
            notification,
            number + 1,
            returned=returned,
            debtor=debtor,
            debtor_iban=debtor_iban,
            creditor_iban=creditor_iban,
            collection_date=collection_date,
        )

    ET.indent(document, space="  ")
    body = ET.tostring(document, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def main() -> None:
    OUTPUT.write_bytes(render_returns())
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
