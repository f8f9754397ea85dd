"""Explanations attached to every legal computation.

An ``Explanation`` names the rule and the table version behind a figure,
keeps the inputs and the arithmetic as language-neutral strings, and keeps a
list of ``Phrase`` objects that ``render`` turns into German or English
sentences. Phrase values are strings too (ISO dates, decimals with a point),
so an explanation survives a round trip through ``to_dict`` and JSON.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any

from kleinkasso.law._phrases import LANGUAGES, PHRASES
from kleinkasso.law.errors import UnknownLanguageError, UnknownPhraseError

__all__ = ["Explanation", "Phrase"]


def _frozen(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Phrase:
    """One sentence of an explanation: a catalogue key and its values."""

    key: str
    values: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.key not in PHRASES:
            raise UnknownPhraseError(self.key)
        object.__setattr__(self, "values", _frozen(self.values))


@dataclass(frozen=True)
class Explanation:
    """The rule, table version, inputs and arithmetic behind one result."""

    rule: str
    table_version: str | None
    inputs: Mapping[str, str]
    steps: tuple[str, ...]
    phrases: tuple[Phrase, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "inputs", _frozen(self.inputs))

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dictionary that ``from_dict`` reads back."""
        return {
            "rule": self.rule,
            "table_version": self.table_version,
            "inputs": dict(self.inputs),
            "steps": list(self.steps),
            "phrases": [
                {"key": phrase.key, "values": dict(phrase.values)}
                for phrase in self.phrases
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Explanation:
        """Rebuild an explanation from the output of ``to_dict``."""
        return cls(
            rule=str(data["rule"]),
            table_version=(
                None if data["table_version"] is None else str(data["table_version"])
            ),
            inputs={str(k): str(v) for k, v in data["inputs"].items()},
            steps=tuple(str(step) for step in data["steps"]),
            phrases=tuple(
                Phrase(
                    str(item["key"]),
                    {str(k): str(v) for k, v in item["values"].items()},
                )
                for item in data.get("phrases", ())
            ),
        )

    def render(self, lang: str = "de") -> str:
        """Write the explanation as sentences in German ("de") or English ("en").

        An explanation without phrases falls back to its neutral steps.
        """
        if lang not in LANGUAGES:
            raise UnknownLanguageError(lang, LANGUAGES)
        formatter = _LocalFormatter(lang)
        lines = [formatter.format(PHRASES["basis"][lang], rule=self.rule)]
        if self.table_version is not None:
            lines.append(
                formatter.format(PHRASES["table"][lang], table=self.table_version)
            )
        for phrase in self.phrases:
            lines.append(formatter.format(PHRASES[phrase.key][lang], **phrase.values))
        if not self.phrases:
            lines.extend(self.steps)
        return "\n".join(lines)


class _LocalFormatter(string.Formatter):
    """Formats phrase values by the spec in the template.

    ``{x:date}`` takes an ISO date, ``{x:eur}`` a euro amount shown with two
    decimals, ``{x:num}`` a decimal shown with all its digits. Without a spec
    the value is inserted as it is.
    """

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        text = str(value)
        if format_spec == "date":
            return _format_date(date.fromisoformat(text), self.lang)
        if format_spec == "eur":
            return _format_number(_two_places(text), self.lang)
        if format_spec == "num":
            return _format_number(text, self.lang)
        return text


def _two_places(text: str) -> str:
    return str(Decimal(text).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _format_date(day: date, lang: str) -> str:
    if lang == "de":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    return day.isoformat()


def _format_number(text: str, lang: str) -> str:
    sign = "-" if text.startswith("-") else ""
    digits = text.lstrip("-")
    whole, _, decimals = digits.partition(".")
    thousands, point = (".", ",") if lang == "de" else (",", ".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = sign + thousands.join(groups)
    if decimals:
        result += point + decimals
    return result
