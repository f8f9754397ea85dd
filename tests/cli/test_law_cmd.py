import json
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from kleinkasso.cli.law_cmd import law_app

runner = CliRunner()
INTEREST = [
    "interest",
    "--principal",
    "4.99",
    "--from",
    "2026-01-15",
    "--to",
    "2026-12-04",
]
FEES = ["fees", "--value", "4.99", "--mandate-date", "2026-11-01"]


def run(*args: str) -> Result:
    return runner.invoke(law_app, list(args))


def run_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_interest_json():
    data = run_json(
        "interest", "--principal", "4.99", "--from", "2026-01-15", "--to", "2026-12-04"
    )
    assert data["interest_cents"] == 28
    assert data["periods"] == [
        {
            "start": "2026-01-15",
            "end": "2026-06-30",
            "days": 167,
            "rate_percent": "6.27",
            "base_rate_percent": "1.27",
            "interest": "0.1431501123",
        },
        {
            "start": "2026-07-01",
            "end": "2026-12-03",
            "days": 156,
            "rate_percent": "6.52",
            "base_rate_percent": "1.52",
            "interest": "0.1390528438",
        },
    ]
    assert data["explanation"]["rule"] == "§ 288 Abs. 1 BGB"


def test_interest_business_options():
    data = run_json(
        "interest", "--principal", "10000.00", "--from", "2023-01-01",
        "--to", "2023-07-01", "--business", "--obligation-date", "2014-07-29",
    )  # fmt: skip
    assert data["interest_cents"] == 52664
    old = run_json(
        "interest", "--principal", "10000", "--from", "2023-01-01",
        "--to", "2023-07-01", "--business", "--obligation-date", "2014-07-28",
    )  # fmt: skip
    assert old["periods"][0]["rate_percent"] == "9.62"


def test_interest_day_count():
    data = run_json(
        "interest", "--principal", "1000", "--from", "2023-01-01",
        "--to", "2023-07-01", "--day-count", "30/360",
    )  # fmt: skip
    assert data["periods"][0]["days"] == 180


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        pytest.param("de", "kaufmännisch auf 0,28 EUR gerundet", id="de"),
        pytest.param("en", "rounded half up once, to 0.28 EUR", id="en"),
    ],
)
def test_interest_text(lang, text):
    result = run(
        "interest", "--principal", "4.99", "--from", "2026-01-15",
        "--to", "2026-12-04", "--lang", lang,
    )  # fmt: skip
    assert result.exit_code == 0
    assert text in result.stdout


def test_interest_text_defaults_to_german():
    result = run(
        "interest", "--principal", "4.99", "--from", "2026-01-15", "--to", "2026-12-04"
    )
    assert "Rechtsgrundlage der Berechnung ist § 288 Abs. 1 BGB." in result.stdout


def test_fees_json():
    data = run_json("fees", "--value", "4.99", "--mandate-date", "2026-11-01")
    assert data["base_fee_cents"] == 3150
    assert data["fee_cents"] == 2835
    assert data["expenses_cents"] == 567
    assert data["vat_cents"] == 0
    assert data["total_cents"] == 3402
    assert data["rate"] == "0.9"
    assert data["table_version"] == "RVG § 13 Abs. 2 (2025-06-01)"
    assert data["explanation"]["rule"] == "Nr. 2300 VV RVG"


@pytest.mark.parametrize(
    ("extra", "fee", "vat", "total"),
    [
        pytest.param(["--rate", "0.5"], 1575, 0, 1890, id="simple"),
        pytest.param(["--rate", "0.5", "--vat"], 1575, 359, 2249, id="simple-vat"),
        pytest.param(["--rate", "1.3"], 4095, 0, 4914, id="maximum"),
        pytest.param(["--rate", "2.0", "--disputed"], 10300, 0, 12300, id="disputed"),
    ],
)
def test_fees_options(extra, fee, vat, total):
    data = run_json("fees", "--value", "4.99", "--mandate-date", "2026-11-01", *extra)
    assert data["fee_cents"] == fee
    assert data["vat_cents"] == vat
    assert data["total_cents"] == total


def test_fees_text_english():
    result = run(
        "fees", "--value", "4.99", "--mandate-date", "2026-11-01", "--lang", "en"
    )
    assert result.exit_code == 0
    assert "The total is 34.02 EUR." in result.stdout


def test_payment_plan_fee_json():
    data = run_json(
        "payment-plan-fee", "--value", "4.99", "--mandate-date", "2026-11-01", "--vat"
    )
    assert data["fee_cents"] == 3605
    assert data["expenses_cents"] == 721
    assert data["vat_cents"] == 822
    assert data["total_cents"] == 5148
    assert data["rate"] == "0.7"


def test_payment_plan_fee_text():
    result = run("payment-plan-fee", "--value", "4.99", "--mandate-date", "2026-11-01")
    assert result.exit_code == 0
    assert "Insgesamt ergeben sich 43,26 EUR." in result.stdout


def test_limitation_json():
    data = run_json("limitation", "--arose", "2024-03-15")
    assert data["expires_on"] == "2027-12-31"
    assert data["restarted_on"] is None
    assert "time_barred" not in data


def test_limitation_options():
    data = run_json(
        "limitation", "--arose", "2024-03-15", "--knowledge", "2024-04-01",
        "--acknowledged", "2025-06-10", "--acknowledged", "2026-01-02",
        "--suspended", "2026-02-01..2026-02-10", "--as-of", "2029-01-13",
    )  # fmt: skip
    assert data["expires_on"] == "2029-01-12"
    assert data["restarted_on"] == "2026-01-03"
    assert data["suspended_days"] == 10
    assert data["time_barred"] is True


def test_limitation_text():
    result = run("limitation", "--arose", "2024-03-15", "--lang", "en")
    assert "enforceable up to and including 2027-12-31" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["interest", "--principal", "4,99", *INTEREST[3:]],
            "invalid value for --principal: '4,99' (expected an amount in euros",
            id="comma-amount",
        ),
        pytest.param(
            ["interest", "--principal", "-1", *INTEREST[3:]],
            "invalid value for --principal: '-1' (expected an amount of zero or more",
            id="negative-amount",
        ),
        pytest.param(
            ["interest", "--from", "2026-01-15", "--to", "2026-12-04"],
            "missing option --principal",
            id="missing-principal",
        ),
        pytest.param(
            [*INTEREST[:3], "--from", "15.01.2026", "--to", "2026-12-04"],
            "invalid value for --from: '15.01.2026' (expected a date as YYYY-MM-DD)",
            id="german-date",
        ),
        pytest.param(
            [*INTEREST[:5], "--to", "2027-06-01"],
            "--from/--to '2026-01-15..2027-06-01' rejected: no base rate for the "
            "half-year starting 2027-01-01",
            id="beyond-base-rates",
        ),
        pytest.param(
            [*INTEREST, "--day-count", "act/364"],
            "invalid value for --day-count: 'act/364' "
            "(expected act/365, 30/360 or act/act)",
            id="day-count",
        ),
        pytest.param(
            [*INTEREST, "--lang", "fr"],
            "invalid value for --lang: 'fr' (expected de or en)",
            id="language",
        ),
        pytest.param(
            [*FEES, "--rate", "1.5"],
            "invalid value for --rate: '1.5' (expected a rate from 0.5 to 1.3)",
            id="rate-above-cap",
        ),
        pytest.param(
            [*FEES, "--rate", "abc"],
            "invalid value for --rate: 'abc' (expected a rate from 0.5 to 1.3)",
            id="rate-text",
        ),
        pytest.param(
            [*FEES, "--rate", "3", "--disputed"],
            "invalid value for --rate: '3' (expected a rate from 0.5 to 2.5)",
            id="rate-disputed",
        ),
        pytest.param(
            ["fees", "--value", "4.99", "--mandate-date", "2012-11-01"],
            "--mandate-date '2012-11-01' rejected: no RVG § 13 table for 2012-11-01",
            id="old-mandate",
        ),
        pytest.param(
            ["payment-plan-fee", "--value", "4.99"],
            "missing option --mandate-date",
            id="plan-missing-date",
        ),
        pytest.param(
            ["payment-plan-fee", "--value", "4.99", "--mandate-date", "2012-11-01"],
            "--mandate-date '2012-11-01' rejected",
            id="plan-old-mandate",
        ),
        pytest.param(
            ["limitation", "--arose", "2024-03-15", "--acknowledged", "2023-06-10"],
            "--acknowledged/--suspended '2023-06-10' rejected: invalid acknowledgement",
            id="acknowledged-before-arising",
        ),
        pytest.param(
            ["limitation", "--arose", "2024-03-15", "--suspended", "2025-01-01"],
            "invalid value for --suspended: '2025-01-01' (expected a range of days",
            id="suspension-without-end",
        ),
        pytest.param(
            ["limitation", "--arose", "2024-03-15", "--suspended", "2025-01-01..x"],
            "invalid value for --suspended: '2025-01-01..x'",
            id="suspension-bad-end",
        ),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
