"""``kleinkasso law``: calculators for interest, fees and limitation.

Amounts are read in euros with a decimal point and printed in cents. Bad
input exits with status 2 and one line on stderr naming the option, the
value and what was expected.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, NoReturn, TypeVar

import typer

from kleinkasso.law import (
    DayCount,
    Explanation,
    FeeResult,
    LawError,
    collection_fee,
    default_interest,
    euros_to_cents,
    is_time_barred,
    limitation,
    payment_plan_fee,
)
from kleinkasso.law.fees import DISPUTED_RATE_RANGE, UNCONTESTED_RATE_RANGE

__all__ = ["law_app"]

law_app = typer.Typer(
    help="German legal calculations: default interest, collection fees, limitation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_LANGUAGES = ("de", "en")
_Result = TypeVar("_Result")

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print the result as JSON instead of text.")
]
# Every kleinkasso command accepts --db, so scripts can pass it uniformly;
# the calculator itself reads no database.
UnusedDbOption = Annotated[
    str | None,
    typer.Option("--db", help="Accepted for a uniform command line; not used here."),
]
LangOption = Annotated[
    str, typer.Option("--lang", help="Language of the text explanation: de or en.")
]


def _fail(option: str, value: object, expected: str) -> NoReturn:
    typer.echo(
        f"error: invalid value for {option}: {value!r} (expected {expected})", err=True
    )
    raise typer.Exit(2)


def _required(option: str, value: str | None, expected: str) -> str:
    if value is None:
        typer.echo(f"error: missing option {option} (expected {expected})", err=True)
        raise typer.Exit(2)
    return value


def _amount(option: str, text: str | None) -> int:
    expected = "an amount in euros with a point, such as 4.99"
    value = _required(option, text, expected)
    try:
        cents = euros_to_cents(value)
    except LawError:
        _fail(option, value, expected)
    if cents < 0:
        _fail(option, value, "an amount of zero or more euros")
    return cents


def _date(option: str, text: str | None) -> date:
    expected = "a date as YYYY-MM-DD"
    value = _required(option, text, expected)
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(option, value, expected)


def _optional_date(option: str, text: str | None) -> date | None:
    return None if text is None else _date(option, text)


def _language(lang: str) -> str:
    if lang not in _LANGUAGES:
        _fail("--lang", lang, "de or en")
    return lang


def _compute(option: str, value: object, call: Callable[[], _Result]) -> _Result:
    """Run a law function and turn its ``LawError`` into a one-line failure."""
    try:
        return call()
    except LawError as error:
        typer.echo(f"error: {option} {value!r} rejected: {error}", err=True)
        raise typer.Exit(2) from None


def _print(
    payload: dict[str, object], explanation: Explanation, as_json: bool, lang: str
) -> None:
    if as_json:
        payload["explanation"] = explanation.to_dict()
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        typer.echo(explanation.render(lang))


@law_app.command("interest")
def interest_command(
    principal: Annotated[
        str | None, typer.Option(help="Principal in euros, such as 4.99 (required).")
    ] = None,
    from_: Annotated[
        str | None,
        typer.Option("--from", help="First day of default, counted (required)."),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(help="Day the payment arrives, not counted (required)."),
    ] = None,
    business: Annotated[
        bool, typer.Option("--business", help="No consumer involved: 9 points.")
    ] = False,
    obligation_date: Annotated[
        str | None,
        typer.Option(
            help="Day the business obligation arose; before 2014-07-29: 8 points."
        ),
    ] = None,
    day_count: Annotated[
        str, typer.Option(help="Day count: act/365, 30/360 or act/act.")
    ] = DayCount.ACT_365.value,
    as_json: JsonOption = False,
    db: UnusedDbOption = None,
    lang: LangOption = "de",
) -> None:
    """Compute default interest under § 288 BGB."""
    principal_cents = _amount("--principal", principal)
    first_day = _date("--from", from_)
    payment_day = _date("--to", to)
    obligation = _optional_date("--obligation-date", obligation_date)
    if day_count not in {member.value for member in DayCount}:
        _fail("--day-count", day_count, "act/365, 30/360 or act/act")
    lang = _language(lang)

    result = _compute(
        "--from/--to",
        f"{first_day.isoformat()}..{payment_day.isoformat()}",
        lambda: default_interest(
            principal_cents,
            first_day,
            payment_day,
            consumer=not business,
            obligation_date=obligation,
            day_count=DayCount(day_count),
        ),
    )
    payload: dict[str, object] = {
        "principal_cents": result.principal_cents,
        "interest_cents": result.interest_cents,
        "periods": [
            {
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "days": period.days,
                "rate_percent": str(period.rate_percent),
                "base_rate_percent": str(period.base_rate_percent),
                "interest": str(period.interest),
            }
            for period in result.periods
        ],
    }
    _print(payload, result.explanation, as_json, lang)


def _fee_payload(result: FeeResult) -> dict[str, object]:
    return {
        "value_cents": result.value_cents,
        "mandate_date": result.mandate_date.isoformat(),
        "rate": str(result.rate),
        "base_fee_cents": result.base_fee_cents,
        "fee_cents": result.fee_cents,
        "expenses_cents": result.expenses_cents,
        "vat_cents": result.vat_cents,
        "total_cents": result.total_cents,
        "table_version": result.table_version,
    }


@law_app.command("fees")
def fees_command(
    value: Annotated[
        str | None,
        typer.Option(help="Sum of the principals of the matter in euros (required)."),
    ] = None,
    mandate_date: Annotated[
        str | None, typer.Option(help="Day of the unconditional mandate (required).")
    ] = None,
    rate: Annotated[
        str, typer.Option(help="Fee rate: 0.5 simple, 0.9 regular, up to 1.3.")
    ] = "0.9",
    vat: Annotated[
        bool, typer.Option("--vat", help="Add 19 % VAT: creditor cannot deduct it.")
    ] = False,
    disputed: Annotated[
        bool, typer.Option("--disputed", help="The debtor disputed the claim.")
    ] = False,
    as_json: JsonOption = False,
    db: UnusedDbOption = None,
    lang: LangOption = "de",
) -> None:
    """Compute the collection fee, Nr. 2300 VV RVG, with expenses and VAT."""
    value_cents = _amount("--value", value)
    mandate = _date("--mandate-date", mandate_date)
    low, high = DISPUTED_RATE_RANGE if disputed else UNCONTESTED_RATE_RANGE
    expected_rate = f"a rate from {low} to {high}"
    try:
        fee_rate = Decimal(rate)
    except InvalidOperation:
        _fail("--rate", rate, expected_rate)
    if not fee_rate.is_finite() or not low <= fee_rate <= high:
        _fail("--rate", rate, expected_rate)
    lang = _language(lang)

    result = _compute(
        "--mandate-date",
        mandate.isoformat(),
        lambda: collection_fee(
            value_cents, mandate, fee_rate, vat=vat, disputed=disputed
        ),
    )
    _print(_fee_payload(result), result.explanation, as_json, lang)


@law_app.command("payment-plan-fee")
def payment_plan_fee_command(
    value: Annotated[
        str | None, typer.Option(help="Claim in euros (required).")
    ] = None,
    mandate_date: Annotated[
        str | None, typer.Option(help="Day of the unconditional mandate (required).")
    ] = None,
    vat: Annotated[
        bool, typer.Option("--vat", help="Add 19 % VAT: creditor cannot deduct it.")
    ] = False,
    as_json: JsonOption = False,
    db: UnusedDbOption = None,
    lang: LangOption = "de",
) -> None:
    """Compute the payment plan fee, Nr. 1000 Nr. 2 VV RVG with § 31b RVG."""
    value_cents = _amount("--value", value)
    mandate = _date("--mandate-date", mandate_date)
    lang = _language(lang)
    result = _compute(
        "--mandate-date",
        mandate.isoformat(),
        lambda: payment_plan_fee(value_cents, mandate, vat=vat),
    )
    _print(_fee_payload(result), result.explanation, as_json, lang)


def _suspension(text: str) -> tuple[date, date]:
    expected = "a range of days as YYYY-MM-DD..YYYY-MM-DD"
    first, separator, last = text.partition("..")
    try:
        if not separator:
            raise ValueError(text)
        return date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        _fail("--suspended", text, expected)


@law_app.command("limitation")
def limitation_command(
    arose: Annotated[
        str | None, typer.Option(help="Day the claim arose (required).")
    ] = None,
    knowledge: Annotated[
        str | None,
        typer.Option(help="Day the creditor learned of claim and debtor, if later."),
    ] = None,
    acknowledged: Annotated[
        list[str] | None,
        typer.Option(help="Day of a part payment or agreed plan; repeatable."),
    ] = None,
    suspended: Annotated[
        list[str] | None,
        typer.Option(help="Suspended days as FIRST..LAST, both counted; repeatable."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Also report whether the claim is barred then.")
    ] = None,
    as_json: JsonOption = False,
    db: UnusedDbOption = None,
    lang: LangOption = "de",
) -> None:
    """Compute when a claim becomes time-barred (§§ 195, 199, 212 BGB)."""
    arose_on = _date("--arose", arose)
    knowledge_on = _optional_date("--knowledge", knowledge)
    acknowledgements = [_date("--acknowledged", day) for day in acknowledged or []]
    suspensions = [_suspension(text) for text in suspended or []]
    day = _optional_date("--as-of", as_of)
    lang = _language(lang)

    result = _compute(
        "--acknowledged/--suspended",
        ",".join([*(acknowledged or []), *(suspended or [])]),
        lambda: limitation(
            arose_on,
            knowledge_on=knowledge_on,
            acknowledged_on=acknowledgements,
            suspensions=suspensions,
        ),
    )
    payload: dict[str, object] = {
        "arose_on": result.arose_on.isoformat(),
        "expires_on": result.expires_on.isoformat(),
        "restarted_on": None
        if result.restarted_on is None
        else result.restarted_on.isoformat(),
        "suspended_days": result.suspended_days,
    }
    if day is not None:
        payload["as_of"] = day.isoformat()
        payload["time_barred"] = is_time_barred(result, day)
    _print(payload, result.explanation, as_json, lang)
