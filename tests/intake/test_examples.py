"""Tests that pin the shipped example files and their generators."""

from __future__ import annotations

import importlib
from collections import Counter
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from defusedxml import ElementTree
from schwifty import IBAN

from kleinkasso.intake.erp_csv import parse_open_items_csv
from kleinkasso.intake.records import ParseResult

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NS = {"c": "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"}
COLUMN_MAP = {
    "item_ref": "Belegnummer",
    "customer_ref": "Kundennummer",
    "amount": "Betrag",
    "due_date": "Fällig am",
    "reminder_date": "Mahnung am",
}


@pytest.fixture(scope="module")
def open_items() -> ParseResult:
    data = (EXAMPLES / "open-items.csv").read_bytes()
    return parse_open_items_csv(data, source="open-items.csv", column_map=COLUMN_MAP)


@pytest.fixture
def generators(monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, ModuleType]:
    monkeypatch.syspath_prepend(str(EXAMPLES))
    return (
        importlib.import_module("make_open_items"),
        importlib.import_module("make_returns"),
    )


def test_open_items_counts(open_items: ParseResult) -> None:
    assert len(open_items.records) == 200
    assert len(open_items.problems) == 6


def test_open_items_problems(open_items: ParseResult) -> None:
    found = [(p.row, p.field, p.value, p.reason) for p in open_items.problems]
    assert found == [
        (5, "email", "sophie.lange at example.net", "is not a valid e-mail address"),
        (18, "Betrag", "-4,99", "is not above 0"),
        (19, "Belegnummer", "", "is missing"),
        (
            94,
            "Betrag",
            "1,234",
            "is ambiguous: a thousands separator or three decimals",
        ),
        (96, "Fällig am", "31.02.2026", "is not a valid date"),
        (149, "Betrag", "abc", "is not an amount"),
    ]


def test_open_items_shape(open_items: ParseResult) -> None:
    records = open_items.records
    per_debtor = Counter(record.customer_ref for record in records)
    assert len(per_debtor) == 120
    assert Counter(per_debtor.values()) == {1: 72, 2: 28, 3: 11, 4: 6, 5: 3}
    assert min(record.amount_cents for record in records) == 29
    assert max(record.amount_cents for record in records) == 1999
    assert min(record.due_date for record in records).isoformat() == "2026-08-01"
    assert max(record.due_date for record in records).isoformat() == "2026-11-10"
    assert sum(record.reminder_date is None for record in records) == 34
    assert sum(record.disputed for record in records) == 4
    assert sum(record.category == "gambling" for record in records) == 3
    assert len({r.customer_ref for r in records if not r.consumer}) == 3
    charges = Counter(record.return_charges_cents for record in records)
    assert charges == {0: 190, 300: 7, 50: 3}


def test_open_items_reminders_after_due(open_items: ParseResult) -> None:
    for record in open_items.records:
        if record.reminder_date is not None:
            assert record.reminder_date > record.due_date


def test_open_items_text_survives_cp1252(open_items: ParseResult) -> None:
    names = {record.name for record in open_items.records}
    assert "Bäckerei Köhler GmbH" in names
    subjects = {record.subject for record in open_items.records}
    assert "Download Album »Nordlicht«" in subjects
    assert "Online-Casino Chips 5 €" in subjects
    assert 'Artikel "Steuern; sparen leicht gemacht"' in subjects
    postal_codes = {record.postal_code for record in open_items.records}
    assert "01067" in postal_codes


def test_open_items_generator_reproduces(
    generators: tuple[ModuleType, ModuleType],
) -> None:
    make_open_items, _ = generators
    rendered = make_open_items.render_csv(make_open_items.example_items())
    assert rendered == (EXAMPLES / "open-items.csv").read_bytes()


def test_returns_generator_reproduces(
    generators: tuple[ModuleType, ModuleType],
) -> None:
    _, make_returns = generators
    assert (
        make_returns.render_returns() == (EXAMPLES / "returns-camt054.xml").read_bytes()
    )


def amount(element: Any, path: str) -> Decimal:
    return Decimal(element.findtext(path, namespaces=NS))


def test_returns_entries_consistent() -> None:
    root = ElementTree.parse(EXAMPLES / "returns-camt054.xml").getroot()
    notification = root.find("c:BkToCstmrDbtCdtNtfctn/c:Ntfctn", NS)
    entries = notification.findall("c:Ntry", NS)
    assert len(entries) == 6

    booked = [amount(entry, "c:Amt") for entry in entries]
    summary = notification.find("c:TxsSummry", NS)
    assert summary.findtext("c:TtlNtries/c:NbOfNtries", namespaces=NS) == "6"
    assert amount(summary, "c:TtlNtries/c:Sum") == sum(booked)
    assert amount(summary, "c:TtlNtries/c:TtlNetNtry/c:Amt") == sum(booked)
    assert amount(summary, "c:TtlDbtNtries/c:Sum") == sum(booked)
    assert sum(booked) == Decimal("58.44")

    reasons = []
    for entry in entries:
        assert entry.findtext("c:CdtDbtInd", namespaces=NS) == "DBIT"
        details = entry.find("c:NtryDtls/c:TxDtls", NS)
        original = amount(details, "c:AmtDtls/c:InstdAmt/c:Amt")
        charge = amount(details, "c:Chrgs/c:TtlChrgsAndTaxAmt")
        assert original + charge == amount(entry, "c:Amt")
        assert amount(details, "c:Chrgs/c:Rcrd/c:Amt") == charge
        assert charge > 0
        reasons.append(details.findtext("c:RtrInf/c:Rsn/c:Cd", namespaces=NS))
    assert reasons == ["MS03", "AC04", "AM04", "MD06", "MS02", "MS03"]


def test_returns_ibans_valid() -> None:
    root = ElementTree.parse(EXAMPLES / "returns-camt054.xml").getroot()
    ibans = [element.text for element in root.iter(f"{{{NS['c']}}}IBAN")]
    assert len(ibans) == 13  # the account, and debtor and creditor per entry
    for text in ibans:
        assert str(IBAN(text)) == text


def test_returns_debtors_match_csv(open_items: ParseResult) -> None:
    customers = {r.customer_ref: r.name for r in open_items.records}
    root = ElementTree.parse(EXAMPLES / "returns-camt054.xml").getroot()
    known = []
    unknown = []
    for details in root.iterfind(".//c:TxDtls", NS):
        mandate_id = details.findtext("c:Refs/c:MndtId", namespaces=NS)
        name = details.findtext("c:RltdPties/c:Dbtr/c:Pty/c:Nm", namespaces=NS)
        if mandate_id in customers:
            assert customers[mandate_id] == name
            known.append(mandate_id)
        else:
            unknown.append(mandate_id)
    assert len(known) == 4
    assert unknown == ["K10994", "K10991"]


def test_returns_end_to_end_ids_new(open_items: ParseResult) -> None:
    item_refs = {record.item_ref for record in open_items.records}
    root = ElementTree.parse(EXAMPLES / "returns-camt054.xml").getroot()
    ids = [e.text for e in root.iterfind(".//c:Refs/c:EndToEndId", NS)]
    assert len(set(ids)) == 6
    assert item_refs.isdisjoint(ids)
