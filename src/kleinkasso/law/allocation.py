"""Allocation of a payment to open claims under §§ 366, 367 BGB.

§ 367 Abs. 1 BGB orders the parts of one claim: costs, then interest, then
principal. § 366 Abs. 2 BGB orders several claims when the debtor made no
designation: the claim that is due, then the one with less security for the
creditor, then the one more burdensome for the debtor, then the older one,
and equal claims share pro rata. Every sort ends with the claim key, so the
same input always gives the same lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import groupby

from kleinkasso.law.errors import UnknownClaimError
from kleinkasso.law.explanation import Explanation, Phrase
from kleinkasso.law.money import cents_to_euros, require_cents

__all__ = [
    "Allocation",
    "AllocationLine",
    "Component",
    "OpenClaim",
    "allocate_payment",
]


class Component(StrEnum):
    """Part of a claim, listed in the order of § 367 Abs. 1 BGB."""

    COSTS = "costs"
    INTEREST = "interest"
    PRINCIPAL = "principal"


COMPONENT_ORDER = (Component.COSTS, Component.INTEREST, Component.PRINCIPAL)


@dataclass(frozen=True)
class OpenClaim:
    """The open amounts of one claim and the facts that rank it."""

    key: str  # stable identifier, the last tie-breaker of every order
    due_date: date
    arose_on: date  # age for "the older debt" of § 366 Abs. 2 BGB
    costs_cents: int
    interest_cents: int
    principal_cents: int
    security_rank: int = 0  # higher: better secured, paid later
    burden_rank: int = 0  # higher: more burdensome for the debtor, paid earlier

    def open_cents(self, component: Component) -> int:
        """Return the open amount of one component in cents."""
        if component is Component.COSTS:
            return self.costs_cents
        if component is Component.INTEREST:
            return self.interest_cents
        return self.principal_cents

    @property
    def total_cents(self) -> int:
        """Open costs, interest and principal together."""
        return self.costs_cents + self.interest_cents + self.principal_cents


@dataclass(frozen=True)
class AllocationLine:
    """Cents applied to one component of one claim."""

    key: str
    component: Component
    cents: int


@dataclass(frozen=True)
class Allocation:
    """The lines a payment settles, in the order applied, and what is left."""

    lines: tuple[AllocationLine, ...]  # only lines with cents > 0
    remainder_cents: int  # overpayment, to be refunded or held
    explanation: Explanation


def allocate_payment(
    amount_cents: int,
    claims: Sequence[OpenClaim],
    *,
    as_of: date,
    by_component: bool = True,
    designated: Sequence[str] = (),
) -> Allocation:
    """Apply a payment of ``amount_cents`` to ``claims`` (§§ 366, 367 BGB).

    With ``by_component`` all costs are paid first, then all interest, then
    all principal, each across the claims in § 366 Abs. 2 order. Without it
    the claims are paid one after another in that order, each in § 367 order.
    A claim counts as due when ``due_date <= as_of``. Claims of equal rank
    share pro rata to their open amounts, with leftover cents going to the
    largest fractional shares and ties going to the smaller key.

    ``designated`` contains the keys the debtor named (§ 366 Abs. 1 BGB). Those
    claims are paid first, in the order named and each in full in § 367
    order, before the remaining claims in either mode.

    Cents are conserved: the lines plus ``remainder_cents`` equal the amount.
    Raises ``InvalidAmountError`` for negative amounts and ``UnknownClaimError`` for a
    repeated key or a designated key without an open claim.
    """
    require_cents("amount_cents", amount_cents)
    by_key = _index_claims(claims)
    named = _designated_claims(designated, by_key)
    named_keys = {claim.key for claim in named}
    groups = _rank_groups(
        [claim for claim in claims if claim.key not in named_keys], as_of
    )

    lines: list[AllocationLine] = []
    left = amount_cents
    for claim in named:
        left = _pay_claims_in_full([claim], left, lines)
    if by_component:
        for component in COMPONENT_ORDER:
            for group in groups:
                left = _pay_component(group, component, left, lines)
    else:
        for group in groups:
            left = _pay_claims_in_full(group, left, lines)

    explanation = _explain(
        amount_cents=amount_cents,
        as_of=as_of,
        by_component=by_component,
        named=named,
        groups=groups,
        lines=lines,
        remainder_cents=left,
    )
    return Allocation(tuple(lines), left, explanation)


def _index_claims(claims: Sequence[OpenClaim]) -> dict[str, OpenClaim]:
    by_key: dict[str, OpenClaim] = {}
    for claim in claims:
        if claim.key in by_key:
            raise UnknownClaimError(
                claim.key, "appears more than once among the claims"
            )
        for component in COMPONENT_ORDER:
            require_cents(
                f"{component.value}_cents of claim {claim.key!r}",
                claim.open_cents(component),
            )
        by_key[claim.key] = claim
    return by_key


def _designated_claims(
    designated: Sequence[str], by_key: dict[str, OpenClaim]
) -> list[OpenClaim]:
    named: list[OpenClaim] = []
    for key in designated:
        if key not in by_key:
            raise UnknownClaimError(key, "is designated but not among the open claims")
        if by_key[key] in named:
            raise UnknownClaimError(key, "is designated more than once")
        named.append(by_key[key])
    return named


def _rank(claim: OpenClaim, as_of: date) -> tuple[int, int, int, date]:
    not_due = 0 if claim.due_date <= as_of else 1
    return (not_due, claim.security_rank, -claim.burden_rank, claim.arose_on)


def _rank_groups(claims: list[OpenClaim], as_of: date) -> list[list[OpenClaim]]:
    """Sort claims in § 366 Abs. 2 order and group those of equal rank."""
    ordered = sorted(claims, key=lambda claim: (_rank(claim, as_of), claim.key))
    return [
        list(group)
        for _, group in groupby(ordered, key=lambda claim: _rank(claim, as_of))
    ]


def _pro_rata(amount: int, weights: list[int], keys: list[str]) -> list[int]:
    """Split ``amount`` by ``weights`` with the largest-remainder method.

    ``amount`` must be below the sum of the weights, so no share exceeds its
    weight.
    """
    total = sum(weights)
    shares = [amount * weight // total for weight in weights]
    remainders = [amount * weight % total for weight in weights]
    missing = amount - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], keys[i]))
    for index in order[:missing]:
        shares[index] += 1
    return shares


def _pay_component(
    group: list[OpenClaim], component: Component, left: int, lines: list[AllocationLine]
) -> int:
    opens = [claim.open_cents(component) for claim in group]
    if left >= sum(opens):
        shares = opens
    else:
        shares = _pro_rata(left, opens, [claim.key for claim in group])
    for claim, cents in zip(group, shares, strict=True):
        if cents:
            lines.append(AllocationLine(claim.key, component, cents))
    return left - sum(shares)


def _pay_claims_in_full(
    group: list[OpenClaim], left: int, lines: list[AllocationLine]
) -> int:
    totals = [claim.total_cents for claim in group]
    if left >= sum(totals):
        shares = totals
    else:
        shares = _pro_rata(left, totals, [claim.key for claim in group])
    for claim, share in zip(group, shares, strict=True):
        unapplied = share
        for component in COMPONENT_ORDER:
            cents = min(unapplied, claim.open_cents(component))
            if cents:
                lines.append(AllocationLine(claim.key, component, cents))
            unapplied -= cents
    return left - sum(shares)


def _explain(
    *,
    amount_cents: int,
    as_of: date,
    by_component: bool,
    named: list[OpenClaim],
    groups: list[list[OpenClaim]],
    lines: list[AllocationLine],
    remainder_cents: int,
) -> Explanation:
    order = " > ".join(" = ".join(claim.key for claim in group) for group in groups)
    inputs = {
        "amount": str(cents_to_euros(amount_cents)),
        "as_of": as_of.isoformat(),
        "by_component": "true" if by_component else "false",
        "designated": ",".join(claim.key for claim in named),
        "claims": str(sum(len(group) for group in groups) + len(named)),
    }
    steps: list[str] = []
    phrases: list[Phrase] = [
        Phrase(
            "allocation.amount", {"amount": inputs["amount"], "as_of": inputs["as_of"]}
        )
    ]
    if named:
        steps.append(f"designated: {inputs['designated']}")
        phrases.append(Phrase("allocation.designated", {"keys": inputs["designated"]}))
    if groups:
        steps.append(f"§ 366 Abs. 2 order: {order}")
        mode = "allocation.by_component" if by_component else "allocation.by_claim"
        phrases.append(Phrase(mode, {"order": order}))
    for line in lines:
        euros = str(cents_to_euros(line.cents))
        steps.append(f"{line.key} {line.component.value} {euros}")
        phrases.append(
            Phrase(
                f"allocation.line.{line.component.value}",
                {"key": line.key, "amount": euros},
            )
        )
    remainder = str(cents_to_euros(remainder_cents))
    steps.append(f"remainder {remainder}")
    if remainder_cents:
        phrases.append(Phrase("allocation.remainder", {"remainder": remainder}))
    else:
        phrases.append(Phrase("allocation.no_remainder"))
    return Explanation("§§ 366, 367 BGB", None, inputs, tuple(steps), tuple(phrases))
