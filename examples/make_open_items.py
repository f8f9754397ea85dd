"""Write examples/open-items.csv, an ERP export of fictional open items.

The file has the shape German ERP systems write: Windows-1252, ";" between
fields, decimal comma, dates as DD.MM.YYYY and CRLF line ends. Five columns
carry German header names (Belegnummer, Kundennummer, Betrag, Fällig am,
Mahnung am) that a creditor's column mapping translates. Six rows are broken
on purpose, one bad value each.

The output depends only on SEED, so running the script again reproduces the
file byte for byte:

    python examples/make_open_items.py
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

SEED = 20261112
OUTPUT = Path(__file__).with_name("open-items.csv")

HEADER = (
    "Belegnummer",
    "Kundennummer",
    "name",
    "street",
    "postal_code",
    "city",
    "country",
    "email",
    "consumer",
    "subject",
    "contract_date",
    "invoice_date",
    "Fällig am",
    "Betrag",
    "currency",
    "Mahnung am",
    "return_charges",
    "disputed",
    "category",
)

FIRST_NAMES = (
    "Jürgen", "Günther", "Jörg", "Björn", "Sören", "Max", "Lena", "Anna",
    "Lukas", "Leonie", "Mia", "Ben", "Jonas", "Lea", "Paul", "Emilia", "Felix",
    "Hannah", "Noah", "Sophie", "Elias", "Marie", "Tim", "Laura", "Jan", "Lisa",
    "Niklas", "Julia", "Moritz", "Charlotte", "Käthe", "Grete", "Jörn", "Merle",
    "Fenja", "Tobias", "Timo", "Zoë", "René", "Ümit", "Jens",
)  # fmt: skip
LAST_NAMES = (
    "Müller", "Schäfer", "Schröder", "Weiß", "Groß", "Köhler", "Jäger",
    "Krüger", "Möller", "Hölzl", "Böhm", "Fuß", "Strauß", "Neumann", "Schmidt",
    "Becker", "Hoffmann", "Wagner", "Fischer", "Wolf", "Schulz", "Koch",
    "Bauer", "Richter", "Klein", "Braun", "Zimmermann", "Hartmann", "Lange",
    "Werner", "Krause", "Lehmann", "Köster", "Düring", "Gößling", "Nüßlein",
    "Bräuer", "Lößner", "Kühn", "Dörr", "Brückner", "Süßmuth", "Öztürk",
)  # fmt: skip
STREETS = (
    "Hauptstraße", "Bahnhofstraße", "Schillerstraße", "Goethestraße",
    "Lindenallee", "Am Mühlbach", "Gartenweg", "Königstraße", "Marktplatz",
    "Rosenweg", "Kirchgasse", "Friedrichstraße", "Schloßallee", "Jägerpfad",
    "Försterweg", "Brückenstraße", "Am Weißen Stein", "Südring",
)  # fmt: skip
# (postal code, city) in several federal states; Leipzig and Dresden keep
# their leading zero.
PLACES = (
    ("10115", "Berlin"),
    ("20095", "Hamburg"),
    ("80331", "München"),
    ("90402", "Nürnberg"),
    ("97070", "Würzburg"),
    ("50667", "Köln"),
    ("40213", "Düsseldorf"),
    ("48143", "Münster"),
    ("70173", "Stuttgart"),
    ("79098", "Freiburg im Breisgau"),
    ("04109", "Leipzig"),
    ("01067", "Dresden"),
    ("99084", "Erfurt"),
    ("30159", "Hannover"),
    ("37073", "Göttingen"),
    ("49074", "Osnabrück"),
    ("28195", "Bremen"),
    ("24103", "Kiel"),
    ("18055", "Rostock"),
    ("39104", "Magdeburg"),
    ("14467", "Potsdam"),
    ("55116", "Mainz"),
    ("66111", "Saarbrücken"),
    ("60311", "Frankfurt am Main"),
)
BUSINESSES = (
    "Bäckerei Köhler GmbH",
    "Weiß & Partner Steuerberatung",
    "Gärtnerei Brückner e.K.",
)
# (subject, category)
PRODUCTS = (
    ("In-App-Kauf 500 Diamanten", "games"),
    ("In-App-Kauf Goldpaket", "games"),
    ("In-App-Kauf Werbefrei-Paket", "apps"),
    ("Browsergame Premium-Woche", "games"),
    ("Artikel „Die Zukunft der Windkraft“", "news"),
    ("Artikel „Mieten in München: was jetzt gilt“", "news"),
    ('Artikel "Steuern; sparen leicht gemacht"', "news"),
    ("Tagespass Nachrichten Plus", "news"),
    ("Download Album »Nordlicht«", "music"),
    ("Hörbuch-Download „Der Fuß im Schnee“", "music"),
    ("Einzeltitel-Download", "music"),
    ("Abo Premium Video, Monat", "video"),
    ("Film-Leihe 48 Stunden", "video"),
    ("Abo Wetter-App Pro, Monat", "apps"),
)
GAMBLING = (
    ("Online-Casino Chips 5 €", "gambling"),
    ("Sportwette Einsatz", "gambling"),
)
# Price points and their weights: most micro-purchases cost 0,99, 1,99, 4,99
# or 9,99 EUR.
PRICES = (29, 49, 99, 149, 199, 249, 299, 399, 499, 799, 999, 1499, 1999)
PRICE_WEIGHTS = (2, 3, 30, 2, 20, 3, 4, 3, 18, 3, 9, 2, 1)

# Items per debtor: 72 debtors with 1 item, 28 with 2, 11 with 3, 6 with 4 and
# 3 with 5 make 120 debtors and 200 valid items.
ITEMS_PER_DEBTOR = (1,) * 72 + (2,) * 28 + (3,) * 11 + (4,) * 6 + (5,) * 3

FIRST_DUE = date(2026, 8, 1)
LAST_DUE = date(2026, 11, 10)

# Broken on purpose: (field, bad value), one per row.
DEFECTS = (
    ("due_date", "31.02.2026"),
    ("amount", "abc"),
    ("item_ref", ""),
    ("amount", "-4,99"),
    ("amount", "1,234"),
    ("email", " at "),  # the debtor's address with " at " for "@"
)


@dataclass(frozen=True)
class Customer:
    """A fictional debtor of the example creditor."""

    ref: str
    name: str
    street: str
    postal_code: str
    city: str
    email: str
    consumer: bool


@dataclass
class Item:
    """One open item as the ERP exports it."""

    customer: Customer
    subject: str
    category: str
    contract_date: date
    invoice_date: date
    due_date: date
    amount_cents: int
    reminder_date: date | None
    return_charges_cents: int
    disputed: bool
    ref: str = ""
    defect: tuple[str, str] | None = None


# German spelling without umlauts and ß, as in Mueller for Müller.
_ASCII_SPELLING = str.maketrans(
    {umlaut: base + "e" for umlaut, base in zip("äöü", "aou", strict=True)}
    | {"ß": "ss", "é": "e", "ë": "e", "&": ""}
)


def _ascii_mail_part(text: str) -> str:
    return "".join(text.lower().translate(_ASCII_SPELLING).split())


def example_customers() -> list[Customer]:
    """Return the 120 debtors, the same on every call."""
    rng = random.Random(SEED)
    numbers = sorted(rng.sample(range(10001, 10990), len(ITEMS_PER_DEBTOR)))
    business_positions = set(rng.sample(range(len(numbers)), len(BUSINESSES)))
    businesses = iter(BUSINESSES)
    customers = []
    for position, number in enumerate(numbers):
        consumer = position not in business_positions
        if consumer:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f"{first} {last}"
            local = f"{_ascii_mail_part(first)}.{_ascii_mail_part(last)}"
        else:
            name = next(businesses)
            local = "buchhaltung"
        domain = rng.choice(("example.com", "example.net", "example.org"))
        email = "" if rng.random() < 0.1 else f"{local}@{domain}"
        postal_code, city = rng.choice(PLACES)
        street = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
        if rng.random() < 0.1:
            street += rng.choice(("a", "b"))
        customers.append(
            Customer(
                ref=f"K{number}",
                name=name,
                street=street,
                postal_code=postal_code,
                city=city,
                email=email,
                consumer=consumer,
            )
        )
    # One address has a c/o line, which the export quotes across two lines.
    first = customers[7]
    customers[7] = Customer(
        ref=first.ref,
        name=first.name,
        street=f"c/o Familie Weiß\n{first.street}",
        postal_code=first.postal_code,
        city=first.city,
        email=first.email,
        consumer=first.consumer,
    )
    return customers


def _new_item(rng: random.Random, customer: Customer) -> Item:
    due_date = FIRST_DUE + timedelta(days=rng.randint(0, (LAST_DUE - FIRST_DUE).days))
    invoice_date = due_date - timedelta(days=14)
    subject, category = rng.choice(PRODUCTS)
    reminder_date = None
    if rng.random() < 0.8:
        reminder_date = due_date + timedelta(days=rng.randint(7, 21))
    return Item(
        customer=customer,
        subject=subject,
        category=category,
        contract_date=invoice_date - timedelta(days=rng.randint(0, 2)),
        invoice_date=invoice_date,
        due_date=due_date,
        amount_cents=rng.choices(PRICES, PRICE_WEIGHTS)[0],
        reminder_date=reminder_date,
        return_charges_cents=0,
        disputed=False,
    )


def example_items() -> list[Item]:
    """Return the 206 items (200 valid, 6 broken) in export order."""
    rng = random.Random(SEED + 1)
    customers = example_customers()
    counts = list(ITEMS_PER_DEBTOR)
    rng.shuffle(counts)
    items = [
        _new_item(rng, customer)
        for customer, count in zip(customers, counts, strict=True)
        for _ in range(count)
    ]
    consumer_items = [item for item in items if item.customer.consumer]

    # The smallest and largest price points appear at least once.
    consumer_items[3].amount_cents = 29
    consumer_items[11].amount_cents = 1999
    for item in rng.sample(consumer_items, 4):
        item.disputed = True
    for item in rng.sample(consumer_items, 3):
        item.subject, item.category = rng.choice(GAMBLING)
    for item in rng.sample(consumer_items, 10):
        item.return_charges_cents = rng.choice((300, 300, 50))

    broken = [_new_item(rng, rng.choice(customers)) for _ in range(len(DEFECTS))]
    for item, defect in zip(broken, DEFECTS, strict=True):
        item.defect = defect
        if defect[0] == "email":
            item.customer = next(c for c in customers if c.email and c.consumer)
            item.defect = ("email", item.customer.email.replace("@", defect[1]))
    items.extend(broken)

    # Item numbers rise with the invoice date, with gaps for items already
    # paid; the export lists items by customer.
    items.sort(key=lambda item: (item.invoice_date, item.customer.ref))
    number = 100
    for item in items:
        number += rng.randint(1, 4)
        item.ref = f"R2026-{number:06d}"
    items.sort(key=lambda item: (item.customer.ref, item.ref))
    return items


def _german_date(value: date | None) -> str:
    return "" if value is None else value.strftime("%d.%m.%Y")


def _german_amount(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def _cells(item: Item) -> dict[str, str]:
    customer = item.customer
    cells = {
        "item_ref": item.ref,
        "customer_ref": customer.ref,
        "name": customer.name,
        "street": customer.street,
        "postal_code": customer.postal_code,
        "city": customer.city,
        "country": "DE",
        "email": customer.email,
        "consumer": "ja" if customer.consumer else "nein",
        "subject": item.subject,
        "contract_date": _german_date(item.contract_date),
        "invoice_date": _german_date(item.invoice_date),
        "due_date": _german_date(item.due_date),
        "amount": _german_amount(item.amount_cents),
        "currency": "EUR",
        "reminder_date": _german_date(item.reminder_date),
        "return_charges": (
            _german_amount(item.return_charges_cents)
            if item.return_charges_cents
            else ""
        ),
        "disputed": "ja" if item.disputed else "",
        "category": item.category,
    }
    if item.defect is not None:
        field, value = item.defect
        cells[field] = value
    return cells


def render_csv(items: list[Item]) -> bytes:
    """Return the export as Windows-1252 bytes with CRLF line ends."""
    fields = (
        "item_ref",
        "customer_ref",
        "name",
        "street",
        "postal_code",
        "city",
        "country",
        "email",
        "consumer",
        "subject",
        "contract_date",
        "invoice_date",
        "due_date",
        "amount",
        "currency",
        "reminder_date",
        "return_charges",
        "disputed",
        "category",
    )
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for item in items:
        cells = _cells(item)
        writer.writerow([cells[field] for field in fields])
    return buffer.getvalue().encode("cp1252")


def main() -> None:
    OUTPUT.write_bytes(render_csv(example_items()))
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
