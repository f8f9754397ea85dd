"""MT940 reading on generated statements."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kleinkasso.payments.bankfiles import (
    BankFile,
    BankFileError,
    read_bank_file,
    returned_debits,
)


def mt940(
    lines: str,
    *,
    opening: str = "C240501EUR100,00",
    closing: str | None = None,
    reference: str = "STMT1",
    number: str = "00001/001",
) -> str:
    closing_line = f":62F:{closing}\r\n" if closing else ""
    return (
        f":20:{reference}\r\n:25:10020030/1234567\r\n:28C:{number}\r\n"
        f":60F:{opening}\r\n{lines}{closing_line}-\r\n"
    )


def read(text: str, encoding: str = "utf-8", forced: str | None = None) -> BankFile:
    return read_bank_file(text.encode(encoding), filename="test.sta", encoding=forced)


def test_statement_fields() -> None:
    text = mt940(
        ":61:2405020502CR12,50NTRFNONREF//B1\r\n"
        ":86:166?00GUTSCHRIFT?20EREF+E-1?21SVWZ+Rechnung 17?32Erika Muster\r\n",
        closing="C240502EUR112,50",
    )
    bank_file = read(text)
    assert (bank_file.kind, bank_file.version, bank_file.warnings) == ("mt940", "", ())
    statement = bank_file.statements[0]
    assert statement.statement_id == "STMT1/00001/001/2024-05-01"
    assert statement.account_identification == "10020030/1234567"
    assert statement.account_iban is None
    assert (statement.opening_balance_cents, statement.closing_balance_cents) == (
        10000,
        11250,
    )
    (entry,) = statement.entries
    assert entry.entry_key == "B1"
    assert entry.amount_cents == 1250
    assert entry.booking_date == date(2024, 5, 2)
    assert entry.transaction_code == "166"
    assert entry.booking_text == "GUTSCHRIFT"
    assert entry.end_to_end_id == "E-1"
    assert entry.reference == "EREF+E-1\nSVWZ+Rechnung 17"
    assert entry.counterparty_name == "Erika Muster"


@pytest.mark.parametrize(
    ("mark", "cents", "reversal"),
    [("C", 500, False), ("D", -500, False), ("RC", -500, True), ("RD", 500, True)],
    ids=["credit", "debit", "reversal of credit", "reversal of debit"],
)
def test_debit_credit_marks(mark: str, cents: int, reversal: bool) -> None:
    (entry,) = read(mt940(f":61:240502{mark}5,00NMSCNONREF\r\n")).statements[0].entries
    assert entry.amount_cents == cents
    assert entry.is_reversal is reversal


def test_subfields_wrapped_across_lines() -> None:
    # The 65-character wrap splits the marker "?21" and the word "Straße".
    details = (
        ":86:166?00GUTSCHRIFT?20SVWZ+RF18 5390 0754 7034 Miete Stra\r\n"
        "ße 5?2\r\n"
        "1 Mai IBAN: DE8937040?220440532013000?31DE89370400440532013000\r\n"
    )
    (entry,) = (
        read(mt940(":61:240502C5,00NTRFNONREF\r\n" + details)).statements[0].entries
    )
    assert entry.reference == (
        "SVWZ+RF18 5390 0754 7034 Miete Straße 5 Mai IBAN: DE89370400440532013000"
    )
    assert entry.counterparty_iban == "DE89370400440532013000"


def test_keyword_subfield_starts_line() -> None:
    details = ":86:166?20EREF+ABC?21DEF?22SVWZ+text?23 more\r\n"
    (entry,) = (
        read(mt940(":61:240502C5,00NTRFNONREF\r\n" + details)).statements[0].entries
    )
    assert entry.reference == "EREF+ABCDEF\nSVWZ+text more"
    assert entry.end_to_end_id == "ABCDEF"


def test_unstructured_details_keep_lines() -> None:
    details = ":86:Payment for invoice 17\r\nfrom Erika\r\n"
    (entry,) = (
        read(mt940(":61:240502C5,00NTRFNONREF\r\n" + details)).statements[0].entries
    )
    assert entry.reference == "Payment for invoice 17\nfrom Erika"
    assert entry.transaction_code == "NTRF"


def test_cp1252_not_read_as_cp852() -> None:
    details = ":86:166?00GUTSCHRIFT?20SVWZ+Miete?32Müller\r\n"
    text = mt940(":61:240502C5,00NTRFNONREF\r\n" + details, closing="C240502EUR105,00")
    bank_file = read(text, "cp1252")
    (entry,) = bank_file.statements[0].entries
    assert entry.counterparty_name == "Müller"
    assert bank_file.warnings == ()


def test_cp852_forced() -> None:
    details = ":86:166?00GUTSCHRIFT?32Müller Łukasz\r\n"
    text = mt940(":61:240502C5,00NTRFNONREF\r\n" + details)
    bank_file = read(text, "cp852", forced="cp852")
    assert bank_file.statements[0].entries[0].counterparty_name == "Müller Łukasz"


def test_wrong_forced_encoding_rejected() -> None:
    text = mt940(":61:240502C5,00NTRFNONREF\r\n:86:Müller\r\n")
    with pytest.raises(BankFileError, match=r"byte \d+ is not valid in the requested"):
        read(text, "cp1252", forced="utf-8")


def test_entry_date_next_year() -> None:
    text = mt940(":61:2412310102D5,00NMSCNONREF\r\n", opening="C241231EUR0,00")
    (entry,) = read(text).statements[0].entries
    assert entry.value_date == date(2024, 12, 31)
    assert entry.booking_date == date(2025, 1, 2)


def test_entry_date_previous_year() -> None:
    text = mt940(":61:2501021231D5,00NMSCNONREF\r\n")
    (entry,) = read(text).statements[0].entries
    assert entry.booking_date == date(2024, 12, 31)


def test_balance_mismatch_warns() -> None:
    text = mt940(":61:240502D5,00NMSCNONREF\r\n", closing="C240502EUR99,00")
    assert read(text).warnings == (
        "statement 'STMT1/00001/001/2024-05-01': opening balance 100.00 plus 1 "
        "entries of -5.00 makes 95.00, but the closing balance is 99.00 "
        "(difference 4.00)",
    )


def test_intermediate_balances() -> None:
    text = (
        ":20:S\r\n:25:X\r\n:28C:1/1\r\n:60F:D240501EUR10,00\r\n"
        ":61:240502C4,00NMSCNONREF\r\n:62M:D240502EUR6,00\r\n-\r\n"
        ":20:S\r\n:25:X\r\n:28C:1/2\r\n:60M:D240502EUR6,00\r\n"
        ":61:240502C6,00NMSCNONREF\r\n:62F:C240502EUR0,00\r\n-\r\n"
    )
    bank_file = read(text)
    assert bank_file.warnings == ()
    assert [s.opening_balance_cents for s in bank_file.statements] == [-1000, -600]


def test_return_with_ocmt_and_chgs() -> None:
    text = mt940(
        ":61:240502D13,50NRTINONREF//R1\r\n/OCMT/EUR10,00//CHGS/EUR3,50/\r\n"
        ":86:109?00RETOURE?20EREF+E-9?21MREF+M-9?22SVWZ+AC04 Konto erloschen"
        "?31DE89370400440532013000?32Max Schuldner\r\n"
    )
    bank_file = read(text)
    (returned,) = returned_debits(bank_file)
    assert returned.original_amount_cents == 1000
    assert returned.charges_cents == 350
    assert returned.reason_code == "AC04"
    assert returned.end_to_end_id == "E-9"
    assert returned.mandate_id == "M-9"
    assert returned.debtor_name == "Max Schuldner"
    assert returned.entry_key == "R1"


def test_return_charge_from_oamt() -> None:
    text = mt940(
        ":61:240502D13,50NRTINONREF\r\n"
        ":86:109?00SEPA-LASTSCHR. RETOURE?20OAMT+10,00 SVWZ+Miete?34911\r\n"
    )
    (returned,) = returned_debits(read(text))
    assert (returned.original_amount_cents, returned.charges_cents) == (1000, 350)
    assert returned.reason_code == "911"


def test_return_without_original_amount() -> None:
    text = mt940(":61:240502D10,00NRTINONREF\r\n:86:109?00RUECKLASTSCHRIFT?20Miete\r\n")
    (returned,) = returned_debits(read(text))
    assert (returned.original_amount_cents, returned.charges_cents) == (1000, 0)
    assert returned.reason_code is None


def test_return_figures_not_adding_up_warn() -> None:
    text = mt940(
        ":61:240502D13,50NRTINONREF\r\n/OCMT/EUR10,00//CHGS/EUR3,00/\r\n"
        ":86:109?00RETOURE\r\n",
        closing="C240502EUR86,50",
    )
    warnings = read(text).warnings
    assert warnings[0] == (
        "statement 'STMT1' on line 1 entry 1 on line 5: returned debit booked 13.50 "
        "but its original amount 10.00 plus charges 3.00 makes 13.00"
    )


def test_credit_return_is_no_returned_debit() -> None:
    text = mt940(":61:240502C10,00NTRFNONREF\r\n:86:159?00RETOURE?20Miete?34914\r\n")
    bank_file = read(text)
    (entry,) = bank_file.statements[0].entries
    assert entry.return_reason == "914"
    assert not entry.is_return
    assert returned_debits(bank_file) == []


def test_swift_envelope_and_control_bytes() -> None:
    text = (
        "\x01{1:F01BANKDEFFAXXX0000000000}{2:O9401200240502BANKDEFFAXXX00000000002405"
        "021200N}{3:{108:MT940}}{4:\r\n"
        + mt940(":61:240502C5,00NMSCNONREF\r\n", closing="C240502EUR105,00")
        + "-}{5:{CHK:0123456789AB}}\x03"
    )
    bank_file = read(text)
    assert bank_file.warnings == ()
    assert [e.amount_cents for e in bank_file.statements[0].entries] == [500]


def test_sum_fields_checked() -> None:
    text = mt940(
        ":61:240502D5,00NMSCNONREF\r\n:90D:2EUR5,00\r\n:90C:0EUR0,00\r\n",
        closing="C240502EUR95,00",
    )
    assert read(text).warnings == (
        "statement 'STMT1' on line 1: :90D: states 2 debit entries of 5.00 but the "
        "statement has 1 of 5.00",
    )


def test_repeated_statement_ids_numbered() -> None:
    statement = mt940(":61:240502C5,00NMSCNONREF\r\n")
    ids = [s.statement_id for s in read(statement + statement).statements]
    assert ids == ["STMT1/00001/001/2024-05-01", "STMT1/00001/001/2024-05-01#2"]


def test_position_keys_without_bank_reference() -> None:
    lines = ":61:240502C5,00NMSCNONREF\r\n:61:240502C5,00NMSCNONREF//X\r\n"
    keys = [e.entry_key for e in read(mt940(lines)).statements[0].entries]
    assert keys == ["@1", "X"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (":25:X\r\n:20:S\r\n", "field :25: on line 1 comes before the first :20:"),
        (
            mt940(":61:24XX02C5,00NMSC\r\n"),
            "entry 1 on line 5: statement line '24XX02C5,00NMSC' is invalid",
        ),
        (mt940(":61:240502C5,005NMSC\r\n"), "amount '5,005' has non-zero digits"),
        (mt940("", opening="C240501EUR"), "opening balance 'C240501EUR' is invalid"),
        (mt940(":61:241302C5,00NMSC\r\n"), "value date 2024-13-02 is not a date"),
        (":20:S\r\n:61:240502C5,00NMSC\r\n", "has no :60: or :62: balance"),
        (mt940(":61:240502C5,00NMSC\x07\r\n"), "control character U+0007 on line 5"),
    ],
    ids=[
        "field before 20",
        "bad line",
        "third decimal",
        "bad balance",
        "month 13",
        "no balance",
        "control character",
    ],
)
def test_broken_mt940_rejected(text: str, reason: str) -> None:
    with pytest.raises(BankFileError, match=re.escape(reason)) as raised:
        read(text)
    assert str(raised.value).startswith("test.sta: ")


def test_day_31_of_april_warns() -> None:
    text = mt940(":61:240431C5,00NMSCNONREF\r\n", closing="C240501EUR105,00")
    bank_file = read(text)
    (entry,) = bank_file.statements[0].entries
    assert entry.value_date == date(2024, 4, 30)
    assert (
        "value date 2024-04-31 does not exist; read as 2024-04-30"
        in (bank_file.warnings[0])
    )


def test_byte_order_mark_accepted() -> None:
    text = mt940(":61:240502C5,00NMSCNONREF\r\n", closing="C240502EUR105,00")
    bank_file = read_bank_file(text.encode("utf-8-sig"), filename="bom.sta")
    assert bank_file.kind == "mt940"
    assert bank_file.statements[0].statement_id == "STMT1/00001/001/2024-05-01"


def test_missing_closing_balance_warns() -> None:
    bank_file = read(mt940(":61:240502C5,00NTRFNONREF\r\n"))
    assert bank_file.warnings == (
        "statement 'STMT1' on line 1: has no :62: closing balance; "
        "the file may be truncated",
    )
