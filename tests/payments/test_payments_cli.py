"""``kleinkasso payments`` and ``settle`` on the shipped example data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, Cli
from tests.payments.camtgen import Line, camt053

CREDITOR = "spielwiese"
STATUSES = {"matched", "review", "unmatched", "return", "ignored"}


@pytest.fixture
def imported(cli: Cli, tmp_path: Path) -> Cli:
    """Run the example data up to the imported statement."""
    cli("creditor", "add", "--config", EXAMPLES / "creditor.toml")
    cli("import", "open-items", EXAMPLES / "open-items.csv", "--creditor", CREDITOR)
    cli("import", "returns", EXAMPLES / "returns-camt054.xml", "--creditor", CREDITOR)
    cli("run", "--as-of", "2026-11-16", "--out", tmp_path / "out")
    result = cli("import", "statement", EXAMPLES / "statement-camt053.xml")
    assert result.exit_code == 0, result.stderr
    return cli


def test_list_json_fields(imported: Cli) -> None:
    rows = imported("payments", "list", "--json").json()
    assert len(rows) == 79
    assert {row["status"] for row in rows} <= STATUSES
    for key in ("entry_id", "booking_date", "amount_cents", "charges_cents"):
        assert all(key in row for row in rows)
    matched = [row for row in rows if row["status"] == "matched"]
    assert len(matched) == 76
    assert all(row["case_ref"] for row in matched)
    assert any(row["amount_cents"] < 0 for row in rows)
    assert len(imported("payments", "list", "--statement", "1", "--json").json()) == 79
    assert imported("payments", "list", "--statement", "2", "--json").json() == []


def test_review_then_assign(imported: Cli, tmp_path: Path) -> None:
    queue = imported("payments", "review", "--json").json()
    assert queue
    entry = str(queue[0]["entry_id"])
    first = imported("payments", "assign", entry, "SW000010")
    again = imported("payments", "assign", entry, "SW000010")
    assert first.exit_code == 0, first.stderr
    assert "assigned to case SW000010" in first.stdout
    assert "already assigned" in again.stdout
    remaining = imported("payments", "review", "--json").json()
    assert len(remaining) == len(queue) - 1
    assert imported("check").exit_code == 0


def test_assign_unknown_entry(imported: Cli) -> None:
    result = imported("payments", "assign", "99999", "SW000001")
    assert result.exit_code == 2
    assert "bank entry 99999 not found" in result.stderr


def test_reconcile_balances(imported: Cli) -> None:
    result = imported(
        "payments", "reconcile", "--from", "2026-11-01", "--to", "2026-11-30", "--json"
    )
    assert result.exit_code == 0, result.stderr
    figures = result.json()
    assert figures["difference_cents"] == 0
    parts = ("allocated_cents", "refund_cents", "review_cents", "unallocated_cents")
    assert figures["credits_cents"] == sum(figures[key] for key in parts)


def test_reversal_after_settlement(imported: Cli, tmp_path: Path) -> None:
    out = tmp_path / "settle"
    first = imported(
        "settle", "--creditor", CREDITOR, "--period", "2026-11", "--out", out, "--json"
    )
    assert first.exit_code == 0, first.stderr
    assert (out / f"settlement-{CREDITOR}-2026-11.pdf").is_file()
    assert (out / f"settlement-{CREDITOR}-2026-11-pain.001.xml").is_file()
    rows = imported("payments", "list", "--json").json()
    paid = next(row for row in rows if row["case_ref"] == "SW000001")
    statement = tmp_path / "recall.xml"
    statement.write_bytes(
        camt053(
            "RECALL-1",
            [
                Line(
                    -paid["amount_cents"],
                    _day("2026-12-02"),
                    paid["reference"],
                    reversal=True,
                )
            ],
        )
    )
    assert imported("import", "statement", statement).exit_code == 0
    december = imported(
        "settle",
        "--creditor",
        CREDITOR,
        "--period",
        "2026-12",
        "--as-of",
        "2027-01-04",
        "--out",
        out,
        "--json",
    ).json()
    assert december["forwarded_cents"] < 0
    assert not (out / f"settlement-{CREDITOR}-2026-12-pain.001.xml").exists()
    case = imported("case", "show", "SW000001", "--as-of", "2026-12-02", "--json")
    assert case.json()["status"] == "open"
    assert imported("check").stdout.endswith("0 violations\n")


def _day(text: str) -> date:
    return date.fromisoformat(text)


def test_statement_size_limit_is_an_option(cli: Cli, tmp_path: Path) -> None:
    cli("creditor", "add", "--config", EXAMPLES / "creditor.toml")
    data = (EXAMPLES / "statement-camt053.xml").read_bytes()
    # A comment after the root element pads the file past one megabyte.
    padded = tmp_path / "padded.xml"
    padded.write_bytes(data + b"<!--" + b" " * 1_000_000 + b"-->\n")
    small = cli("import", "statement", padded, "--max-mb", "1")
    assert small.exit_code == 2
    assert "more than the limit of 1000000" in small.stderr
    assert cli("import", "statement", padded, "--json").exit_code in (0, 1)
