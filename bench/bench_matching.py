"""Measure the matching cascade: credits per second against open cases in memory.

Builds ``--cases`` open cases, each with creditor reference, case reference
and debtor name, and a known IBAN for every tenth. Each of the ``--credits``
credits carries its reference in one of the shapes banks produce: exact,
lower case, groups of four, split over two lines, glued to other text, the
case reference alone, or no reference but a known IBAN and the open amount.
The cascade (:func:`kleinkasso.payments.cascade.suggest_cases` and
:func:`decide`) runs over every credit, and beside it, in the same process,
a plain ``dict.get`` of each credit's own reference as the floor that no
matcher can beat. The best of ``--repeats`` runs is reported with the median.

Usage::

    .venv/bin/python bench/bench_matching.py [--cases 300000] [--credits 100000]
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from kleinkasso.cases.refs import creditor_reference
from kleinkasso.payments.cascade import (
    Candidate,
    Credit,
    MemoryLookup,
    decide,
    suggest_cases,
)

SHAPES = ("exact", "lower", "groups", "lines", "glued", "case_ref", "iban")


@dataclass(frozen=True)
class Workload:
    """The cases and credits of one run, with the reference each credit pays."""

    lookup: MemoryLookup
    plain: dict[str, int]
    credits: list[Credit]
    keys: list[str]
    expected: list[int]


def _iban(number: int) -> str:
    return f"DE00TEST{number:014d}"


def _shape(shape: str, rf: str, case_ref: str) -> str:
    if shape == "lower":
        return f"zahlung {rf.lower()}"
    if shape == "groups":
        return " ".join(rf[i : i + 4] for i in range(0, len(rf), 4))
    if shape == "lines":
        return f"Rechnung {rf[:7]}\n{rf[7:]} danke"
    if shape == "glued":
        return f"EREF+NOTPROVIDED SVWZ+{rf}Danke"
    if shape == "case_ref":
        return f"Fall {case_ref} Danke"
    return rf


def build(cases: int, credits: int, seed: int = 7) -> Workload:
    """Return a reproducible workload of ``cases`` open cases and ``credits``."""
    rng = random.Random(seed)
    lookup = MemoryLookup()
    plain: dict[str, int] = {}
    references: list[str] = []
    for number in range(1, cases + 1):
        case_ref = f"BM{number:07d}"
        rf = creditor_reference(case_ref)
        candidate = Candidate(number, case_ref, "bench", "open", 500 + number % 3000)
        ibans = [_iban(number)] if number % 10 == 0 else []
        lookup.add(candidate, rf, name=f"Person {number}", ibans=ibans)
        plain[rf] = number
        references.append(rf)
    batch: list[Credit] = []
    keys: list[str] = []
    expected: list[int] = []
    for _ in range(credits):
        number = rng.randrange(1, cases + 1)
        shape = rng.choice(SHAPES)
        if shape == "iban" and number % 10:
            shape = "exact"
        rf = references[number - 1]
        amount = 500 + number % 3000
        if shape == "iban":
            batch.append(Credit(amount, "Danke", _iban(number)))
        else:
            batch.append(Credit(amount, _shape(shape, rf, f"BM{number:07d}")))
        keys.append(rf)
        expected.append(number)
    return Workload(lookup, plain, batch, keys, expected)


def run_cascade(work: Workload) -> int:
    """Match every credit; return how many found their own case."""
    hits = 0
    for credit, number in zip(work.credits, work.expected, strict=True):
        chosen = decide(suggest_cases(credit, work.lookup))
        hits += chosen is not None and chosen.case_id == number
    return hits


def run_plain(work: Workload) -> int:
    """Look up each credit's own reference in a dict; return the hits."""
    get = work.plain.get
    pairs = zip(work.keys, work.expected, strict=True)
    return sum(get(key) == number for key, number in pairs)


def _time(function: Callable[[Workload], int], work: Workload) -> tuple[float, int]:
    start = time.perf_counter()
    hits = function(work)
    return time.perf_counter() - start, hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300_000)
    parser.add_argument("--credits", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    work = build(args.cases, args.credits)
    print(
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{args.cases} cases, {args.credits} credits, "
        f"built in {time.perf_counter() - start:.1f} s"
    )
    for name, function in (("cascade", run_cascade), ("dict.get", run_plain)):
        timings = []
        hits = 0
        for _ in range(args.repeats):
            seconds, hits = _time(function, work)
            timings.append(seconds)
        best = min(timings)
        print(
            f"{name:<9} best {best:.3f} s, median {statistics.median(timings):.3f} s, "
            f"{args.credits / best:,.0f} credits/s, {hits} of {args.credits} matched"
        )


if __name__ == "__main__":
    main()
