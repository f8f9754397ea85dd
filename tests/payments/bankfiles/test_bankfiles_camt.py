"""camt.052/053/054 reading on generated messages."""

from __future__ import annotations

import re
from datetime import date

import pytest
from stdnum import iso11649

from kleinkasso.payments.bankfiles import (
    BankEntry,
    BankFile,
    BankFileError,
    read_bank_file,
    returned_debits,
)

NS_053_V08 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
OPENING = """<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
  <Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
  <Dt><Dt>2024-05-01</Dt></Dt></Bal>"""


def balance(code: str, amount: str, indicator: str = "CRDT") -> str:
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
        f'<Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
        "<Dt><Dt>2024-05-02</Dt></Dt></Bal>"
    )


def camt053(
    body: str,
    *,
    namespace: str = NS_053_V08,
    declaration: str = '<?xml version="1.0" encoding="UTF-8"?>',
    message: str = "BkToCstmrStmt",
    report: str = "Stmt",
) -> str:
    return f"""{declaration}
<Document xmlns="{namespace}">
 <{message}>
  <GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-05-02T08:00:00+02:00</CreDtTm></GrpHdr>
  <{report}>
   <Id>S1</Id>
   <Acct><Id><IBAN>DE02120300000000202051</IBAN></Id><Ccy>EUR</Ccy></Acct>
   {body}
  </{report}>
 </{message}>
</Document>
"""


def ntry(
    amount: str = "12.50",
    indicator: str = "CRDT",
    *,
    details: str = "",
    extra: str = "",
    status: str = "<Sts><Cd>BOOK</Cd></Sts>",
    booking: str = "<Dt>2024-05-02</Dt>",
    reference: str = "",
    currency: str = "EUR",
) -> str:
    return f"""<Ntry>
 <Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>{extra}
 {status}<BookgDt>{booking}</BookgDt><ValDt><Dt>2024-05-03</Dt></ValDt>
 {reference}
 <NtryDtls>{details}</NtryDtls>
</Ntry>"""


def tx(body: str = "", remittance: str = "") -> str:
    rmt = f"<RmtInf>{remittance}</RmtInf>" if remittance else ""
    return f"<TxDtls>{body}{rmt}</TxDtls>"


def read(text: str, encoding: str = "utf-8") -> BankFile:
    return read_bank_file(text.encode(encoding), filename="test.xml")


def entries_of(text: str) -> tuple[BankEntry, ...]:
    return read(text).statements[0].entries


# Creditor references as debtors type them into their banking app.
RF_SHAPES = [
    ("canonical", ["RF18539007547034"]),
    ("lower case", ["rf18539007547034"]),
    ("spaces", ["RF18 5390 0754 7034"]),
    ("lower case with spaces", ["Rechnung rf18 5390 0754 7034 danke"]),
    ("two lines", ["Rechnung RF18 5390", "0754 7034 Danke"]),
    ("two lines mid group", ["Zahlung zu RF1853900", "7547034"]),
]


@pytest.mark.parametrize(("lines", "shape"), [(s[1], s[0]) for s in RF_SHAPES])
def test_rf_reference_shapes(lines: list[str], shape: str) -> None:
    remittance = "".join(f"<Ustrd>{line}</Ustrd>" for line in lines)
    (entry,) = entries_of(camt053(ntry(details=tx(remittance=remittance))))
    assert entry.reference == "\n".join(lines), shape
    compact = re.sub(r"\s+", "", entry.reference).upper()
    assert "RF18539007547034" in compact, shape
    assert iso11649.is_valid("RF18539007547034")


def test_structured_reference_first() -> None:
    remittance = (
        "<Ustrd>Invoice 4711</Ustrd>"
        "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
        "<Ref>RF18539007547034</Ref></CdtrRefInf></Strd>"
        "<Ustrd>thank you</Ustrd>"
    )
    (entry,) = entries_of(camt053(ntry(details=tx(remittance=remittance))))
    assert entry.structured_reference == "RF18539007547034"
    assert entry.reference == "RF18539007547034\nInvoice 4711\nthank you"


@pytest.mark.parametrize(
    ("amount", "currency", "cents"),
    [
        ("12.50", "EUR", 1250),
        ("12.5", "EUR", 1250),
        ("12", "EUR", 1200),
        ("12.500", "EUR", 1250),
        ("0.01", "EUR", 1),
        ("1500", "HUF", 150000),
    ],
    ids=["two decimals", "one decimal", "integer", "zero third", "cent", "huf"],
)
def test_amount_cents(amount: str, currency: str, cents: int) -> None:
    (entry,) = entries_of(camt053(ntry(amount, currency=currency)))
    assert entry.amount_cents == cents
    assert entry.currency == currency


@pytest.mark.parametrize("amount", ["12.505", "12.5001", "-1.00", "1e3", "12,50", ""])
def test_amount_rejected(amount: str) -> None:
    with pytest.raises(BankFileError) as raised:
        read(camt053(ntry(amount)))
    assert "statement 'S1' entry 1" in str(raised.value)
    assert raised.value.filename == "test.xml"


def test_amount_rejection_names_value() -> None:
    with pytest.raises(BankFileError, match=r"amount '12\.505' has non-zero digits"):
        read(camt053(ntry("12.505")))


def test_debit_is_negative() -> None:
    (entry,) = entries_of(camt053(ntry("7.00", "DBIT")))
    assert entry.amount_cents == -700


@pytest.mark.parametrize(
    ("indicator", "cents"), [("CRDT", 500), ("DBIT", -500)], ids=["credit", "debit"]
)
def test_reversal_keeps_booked_direction(indicator: str, cents: int) -> None:
    text = camt053(ntry("5.00", indicator, extra="<RvslInd>true</RvslInd>"))
    (entry,) = entries_of(text)
    assert entry.amount_cents == cents
    assert entry.is_reversal


def test_date_time_not_shifted() -> None:
    booking = "<DtTm>2024-05-02T23:30:00-05:00</DtTm>"
    (entry,) = entries_of(camt053(ntry(booking=booking)))
    assert entry.booking_date == date(2024, 5, 2)


def test_february_30_booking_date() -> None:
    bank_file = read(camt053(ntry(booking="<Dt>2023-02-30</Dt>")))
    (entry,) = bank_file.statements[0].entries
    assert entry.booking_date == date(2023, 2, 28)
    assert bank_file.warnings == (
        "statement 'S1' entry 1: booking date 2023-02-30 does not exist; "
        "read as 2023-02-28",
    )


def test_month_13_rejected() -> None:
    with pytest.raises(BankFileError, match="booking date 2023-13-01 is not a date"):
        read(camt053(ntry(booking="<Dt>2023-13-01</Dt>")))


def test_pending_entry_skipped() -> None:
    body = ntry("1.00") + ntry("2.00", status="<Sts><Cd>PDNG</Cd></Sts>")
    bank_file = read(camt053(body))
    assert [e.amount_cents for e in bank_file.statements[0].entries] == [100]
    assert bank_file.warnings == (
        "statement 'S1': 1 entries with a status other than BOOK (pending or "
        "information only) were not read",
    )


def test_status_as_text_in_version_02() -> None:
    text = camt053(
        ntry("3.00", status="<Sts>BOOK</Sts>"),
        namespace="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02",
    )
    bank_file = read(text)
    assert bank_file.version == "001.02"
    assert [e.amount_cents for e in bank_file.statements[0].entries] == [300]


@pytest.mark.parametrize(
    ("namespace", "version"),
    [
        ("urn:iso:std:iso:20022:tech:xsd:camt.053.001.04", "001.04"),
        ("ISO:camt.053.001.02:APC:STUZZA:payments:003", "001.02"),
        ("urn:example:bank", ""),
    ],
    ids=["iso", "austrian", "no version"],
)
def test_namespace_variants(namespace: str, version: str) -> None:
    bank_file = read(camt053(ntry(), namespace=namespace))
    assert bank_file.kind == "camt.053"
    assert bank_file.version == version
    assert len(bank_file.statements[0].entries) == 1


def test_untested_version_warns() -> None:
    namespace = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.12"
    bank_file = read(camt053(ntry(), namespace=namespace))
    assert bank_file.warnings == (
        "camt.053 version 001.12 is untested; read with the layout of versions "
        "001.02 to 001.08",
    )


@pytest.mark.parametrize(
    ("message", "report", "kind"),
    [
        ("BkToCstmrAcctRpt", "Rpt", "camt.052"),
        ("BkToCstmrStmt", "Stmt", "camt.053"),
        ("BkToCstmrDbtCdtNtfctn", "Ntfctn", "camt.054"),
    ],
    ids=["052", "053", "054"],
)
def test_message_kinds(message: str, report: str, kind: str) -> None:
    text = camt053(ntry(), message=message, report=report)
    bank_file = read(text)
    assert bank_file.kind == kind
    assert bank_file.statements[0].statement_id == "S1"


def test_balances_match() -> None:
    body = OPENING + balance("CLBD", "87.50") + ntry("12.50", "DBIT")
    statement = read(camt053(body)).statements[0]
    assert (statement.opening_balance_cents, statement.closing_balance_cents) == (
        10000,
        8750,
    )
    assert statement.balance_problem() is None


def test_balances_differ_warns() -> None:
    body = OPENING + balance("CLBD", "90.00") + ntry("12.50", "DBIT")
    bank_file = read(camt053(body))
    assert bank_file.warnings == (
        "statement 'S1': opening balance 100.00 plus 1 entries of -12.50 makes "
        "87.50, but the closing balance is 90.00 (difference 2.50)",
    )


def test_negative_balance() -> None:
    body = balance("PRCD", "5.00", "DBIT") + balance("CLBD", "7.50") + ntry("12.50")
    statement = read(camt053(body)).statements[0]
    assert statement.opening_balance_cents == -500
    assert statement.balance_problem() is None


def test_interim_balance_closes_report() -> None:
    body = balance("PRCD", "100.00") + balance("ITBD", "112.50") + ntry("12.50")
    statement = read(camt053(body)).statements[0]
    assert statement.closing_balance_cents == 11250
    assert statement.balance_problem() is None


def test_summary_mismatch_warns() -> None:
    summary = (
        "<TxsSummry><TtlNtries><NbOfNtries>3</NbOfNtries></TtlNtries>"
        "<TtlCdtNtries><NbOfNtries>1</NbOfNtries><Sum>12.00</Sum></TtlCdtNtries>"
        "</TxsSummry>"
    )
    bank_file = read(camt053(summary + ntry("12.50")))
    assert bank_file.warnings == (
        "statement 'S1': summary states 3 entries but the file has 1",
        "statement 'S1': summary states credit entries of 12.00 but the entries add "
        "up to 12.50",
    )


def test_entry_keys() -> None:
    body = (
        ntry(reference="<AcctSvcrRef>A1</AcctSvcrRef>")
        + ntry(reference="<AcctSvcrRef>NONREF</AcctSvcrRef>")
        + ntry(reference="<NtryRef>N1</NtryRef><AcctSvcrRef>A2</AcctSvcrRef>")
        + ntry(reference="<NtryRef>N2</NtryRef><AcctSvcrRef>A2</AcctSvcrRef>")
    )
    keys = [e.entry_key for e in entries_of(camt053(body))]
    assert keys == ["A1", "@2", "N1", "N2"]


def test_batch_split() -> None:
    details = tx('<Amt Ccy="EUR">4.00</Amt>', "<Ustrd>first</Ustrd>") + tx(
        '<Amt Ccy="EUR">8.50</Amt>', "<Ustrd>second</Ustrd>"
    )
    body = ntry("12.50", details=details, reference="<AcctSvcrRef>B</AcctSvcrRef>")
    entries = entries_of(camt053(body))
    assert [(e.entry_key, e.amount_cents, e.reference) for e in entries] == [
        ("B/0", 400, "first"),
        ("B/1", 850, "second"),
    ]


def test_batch_sum_mismatch_kept_whole() -> None:
    details = tx('<Amt Ccy="EUR">4.00</Amt>') + tx('<Amt Ccy="EUR">8.00</Amt>')
    bank_file = read(camt053(ntry("12.50", details=details)))
    (entry,) = bank_file.statements[0].entries
    assert entry.amount_cents == 1250
    assert entry.batch_index is None
    assert bank_file.warnings == (
        "statement 'S1' entry 1: entry amount 12.50 EUR differs from the sum of its 2 "
        "transaction details, 12.00 EUR; kept as one entry",
    )


def test_batch_without_amounts_kept_whole() -> None:
    details = tx(remittance="<Ustrd>a</Ustrd>") + tx(remittance="<Ustrd>b</Ustrd>")
    bank_file = read(camt053(ntry("12.50", details=details)))
    (entry,) = bank_file.statements[0].entries
    assert entry.reference == "a\nb"
    assert bank_file.warnings == ()


def test_counterparty_by_direction() -> None:
    parties = (
        "<RltdPties><Dbtr><Pty><Nm>Dora Debtor</Nm></Pty></Dbtr>"
        "<DbtrAcct><Id><IBAN>DE89 3704 0044 0532 0130 00</IBAN></Id></DbtrAcct>"
        "<Cdtr><Nm>Carl Creditor</Nm></Cdtr></RltdPties>"
    )
    credit, debit = entries_of(
        camt053(ntry(details=tx(parties)) + ntry(indicator="DBIT", details=tx(parties)))
    )
    assert (credit.counterparty_name, credit.counterparty_iban) == (
        "Dora Debtor",
        "DE89370400440532013000",
    )
    assert (debit.counterparty_name, debit.counterparty_iban) == ("Carl Creditor", None)


RETURN_INFO = "<RtrInf><Rsn><Cd>MS03</Cd></Rsn></RtrInf>"
INSTRUCTED = '<AmtDtls><InstdAmt><Amt Ccy="EUR">20.00</Amt></InstdAmt></AmtDtls>'


@pytest.mark.parametrize(
    ("charges", "original", "charge"),
    [
        ("", 2000, 350),
        (
            '<Chrgs><Rcrd><Amt Ccy="EUR">3.50</Amt><ChrgInclInd>true</ChrgInclInd>'
            "</Rcrd></Chrgs>",
            2000,
            350,
        ),
        ('<Chrgs><Amt Ccy="EUR">3.50</Amt></Chrgs>', 2000, 350),
    ],
    ids=["derived", "included", "version 02"],
)
def test_return_charges_split(charges: str, original: int, charge: int) -> None:
    details = tx(f"<Refs><MndtId>M-7</MndtId></Refs>{INSTRUCTED}{charges}{RETURN_INFO}")
    bank_file = read(camt053(ntry("23.50", "DBIT", details=details)))
    (returned,) = returned_debits(bank_file)
    assert returned.original_amount_cents == original
    assert returned.charges_cents == charge
    assert returned.reason_code == "MS03"
    assert returned.mandate_id == "M-7"
    assert bank_file.warnings == ()


def test_return_charges_not_adding_up_warns() -> None:
    charges = '<Chrgs><Amt Ccy="EUR">3.00</Amt></Chrgs>'
    details = tx(f"{INSTRUCTED}{charges}{RETURN_INFO}")
    bank_file = read(camt053(ntry("23.50", "DBIT", details=details)))
    assert bank_file.warnings == (
        "statement 'S1' entry 1: returned debit booked 23.50 but its original "
        "amount 20.00 plus charges 3.00 makes 23.00",
    )


@pytest.mark.parametrize(
    ("code", "return_info", "is_return"),
    [
        ("PMNT/IDDT/UPDD", "", True),
        ("PMNT/IDDT/PRDD", "", True),
        ("PMNT/IDDT/ESDD", "", False),
        ("PMNT/ICDT/RRTN", RETURN_INFO, False),
        (None, RETURN_INFO, True),
    ],
    ids=["unpaid", "reversal", "collection", "credit transfer return", "no code"],
)
def test_direct_debit_return_detection(
    code: str | None, return_info: str, is_return: bool
) -> None:
    bank_code = ""
    if code is not None:
        domain, family, subfamily = code.split("/")
        bank_code = (
            f"<BkTxCd><Domn><Cd>{domain}</Cd><Fmly><Cd>{family}</Cd>"
            f"<SubFmlyCd>{subfamily}</SubFmlyCd></Fmly></Domn></BkTxCd>"
        )
    (entry,) = entries_of(
        camt053(ntry("5.00", "DBIT", details=tx(bank_code + return_info)))
    )
    assert entry.is_return is is_return
    assert entry.transaction_code == code


def test_dk_proprietary_return_code() -> None:
    bank_code = "<BkTxCd><Prtry><Cd>NRTI+109+00931</Cd><Issr>DK</Issr></Prtry></BkTxCd>"
    (entry,) = entries_of(camt053(ntry("5.00", "DBIT", details=tx(bank_code))))
    assert entry.is_return
    assert entry.transaction_code == "NRTI+109+00931"


def test_packed_references_in_text() -> None:
    remittance = "<Ustrd>EREF: E-1 2 MREF: M-9 CRED: DE98ZZZ09999999999</Ustrd>"
    (entry,) = entries_of(camt053(ntry(details=tx(remittance=remittance))))
    assert entry.end_to_end_id == "E-1 2"
    assert entry.mandate_id == "M-9"


def test_declared_latin1() -> None:
    text = camt053(
        ntry(details=tx(remittance="<Ustrd>Müller</Ustrd>")),
        declaration='<?xml version="1.0" encoding="ISO-8859-1"?>',
    )
    bank_file = read(text, encoding="latin-1")
    assert bank_file.statements[0].entries[0].reference == "Müller"
    assert bank_file.warnings == ()


def test_undeclared_cp1252_fallback() -> None:
    text = camt53_without_declaration("Müller € Straße")
    bank_file = read(text, encoding="cp1252")
    assert bank_file.statements[0].entries[0].reference == "Müller € Straße"
    assert bank_file.warnings == ()


def camt53_without_declaration(line: str) -> str:
    return camt053(
        ntry(details=tx(remittance=f"<Ustrd>{line}</Ustrd>")), declaration=""
    )


def test_declared_utf8_but_latin1_warns() -> None:
    text = camt053(ntry(details=tx(remittance="<Ustrd>Müller</Ustrd>")))
    bank_file = read(text, encoding="latin-1")
    assert bank_file.statements[0].entries[0].reference == "Müller"
    assert bank_file.warnings[0].startswith("the XML declaration names UTF-8 but byte")


def test_forced_encoding() -> None:
    data = camt53_without_declaration("Müller").encode("cp852")
    bank_file = read_bank_file(data, filename="test.xml", encoding="cp852")
    assert bank_file.statements[0].entries[0].reference == "Müller"


def test_utf16_with_bom() -> None:
    text = camt053(
        ntry(details=tx(remittance="<Ustrd>Müller</Ustrd>")),
        declaration='<?xml version="1.0" encoding="UTF-16"?>',
    )
    bank_file = read_bank_file(text.encode("utf-16"), filename="test.xml")
    assert bank_file.statements[0].entries[0].reference == "Müller"


def test_unknown_encoding_rejected() -> None:
    with pytest.raises(BankFileError, match="requested encoding 'klingon' is unknown"):
        read_bank_file(b"<Document/>", filename="test.xml", encoding="klingon")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<Ntry><CdtDbtInd>CRDT</CdtDbtInd></Ntry>", "amount is missing"),
        (ntry(indicator="CREDIT"), "credit/debit indicator 'CREDIT' is invalid"),
        (
            '<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>',
            "booking date is missing",
        ),
    ],
    ids=["no amount", "bad indicator", "no dates"],
)
def test_broken_entry_rejected(body: str, reason: str) -> None:
    with pytest.raises(BankFileError, match=reason) as raised:
        read(camt053(body))
    assert str(raised.value).startswith("test.xml: statement 'S1' entry 1: ")


def test_value_date_serves_as_booking_date() -> None:
    (entry,) = entries_of(camt053(ntry(booking="")))
    assert entry.booking_date == date(2024, 5, 3)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<Document><CstmrCdtTrfInitn/></Document>", "pain.001 credit transfer order"),
        ("<Document><Unknown/></Document>", "XML message <Unknown> is unknown"),
        ("<html><body/></html>", "XML root element <html> is no bank message"),
        ("<Document><BkToCstmrStmt/></Document>", "message has no <Stmt> element"),
        ("<Document><BkToCstmrStmt><Stmt/></BkToCstmrStmt></Document>", "has no Id"),
    ],
    ids=["pain.001", "unknown message", "html", "no statement", "no id"],
)
def test_unreadable_messages(text: str, reason: str) -> None:
    with pytest.raises(BankFileError, match=re.escape(reason)):
        read(text)


def test_batch_key_clash_falls_back_to_positions() -> None:
    details = tx('<Amt Ccy="EUR">4.00</Amt>') + tx('<Amt Ccy="EUR">8.50</Amt>')
    body = ntry("12.50", details=details, reference="<AcctSvcrRef>B</AcctSvcrRef>")
    body += ntry(reference="<AcctSvcrRef>B/0</AcctSvcrRef>")
    keys = [e.entry_key for e in entries_of(camt053(body))]
    assert keys == ["@1/0", "@1/1", "@2"]
