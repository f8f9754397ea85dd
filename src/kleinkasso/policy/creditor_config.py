"""A creditor's configuration: who it is, where debtors pay, and its rules.

The configuration is a TOML file (``examples/creditor.toml`` documents every
key). :func:`load_creditor_config` validates it completely and returns an
immutable :class:`CreditorConfig`; every problem names the key, the value and
what was expected.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from kleinkasso.intake.erp_csv import COLUMNS as STANDARD_COLUMNS

CREDITOR_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
CASE_PREFIX = re.compile(r"^[A-Z][A-Z0-9]{0,7}$")
ALLOWED_RATES = ("0.5", "0.9", "1.3")
CHANNELS = ("email", "letter")
VANISHED_ITEMS = ("paid_directly", "cancelled")


KIND_NAMES: dict[type, str] = {
    str: "a text",
    int: "an integer",
    bool: "true or false",
    date: "a date such as 2026-06-01",
    list: "a list",
    dict: "a table",
    Decimal: "a number",
}


class ConfigError(Exception):
    """Raised when a creditor configuration is unusable."""

    def __init__(self, source: str, key: str, value: object, expected: str) -> None:
        self.source = source
        self.key = key
        self.value = value
        self.expected = expected
        if value is None:
            message = f"{source}: key {key!r} is missing; expected {expected}"
        else:
            message = (
                f"{source}: key {key!r}: {value!r} is invalid; expected {expected}"
            )
        super().__init__(message)


@dataclass(frozen=True)
class Address:
    """A postal address as printed in letters."""

    name: str
    street: str
    postal_code: str
    city: str
    country: str = "DE"


@dataclass(frozen=True)
class Authority:
    """The supervisory authority named in every first demand."""

    name: str
    street: str
    postal_code: str
    city: str
    email: str


# Since 1 January 2025 the Bundesamt für Justiz supervises registered
# collection providers (§§ 9, 13, 20 Abs. 4 RDG).
DEFAULT_AUTHORITY = Authority(
    name="Bundesamt für Justiz",
    street="Adenauerallee 99-103",
    postal_code="53113",
    city="Bonn",
    email="poststelle@bfj.bund.de",
)


@dataclass(frozen=True)
class Collector:
    """The collection agency that writes to debtors and receives payments."""

    address: Address
    email: str
    register: str
    iban: str
    bic: str
    account_holder: str
    authority: Authority = DEFAULT_AUTHORITY
    portal_url: str | None = None


@dataclass(frozen=True)
class HandoverRules:
    """Fixed parameters that decide which open items go to collection."""

    min_days_past_due: int = 14
    min_days_in_default: int = 0
    due_date_agreed: bool = False
    invoice_notice: bool = False
    excluded_categories: tuple[str, ...] = ("gambling",)
    hand_over_business: bool = True
    returns_in_default: bool = True
    # What an open item missing from a daily snapshot became.
    vanished_items: str = "paid_directly"


@dataclass(frozen=True)
class DunningRules:
    """Rules for writing the first demand and the fee it charges."""

    regular_fee_rate: str = "0.9"
    channels: tuple[str, ...] = CHANNELS
    language: str = "de"
    residual_write_off_cents: int = 25


@dataclass(frozen=True)
class PaymentRules:
    """Rules for overpayments, and the creditor's payout account."""

    # An overpayment from this amount on is transferred back to the debtor.
    # A smaller one stays on the case as a credit for the debtor.
    refund_minimum_cents: int = 100
    # The creditor's account for payouts (compact IBAN) and its BIC.
    payout_iban: str | None = None
    payout_bic: str | None = None


@dataclass(frozen=True)
class CreditorConfig:
    """A validated creditor configuration."""

    id: str
    name: str
    address: Address
    case_prefix: str
    mandate_date: date
    input_tax_deduction: bool
    collector: Collector
    handover: HandoverRules = field(default_factory=HandoverRules)
    dunning: DunningRules = field(default_factory=DunningRules)
    columns: Mapping[str, str] = field(default_factory=dict)
    csv_encoding: str | None = None
    payments: PaymentRules = field(default_factory=PaymentRules)

    def to_json(self) -> dict[str, Any]:
        """Return the configuration as JSON-ready data."""
        data = asdict(self)
        data["mandate_date"] = self.mandate_date.isoformat()
        data["columns"] = dict(self.columns)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CreditorConfig:
        """Rebuild a configuration stored with :meth:`to_json`."""
        collector = dict(data["collector"])
        collector["address"] = Address(**collector["address"])
        collector["authority"] = Authority(**collector["authority"])
        handover = dict(data["handover"])
        handover["excluded_categories"] = tuple(handover["excluded_categories"])
        dunning = dict(data["dunning"])
        dunning["channels"] = tuple(dunning["channels"])
        return cls(
            id=data["id"],
            name=data["name"],
            address=Address(**data["address"]),
            case_prefix=data["case_prefix"],
            mandate_date=date.fromisoformat(data["mandate_date"]),
            input_tax_deduction=data["input_tax_deduction"],
            collector=Collector(**collector),
            handover=HandoverRules(**handover),
            dunning=DunningRules(**dunning),
            columns=dict(data["columns"]),
            csv_encoding=data.get("csv_encoding"),
            # Configurations stored before payment rules existed have none.
            payments=PaymentRules(**data.get("payments", {})),
        )


class _Reader:
    """Typed access to one TOML table with precise errors."""

    def __init__(self, source: str, table: Mapping[str, Any], prefix: str = "") -> None:
        self.source = source
        self.table = table
        self.prefix = prefix
        self.known: set[str] = set()

    def fail(self, key: str, value: object, expected: str) -> ConfigError:
        return ConfigError(self.source, self.prefix + key, value, expected)

    def get(self, key: str, kind: type, default: Any = ..., expected: str = "") -> Any:
        self.known.add(key)
        if key not in self.table:
            if default is ...:
                raise self.fail(key, None, expected or KIND_NAMES.get(kind, "a value"))
            return default
        value = self.table[key]
        # TOML booleans are ints in Python; keep the two apart.
        if kind is int and isinstance(value, bool):
            raise self.fail(key, value, expected or "an integer")
        if not isinstance(value, kind):
            raise self.fail(key, value, expected or KIND_NAMES.get(kind, "a value"))
        return value

    def text(self, key: str, default: Any = ..., max_length: int = 200) -> Any:
        value = self.get(key, str, default, f"a text of 1 to {max_length} characters")
        if isinstance(value, str) and not 0 < len(value.strip()) <= max_length:
            raise self.fail(key, value, f"a text of 1 to {max_length} characters")
        return value.strip() if isinstance(value, str) else value

    def sub(self, key: str, required: bool = True) -> _Reader:
        table = self.get(key, dict, ... if required else {}, "a table")
        return _Reader(self.source, table, f"{self.prefix}{key}.")

    def reject_unknown(self) -> None:
        for key in self.table:
            if key not in self.known:
                raise self.fail(
                    key, self.table[key], "a known key (see examples/creditor.toml)"
                )


def _address(reader: _Reader, name: str) -> Address:
    address = Address(
        name=name,
        street=reader.text("street"),
        postal_code=reader.text("postal_code", max_length=16),
        city=reader.text("city", max_length=100),
        country=reader.text("country", "DE", max_length=2).upper(),
    )
    if address.country == "DE" and not re.fullmatch(r"\d{5}", address.postal_code):
        raise reader.fail("postal_code", address.postal_code, "five digits")
    return address


def _collector(reader: _Reader) -> Collector:
    address = _address(reader, reader.text("name"))
    iban_text = reader.text("iban", max_length=42)
    bic_text = reader.text("bic", max_length=11)
    try:
        iban = IBAN(iban_text)
    except SchwiftyException as exc:
        raise reader.fail("iban", iban_text, f"a valid IBAN ({exc})") from exc
    try:
        bic = BIC(bic_text)
    except SchwiftyException as exc:
        raise reader.fail("bic", bic_text, f"a valid BIC ({exc})") from exc
    email = reader.text("email", max_length=254)
    if "@" not in email:
        raise reader.fail("email", email, "an e-mail address")
    authority = DEFAULT_AUTHORITY
    if "supervisory_authority" in reader.table:
        sub = reader.sub("supervisory_authority")
        authority = Authority(
            name=sub.text("name"),
            street=sub.text("street"),
            postal_code=sub.text("postal_code", max_length=16),
            city=sub.text("city", max_length=100),
            email=sub.text("email", max_length=254),
        )
        sub.reject_unknown()
    collector = Collector(
        address=address,
        email=email,
        register=reader.text("register", max_length=300),
        iban=iban.compact,
        bic=str(bic),
        account_holder=reader.text("account_holder", address.name),
        authority=authority,
        portal_url=reader.text("portal_url", None, max_length=300),
    )
    reader.reject_unknown()
    return collector


def _handover(reader: _Reader) -> HandoverRules:
    defaults = HandoverRules()
    days = reader.get("min_days_past_due", int, defaults.min_days_past_due)
    if not 0 <= days <= 3650:
        raise reader.fail("min_days_past_due", days, "a number of days from 0 to 3650")
    in_default = reader.get("min_days_in_default", int, defaults.min_days_in_default)
    if not 0 <= in_default <= 3650:
        raise reader.fail("min_days_in_default", in_default, "0 to 3650 days")
    categories = reader.get(
        "excluded_categories",
        list,
        list(defaults.excluded_categories),
        "a list of texts",
    )
    if not all(isinstance(c, str) and c.strip() for c in categories):
        raise reader.fail("excluded_categories", categories, "a list of texts")
    rules = HandoverRules(
        min_days_past_due=days,
        min_days_in_default=in_default,
        due_date_agreed=reader.get("due_date_agreed", bool, defaults.due_date_agreed),
        invoice_notice=reader.get("invoice_notice", bool, defaults.invoice_notice),
        excluded_categories=tuple(c.strip().lower() for c in categories),
        hand_over_business=reader.get(
            "hand_over_business", bool, defaults.hand_over_business
        ),
        returns_in_default=reader.get(
            "returns_in_default", bool, defaults.returns_in_default
        ),
        vanished_items=reader.get("vanished_items", str, defaults.vanished_items),
    )
    if rules.vanished_items not in VANISHED_ITEMS:
        raise reader.fail(
            "vanished_items", rules.vanished_items, "'paid_directly' or 'cancelled'"
        )
    reader.reject_unknown()
    return rules


def _dunning(reader: _Reader) -> DunningRules:
    defaults = DunningRules()
    # The rate may be written as a TOML number (0.9) or text ("0.9").
    raw_rate = reader.get("regular_fee_rate", object, defaults.regular_fee_rate)
    rate = str(raw_rate) if isinstance(raw_rate, Decimal | str) else raw_rate
    if rate not in ALLOWED_RATES:
        raise reader.fail(
            "regular_fee_rate", rate, "one of " + ", ".join(ALLOWED_RATES)
        )
    try:
        Decimal(rate)
    except InvalidOperation as exc:  # pragma: no cover - guarded by ALLOWED_RATES
        raise reader.fail("regular_fee_rate", rate, "a decimal rate") from exc
    channels = reader.get("channels", list, list(defaults.channels), "a list")
    if not channels or any(c not in CHANNELS for c in channels):
        raise reader.fail("channels", channels, "a non-empty list of 'email', 'letter'")
    language = reader.get("language", str, defaults.language)
    if language not in ("de", "en"):
        raise reader.fail("language", language, "'de' or 'en'")
    residual = reader.get(
        "residual_write_off_cents", int, defaults.residual_write_off_cents
    )
    if not 0 <= residual <= 100:
        raise reader.fail("residual_write_off_cents", residual, "0 to 100 cents")
    rules = DunningRules(
        regular_fee_rate=rate,
        channels=tuple(dict.fromkeys(channels)),
        language=language,
        residual_write_off_cents=residual,
    )
    reader.reject_unknown()
    return rules


def _payments(reader: _Reader) -> PaymentRules:
    defaults = PaymentRules()
    minimum = reader.get("refund_minimum_cents", int, defaults.refund_minimum_cents)
    if not 0 <= minimum <= 10_000:
        raise reader.fail("refund_minimum_cents", minimum, "0 to 10000 cents")
    iban_text = reader.text("payout_iban", None, max_length=42)
    bic_text = reader.text("payout_bic", None, max_length=11)
    iban = bic = None
    if iban_text is not None:
        try:
            iban = IBAN(iban_text).compact
        except SchwiftyException as exc:
            raise reader.fail(
                "payout_iban", iban_text, f"a valid IBAN ({exc})"
            ) from exc
    if bic_text is not None:
        try:
            bic = str(BIC(bic_text))
        except SchwiftyException as exc:
            raise reader.fail("payout_bic", bic_text, f"a valid BIC ({exc})") from exc
    reader.reject_unknown()
    return PaymentRules(refund_minimum_cents=minimum, payout_iban=iban, payout_bic=bic)


def parse_creditor_config(data: Mapping[str, Any], *, source: str) -> CreditorConfig:
    """Validate parsed TOML data and return the configuration."""
    top = _Reader(source, data)
    creditor_id = top.get("id", str, expected="a lower-case id such as 'spielwiese'")
    if not CREDITOR_ID.match(creditor_id):
        raise top.fail("id", creditor_id, "lower-case letters, digits, '-' or '_'")
    name = top.text("name")
    default_prefix = re.sub(r"[^A-Z0-9]", "", creditor_id.upper())[:8] or "K"
    if not default_prefix[0].isalpha():
        default_prefix = ("K" + default_prefix)[:8]
    prefix = top.get("case_prefix", str, default_prefix)
    if not CASE_PREFIX.match(prefix):
        raise top.fail("case_prefix", prefix, "1 to 8 upper-case letters or digits")
    mandate = top.get("mandate_date", date, expected="a TOML date such as 2026-06-01")
    input_tax = top.get(
        "input_tax_deduction", bool, expected="true or false (can deduct input tax)"
    )
    address_reader = top.sub("address")
    address = _address(address_reader, name)
    address_reader.reject_unknown()
    collector = _collector(top.sub("collector"))
    handover = _handover(top.sub("handover", required=False))
    dunning = _dunning(top.sub("dunning", required=False))
    payments = _payments(top.sub("payments", required=False))
    columns_reader = top.sub("columns", required=False)
    columns: dict[str, str] = {}
    for key, value in columns_reader.table.items():
        if key not in STANDARD_COLUMNS:
            raise columns_reader.fail(
                key, value, "one of " + ", ".join(STANDARD_COLUMNS)
            )
        if not isinstance(value, str) or not value.strip():
            raise columns_reader.fail(key, value, "the column header in the export")
        columns[key] = value.strip()
    csv_encoding = top.get("csv_encoding", str, None)
    if csv_encoding is not None:
        try:
            "".encode(csv_encoding)
        except LookupError as exc:
            raise top.fail("csv_encoding", csv_encoding, "a Python codec name") from exc
    top.reject_unknown()
    return CreditorConfig(
        id=creditor_id,
        name=name,
        address=address,
        case_prefix=prefix,
        mandate_date=mandate,
        input_tax_deduction=input_tax,
        collector=collector,
        handover=handover,
        dunning=dunning,
        columns=columns,
        csv_encoding=csv_encoding,
        payments=payments,
    )


def load_creditor_config(raw: bytes, *, source: str) -> CreditorConfig:
    """Parse and validate a creditor TOML file."""
    try:
        # Numbers with a fraction become Decimal, never float.
        data = tomllib.loads(raw.decode("utf-8"), parse_float=Decimal)
    except UnicodeDecodeError as exc:
        raise ConfigError(
            source, "(file)", f"byte {exc.start} ({raw[exc.start]:#04x})", "UTF-8 text"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, "(file)", str(exc), "valid TOML") from exc
    return parse_creditor_config(data, source=source)
