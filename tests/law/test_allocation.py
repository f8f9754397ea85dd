from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kleinkasso.law import (
    Allocation,
    Component,
    InvalidAmountError,
    OpenClaim,
    UnknownClaimError,
    allocate_payment,
)

AS_OF = date(2026, 6, 1)
COSTS, INTEREST, PRINCIPAL = Component.COSTS, Component.INTEREST, Component.PRINCIPAL


def claim(
    key: str, costs: int = 0, interest: int = 0, principal: int = 0, **facts: Any
) -> OpenClaim:
    facts.setdefault("due_date", date(2026, 1, 1))
    facts.setdefault("arose_on", date(2025, 12, 1))
    return OpenClaim(
        key=key,
        costs_cents=costs,
        interest_cents=interest,
        principal_cents=principal,
        **facts,
    )


def lines(allocation: Allocation) -> list[tuple[str, Component, int]]:
    return [(line.key, line.component, line.cents) for line in allocation.lines]


@pytest.mark.parametrize(
    ("amount", "expected", "remainder"),
    [
        pytest.param(0, [], 0, id="nothing"),
        pytest.param(50, [("A", COSTS, 50)], 0, id="part-of-costs"),
        pytest.param(
            130, [("A", COSTS, 100), ("A", INTEREST, 30)], 0, id="costs-then-interest"
        ),
        pytest.param(
            700,
            [("A", COSTS, 100), ("A", INTEREST, 40), ("A", PRINCIPAL, 499)],
            61,
            id="overpayment",
        ),
    ],
)
def test_allocate_payment_one_claim(amount, expected, remainder):
    result = allocate_payment(amount, [claim("A", 100, 40, 499)], as_of=AS_OF)
    assert lines(result) == expected
    assert result.remainder_cents == remainder


def test_allocate_payment_by_component_pays_all_costs_first():
    claims = [
        claim("A", 100, 10, 500),
        claim("B", 100, 10, 500, arose_on=date(2025, 1, 1)),
    ]
    result = allocate_payment(250, claims, as_of=AS_OF)
    assert lines(result) == [
        ("B", COSTS, 100),
        ("A", COSTS, 100),
        ("B", INTEREST, 10),
        ("A", INTEREST, 10),
        ("B", PRINCIPAL, 30),
    ]


def test_allocate_payment_by_claim_follows_367_within_claim():
    claims = [
        claim("A", 100, 10, 500),
        claim("B", 100, 10, 500, arose_on=date(2025, 1, 1)),
    ]
    result = allocate_payment(700, claims, as_of=AS_OF, by_component=False)
    assert lines(result) == [
        ("B", COSTS, 100),
        ("B", INTEREST, 10),
        ("B", PRINCIPAL, 500),
        ("A", COSTS, 90),
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(
            {"due_date": date(2026, 5, 1)},
            {"due_date": date(2026, 7, 1), "arose_on": date(2020, 1, 1)},
            id="due-before-not-due",
        ),
        pytest.param(
            {"security_rank": 0}, {"security_rank": 1}, id="less-secured-first"
        ),
        pytest.param(
            {"burden_rank": 2}, {"burden_rank": 1}, id="more-burdensome-first"
        ),
        pytest.param(
            {"arose_on": date(2025, 1, 1)},
            {"arose_on": date(2025, 2, 1)},
            id="older-first",
        ),
        pytest.param(
            {"security_rank": 0, "arose_on": date(2026, 1, 1)},
            {"security_rank": 1, "arose_on": date(2020, 1, 1)},
            id="security-before-age",
        ),
    ],
)
def test_allocate_payment_366_order(first, second):
    # Key "Z" would sort last on a tie, so only the rank can put it first.
    claims = [claim("A", principal=100, **second), claim("Z", principal=100, **first)]
    result = allocate_payment(100, claims, as_of=AS_OF)
    assert lines(result) == [("Z", PRINCIPAL, 100)]


def test_allocate_payment_due_on_as_of_counts_as_due():
    claims = [
        claim("A", principal=100, due_date=date(2026, 6, 2), arose_on=date(2020, 1, 1)),
        claim("B", principal=100, due_date=AS_OF),
    ]
    assert lines(allocate_payment(100, claims, as_of=AS_OF)) == [("B", PRINCIPAL, 100)]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        pytest.param(
            100,
            [("A", PRINCIPAL, 34), ("B", PRINCIPAL, 33), ("C", PRINCIPAL, 33)],
            id="tie-by-key",
        ),
        pytest.param(
            200,
            [("A", PRINCIPAL, 67), ("B", PRINCIPAL, 67), ("C", PRINCIPAL, 66)],
            id="two-extra-cents",
        ),
        pytest.param(1, [("A", PRINCIPAL, 1)], id="one-cent"),
    ],
)
def test_allocate_payment_pro_rata_equal_claims(amount, expected):
    claims = [claim(key, principal=100) for key in ("C", "A", "B")]
    assert lines(allocate_payment(amount, claims, as_of=AS_OF)) == expected


def test_allocate_payment_pro_rata_largest_remainder():
    # 108 over 500 and 501: exact shares 53.95 and 54.05, the extra cent goes
    # to the larger remainder (A) although B is the larger claim.
    claims = [claim("A", principal=500), claim("B", principal=501)]
    result = allocate_payment(108, claims, as_of=AS_OF)
    assert lines(result) == [("A", PRINCIPAL, 54), ("B", PRINCIPAL, 54)]


def test_allocate_payment_pro_rata_by_claim_mode():
    claims = [claim("A", 100, 10, 100), claim("B", 100, 10, 300)]
    result = allocate_payment(300, claims, as_of=AS_OF, by_component=False)
    # Totals 210 and 410: shares 101.6 and 198.4, so 102 and 198.
    assert lines(result) == [
        ("A", COSTS, 100),
        ("A", INTEREST, 2),
        ("B", COSTS, 100),
        ("B", INTEREST, 10),
        ("B", PRINCIPAL, 88),
    ]


def test_allocate_payment_designated_first():
    claims = [
        claim("A", 100, 10, 500, arose_on=date(2020, 1, 1)),
        claim("B", 100, 10, 500),
    ]
    result = allocate_payment(700, claims, as_of=AS_OF, designated=["B"])
    assert lines(result) == [
        ("B", COSTS, 100),
        ("B", INTEREST, 10),
        ("B", PRINCIPAL, 500),
        ("A", COSTS, 90),
    ]
    assert "bestimmt" in result.explanation.render("de")


def test_allocate_payment_designated_in_given_order():
    claims = [
        claim("A", principal=100),
        claim("B", principal=100),
        claim("C", principal=100),
    ]
    result = allocate_payment(150, claims, as_of=AS_OF, designated=["C", "B"])
    assert lines(result) == [("C", PRINCIPAL, 100), ("B", PRINCIPAL, 50)]


@pytest.mark.parametrize(
    ("claims", "designated", "message"),
    [
        pytest.param(
            [claim("A"), claim("A")], (), "more than once among", id="duplicate-claim"
        ),
        pytest.param(
            [claim("A")], ["X"], "not among the open claims", id="unknown-designated"
        ),
        pytest.param(
            [claim("A")], ["A", "A"], "designated more than once", id="designated-twice"
        ),
    ],
)
def test_allocate_payment_rejects_claims(claims, designated, message):
    with pytest.raises(UnknownClaimError, match=message):
        allocate_payment(100, claims, as_of=AS_OF, designated=designated)


def test_allocate_payment_rejects_negative_amount():
    with pytest.raises(InvalidAmountError, match="amount_cents"):
        allocate_payment(-1, [claim("A", principal=100)], as_of=AS_OF)


def test_allocate_payment_rejects_negative_component():
    with pytest.raises(InvalidAmountError, match="interest_cents of claim 'A'"):
        allocate_payment(100, [claim("A", interest=-1)], as_of=AS_OF)


def test_allocate_payment_explanation():
    claims = [claim("A", 100, 10, 500), claim("B", 100, 10, 500)]
    result = allocate_payment(2_000, claims, as_of=AS_OF)
    explanation = result.explanation
    assert explanation.rule == "§§ 366, 367 BGB"
    assert explanation.inputs["amount"] == "20.00"
    assert "§ 366 Abs. 2 order: A = B" in explanation.steps
    english = explanation.render("en")
    assert "7.80 EUR are left over." in english
    assert "All costs are paid first" in english
    paid_exactly = allocate_payment(1_220, claims, as_of=AS_OF)
    assert "vollständig verrechnet" in paid_exactly.explanation.render("de")


claim_strategy = st.builds(
    OpenClaim,
    key=st.text(alphabet="ABCDEFGH", min_size=1, max_size=2),
    due_date=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
    arose_on=st.dates(min_value=date(2025, 1, 1), max_value=date(2025, 3, 1)),
    costs_cents=st.integers(min_value=0, max_value=5_000),
    interest_cents=st.integers(min_value=0, max_value=500),
    principal_cents=st.integers(min_value=0, max_value=5_000),
    security_rank=st.integers(min_value=0, max_value=2),
    burden_rank=st.integers(min_value=0, max_value=2),
)
claim_lists = st.lists(claim_strategy, max_size=8, unique_by=lambda c: c.key)


@given(
    amount=st.integers(min_value=0, max_value=50_000),
    claims=claim_lists,
    by_component=st.booleans(),
)
def test_allocate_payment_conserves_cents(amount, claims, by_component):
    result = allocate_payment(amount, claims, as_of=AS_OF, by_component=by_component)
    assert sum(line.cents for line in result.lines) + result.remainder_cents == amount
    assert all(line.cents > 0 for line in result.lines)
    by_key = {c.key: c for c in claims}
    for component in Component:
        for key, open_claim in by_key.items():
            paid = sum(
                line.cents
                for line in result.lines
                if line.key == key and line.component is component
            )
            assert paid <= open_claim.open_cents(component)
    if result.remainder_cents:
        assert sum(line.cents for line in result.lines) == sum(
            c.total_cents for c in claims
        )


@given(amount=st.integers(min_value=0, max_value=50_000), claims=claim_lists)
def test_allocate_payment_by_claim_costs_before_rest(amount, claims):
    result = allocate_payment(amount, claims, as_of=AS_OF, by_component=False)
    by_key = {c.key: c for c in claims}
    for key, open_claim in by_key.items():
        claim_lines = [line for line in result.lines if line.key == key]
        costs_paid = sum(line.cents for line in claim_lines if line.component is COSTS)
        interest_paid = sum(
            line.cents for line in claim_lines if line.component is INTEREST
        )
        principal_paid = sum(
            line.cents for line in claim_lines if line.component is PRINCIPAL
        )
        if interest_paid or principal_paid:
            assert costs_paid == open_claim.costs_cents
        if principal_paid:
            assert interest_paid == open_claim.interest_cents


@given(amount=st.integers(min_value=0, max_value=50_000), claims=claim_lists)
def test_allocate_payment_by_component_costs_before_principal(amount, claims):
    result = allocate_payment(amount, claims, as_of=AS_OF)
    if any(line.component is PRINCIPAL for line in result.lines):
        assert sum(
            line.cents for line in result.lines if line.component is COSTS
        ) == sum(c.costs_cents for c in claims)
        assert sum(
            line.cents for line in result.lines if line.component is INTEREST
        ) == sum(c.interest_cents for c in claims)
    components = [line.component for line in result.lines]
    order = [COSTS, INTEREST, PRINCIPAL]
    assert components == sorted(components, key=order.index)


@given(
    amount=st.integers(min_value=0, max_value=50_000),
    claims=claim_lists,
    by_component=st.booleans(),
)
def test_allocate_payment_ignores_input_order(amount, claims, by_component):
    forward = allocate_payment(amount, claims, as_of=AS_OF, by_component=by_component)
    backward = allocate_payment(
        amount, list(reversed(claims)), as_of=AS_OF, by_component=by_component
    )
    assert forward.lines == backward.lines
