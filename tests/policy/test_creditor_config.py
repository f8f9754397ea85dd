"""Creditor configurations are validated with errors that name key and value."""

from __future__ import annotations

import pytest

from kleinkasso.policy.creditor_config import ConfigError, load_creditor_config
from tests.conftest import EXAMPLES

EXAMPLE = (EXAMPLES / "creditor.toml").read_text("utf-8")


def test_example_config_loads() -> None:
    config = load_creditor_config(EXAMPLE.encode(), source="creditor.toml")
    assert config.id == "spielwiese"
    assert config.case_prefix == "SW"
    assert config.collector.iban == "DE89370400440532013000"
    assert config.columns["item_ref"] == "Belegnummer"
    assert config.handover.excluded_categories == ("gambling",)


def test_config_round_trips_through_json() -> None:
    config = load_creditor_config(EXAMPLE.encode(), source="creditor.toml")
    assert type(config).from_json(config.to_json()) == config


@pytest.mark.parametrize(
    ("old", "new", "key", "expected"),
    [
        pytest.param(
            'iban = "DE89370400440532013000"',
            'iban = "DE00370400440532013000"',
            "collector.iban",
            "a valid IBAN",
            id="iban",
        ),
        pytest.param(
            'regular_fee_rate = "0.9"',
            'regular_fee_rate = "2.5"',
            "dunning.regular_fee_rate",
            "one of 0.5",
            id="rate",
        ),
        pytest.param(
            "mandate_date = 2026-06-01",
            'mandate_date = "soon"',
            "mandate_date",
            "a TOML date",
            id="mandate",
        ),
        pytest.param(
            'id = "spielwiese"', 'id = "Spiel Wiese"', "id", "lower-case", id="id"
        ),
        pytest.param(
            'item_ref = "Belegnummer"',
            'itemref = "Belegnummer"',
            "columns.itemref",
            "one of",
            id="column",
        ),
        pytest.param(
            'vanished_items = "paid_directly"',
            'vanished_items = "forgotten"',
            "handover.vanished_items",
            "'paid_directly' or 'cancelled'",
            id="vanished-items",
        ),
        pytest.param(
            "min_days_past_due = 14",
            "min_days_past_due = true",
            "handover.min_days_past_due",
            "",
            id="bool-for-int",
        ),
        pytest.param(
            'postal_code = "10178"',
            'postal_code = "1017"',
            "address.postal_code",
            "five digits",
            id="postal-code",
        ),
        pytest.param(
            'language = "de"',
            'language = "de"\ncolour = "red"',
            "dunning.colour",
            "a known key",
            id="unknown-key",
        ),
    ],
)
def test_config_error_names_key(old: str, new: str, key: str, expected: str) -> None:
    assert old in EXAMPLE
    with pytest.raises(ConfigError) as caught:
        load_creditor_config(EXAMPLE.replace(old, new, 1).encode(), source="c.toml")
    assert caught.value.key == key
    assert expected in str(caught.value)
    assert str(caught.value).startswith("c.toml: key")


def test_config_rejects_broken_toml() -> None:
    with pytest.raises(ConfigError, match="valid TOML"):
        load_creditor_config(b"id = ", source="c.toml")


def test_config_missing_key_message() -> None:
    with pytest.raises(ConfigError) as caught:
        load_creditor_config(
            EXAMPLE.replace('name = "Spielwiese Games GmbH"\n', "", 1).encode(),
            source="c.toml",
        )
    assert str(caught.value) == (
        "c.toml: key 'name' is missing; expected a text of 1 to 200 characters"
    )


def test_config_rate_as_number() -> None:
    text = EXAMPLE.replace('regular_fee_rate = "0.9"', "regular_fee_rate = 0.9", 1)
    config = load_creditor_config(text.encode(), source="c.toml")
    assert config.dunning.regular_fee_rate == "0.9"


def test_config_wrong_type_message() -> None:
    text = EXAMPLE.replace("min_days_past_due = 14", 'min_days_past_due = "14"', 1)
    with pytest.raises(ConfigError, match="expected an integer"):
        load_creditor_config(text.encode(), source="c.toml")
