"""The matching cascade: which case a bank credit pays, and how sure that is.

Each rule yields suggestions with a confidence in percent:

==================  ==========  ==============================================
rule                confidence  evidence
==================  ==========  ==============================================
creditor_reference  100         an ISO 11649 reference with valid check digits
case_ref            95          the case reference in the remittance text
iban_amount         85          an IBAN that paid the debtor's cases before,
                                and the open amount of one of them
name_amount         60          the debtor's name as the account holder, and
                                the open amount
iban / name         40 / 30     the same without a matching amount
==================  ==========  ==============================================

The best suggestion is applied when its confidence reaches
:data:`AUTO_APPLY_CONFIDENCE` and no other case has the same confidence;
otherwise the credit waits in the review queue with its suggestions. The
cascade itself is pure: a :class:`CaseLookup` supplies the candidates, from
the database on import and from dictionaries in the benchmark.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from kleinkasso.names import normalize_name
from kleinkasso.payments.matching import case_ref_candidates, pick, rf_candidates

AUTO_APPLY_CONFIDENCE = 75
# An amount counts as "the open amount" within this many cents, because
# default interest accrues by the day between the demand and the payment.
AMOUNT_TOLERANCE_CENTS = 25
MAX_SUGGESTIONS = 5

CONFIDENCE = {
    "creditor_reference": 100,
    "case_ref": 95,
    "iban_amount": 85,
    "name_amount": 60,
    "iban": 40,
    "name": 30,
}


@dataclass(frozen=True)
class Candidate:
    """A case that a lookup returned, with what is open on it."""

    case_id: int
    case_ref: str
    creditor_id: str
    status: str
    open_cents: int


@dataclass(frozen=True)
class Suggestion:
    """A case a credit may pay, with the rule and its confidence in percent."""

    case_id: int
    case_ref: str
    creditor_id: str
    rule: str
    confidence: int

    def to_json(self) -> dict[str, object]:
        return {
            "case_id": self.case_id,
            "case_ref": self.case_ref,
            "creditor_id": self.creditor_id,
            "rule": self.rule,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class Credit:
    """The fields of a bank credit that the cascade reads."""

    amount_cents: int
    reference: str
    counterparty_iban: str | None = None
    counterparty_name: str | None = None


class CaseLookup(Protocol):
    """Source of the candidate cases that the cascade ranks."""

    def by_creditor_reference(self, refs: Sequence[str]) -> dict[str, Candidate]: ...

    def by_case_ref(self, refs: Sequence[str]) -> dict[str, Candidate]: ...

    def by_iban(self, iban: str) -> list[Candidate]: ...

    def by_name(self, name: str) -> list[Candidate]:
        """Return open cases whose debtor has this name, compared normalized."""
        ...


def _amount_fits(candidate: Candidate, amount_cents: int) -> bool:
    return (
        candidate.status == "open"
        and abs(candidate.open_cents - amount_cents) <= AMOUNT_TOLERANCE_CENTS
    )


def _by_amount(
    candidates: Iterable[Candidate], amount_cents: int, exact: str, loose: str
) -> list[Suggestion]:
    found = []
    for candidate in candidates:
        rule = exact if _amount_fits(candidate, amount_cents) else loose
        found.append(_suggest(candidate, rule))
    return found


def _suggest(candidate: Candidate, rule: str) -> Suggestion:
    return Suggestion(
        candidate.case_id,
        candidate.case_ref,
        candidate.creditor_id,
        rule,
        CONFIDENCE[rule],
    )


def suggest_cases(credit: Credit, lookup: CaseLookup) -> list[Suggestion]:
    """Return the best suggestions for a credit, most confident first.

    The reference rules stop the cascade when they find a case, because a
    verified reference outranks any amount or name coincidence.
    """
    rfs = rf_candidates(credit.reference)
    if rfs:
        by_rf = lookup.by_creditor_reference(rfs)
        chosen = pick(rfs, by_rf)
        if chosen is not None:
            return [_suggest(by_rf[chosen], "creditor_reference")]
    refs = case_ref_candidates(credit.reference)
    if refs:
        by_ref = lookup.by_case_ref(refs)
        chosen = pick(refs, by_ref)
        if chosen is not None:
            return [_suggest(by_ref[chosen], "case_ref")]
    found: dict[int, Suggestion] = {}
    if credit.counterparty_iban:
        for suggestion in _by_amount(
            lookup.by_iban(credit.counterparty_iban),
            credit.amount_cents,
            "iban_amount",
            "iban",
        ):
            found.setdefault(suggestion.case_id, suggestion)
    if credit.counterparty_name and normalize_name(credit.counterparty_name):
        for suggestion in _by_amount(
            lookup.by_name(credit.counterparty_name),
            credit.amount_cents,
            "name_amount",
            "name",
        ):
            known = found.get(suggestion.case_id)
            if known is None or known.confidence < suggestion.confidence:
                found[suggestion.case_id] = suggestion
    ranked = sorted(found.values(), key=lambda s: (-s.confidence, s.case_ref))
    return ranked[:MAX_SUGGESTIONS]


def decide(suggestions: Sequence[Suggestion]) -> Suggestion | None:
    """Return the suggestion to apply without review, or None.

    Two cases with the same top confidence are a tie that a person decides.
    """
    if not suggestions or suggestions[0].confidence < AUTO_APPLY_CONFIDENCE:
        return None
    if len(suggestions) > 1 and suggestions[1].confidence == suggestions[0].confidence:
        return None
    return suggestions[0]


class MemoryLookup:
    """Candidate cases held in dictionaries, for batch matching and benchmarks."""

    def __init__(self) -> None:
        self.creditor_references: dict[str, Candidate] = {}
        self.case_refs: dict[str, Candidate] = {}
        self.ibans: dict[str, list[Candidate]] = {}
        self.names: dict[str, list[Candidate]] = {}

    def add(
        self,
        candidate: Candidate,
        creditor_reference: str,
        *,
        name: str | None = None,
        ibans: Iterable[str] = (),
    ) -> None:
        """Index a case under its references, its debtor's name and known IBANs."""
        self.creditor_references[creditor_reference] = candidate
        self.case_refs[candidate.case_ref] = candidate
        if name:
            self.names.setdefault(normalize_name(name), []).append(candidate)
        for iban in ibans:
            self.ibans.setdefault(iban, []).append(candidate)

    def by_creditor_reference(self, refs: Sequence[str]) -> dict[str, Candidate]:
        known = self.creditor_references
        return {ref: known[ref] for ref in refs if ref in known}

    def by_case_ref(self, refs: Sequence[str]) -> dict[str, Candidate]:
        return {ref: self.case_refs[ref] for ref in refs if ref in self.case_refs}

    def by_iban(self, iban: str) -> list[Candidate]:
        return [case for case in self.ibans.get(iban, []) if case.status == "open"]

    def by_name(self, name: str) -> list[Candidate]:
        return [
            c for c in self.names.get(normalize_name(name), []) if c.status == "open"
        ]
