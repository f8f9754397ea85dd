"""Generate benchmark data: one creditor's ERP export, its returned debits,
and, after a daily run, a bank statement that pays some of the cases.

Usage::

    .venv/bin/python bench/generate.py --items 1000000 --seed 1 --out DIR
    .venv/bin/python bench/generate.py --statement-db URL --out DIR [--credits N]

The first form writes to DIR:

- ``creditor.toml``: the creditor ``bench`` (case prefix ``BM``), made from
  ``examples/creditor.toml`` with another id, name and prefix;
- ``open-items.csv``: ``--items`` rows in the shape of a German ERP export:
  Windows-1252, ``;``, decimal comma, ``DD.MM.YYYY``, CRLF, and five German
  header names that the creditor's ``[columns]`` maps. One row in 2,000 has
  one invalid value;
- ``returns-camt054.xml``: returned direct debits of about one debtor in 300;
- ``manifest.json``: the counts a run can check against.

The second form reads the cases and their queued first demands from the
database and writes ``statement-camt053.xml`` with full payments of the
early total, partial payments, payments whose reference is wrong or
mangled, and credits that belong to no case.

Rows are written as they are drawn, so memory does not grow with
``--items``. The output depends only on the arguments, never on the clock.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))  # word lists of the example data

import sqlalchemy as sa  # noqa: E402
from _camt import Credit, ReturnedDebit, ReturnsWriter, StatementWriter  # noqa: E402
from make_open_items import (  # noqa: E402
    BUSINESSES,
    FIRST_NAMES,
    GAMBLING,
    HEADER,
    LAST_NAMES,
    PLACES,
    PRODUCTS,
    STREETS,
)
from schwifty import IBAN  # noqa: E402

from kleinkasso.intake.erp_csv import COLUMNS  # noqa: E402
from kleinkasso.store.db import make_engine  # noqa: E402
from kleinkasso.store.schema import case, outbox  # noqa: E402

CREDITOR_ID = "bench"
CREDITOR_NAME = "Benchmark Media GmbH"
CASE_PREFIX = "BM"
# The collection account of examples/creditor.toml, which debtors pay to.
COLLECTION_IBAN = "DE89370400440532013000"
CREDITOR_IBAN_BANK_CODE = "37040044"
DEFAULT_AS_OF = date(2026, 11, 16)

# (cents, weight): 0,99, 1,99, 4,99 and 9,99 EUR carry most of the mass.
PRICE_POINTS = (
    (29, 3),
    (99, 34),
    (199, 22),
    (299, 6),
    (499, 17),
    (999, 10),
    (1499, 3),
    (1999, 2),
)
ODD_AMOUNT_SHARE = 0.03  # any amount from 0,29 to 19,99 EUR
PRICES = tuple(cents for cents, _ in PRICE_POINTS)
PRICE_CUMULATIVE = tuple(
    sum(weight for _, weight in PRICE_POINTS[: index + 1])
    for index in range(len(PRICE_POINTS))
)

DUE_WINDOW_DAYS = 112  # due dates fall in the 16 weeks before the run date
REMINDER_SHARE = 0.88
CONTRACT_DATE_MISSING_SHARE = 0.01
DISPUTED_SHARE = 0.003
GAMBLING_SHARE = 0.004
RETURN_CHARGES_SHARE = 0.005
BUSINESS_SHARE = 0.01
# Every BROKEN_EVERY-th row has one invalid value, so even 2,000 rows have one.
BROKEN_EVERY = 2000
BROKEN_VALUES = (
    ("due_date", "31.02.2026"),
    ("amount", "abc"),
    ("item_ref", ""),
    ("amount", "-4,99"),
    ("amount", "1,234"),
    ("contract_date", "2026-13-01"),
)
RETURN_EVERY = 300  # one debtor in RETURN_EVERY has a returned direct debit
RETURN_REASONS = ("MS03", "AC04", "AM04", "MD06", "MS02")
DEBTOR_BANK_CODES = ("10010010", "50010517", "43060967", "70150000", "20050550")

# The export's columns: every field the CSV reader knows but the return
# reason, which only returned debits carry.
FIELDS = tuple(name for name in COLUMNS if name != "return_reason")


@dataclass
class Manifest:
    """Counts of one generated data set, for checks after an import."""

    items: int
    seed: int
    as_of: str
    creditor_id: str
    rows: int = 0
    valid_rows: int = 0
    broken_rows: int = 0
    debtors: int = 0
    email_only_debtors: int = 0
    postal_only_debtors: int = 0
    returns: int = 0


@dataclass(frozen=True)
class Debtor:
    """One customer of the benchmark creditor."""

    customer_ref: str
    name: str
    street: str
    postal_code: str
    city: str
    email: str
    consumer: bool


def items_per_debtor(rng: random.Random) -> int:
    """Draw how many open items one debtor has: mostly 1 or 2, a few 5 to 30."""
    draw = rng.random()
    if draw < 0.50:
        return 1
    if draw < 0.75:
        return 2
    if draw < 0.84:
        return 3
    if draw < 0.88:
        return 4
    # Repeat debtors: 5 to 30, skewed towards 5; the mean over all debtors
    # comes out near 3 items.
    return 5 + int(26 * rng.random() ** 2.2)


def _ascii(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e"})
    return re.sub(r"[^a-z0-9]", "", text.lower().translate(table))


def new_debtor(rng: random.Random, number: int) -> Debtor:
    """Draw a debtor: 60 % with e-mail and postal address, 25 % e-mail only."""
    consumer = rng.random() >= BUSINESS_SHARE
    if consumer:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        local = f"{_ascii(first)}.{_ascii(last)}{number % 1000}"
    else:
        name = rng.choice(BUSINESSES)
        local = f"buchhaltung{number}"
    domain = rng.choice(("example.com", "example.net", "example.org"))
    postal_code, city = rng.choice(PLACES)
    street = f"{rng.choice(STREETS)} {rng.randint(1, 180)}"
    channels = rng.random()
    if channels < 0.60:
        email = f"{local}@{domain}"
    elif channels < 0.85:
        email, street, postal_code, city = f"{local}@{domain}", "", "", ""
    else:
        email = ""
    return Debtor(f"K{number:08d}", name, street, postal_code, city, email, consumer)


def _german_date(value: date | None) -> str:
    return "" if value is None else value.strftime("%d.%m.%Y")


def _german_amount(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def draw_amount(rng: random.Random) -> int:
    """Draw an item amount in cents, clustered at the usual price points."""
    if rng.random() < ODD_AMOUNT_SHARE:
        return rng.randint(29, 1999)
    return rng.choices(PRICES, cum_weights=PRICE_CUMULATIVE)[0]


def item_cells(
    rng: random.Random, debtor: Debtor, item_ref: str, as_of: date
) -> dict[str, str]:
    """Draw one open item of ``debtor`` as the export's text cells."""
    due = as_of - timedelta(days=rng.randint(1, DUE_WINDOW_DAYS))
    invoice = due - timedelta(days=14)
    contract: date | None = invoice - timedelta(days=rng.randint(0, 2))
    if rng.random() < CONTRACT_DATE_MISSING_SHARE:
        contract = None
    reminder: date | None = None
    if rng.random() < REMINDER_SHARE:
        reminder = due + timedelta(days=rng.randint(7, 21))
        if reminder >= as_of:
            reminder = None  # an export contains no reminder after the run date
    subject, category = rng.choice(PRODUCTS)
    if rng.random() < GAMBLING_SHARE:
        subject, category = rng.choice(GAMBLING)
    charges = 300 if rng.random() < RETURN_CHARGES_SHARE else 0
    return {
        "item_ref": item_ref,
        "customer_ref": debtor.customer_ref,
        "name": debtor.name,
        "street": debtor.street,
        "postal_code": debtor.postal_code,
        "city": debtor.city,
        "country": "DE",
        "email": debtor.email,
        "consumer": "ja" if debtor.consumer else "nein",
        "subject": subject,
        "contract_date": _german_date(contract),
        "invoice_date": _german_date(invoice),
        "due_date": _german_date(due),
        "amount": _german_amount(draw_amount(rng)),
        "currency": "EUR",
        "reminder_date": _german_date(reminder),
        "return_charges": _german_amount(charges) if charges else "",
        "disputed": "ja" if rng.random() < DISPUTED_SHARE else "",
        "category": category,
    }


def creditor_toml() -> str:
    """Return examples/creditor.toml with the benchmark creditor's id and name."""
    text = (ROOT / "examples" / "creditor.toml").read_text(encoding="utf-8")
    for key, value in (
        ("id", CREDITOR_ID),
        ("name", CREDITOR_NAME),
        ("case_prefix", CASE_PREFIX),
    ):
        text, count = re.subn(
            rf'^{key} = ".*"$', f'{key} = "{value}"', text, count=1, flags=re.M
        )
        if count != 1:
            raise ValueError(
                f"examples/creditor.toml has no top-level line '{key} = \"...\"'; "
                "update bench/generate.py to its new layout"
            )
    return text


def _debtors(rng: random.Random, items: int) -> Iterator[tuple[Debtor, int]]:
    """Yield debtors with their item count until ``items`` items are drawn."""
    remaining = items
    number = 10_000_000
    while remaining > 0:
        number += rng.randint(1, 3)
        count = min(items_per_debtor(rng), remaining)
        remaining -= count
        yield new_debtor(rng, number), count


def _returned_debit(
    rng: random.Random, debtor: Debtor, number: int, as_of: date
) -> ReturnedDebit:
    booked_on = as_of - timedelta(days=rng.randint(5, 40))
    iban = IBAN.generate(
        "DE",
        bank_code=rng.choice(DEBTOR_BANK_CODES),
        account_code=str(rng.randint(10**7, 10**10 - 1)),
    )
    return ReturnedDebit(
        end_to_end_id=f"LS{number:010d}",
        mandate_id=debtor.customer_ref,
        debtor_name=debtor.name,
        debtor_iban=str(iban),
        original_cents=rng.choices(PRICES, cum_weights=PRICE_CUMULATIVE)[0],
        charge_cents=rng.choice((300, 300, 50)),
        reason=rng.choice(RETURN_REASONS),
        booked_on=booked_on,
        collected_on=booked_on - timedelta(days=rng.randint(2, 5)),
        subject=rng.choice(PRODUCTS)[0],
    )


def write_export(out_dir: Path, items: int, seed: int, as_of: date) -> Manifest:
    """Write creditor.toml, open-items.csv, returns-camt054.xml and manifest.json."""
    if items < 1:
        raise ValueError(f"items {items} is invalid; expected 1 or more")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "creditor.toml").write_text(creditor_toml(), encoding="utf-8")

    rng = random.Random(seed)
    manifest = Manifest(items, seed, as_of.isoformat(), CREDITOR_ID)
    creditor_iban = IBAN.generate(
        "DE", bank_code=CREDITOR_IBAN_BANK_CODE, account_code=f"{seed % 10**9:010d}"
    )
    returns = ReturnsWriter(
        out_dir / "returns-camt054.xml",
        account_iban=str(creditor_iban),
        owner=CREDITOR_NAME,
        created=f"{as_of.isoformat()}T06:15:00+01:00",
    )
    item_number = 0

    with (
        (out_dir / "open-items.csv").open("w", encoding="cp1252", newline="") as file,
        returns,
    ):
        writer = csv.writer(file, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        for debtor, count in _debtors(rng, items):
            manifest.debtors += 1
            manifest.email_only_debtors += not debtor.street and bool(debtor.email)
            manifest.postal_only_debtors += not debtor.email
            for _ in range(count):
                item_number += rng.randint(1, 3)
                cells = item_cells(rng, debtor, f"R{item_number:010d}", as_of)
                manifest.rows += 1
                if manifest.rows % BROKEN_EVERY == BROKEN_EVERY // 2:
                    field, value = BROKEN_VALUES[
                        manifest.rows // BROKEN_EVERY % len(BROKEN_VALUES)
                    ]
                    cells[field] = value
                    manifest.broken_rows += 1
                writer.writerow([cells[name] for name in FIELDS])
            if manifest.debtors % RETURN_EVERY == RETURN_EVERY // 2:
                manifest.returns += 1
                returns.add(_returned_debit(rng, debtor, manifest.returns, as_of))

    manifest.valid_rows = manifest.rows - manifest.broken_rows
    (out_dir / "manifest.json").write_text(
        json.dumps(asdict(manifest), indent=2) + "\n", encoding="utf-8"
    )
    return manifest


@dataclass
class StatementCounts:
    """Credits of one generated statement, counted by kind."""

    cases: int = 0
    full: int = 0
    partial: int = 0
    wrong_reference: int = 0
    unmatched: int = 0

    @property
    def paying(self) -> int:
        """Credits that pay a case, whether or not their reference fits."""
        return self.full + self.partial + self.wrong_reference

    @property
    def credits(self) -> int:
        return self.paying + self.unmatched


def _spaced(reference: str) -> str:
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))


def paid_reference(rng: random.Random, reference: str) -> tuple[str, ...]:
    """Return remittance lines carrying ``reference`` as banks pass it on."""
    shape = rng.random()
    if shape < 0.55:
        return (reference,)
    if shape < 0.70:
        return (f"Zahlung {reference.lower()} danke",)
    if shape < 0.85:
        return (f"Ref {_spaced(reference)}",)
    return (f"Rechnung {reference[:9]}", f"{reference[9:]} Gruss")


def mangled_reference(rng: random.Random, reference: str) -> tuple[str, ...]:
    """Return remittance lines with ``reference`` damaged as people type it."""
    shape = rng.random()
    if shape < 0.4:
        # Two neighbouring characters swapped: the check digits no longer fit.
        at = rng.randrange(4, len(reference) - 1)
        swapped = (
            reference[:at] + reference[at + 1] + reference[at] + reference[at + 2 :]
        )
        return (swapped,)
    if shape < 0.7:
        return (f"Rechnung {reference[:-1]}",)  # last character cut off
    return ("Mahnung bezahlt", "siehe Schreiben")  # no reference at all


def _demand_rows(engine: sa.Engine) -> Iterator[tuple[str, str, int, str]]:
    """Yield (case_ref, creditor_reference, early total, debtor name) per case."""
    query = (
        sa.select(case.c.case_ref, case.c.creditor_reference, outbox.c.payload)
        .join(outbox, outbox.c.case_id == case.c.id)
        .where(outbox.c.kind == "first_demand")
        .order_by(case.c.id, outbox.c.id)
    )
    last = None
    with engine.connect() as conn:
        rows = conn.execution_options(stream_results=True, yield_per=2000).execute(
            query
        )
        for ref, rf, payload in rows:
            if ref == last:
                continue  # the same demand on a second channel
            last = ref
            yield ref, rf, payload["early"]["total_cents"], payload["debtor"]["name"]


def _count_cases(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        count = conn.execute(
            sa.select(sa.func.count(sa.distinct(outbox.c.case_id))).where(
                outbox.c.kind == "first_demand"
            )
        ).scalar_one()
    return int(count)


def write_statement(
    db_url: str,
    path: Path,
    *,
    credits: int,
    seed: int,
    booked_from: date,
) -> StatementCounts:
    """Write a camt.053 statement that pays cases queued in the database.

    Of ``credits`` credits, one in ten belongs to no case. The others pay
    cases picked evenly over all cases with a first demand. Of those, 80 %
    pay the early total with the reference in one of the shapes banks
    produce, 10 % pay half of it, and 10 % pay in full with a wrong, mangled
    or missing reference. Entries are booked on ``booked_from`` and the nine
    days after it.
    """
    rng = random.Random(seed)
    engine = make_engine(db_url)
    counts = StatementCounts(cases=_count_cases(engine))
    paying = min(credits - credits // 10, counts.cases)
    writer = StatementWriter(
        path,
        account_iban=COLLECTION_IBAN,
        statement_id=f"BENCH-{booked_from:%Y%m%d}-{seed}",
        created=f"{booked_from + timedelta(days=10)}T22:00:00",
        opening_cents=rng.randrange(100_000, 10_000_000),
        opening_on=booked_from - timedelta(days=1),
        closing_on=booked_from + timedelta(days=9),
    )
    try:
        with writer:
            seen = 0
            for _ref, rf, early, name in _demand_rows(engine):
                # Selection sampling (Knuth, TAOCP vol. 2, 3.4.2, algorithm S)
                # picks exactly `paying` cases in one pass.
                left = counts.cases - seen
                seen += 1
                needed = paying - (
                    counts.full + counts.partial + counts.wrong_reference
                )
                if needed <= 0 or rng.random() * left >= needed:
                    continue
                booked_on = booked_from + timedelta(days=rng.randrange(10))
                kind = rng.random()
                if kind < 0.8:
                    lines = paid_reference(rng, rf)
                    writer.add(Credit(early, booked_on, lines, name))
                    counts.full += 1
                elif kind < 0.9:
                    lines = paid_reference(rng, rf)
                    writer.add(Credit(max(1, early // 2), booked_on, lines, name))
                    counts.partial += 1
                else:
                    lines = mangled_reference(rng, rf)
                    writer.add(Credit(early, booked_on, lines, name))
                    counts.wrong_reference += 1
            for number in range(credits - counts.credits):
                booked_on = booked_from + timedelta(days=rng.randrange(10))
                lines = (f"Gutschrift Kundennummer {rng.randrange(10**6):06d}",)
                cents = rng.choices(PRICES, cum_weights=PRICE_CUMULATIVE)[0]
                writer.add(Credit(cents, booked_on, lines, f"Unbekannt {number}"))
                counts.unmatched += 1
    finally:
        engine.dispose()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--items", type=int, default=1_000_000, help="rows of the ERP export"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=DEFAULT_AS_OF,
        help="run date YYYY-MM-DD; due dates fall in the 16 weeks before it",
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument(
        "--statement-db",
        metavar="URL",
        help="write statement-camt053.xml for the cases in this database instead",
    )
    parser.add_argument(
        "--credits",
        type=int,
        help="entries of the statement (default: a tenth of --items)",
    )
    args = parser.parse_args()
    if args.statement_db:
        credits = args.credits if args.credits is not None else args.items // 10
        counts = write_statement(
            args.statement_db,
            args.out / "statement-camt053.xml",
            credits=credits,
            seed=args.seed,
            booked_from=args.as_of + timedelta(days=2),
        )
        print(json.dumps(asdict(counts) | {"credits": counts.credits}))
        return
    manifest = write_export(args.out, args.items, args.seed, args.as_of)
    print(json.dumps(asdict(manifest)))


if __name__ == "__main__":
    main()
