"""Real bank files copied into tests/data/bank, read end to end."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import mt940
import pytest

from kleinkasso.payments.bankfiles import (
    BankFile,
    BankFileError,
    read_bank_file,
    returned_debits,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "bank"


def read_sample(name: str, encoding: str | None = None) -> BankFile:
    path = DATA / name
    return read_bank_file(path.read_bytes(), filename=path.name, encoding=encoding)


def entry_sums(bank_file: BankFile) -> list[int]:
    return [sum(e.amount_cents for e in s.entries) for s in bank_file.statements]


# file, kind, version, entries per statement, sum of entries per statement
SHAPES = [
    ("viafintech-camt_parser/054-valid_example.xml", "camt.054", "001.04", [5], [5903]),
    (
        "viafintech-camt_parser/053-valid_example_v8.xml",
        "camt.053",
        "001.08",
        [3],
        [54356],
    ),
    (
        "viafintech-camt_parser/053-valid_example_stuzza.xml",
        "camt.053",
        "001.02",
        [3],
        [40000],
    ),
    ("genkgo-camt/camt053.v2.five.decimals.xml", "camt.053", "001.02", [1], [885]),
    (
        "genkgo-camt/camt053.v2.multi.statement.xml",
        "camt.053",
        "001.02",
        [1, 1],
        [885, -700],
    ),
    ("genkgo-camt/camt054.v4.xml", "camt.054", "001.04", [1], [-20000000]),
    ("salesking-sepa_king/pain.002.002.03.xml", "pain.002", "002.03", [1], [0]),
    ("sandermarechal-jejik-mt940/deutschebank.txt", "mt940", "", [1], [-1235]),
    ("sandermarechal-jejik-mt940/sparkasse.txt", "mt940", "", [1, 1], [-2000, -2000]),
    (
        "sandermarechal-jejik-mt940/volksbankenraiffeisenbanken.txt",
        "mt940",
        "",
        [2, 1, 2, 3, 1, 1, 1, 1],
        [14500, 8000, 12000, 19000, 6500, 5000, 4000, 5500],
    ),
    ("wolph-mt940/raiffeisen-cmi.sta", "mt940", "", [7], [-101221350]),
    ("wolph-mt940/february_30.sta", "mt940", "", [1], [-600]),
    ("wolph-mt940/mbank-mt940.sta", "mt940", "", [3], [3]),
]


@pytest.mark.parametrize(
    ("name", "kind", "version", "counts", "sums"),
    SHAPES,
    ids=[row[0].split("/")[-1] for row in SHAPES],
)
def test_sample_shape(
    name: str, kind: str, version: str, counts: list[int], sums: list[int]
) -> None:
    bank_file = read_sample(name)
    assert bank_file.kind == kind
    assert bank_file.version == version
    assert [len(s.entries) for s in bank_file.statements] == counts
    assert entry_sums(bank_file) == sums


def test_betterplace_shape() -> None:
    bank_file = read_sample("wolph-mt940/betterplace-sepa_mt9401.sta")
    assert len(bank_file.statements) == 26
    assert sum(len(s.entries) for s in bank_file.statements) == 97
    assert bank_file.warnings == ()


# Each warning that the file's own figures produce, by its start.
BALANCE_WARNINGS = [
    ("viafintech-camt_parser/054-valid_example.xml", []),
    (
        "viafintech-camt_parser/053-valid_example_v8.xml",
        ["statement 'R30B4SA880HMZ9XA': opening balance 82721.95 plus 3 entries"],
    ),
    ("viafintech-camt_parser/053-valid_example_stuzza.xml", []),
    (
        "genkgo-camt/camt053.v2.five.decimals.xml",
        ["statement '253EURNL26VAYB8060476890': opening balance 18.15 plus 1 entries"],
    ),
    ("genkgo-camt/camt053.v2.multi.statement.xml", []),
    ("sandermarechal-jejik-mt940/sparkasse.txt", []),
    ("sandermarechal-jejik-mt940/volksbankenraiffeisenbanken.txt", []),
    ("wolph-mt940/mbank-mt940.sta", []),
    (
        "sandermarechal-jejik-mt940/deutschebank.txt",
        ["statement 'DEUTDEMMXXX/00143/1/2020-06-05': opening balance 0.00 plus"],
    ),
]


@pytest.mark.parametrize(
    ("name", "starts"),
    BALANCE_WARNINGS,
    ids=[row[0].split("/")[-1] for row in BALANCE_WARNINGS],
)
def test_sample_warnings(name: str, starts: list[str]) -> None:
    warnings = read_sample(name).warnings
    assert len(warnings) == len(starts)
    for warning, start in zip(warnings, starts, strict=True):
        assert warning.startswith(start)


def test_five_decimals_balance_figures() -> None:
    (warning,) = read_sample("genkgo-camt/camt053.v2.five.decimals.xml").warnings
    assert "makes 27.00, but the closing balance is 27.05" in warning
    assert "(difference 0.05)" in warning


def test_camt054_v4_batch_warnings() -> None:
    bank_file = read_sample("genkgo-camt/camt054.v4.xml")
    assert bank_file.warnings == (
        "statement 'AAAASESS-FP-ACCR001' entry 1: batch states 2 transactions but "
        "lists 3 transaction details",
        "statement 'AAAASESS-FP-ACCR001' entry 1: batch total -6.30 CHF differs from "
        "its transaction details' sum 9.50 CHF",
        "statement 'AAAASESS-FP-ACCR001' entry 1: entry amount -200000.00 SEK differs "
        "from the sum of its 3 transaction details, 9.50 CHF; kept as one entry",
    )
    (entry,) = bank_file.statements[0].entries
    assert entry.batch_index is None
    assert entry.amount_cents == -20000000
    assert entry.currency == "SEK"
    assert "Ref number V3 block 2" in entry.reference.split("\n")


def test_camt054_batch_split() -> None:
    statement = read_sample("viafintech-camt_parser/054-valid_example.xml").statements[
        0
    ]
    first, second = statement.entries[:2]
    assert (first.amount_cents, second.amount_cents) == (1500, 900)
    assert (first.batch_index, second.batch_index) == (0, 1)
    assert first.entry_key == "20160410375244000000000000000081/0"
    assert second.entry_key == "20160410375244000000000000000081/1"
    assert first.reference == "Mitteilung 132"
    assert first.end_to_end_id == "EndToEnd-CRDBRActSame-1B9C-CHDDBB2"


def test_camt054_reversed_debits() -> None:
    statement = read_sample("viafintech-camt_parser/054-valid_example.xml").statements[
        0
    ]
    reversed_entries = [e for e in statement.entries if e.is_reversal]
    assert [e.amount_cents for e in reversed_entries] == [-600, -1553]
    assert [e.return_reason for e in reversed_entries] == ["MD06", "MD06"]
    assert all(e.is_return for e in reversed_entries)
    assert [e.separate_charges_cents for e in reversed_entries] == [70, 70]
    assert [e.charges_cents for e in reversed_entries] == [0, 0]


def test_camt054_returned_debits() -> None:
    bank_file = read_sample("viafintech-camt_parser/054-valid_example.xml")
    returns = returned_debits(bank_file)
    assert [r.original_amount_cents for r in returns] == [600, 1553]
    assert [r.reason_code for r in returns] == ["MD06", "MD06"]
    assert returns[0].end_to_end_id == "EndToEnd-2B6C-CHDDBB5"
    assert returns[0].debtor_iban == "CH3709000000250094580"


def test_camt053_v8_references() -> None:
    entries = (
        read_sample("viafintech-camt_parser/053-valid_example_v8.xml")
        .statements[0]
        .entries
    )
    assert entries[1].structured_reference == "RF38000000000000000000552"
    assert entries[1].reference == "RF38000000000000000000552"
    assert entries[2].structured_reference == "000000270148751802165444888"
    assert entries[0].counterparty_name == "Jon Doe"
    assert entries[2].counterparty_name == "DHL Express (Schweiz) AG"
    assert entries[0].transaction_code == "PMNT/RCDT/AUTT"


def test_stuzza_namespace_and_references() -> None:
    bank_file = read_sample("viafintech-camt_parser/053-valid_example_stuzza.xml")
    statement = bank_file.statements[0]
    assert statement.account_iban == "AT021200000703447144"
    assert (statement.opening_balance_cents, statement.closing_balance_cents) == (
        15000,
        55000,
    )
    assert [e.structured_reference for e in statement.entries] == [
        "201912341234",
        "201912341234",
        "2019456456",
    ]
    assert statement.balance_problem() is None


def test_multi_statement_balances() -> None:
    statements = read_sample("genkgo-camt/camt053.v2.multi.statement.xml").statements
    assert [s.statement_id for s in statements] == [
        "253EURNL26VAYB8060476890",
        "254EURNL26VAYB8060476890",
    ]
    assert [(s.opening_balance_cents, s.closing_balance_cents) for s in statements] == [
        (1815, 2700),
        (2700, 2000),
    ]
    assert statements[0].entries[0].booking_date == date(2014, 12, 31)
    assert statements[0].entries[0].value_date == date(2015, 1, 2)


def test_pain002_reject() -> None:
    bank_file = read_sample("salesking-sepa_king/pain.002.002.03.xml")
    (entry,) = bank_file.statements[0].entries
    assert entry.is_return
    assert entry.return_reason == "AC01"
    assert entry.original_amount_cents == 654314
    assert entry.end_to_end_id == "OriginatorID1234"
    assert entry.mandate_id == "Mandate Id"
    assert entry.payment_information_id == "Sammlerreferenz 4710"
    assert entry.value_date == date(2010, 12, 3)
    (returned,) = returned_debits(bank_file)
    assert returned.original_amount_cents == 654314
    assert returned.charges_cents == 0


def test_pain008_rejected() -> None:
    with pytest.raises(BankFileError, match=r"pain\.008 direct debit order"):
        read_sample("salesking-sepa_king/pain.008.003.02.xml")


def test_deutschebank_return_split() -> None:
    bank_file = read_sample("sandermarechal-jejik-mt940/deutschebank.txt")
    (returned,) = returned_debits(bank_file)
    assert returned.original_amount_cents == 1185
    assert returned.charges_cents == 50
    assert returned.reason_code == "SONSTIGE GRUENDE"
    assert returned.end_to_end_id == "A1.200080779.400143254.4961336"
    assert returned.mandate_id == "20852HW2723821"
    assert returned.debtor_iban == "DE50712345600200691329"
    assert returned.booking_date == date(2020, 6, 8)


def test_sparkasse_wrapped_umlaut() -> None:
    bank_file = read_sample("sandermarechal-jejik-mt940/sparkasse.txt")
    entry = bank_file.statements[0].entries[0]
    assert "Leipziger Straße 257//Chemnitz/DE" in entry.reference
    assert entry.counterparty_name == "ARAL AG"
    assert bank_file.statements[0].statement_id != bank_file.statements[1].statement_id


def test_volksbank_split_iban_joined() -> None:
    statements = read_sample(
        "sandermarechal-jejik-mt940/volksbankenraiffeisenbanken.txt"
    ).statements
    entry = statements[1].entries[0]
    assert "IBAN: DE83500105179219844142 BIC: SBCRDE66" in entry.reference
    assert entry.counterparty_iban == "DE83500105179219844142"
    assert len({s.statement_id for s in statements}) == 8


def test_betterplace_returned_credit_transfers() -> None:
    bank_file = read_sample("wolph-mt940/betterplace-sepa_mt9401.sta")
    entries = [e for s in bank_file.statements for e in s.entries]
    reasons = sorted(e.return_reason for e in entries if e.return_reason)
    assert reasons == ["901"] + ["903"] * 2 + ["914"] * 14
    assert not any(e.is_return for e in entries)
    assert sum(e.is_reversal for e in entries) == 2
    assert returned_debits(bank_file) == []


def test_february_30_value_date() -> None:
    bank_file = read_sample("wolph-mt940/february_30.sta")
    (entry,) = bank_file.statements[0].entries
    assert entry.value_date == date(2016, 2, 29)
    assert entry.booking_date == date(2016, 3, 1)
    assert bank_file.warnings == (
        "statement 'STARTUMSE' on line 2 entry 1 on line 6: value date 2016-02-30 "
        "does not exist; read as 2016-02-29",
    )


def test_mbank_control_bytes() -> None:
    statement = read_sample("wolph-mt940/mbank-mt940.sta").statements[0]
    assert statement.account_iban == "PL29114010810000267002001002"
    assert statement.currency == "PLN"
    assert [e.amount_cents for e in statement.entries] == [1, 1, 1]
    assert statement.entries[0].entry_key == "MB170119012058"


def test_raiffeisen_cp852_forced() -> None:
    bank_file = read_sample("wolph-mt940/raiffeisen-cmi.sta", encoding="cp852")
    first = bank_file.statements[0].entries[0]
    assert "napi összevont utánvét" in first.reference
    assert first.currency == "HUF"
    assert first.amount_cents == 206663700


def test_raiffeisen_guessed_encoding_warns() -> None:
    bank_file = read_sample("wolph-mt940/raiffeisen-cmi.sta")
    assert bank_file.warnings[0].startswith("the file is neither UTF-8 nor cp1252")
    assert "'cp852'" in bank_file.warnings[0]
    assert entry_sums(bank_file) == [-101221350]


def test_raiffeisen_balance_warning() -> None:
    warnings = read_sample("wolph-mt940/raiffeisen-cmi.sta", encoding="cp852").warnings
    assert warnings == (
        "statement 'STARTUMS/0072/2018-04-17': opening balance 25170637.10 plus 7 "
        "entries of -1012213.50 makes 24158423.60, but the closing balance is "
        "25281687.60 (difference 1123264.00)",
    )


MT940_SAMPLES = [
    "sandermarechal-jejik-mt940/deutschebank.txt",
    "sandermarechal-jejik-mt940/sparkasse.txt",
    "sandermarechal-jejik-mt940/volksbankenraiffeisenbanken.txt",
    "wolph-mt940/betterplace-sepa_mt9401.sta",
    "wolph-mt940/february_30.sta",
    "wolph-mt940/mbank-mt940.sta",
    "wolph-mt940/raiffeisen-cmi.sta",
]


@pytest.mark.parametrize("name", MT940_SAMPLES, ids=lambda n: n.split("/")[-1])
def test_mt940_agrees_with_mt940_package(name: str) -> None:
    data = (DATA / name).read_bytes()
    expected = mt940.parse_statements(data, options=mt940.Options(reversal_sign=True))
    ours = read_bank_file(data, filename=name)
    assert [len(s.entries) for s in ours.statements] == [len(t) for t in expected]
    assert entry_sums(ours) == [
        int(sum(t.data["amount"].amount for t in statement) * 100)
        for statement in expected
    ]


def test_entry_keys_unique() -> None:
    for path in sorted(DATA.rglob("*")):
        if not path.is_file() or path.name.startswith("pain.008"):
            continue
        for statement in read_sample(str(path.relative_to(DATA))).statements:
            keys = [e.entry_key for e in statement.entries]
            assert len(keys) == len(set(keys)), path.name


def test_reread_same_keys() -> None:
    name = "sandermarechal-jejik-mt940/volksbankenraiffeisenbanken.txt"
    first = [e.entry_key for s in read_sample(name).statements for e in s.entries]
    second = [e.entry_key for s in read_sample(name).statements for e in s.entries]
    assert first == second
