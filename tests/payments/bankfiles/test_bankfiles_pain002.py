"""pain.002 status reports on generated messages."""

from __future__ import annotations

from datetime import date

from kleinkasso.payments.bankfiles import BankFile, read_bank_file, returned_debits


def status_report(transactions: str, *, original_type: str = "pain.008.001.02") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">
 <CstmrPmtStsRpt>
  <GrpHdr><MsgId>R-1</MsgId><CreDtTm>2024-05-06T23:59:00-02:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts>
   <OrgnlMsgId>ORDER-1</OrgnlMsgId><OrgnlMsgNmId>{original_type}</OrgnlMsgNmId>
  </OrgnlGrpInfAndSts>
  <OrgnlPmtInfAndSts>
   <OrgnlPmtInfId>PI-1</OrgnlPmtInfId>
   {transactions}
  </OrgnlPmtInfAndSts>
 </CstmrPmtStsRpt>
</Document>
"""


def transaction(status: str, reason: str = "AM04", amount: str | None = "4.99") -> str:
    amount_xml = f'<Amt><InstdAmt Ccy="EUR">{amount}</InstdAmt></Amt>' if amount else ""
    return f"""<TxInfAndSts>
 <StsId>S-{status}</StsId><OrgnlEndToEndId>E2E-{status}</OrgnlEndToEndId>
 <TxSts>{status}</TxSts>
 <StsRsnInf><Rsn><Cd>{reason}</Cd></Rsn></StsRsnInf>
 <OrgnlTxRef>{amount_xml}<ReqdColltnDt>2024-05-08</ReqdColltnDt>
  <MndtRltdInf><MndtId>M-1</MndtId></MndtRltdInf>
  <RmtInf><Ustrd>Abo Mai</Ustrd></RmtInf>
  <Dbtr><Pty><Nm>Erika Muster</Nm></Pty></Dbtr>
  <DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>
 </OrgnlTxRef>
</TxInfAndSts>"""


def read(text: str) -> BankFile:
    return read_bank_file(text.encode(), filename="status.xml")


def test_reject_and_accept() -> None:
    bank_file = read(status_report(transaction("RJCT") + transaction("ACCP")))
    assert (bank_file.kind, bank_file.version) == ("pain.002", "001.10")
    rejected, accepted = bank_file.statements[0].entries
    assert rejected.is_return
    assert not accepted.is_return
    assert accepted.return_reason is None
    assert (rejected.amount_cents, rejected.original_amount_cents) == (0, 499)
    assert rejected.booking_date == date(2024, 5, 6)
    assert rejected.value_date == date(2024, 5, 8)
    assert rejected.transaction_code == "RJCT"
    assert [e.entry_key for e in bank_file.statements[0].entries] == [
        "S-RJCT",
        "S-ACCP",
    ]


def test_returned_debit_fields() -> None:
    (returned,) = returned_debits(read(status_report(transaction("RJCT"))))
    assert returned.statement_id == "R-1"
    assert returned.reason_code == "AM04"
    assert returned.original_amount_cents == 499
    assert returned.charges_cents == 0
    assert returned.end_to_end_id == "E2E-RJCT"
    assert returned.mandate_id == "M-1"
    assert returned.debtor_name == "Erika Muster"
    assert returned.debtor_iban == "DE89370400440532013000"
    assert returned.reference == "Abo Mai"


def test_credit_transfer_reject_not_returned_debit() -> None:
    text = status_report(transaction("RJCT", "AC04"), original_type="pain.001.001.09")
    bank_file = read(text)
    (entry,) = bank_file.statements[0].entries
    assert entry.return_reason == "AC04"
    assert not entry.is_return
    assert returned_debits(bank_file) == []


def test_reject_without_amount_warns() -> None:
    bank_file = read(status_report(transaction("RJCT", amount=None)))
    assert bank_file.warnings == (
        "status report 'R-1' transaction 1: rejected direct debit states no original "
        "amount; only its end-to-end id identifies it",
    )
    (returned,) = returned_debits(bank_file)
    assert returned.original_amount_cents == 0


def test_whole_order_rejected_warns() -> None:
    text = status_report("").replace(
        "</OrgnlMsgNmId>",
        "</OrgnlMsgNmId><GrpSts>RJCT</GrpSts>"
        "<StsRsnInf><Rsn><Cd>FF01</Cd></Rsn></StsRsnInf>",
    )
    bank_file = read(text)
    assert bank_file.warnings == (
        "status report 'R-1': the whole order 'ORDER-1' was rejected (reason FF01)",
    )
    assert bank_file.statements[0].entries == ()


def test_whole_payment_information_rejected_warns() -> None:
    text = status_report("").replace(
        "<OrgnlPmtInfId>PI-1</OrgnlPmtInfId>",
        "<OrgnlPmtInfId>PI-1</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts>"
        "<StsRsnInf><Rsn><Cd>AM05</Cd></Rsn></StsRsnInf>",
    )
    assert read(text).warnings == (
        "status report 'R-1': the whole payment information 'PI-1' was rejected "
        "(reason AM05) without listing its transactions",
    )
