"""The ``[payments]`` table of the creditor configuration."""

from __future__ import annotations

import pytest

from kleinkasso.policy.creditor_config import (
    ConfigError,
    CreditorConfig,
    load_creditor_config,
)
from tests.conftest import EXAMPLES

EXAMPLE = (EXAMPLES / "creditor.toml").read_text("utf-8")
TABLE = EXAMPLE[EXAMPLE.index("[payments]") :]


def _load(table: str) -> CreditorConfig:
    text = EXAMPLE.replace(TABLE, table)
    return load_creditor_config(text.encode(), source="creditor.toml")


def test_example_payout_account() -> None:
    config = _load(TABLE)
    assert config.payments.payout_iban == "DE02120300000000202051"
    assert config.payments.payout_bic == "BYLADEM1001"
    assert config.payments.refund_minimum_cents == 100


def test_defaults_without_table() -> None:
    config = _load("")
    assert config.payments.payout_iban is None
    assert config.payments.refund_minimum_cents == 100


def test_stored_config_without_payments() -> None:
    data = _load(TABLE).to_json()
    del data["payments"]
    assert CreditorConfig.from_json(data).payments.payout_iban is None


@pytest.mark.parametrize(
    ("table", "field"),
    [
        pytest.param('[payments]\npayout_iban = "DE00123"\n', "payout_iban", id="iban"),
        pytest.param('[payments]\npayout_bic = "XX"\n', "payout_bic", id="bic"),
        pytest.param(
            "[payments]\nrefund_minimum_cents = -1\n", "refund_minimum", id="minimum"
        ),
        pytest.param("[payments]\nunknown = 1\n", "unknown", id="unknown-key"),
    ],
)
def test_invalid_payment_rules(table: str, field: str) -> None:
    with pytest.raises(ConfigError, match=f"payments.{field}"):
        _load(table)
