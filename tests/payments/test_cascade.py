"""The matching cascade on cases held in memory."""

from __future__ import annotations

import pytest

from kleinkasso.cases.refs import creditor_reference
from kleinkasso.names import normalize_name
from kleinkasso.payments.cascade import (
    AUTO_APPLY_CONFIDENCE,
    Candidate,
    Credit,
    MemoryLookup,
    decide,
    suggest_cases,
)

IBAN = "DE02120300000000202051"


def _candidate(number: int, open_cents: int = 2392, status: str = "open") -> Candidate:
    return Candidate(number, f"SW{number:06d}", "spielwiese", status, open_cents)


@pytest.fixture
def lookup() -> MemoryLookup:
    cases = MemoryLookup()
    cases.add(_candidate(1), creditor_reference("SW000001"), name="Erika Muster")
    cases.add(_candidate(2, 1500), creditor_reference("SW000002"), ibans=[IBAN])
    cases.add(_candidate(3, 900), creditor_reference("SW000003"), name="Jörg Weiß")
    cases.add(_candidate(4, 900), creditor_reference("SW000004"), name="Jörg Weiß")
    cases.add(_candidate(5, 0, "paid"), creditor_reference("SW000005"), name="Max Paid")
    return cases


@pytest.mark.parametrize(
    ("credit", "case_ref", "rule"),
    [
        pytest.param(
            Credit(100, f"x {creditor_reference('SW000001')}", IBAN),
            "SW000001",
            "creditor_reference",
            id="rf-beats-iban",
        ),
        pytest.param(
            Credit(100, "Fall sw000003"), "SW000003", "case_ref", id="case-ref"
        ),
        pytest.param(Credit(1500, "Danke", IBAN), "SW000002", "iban_amount", id="iban"),
        pytest.param(
            Credit(2392, "", None, "MUSTER ERIKA"), None, None, id="name-order-differs"
        ),
        pytest.param(
            Credit(2392, "", None, "erika  muster"),
            "SW000001",
            "name_amount",
            id="name-amount",
        ),
        pytest.param(
            Credit(100, f"{creditor_reference('SW000005')}"),
            "SW000005",
            "creditor_reference",
            id="paid-case-by-rf",
        ),
    ],
)
def test_best_suggestion(
    lookup: MemoryLookup, credit: Credit, case_ref: str | None, rule: str | None
) -> None:
    found = suggest_cases(credit, lookup)
    if case_ref is None:
        assert found == []
        return
    assert found[0].case_ref == case_ref
    assert found[0].rule == rule


def test_rf_applied_without_review(lookup: MemoryLookup) -> None:
    chosen = decide(suggest_cases(Credit(1, creditor_reference("SW000002")), lookup))
    assert chosen is not None
    assert chosen.confidence == 100


def test_name_amount_needs_review(lookup: MemoryLookup) -> None:
    found = suggest_cases(Credit(2392, "", None, "Erika Muster"), lookup)
    assert found[0].confidence < AUTO_APPLY_CONFIDENCE
    assert decide(found) is None


def test_tie_needs_review(lookup: MemoryLookup) -> None:
    found = suggest_cases(Credit(900, "", None, "Joerg Weiss"), lookup)
    assert [s.case_ref for s in found] == []
    found = suggest_cases(Credit(900, "", None, "Jorg Weiss"), lookup)
    assert [s.case_ref for s in found] == ["SW000003", "SW000004"]
    assert decide(found) is None


def test_paid_case_not_suggested_by_name(lookup: MemoryLookup) -> None:
    assert suggest_cases(Credit(100, "", None, "Max Paid"), lookup) == []


@pytest.mark.parametrize(
    ("name", "normalized"),
    [
        pytest.param("Jörg Weiß", "jorg weiss", id="umlaut-sharp-s"),
        pytest.param("  ERIKA\tMUSTER ", "erika muster", id="case-space"),
        pytest.param("Müller-Lüdenscheidt, K.", "muller ludenscheidt k", id="marks"),
    ],
)
def test_normalize_name(name: str, normalized: str) -> None:
    assert normalize_name(name) == normalized
