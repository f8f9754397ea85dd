"""The first demand as a record: everything a letter or e-mail prints.

Amounts are integer cents. The record is filled from the database and is
rendered as it is: the renderers compute no amounts, they only check that the
given amounts add up (see ``checks``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PostalAddress:
    name: str
    street: str
    postal_code: str
    city: str
    country: str = "DE"


@dataclass(frozen=True)
class SupervisoryAuthority:
    name: str
    address: PostalAddress
    email: str


@dataclass(frozen=True)
class DemandClaim:
    item_ref: str
    subject: str
    contract_date: date | None
    due_date: date
    principal_cents: int
    interest_cents: int
    # Current rate, e.g. "6.52". interest_note explains several periods.
    interest_rate_percent: str
    # Days that bear interest, both inclusive.
    interest_from: date | None
    interest_to: date | None
    # For example the bank charge of a returned direct debit.
    costs_cents: int
    # For example "Rücklastschriftgebühr der Bank (MS03)".
    costs_reason: str | None


@dataclass(frozen=True)
class FeeOption:
    rate: str  # "0.5" or "0.9"
    fee_cents: int
    expenses_cents: int
    vat_cents: int
    total_cents: int  # everything the debtor pays under this option
    pay_by: date | None  # last day for this option (None for the later option)


@dataclass(frozen=True)
class DemandDocument:
    case_ref: str
    creditor_reference: str  # ISO 11649 "RF.." in electronic form (no spaces)
    letter_date: date
    language: str  # "de" (required) or "en"
    collector: PostalAddress  # the collection agency sending the letter
    collector_email: str
    # Entry in the Rechtsdienstleistungsregister (register of legal services),
    # printed as given.
    collector_register: str
    supervisory_authority: SupervisoryAuthority
    creditor: PostalAddress  # client on whose behalf we collect (§ 13a Abs. 1 Nr. 1)
    debtor: PostalAddress
    debtor_email: str | None
    claims: tuple[DemandClaim, ...]
    principal_cents: int  # sum over claims
    interest_cents: int  # sum over claims
    costs_cents: int  # sum over claims
    fee_value_cents: int  # Gegenstandswert of the collection fee
    early: FeeOption  # 0.5 if paid by early.pay_by
    regular: FeeOption  # 0.9 afterwards
    # If True, the letter states that the creditor cannot deduct input tax
    # (§ 13a Abs. 1 Nr. 6 RDG).
    vat_charged: bool
    interest_note: str  # how interest was computed (rule, rate, base, days)
    # Kind, amount and reason of the collection costs (§ 13a Abs. 1 Nr. 5 RDG).
    fee_note: str
    debtor_is_consumer: bool = True  # a business is greeted without a name
    address_found_by_collector: bool = False  # § 13a Abs. 1 Nr. 7 notice if True
    payee_name: str = ""
    payee_iban: str = ""
    payee_bic: str = ""
    # Where the debtor can dispute, ask for instalments, update contact details.
    portal_url: str | None = None
