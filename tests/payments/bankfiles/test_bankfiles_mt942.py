"""MT942 interim reports: entries, dates, and sums checked against entries."""

from __future__ import annotations

from datetime import date

import pytest

from kleinkasso.cases.refs import creditor_reference
from kleinkasso.payments.bankfiles import BankFileError, read_bank_file

RF = creditor_reference("SW000001")
REPORT = f"""\
:20:MT942-0001
:25:37040044/0532013000
:28C:00042/001
:34F:EURD0,
:34F:EURC0,
:13D:2611201015+0100
:61:2611201120CR23,92NMSCNONREF
:86:166?00SEPA-GUTSCHRIFT?109310?20SVWZ+{RF[:8]}?21{RF[8:]} Danke
?30COBADEFFXXX?31DE02120300000000202051?32Erika Müller
:61:2611201120DR1,50NCHGNONREF
:86:805?00ENTGELT?20Kontofuehrung
:90D:1EUR1,50
:90C:1EUR23,92
-
""".replace("\n", "\r\n")


def _read(text: str) -> tuple[str, list[int], list[str]]:
    bank_file = read_bank_file(text.encode("cp1252"), filename="r.sta")
    entries = [e for s in bank_file.statements for e in s.entries]
    return bank_file.kind, [e.amount_cents for e in entries], list(bank_file.warnings)


def test_mt942_entries_read() -> None:
    bank_file = read_bank_file(REPORT.encode("cp1252"), filename="r.sta")
    assert bank_file.kind == "mt942"
    (statement,) = bank_file.statements
    assert statement.currency == "EUR"
    assert statement.opening_balance_cents is None
    assert statement.statement_id == "MT942-0001/00042/001/2026-11-20T1015+0100"
    credit, charge = statement.entries
    assert credit.amount_cents == 2392
    assert charge.amount_cents == -150
    assert credit.booking_date == date(2026, 11, 20)
    assert RF in credit.reference.replace("\n", "")
    assert credit.counterparty_name == "Erika Müller"
    assert credit.counterparty_iban == "DE02120300000000202051"
    assert bank_file.warnings == ()


def test_mt942_sum_mismatch_reported() -> None:
    kind, amounts, warnings = _read(REPORT.replace(":90C:1EUR23,92", ":90C:1EUR23,93"))
    assert kind == "mt942"
    assert amounts == [2392, -150]
    assert len(warnings) == 1
    assert ":90C: states 1 credit entries of 23.93" in warnings[0]


def test_mt940_not_taken_for_mt942() -> None:
    text = REPORT.replace(":13D:2611201015+0100", ":60F:C261119EUR100,00")
    kind, _, _ = _read(text)
    assert kind == "mt940"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(":34F:EURD0,", ":34F:XX", ":34F: 'XX' is invalid", id="floor"),
        pytest.param(
            ":13D:2611201015+0100",
            ":13D:26113",
            ":13D: '26113' is invalid",
            id="date-time",
        ),
    ],
)
def test_mt942_invalid_field(old: str, new: str, message: str) -> None:
    with pytest.raises(BankFileError, match=message):
        read_bank_file(REPORT.replace(old, new).encode("cp1252"), filename="r.sta")
