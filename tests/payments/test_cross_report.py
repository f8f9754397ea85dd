"""One booking reported twice (an intraday camt.052, then the day's camt.053)
is booked once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.conftest import EXAMPLES, Cli
from tests.payments.camtgen import Line, camt053


def test_same_booking_in_two_reports(cli: Cli, tmp_path: Path) -> None:
    cli("creditor", "add", "--config", EXAMPLES / "creditor.toml")
    cli("import", "open-items", EXAMPLES / "open-items.csv", "--creditor", "spielwiese")
    cli("run", "--as-of", "2026-11-16", "--out", tmp_path / "out")
    cases = cli("case", "list", "--creditor", "spielwiese", "--json").json()
    paid = Line(
        cents=1000, booked=date(2026, 11, 20), reference=cases[0]["creditor_reference"]
    )
    other = Line(
        cents=500, booked=date(2026, 11, 20), reference=cases[1]["creditor_reference"]
    )
    intraday = tmp_path / "intraday.xml"
    intraday.write_bytes(camt053("INTRADAY-1120-1", [paid]))
    day = tmp_path / "day.xml"
    day.write_bytes(camt053("DAY-1120", [paid, other]))

    first = cli("import", "statement", intraday, "--json").json()
    second = cli("import", "statement", day, "--json").json()
    detail = cli(
        "case", "show", cases[0]["case_ref"], "--as-of", "2026-11-20", "--json"
    ).json()

    assert first["matched"] == 1
    assert second["already_imported"] == 1
    assert second["matched"] == 1
    assert detail["paid_cents"] == 1000
    assert cli("check", "--json").json() == {"violations": []}
