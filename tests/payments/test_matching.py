"""Creditor references are found in the shapes banks pass them through."""

from __future__ import annotations

import pytest

from kleinkasso.cases.refs import creditor_reference
from kleinkasso.payments.matching import case_ref_candidates, pick, rf_candidates

RF = creditor_reference("SW000042")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(RF, id="exact"),
        pytest.param(RF.lower(), id="lower-case"),
        pytest.param(
            " ".join(RF[i : i + 4] for i in range(0, len(RF), 4)), id="groups-of-four"
        ),
        pytest.param(f"Rechnung {RF[:7]}\n{RF[7:]} danke", id="split-over-lines"),
        pytest.param(f"EREF+NOTPROVIDED SVWZ+{RF}Danke", id="glued-to-text"),
        pytest.param(f"{RF[:5]}\t{RF[5:]}", id="tab-inside"),
    ],
)
def test_rf_found(text: str) -> None:
    assert pick(rf_candidates(text), {RF}) == RF


def test_rf_check_digits_verified() -> None:
    wrong = RF[:2] + ("00" if RF[2:4] != "00" else "01") + RF[4:]
    assert pick(rf_candidates(wrong), {RF}) is None


def test_rf_reference_is_valid() -> None:
    assert RF.startswith("RF")
    assert RF.endswith("SW000042")
    assert rf_candidates(RF)[0] == RF


def test_case_ref_in_free_text() -> None:
    assert case_ref_candidates("Zahlung fuer Fall sw000042, danke") == ["SW000042"]


def test_creditor_reference_rejects_long_base() -> None:
    with pytest.raises(ValueError, match="1 to 21 letters or digits"):
        creditor_reference("A" * 22)
