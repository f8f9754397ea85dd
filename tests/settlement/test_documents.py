"""Settlement documents: the PDF statement and the pain.001 payout."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from defusedxml import ElementTree

from kleinkasso.policy.creditor_config import PaymentRules, load_creditor_config
from kleinkasso.settlement.documents import (
    PayoutAccountMissing,
    euros,
    payout_pain001,
    settlement_pdf,
    write_documents,
)
from kleinkasso.settlement.service import Settlement, SettlementLine
from tests.comms.pdftools import pdf_text
from tests.conftest import EXAMPLES

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
CONFIG = load_creditor_config((EXAMPLES / "creditor.toml").read_bytes(), source="c")


def _line(case_ref: str, principal: int, fee: int) -> SettlementLine:
    return SettlementLine(
        case_ref=case_ref,
        customer_ref="K1",
        collected_cents=principal + fee,
        forwarded_cents=principal,
        kept_cents=fee,
        refund_cents=0,
        principal_cents=principal,
        interest_cents=0,
        costs_cents=0,
        fee_cents=fee,
        expenses_cents=0,
        vat_cents=0,
    )


RESULT = Settlement(
    "spielwiese",
    "2026-11",
    date(2026, 11, 30),
    (_line("SW000001", 499, 1575), _line("SW000002", 1999, 1890)),
    created=True,
)


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        pytest.param(0, "0,00", id="zero"),
        pytest.param(-5, "-0,05", id="negative-cents"),
        pytest.param(123456, "1.234,56", id="thousands"),
    ],
)
def test_euros(cents: int, text: str) -> None:
    assert euros(cents) == text


def test_pdf_lists_cases_and_total() -> None:
    text = pdf_text(settlement_pdf(RESULT, CONFIG))
    assert "SW000001" in text
    assert "SW000002" in text
    assert "24,98" in text
    assert "Abrechnung 2026-11" in text


def test_pain001_pays_forwarded_amount() -> None:
    xml = payout_pain001(RESULT, CONFIG)
    assert xml is not None
    root = ElementTree.fromstring(xml)
    assert root.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "24.98"
    assert (
        root.findtext(".//p:GrpHdr/p:MsgId", namespaces=NS) == "KK-spielwiese-2026-11"
    )
    assert root.findtext(".//p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == (
        CONFIG.payments.payout_iban
    )
    assert root.findtext(".//p:ReqdExctnDt/p:Dt", namespaces=NS) == "2026-12-01"
    assert (
        root.findtext(".//p:GrpHdr/p:CreDtTm", namespaces=NS) == "2026-12-01T00:00:00"
    )


def test_pain001_same_twice() -> None:
    first = payout_pain001(RESULT, CONFIG)
    second = payout_pain001(RESULT, CONFIG)
    assert first == second


def test_no_payout_when_nothing_forwarded() -> None:
    empty = replace(RESULT, lines=())
    assert payout_pain001(empty, CONFIG) is None


def test_payout_needs_iban(tmp_path: Path) -> None:
    config = replace(CONFIG, payments=PaymentRules())
    with pytest.raises(PayoutAccountMissing, match="no payout_iban"):
        payout_pain001(RESULT, config)
    written = write_documents(RESULT, config, tmp_path)
    assert [path.name for path in written] == ["settlement-spielwiese-2026-11.pdf"]
