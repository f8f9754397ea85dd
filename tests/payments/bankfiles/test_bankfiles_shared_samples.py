"""Bank files under LGPL or AGPL, read from outside the repository.

Their licences do not allow copying them into this Apache-2.0 repository, so
these tests read them from KLEINKASSO_SHARED_SAMPLES and skip where that
folder does not exist.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from kleinkasso.payments.bankfiles import BankFile, read_bank_file, returned_debits

SHARED_SAMPLES = Path(
    os.environ.get("KLEINKASSO_SHARED_SAMPLES", "/work/shared/samples")
)

pytestmark = pytest.mark.skipif(
    not SHARED_SAMPLES.is_dir(),
    reason=f"LGPL and AGPL sample files are not in the repository ({SHARED_SAMPLES})",
)


def read_shared(name: str) -> BankFile:
    path = SHARED_SAMPLES / name
    return read_bank_file(path.read_bytes(), filename=path.name)


def test_hbci4j_return_split() -> None:
    bank_file = read_shared("hbci4j-hbci4java/test-camt-ruecklastschrift.xml")
    assert (bank_file.kind, bank_file.version) == ("camt.052", "001.02")
    (entry,) = bank_file.statements[0].entries
    assert entry.amount_cents == -5300
    (returned,) = returned_debits(bank_file)
    assert returned.original_amount_cents == 5000
    assert returned.charges_cents == 300
    assert returned.reason_code == "MS03"
    assert returned.mandate_id == "TEST1234"
    assert returned.debtor_name == "Sven Schuldner"
    assert returned.reference == "RUECKLASTSCHRIFT Sonstige Gruende"


def test_hbci4j_balance_warning() -> None:
    # The file books 53.00 between two equal balances of 100.00.
    (warning,) = read_shared("hbci4j-hbci4java/test-camt-ruecklastschrift.xml").warnings
    assert "makes 47.00, but the closing balance is 100.00" in warning


def test_oca_camt054_unpaid() -> None:
    bank_file = read_shared("OCA-account-payment/test-sepa-camt-054-unpaid.xml")
    assert (bank_file.kind, bank_file.version) == ("camt.054", "001.02")
    assert bank_file.warnings == ()
    (returned,) = returned_debits(bank_file)
    assert returned.reason_code == "AC06"
    assert returned.end_to_end_id == "E2EID1"
    assert returned.mandate_id == "MANDATEID2"
    assert returned.original_amount_cents == 10000
    assert returned.charges_cents == 0


def test_oca_pain002_rejects() -> None:
    bank_file = read_shared("OCA-account-payment/test-sepa-pain-unpaid.xml")
    assert (bank_file.kind, bank_file.version) == ("pain.002", "001.03")
    returns = returned_debits(bank_file)
    assert [r.reason_code for r in returns] == ["AC01", "MS02", "MD06", "AM04"]
    assert [r.end_to_end_id for r in returns] == [
        "E2EID1",
        "E2EID2",
        "E2EID3",
        "E2EID4",
    ]
    assert [r.entry_key for r in returns] == ["IDREJ1", "IDREJ2", "IDREJ3", "IDREJ4"]
    assert {r.original_amount_cents for r in returns} == {10000}
    entries = bank_file.statements[0].entries
    assert [e.payment_information_id for e in entries] == [
        "PMTINFID1",
        "PMTINFID1",
        "PMTINFID2",
        "PMTINFID2",
    ]


def test_hypo_vereinsbank_one_line() -> None:
    bank_file = read_shared("iamtorsten-libfintx/Camt052_Hypo_Vereinsbank.txt")
    assert (bank_file.kind, bank_file.version) == ("camt.052", "001.08")
    assert bank_file.warnings == ()
    statement = bank_file.statements[0]
    assert (statement.opening_balance_cents, statement.closing_balance_cents) == (
        82877,
        79733,
    )
    (entry,) = statement.entries
    assert entry.amount_cents == -3144
    assert entry.booking_date == date(2022, 8, 15)
    assert entry.mandate_id == "556721"


def test_spardabank_latin1() -> None:
    bank_file = read_shared("iamtorsten-libfintx/Camt052_Spardabank.txt")
    assert (bank_file.kind, bank_file.version) == ("camt.052", "001.02")
    # The interim booked balance (ITBD) closes the report and adds up.
    assert bank_file.warnings == ()
    statement = bank_file.statements[0]
    assert len(statement.entries) == 150
    assert sum(e.amount_cents for e in statement.entries) == -179051
    assert (statement.opening_balance_cents, statement.closing_balance_cents) == (
        421811,
        242760,
    )
    references = [e.reference for e in statement.entries]
    assert "Umbuchung für Bestattungsvorsorge" in references


def test_spardabank_packed_references() -> None:
    entries = (
        read_shared("iamtorsten-libfintx/Camt052_Spardabank.txt").statements[0].entries
    )
    first = entries[0]
    assert first.end_to_end_id == "AB72531917 B75381784"
    assert first.mandate_id == "72531917-1"
    assert first.transaction_code == "PMNT/RDDT/ESDD"
    direct_debits = [e for e in entries if e.transaction_code == "PMNT/RDDT/ESDD"]
    assert len(direct_debits) == 64
    assert sum(1 for e in direct_debits if e.mandate_id) == 64
    assert not any(e.is_return for e in entries)
