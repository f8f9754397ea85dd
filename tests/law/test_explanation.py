import json
import string
from datetime import date

import pytest

import kleinkasso.law
from kleinkasso.law import (
    Explanation,
    Phrase,
    UnknownLanguageError,
    UnknownPhraseError,
    default_interest,
)
from kleinkasso.law._phrases import LANGUAGES, PHRASES


def placeholders(template: str) -> set[tuple[str, str | None]]:
    return {
        (name, spec)
        for _, name, spec, _ in string.Formatter().parse(template)
        if name is not None
    }


@pytest.mark.parametrize("key", sorted(PHRASES))
def test_phrase_has_every_language_with_same_placeholders(key):
    templates = PHRASES[key]
    assert set(templates) == set(LANGUAGES)
    assert placeholders(templates["de"]) == placeholders(templates["en"])


def test_explanation_round_trip_through_json():
    original = default_interest(
        1_000_000, date(2023, 1, 1), date(2023, 7, 1)
    ).explanation
    data = json.loads(json.dumps(original.to_dict()))
    restored = Explanation.from_dict(data)
    assert restored == original
    assert restored.render("en") == original.render("en")


def test_explanation_to_dict_fields():
    explanation = Explanation(
        "§ 1 X", None, {"a": "1"}, ("1 + 1 = 2",), (Phrase("default.none"),)
    )
    assert explanation.to_dict() == {
        "rule": "§ 1 X",
        "table_version": None,
        "inputs": {"a": "1"},
        "steps": ["1 + 1 = 2"],
        "phrases": [{"key": "default.none", "values": {}}],
    }


def test_explanation_from_dict_without_phrases():
    explanation = Explanation.from_dict(
        {"rule": "§ 1 X", "table_version": "T 1", "inputs": {}, "steps": ["a = b"]}
    )
    assert explanation.phrases == ()
    assert explanation.render("en") == (
        "The calculation follows § 1 X.\nIt uses the table version “T 1”.\na = b"
    )


def test_explanation_inputs_are_read_only():
    inputs = {"a": "1"}
    explanation = Explanation("§ 1 X", None, inputs, ())
    inputs["a"] = "2"
    assert explanation.inputs["a"] == "1"
    with pytest.raises(TypeError):
        explanation.inputs["a"] = "3"  # type: ignore[index]


def test_explanation_render_rejects_language():
    explanation = Explanation("§ 1 X", None, {}, ())
    with pytest.raises(UnknownLanguageError, match=r"'fr'.*de, en"):
        explanation.render("fr")


def test_phrase_rejects_unknown_key():
    with pytest.raises(UnknownPhraseError, match=r"interest\.unknown"):
        Phrase("interest.unknown")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        pytest.param(
            "de",
            "Die Summe von 1.234,5678 EUR wird einmal kaufmännisch auf "
            "1.234,57 EUR gerundet.",
            id="de",
        ),
        pytest.param(
            "en",
            "The sum of 1,234.5678 EUR is rounded half up once, to 1,234.57 EUR.",
            id="en",
        ),
    ],
)
def test_explanation_formats_numbers(lang, expected):
    explanation = Explanation(
        "§ 1 X",
        None,
        {},
        (),
        (Phrase("interest.total", {"exact": "1234.5678", "total": "1234.57"}),),
    )
    assert explanation.render(lang).splitlines()[-1] == expected


def test_explanation_formats_negative_numbers_and_dates():
    phrase = Phrase(
        "interest.period",
        {
            "start": "2020-01-01",
            "end": "2020-06-30",
            "days": "182",
            "divisor": "365",
            "base_rate": "-0.88",
            "rate": "4.12",
            "interest": "20.5",
        },
    )
    german = Explanation("§ 1 X", None, {}, (), (phrase,)).render("de")
    assert "Vom 01.01.2020 bis 30.06.2020" in german
    assert "Basiszinssatz -0,88 %" in german


def test_public_api_is_complete():
    for name in kleinkasso.law.__all__:
        assert hasattr(kleinkasso.law, name), name
    expected = {
        "LawError", "BaseRateUnknown", "DayCount", "Explanation", "base_rate",
        "InterestPeriod", "InterestResult", "default_interest", "DefaultRule",
        "DefaultFacts", "DefaultStart", "default_start", "next_working_day",
        "FeeResult", "rvg_base_fee", "collection_fee", "payment_plan_fee",
        "SIMPLE_CASE_WINDOW_DAYS", "simple_case_deadline", "fee_rate_for",
        "recoverable_reminder_costs", "Component", "OpenClaim", "AllocationLine",
        "Allocation", "allocate_payment", "LimitationResult", "limitation",
        "is_time_barred", "CourtCostEstimate", "court_dunning_costs",
        "euros_to_cents", "cents_to_euros", "round_half_up_cents",
    }  # fmt: skip
    assert expected <= set(kleinkasso.law.__all__)


def test_errors_share_base_class():
    for name in kleinkasso.law.__all__:
        value = getattr(kleinkasso.law, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, kleinkasso.law.LawError), name
