"""Fee tables as data: RVG § 13 with Anlage 2, § 13 Abs. 2 RVG and GKG § 34.

Each table is stored as the step rule the statute itself uses ("for each
started N euros, add M euros") and expanded on demand, so a new table is one
more ``FeeScale`` entry appended to ``RVG_SCALES`` or ``GKG_SCALES`` with its
first day and its source. The table in force is the newest one whose
``valid_from`` is on or before the deciding date: for lawyers' and
collection fees the day of the unconditional mandate (§ 60 Abs. 1 RVG), for
court fees the day of filing (§ 71 Abs. 1 GKG).

All amounts are integer cents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from kleinkasso.law.errors import FeeTableUnknownError

__all__ = [
    "GKG_SCALES",
    "KV_1100_MINIMUMS",
    "RVG_COLLECTION_STEPS",
    "RVG_SCALES",
    "Bracket",
    "CollectionStep",
    "FeeScale",
    "MinimumFee",
    "in_force",
]


@dataclass(frozen=True)
class Bracket:
    """One step rule: above the previous limit, per started ``step_cents``."""

    up_to_cents: int | None  # None: no upper limit
    step_cents: int
    increment_cents: int


@dataclass(frozen=True)
class FeeScale:
    """A 1.0 fee table written as its step rule."""

    name: str
    valid_from: date
    base_up_to_cents: int
    base_fee_cents: int
    brackets: tuple[Bracket, ...]
    source: str

    def fee(self, value_cents: int) -> int:
        """Return the 1.0 fee in cents for a value in cents."""
        fee = self.base_fee_cents
        lower = self.base_up_to_cents
        for bracket in self.brackets:
            if value_cents <= lower:
                break
            upper = value_cents
            if bracket.up_to_cents is not None:
                upper = min(value_cents, bracket.up_to_cents)
            started_steps = -(-(upper - lower) // bracket.step_cents)
            fee += started_steps * bracket.increment_cents
            lower = upper
        return fee


@dataclass(frozen=True)
class CollectionStep:
    """The fixed 1.0 fee of § 13 Abs. 2 RVG for small uncontested claims."""

    name: str
    valid_from: date
    up_to_cents: int
    fee_cents: int
    source: str


def _brackets(*rows: tuple[int | None, int, int]) -> tuple[Bracket, ...]:
    return tuple(Bracket(*row) for row in rows)


# RVG § 13 Abs. 1 with Anlage 2. The limits are the same in every version:
# 500 / 2,000 / 10,000 / 25,000 / 50,000 / 200,000 / 500,000 euros.
RVG_SCALES: tuple[FeeScale, ...] = (
    FeeScale(
        name="RVG Anlage 2 (2013-08-01)",
        valid_from=date(2013, 8, 1),
        base_up_to_cents=50_000,
        base_fee_cents=4_500,
        brackets=_brackets(
            (200_000, 50_000, 3_500),
            (1_000_000, 100_000, 5_100),
            (2_500_000, 300_000, 4_600),
            (5_000_000, 500_000, 7_500),
            (20_000_000, 1_500_000, 8_500),
            (50_000_000, 3_000_000, 12_000),
            (None, 5_000_000, 15_000),
        ),
        source=(
            "§ 13 Abs. 1 RVG as amended by the 2. KostRMoG, in force 2013-08-01 "
            "to 2020-12-31; step rule from the published table of that version"
        ),
    ),
    FeeScale(
        name="RVG Anlage 2 (2021-01-01)",
        valid_from=date(2021, 1, 1),
        base_up_to_cents=50_000,
        base_fee_cents=4_900,
        brackets=_brackets(
            (200_000, 50_000, 3_900),
            (1_000_000, 100_000, 5_600),
            (2_500_000, 300_000, 5_200),
            (5_000_000, 500_000, 8_100),
            (20_000_000, 1_500_000, 9_400),
            (50_000_000, 3_000_000, 13_200),
            (None, 5_000_000, 16_500),
        ),
        source=(
            "§ 13 Abs. 1 RVG as amended by the KostRÄG 2021 (BGBl. I 2020, 3229), "
            "in force 2021-01-01 to 2025-05-31"
        ),
    ),
    FeeScale(
        name="RVG Anlage 2 (2025-06-01)",
        valid_from=date(2025, 6, 1),
        base_up_to_cents=50_000,
        base_fee_cents=5_150,
        brackets=_brackets(
            (200_000, 50_000, 4_150),
            (1_000_000, 100_000, 5_950),
            (2_500_000, 300_000, 5_500),
            (5_000_000, 500_000, 8_600),
            (20_000_000, 1_500_000, 9_950),
            (50_000_000, 3_000_000, 14_000),
            (None, 5_000_000, 17_500),
        ),
        source=(
            "§ 13 Abs. 1 RVG as amended by the KostBRÄG 2025 "
            "(BGBl. 2025 I Nr. 109), in force from 2025-06-01"
        ),
    ),
)

# § 13 Abs. 2 RVG: business fee for collecting an uncontested claim of up to
# 50 euros, introduced on 2021-10-01 by the law improving consumer protection
# in debt collection (BGBl. I 2020, 3320).
RVG_COLLECTION_STEPS: tuple[CollectionStep, ...] = (
    CollectionStep(
        name="RVG § 13 Abs. 2 (2021-10-01)",
        valid_from=date(2021, 10, 1),
        up_to_cents=5_000,
        fee_cents=3_000,
        source="§ 13 Abs. 2 RVG, in force 2021-10-01 to 2025-05-31",
    ),
    CollectionStep(
        name="RVG § 13 Abs. 2 (2025-06-01)",
        valid_from=date(2025, 6, 1),
        up_to_cents=5_000,
        fee_cents=3_150,
        source="§ 13 Abs. 2 RVG as amended by the KostBRÄG 2025, from 2025-06-01",
    ),
)

# GKG § 34 Abs. 1 with Anlage 2 (1.0 court fee).
GKG_SCALES: tuple[FeeScale, ...] = (
    FeeScale(
        name="GKG Anlage 2 (2013-08-01)",
        valid_from=date(2013, 8, 1),
        base_up_to_cents=50_000,
        base_fee_cents=3_500,
        brackets=_brackets(
            (200_000, 50_000, 1_800),
            (1_000_000, 100_000, 1_900),
            (2_500_000, 300_000, 2_600),
            (5_000_000, 500_000, 3_500),
            (20_000_000, 1_500_000, 12_000),
            (50_000_000, 3_000_000, 17_900),
            (None, 5_000_000, 18_000),
        ),
        source=(
            "§ 34 Abs. 1 GKG as amended by the 2. KostRMoG, in force 2013-08-01 "
            "to 2020-12-31; step rule from the published table of that version"
        ),
    ),
    FeeScale(
        name="GKG Anlage 2 (2021-01-01)",
        valid_from=date(2021, 1, 1),
        base_up_to_cents=50_000,
        base_fee_cents=3_800,
        brackets=_brackets(
            (200_000, 50_000, 2_000),
            (1_000_000, 100_000, 2_100),
            (2_500_000, 300_000, 2_900),
            (5_000_000, 500_000, 3_800),
            (20_000_000, 1_500_000, 13_200),
            (50_000_000, 3_000_000, 19_800),
            (None, 5_000_000, 19_800),
        ),
        source=(
            "§ 34 Abs. 1 GKG as amended by the KostRÄG 2021, "
            "in force 2021-01-01 to 2025-05-31"
        ),
    ),
    FeeScale(
        name="GKG Anlage 2 (2025-06-01)",
        valid_from=date(2025, 6, 1),
        base_up_to_cents=50_000,
        base_fee_cents=4_000,
        brackets=_brackets(
            (200_000, 50_000, 2_100),
            (1_000_000, 100_000, 2_250),
            (2_500_000, 300_000, 3_050),
            (5_000_000, 500_000, 4_050),
            (20_000_000, 1_500_000, 14_000),
            (50_000_000, 3_000_000, 21_000),
            (None, 5_000_000, 21_000),
        ),
        source="§ 34 Abs. 1 GKG as amended by the KostBRÄG 2025, from 2025-06-01",
    ),
)


@dataclass(frozen=True)
class MinimumFee:
    """A fixed minimum amount of one fee item, in force from a date."""

    name: str
    valid_from: date
    fee_cents: int
    source: str


# Minimum of the court fee for the dunning order, GKG KV Nr. 1100, by filing
# date. NOTE: the 38-euro minimum from 2025-06-01 is confirmed by secondary
# sources only; the official cost schedule text was not available.
KV_1100_MINIMUMS: tuple[MinimumFee, ...] = (
    MinimumFee(
        name="GKG KV 1100 (2013-08-01)",
        valid_from=date(2013, 8, 1),
        fee_cents=3_200,
        source="GKG KV Nr. 1100 as amended by the 2. KostRMoG",
    ),
    MinimumFee(
        name="GKG KV 1100 (2021-01-01)",
        valid_from=date(2021, 1, 1),
        fee_cents=3_600,
        source="GKG KV Nr. 1100 as amended by the KostRÄG 2021",
    ),
    MinimumFee(
        name="GKG KV 1100 (2025-06-01)",
        valid_from=date(2025, 6, 1),
        fee_cents=3_800,
        source="GKG KV Nr. 1100 as amended by the KostBRÄG 2025",
    ),
)


_Table = TypeVar("_Table", FeeScale, CollectionStep, MinimumFee)


def in_force(tables: Sequence[_Table], on: date, kind: str) -> _Table:
    """Return the newest table with ``valid_from`` on or before ``on``.

    Raises ``FeeTableUnknownError`` when ``on`` precedes the first table.
    """
    current = None
    for table in tables:
        if table.valid_from <= on:
            current = table
    if current is None:
        raise FeeTableUnknownError(kind, on, tables[0].valid_from)
    return current
