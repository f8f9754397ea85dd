"""The main job end to end on the shipped example data, through the command line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.comms.pdftools import page_image, pdf_text, qr_payloads
from tests.conftest import EXAMPLES, Cli

CREDITOR = "spielwiese"


@pytest.fixture
def loaded(cli: Cli) -> Cli:
    """Register the example creditor and import its open items and returns."""
    assert cli("creditor", "add", "--config", EXAMPLES / "creditor.toml").exit_code == 0
    cli("import", "open-items", EXAMPLES / "open-items.csv", "--creditor", CREDITOR)
    result = cli(
        "import", "returns", EXAMPLES / "returns-camt054.xml", "--creditor", CREDITOR
    )
    assert result.exit_code == 0, result.stderr
    return cli


@pytest.fixture
def after_run(loaded: Cli, tmp_path: Path) -> Cli:
    """Run the daily job on 2026-11-16 and import the example statement."""
    result = loaded("run", "--as-of", "2026-11-16", "--out", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.stderr
    return loaded


def test_creditor_add_twice_keeps_version(cli: Cli) -> None:
    first = cli("creditor", "add", "--config", EXAMPLES / "creditor.toml")
    second = cli("creditor", "add", "--config", EXAMPLES / "creditor.toml")
    assert first.exit_code == 0
    assert "version 1 stored" in first.stdout
    assert "version 1 unchanged" in second.stdout


def test_import_rejects_bad_rows_keeps_good(cli: Cli) -> None:
    cli("creditor", "add", "--config", EXAMPLES / "creditor.toml")
    result = cli(
        "import",
        "open-items",
        EXAMPLES / "open-items.csv",
        "--creditor",
        CREDITOR,
        "--json",
    )
    assert result.exit_code == 1
    summary = result.json()
    assert summary["rejected"] > 0
    assert summary["rejected"] == 6
    assert summary["created"] + summary["rejected"] == summary["read"]
    assert "open-items.csv row" in result.stderr
    assert "field" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_twice_changes_nothing(loaded: Cli) -> None:
    before = loaded("items", "list", "--creditor", CREDITOR, "--json").json()
    again = loaded(
        "import",
        "open-items",
        EXAMPLES / "open-items.csv",
        "--creditor",
        CREDITOR,
        "--json",
    ).json()
    after = loaded("items", "list", "--creditor", CREDITOR, "--json").json()
    assert again["created"] == 0
    assert again["amended"] == 0
    assert again["unchanged"] == again["read"] - again["rejected"]
    assert before == after


def test_returns_become_items_with_charges(loaded: Cli) -> None:
    items = loaded("items", "list", "--creditor", CREDITOR, "--json").json()
    returns = [row for row in items if row["source"] == "returns"]
    assert returns
    assert all(row["return_reason"] for row in returns)
    assert any(row["costs_cents"] > 0 for row in returns)
    assert all(row["return_reason"] in row["reason"] for row in returns)


def test_run_opens_one_case_per_debtor(after_run: Cli) -> None:
    items = after_run("items", "list", "--creditor", CREDITOR, "--json").json()
    cases = after_run(
        "case", "list", "--creditor", CREDITOR, "--as-of", "2026-11-16", "--json"
    ).json()
    handed = [row for row in items if row["state"] == "handed_over"]
    debtors = {row["customer_ref"] for row in handed}
    assert len(cases) == len(debtors)
    assert {row["customer_ref"] for row in cases} == debtors
    assert all(row["creditor_reference"].startswith("RF") for row in cases)
    assert all(row["reason"] for row in items if row["state"] != "handed_over")


def test_run_keeps_reasons_for_others(after_run: Cli) -> None:
    items = after_run("items", "list", "--creditor", CREDITOR, "--json").json()
    states = {row["state"] for row in items}
    assert {"handed_over", "waiting", "rejected"} <= states
    gambling = [row for row in items if "category 'gambling'" in row["reason"]]
    assert gambling
    assert all(row["state"] == "rejected" for row in gambling)


def test_run_twice_sends_nothing_twice(loaded: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = loaded("run", "--as-of", "2026-11-16", "--out", out, "--json").json()
    files = sorted(p.name for p in out.rglob("*") if p.is_file())
    second = loaded("run", "--as-of", "2026-11-16", "--out", out, "--json").json()
    assert first["letters_written"] > 0
    assert first["emails_written"] > 0
    assert second["letters_written"] == 0
    assert second["emails_written"] == 0
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == files
    assert len([f for f in files if f.endswith(".pdf")]) == first["letters_written"]


def test_letter_qr_pays_early_total(after_run: Cli, tmp_path: Path) -> None:
    cases = after_run(
        "case", "list", "--creditor", CREDITOR, "--as-of", "2026-11-16", "--json"
    ).json()
    ref = cases[0]["case_ref"]
    detail = after_run("case", "show", ref, "--as-of", "2026-11-16", "--json").json()
    pdf = (
        tmp_path / "out" / "letters" / f"{ref}-first_demand-20261116.pdf"
    ).read_bytes()
    payloads = qr_payloads(page_image(pdf, 0, scale=3.0))
    assert len(payloads) == 1
    lines = payloads[0].decode("utf-8").split("\n")
    # EPC069-12 lines: service tag, version, encoding, SCT, BIC, name, IBAN,
    # amount, purpose, structured reference.
    assert lines[0] == "BCD"
    assert lines[4] == "COBADEFFXXX"
    assert lines[5] == "Kleinkasso Inkasso GmbH"
    assert lines[6] == "DE89370400440532013000"
    euros, cents = divmod(detail["open_cents"], 100)
    assert lines[7] == f"EUR{euros}.{cents:02d}"
    assert lines[9] == detail["creditor_reference"]
    text = pdf_text(pdf)
    assert "Bundesamt für Justiz" in text
    assert "Spielwiese Games GmbH" in text


def test_case_show_amounts(after_run: Cli) -> None:
    cases = after_run(
        "case", "list", "--creditor", CREDITOR, "--as-of", "2026-11-16", "--json"
    ).json()
    detail = after_run(
        "case", "show", cases[0]["case_ref"], "--as-of", "2026-11-16", "--json"
    ).json()
    value = detail["fee_value_cents"]
    assert value == sum(claim["principal_cents"] for claim in detail["claims"])
    assert value <= 5000
    # Paying within two weeks of the first demand: 0.5 x 31.50 EUR.
    assert detail["fee_cents"] == 1575
    assert detail["expenses_cents"] == 315
    assert detail["vat_cents"] == 0
    total = sum(
        detail[key]
        for key in (
            "principal_cents",
            "interest_cents",
            "costs_cents",
            "fee_cents",
            "expenses_cents",
            "vat_cents",
        )
    )
    assert detail["open_cents"] == total
    assert all(claim["default_start"] for claim in detail["claims"])
    rules = {part["rule"] for part in detail["explanation"]}
    assert any("2300" in rule for rule in rules)


def test_case_show_after_window_charges_regular_fee(after_run: Cli) -> None:
    cases = after_run(
        "case", "list", "--creditor", CREDITOR, "--as-of", "2026-11-16", "--json"
    ).json()
    ref = cases[0]["case_ref"]
    early = after_run("case", "show", ref, "--as-of", "2026-11-30", "--json").json()
    late = after_run("case", "show", ref, "--as-of", "2026-12-01", "--json").json()
    assert early["fee_cents"] == 1575
    assert late["fee_cents"] == 2835
    assert late["expenses_cents"] == 567
    assert late["interest_cents"] >= early["interest_cents"]


def test_statement_pays_cases(after_run: Cli, tmp_path: Path) -> None:
    result = after_run(
        "import", "statement", EXAMPLES / "statement-camt053.xml", "--json"
    )
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["matched"] > 0
    assert report["unmatched"] == 2
    assert report["paid_in_full"] > 0
    assert report["refund_cents"] > 0
    again = after_run(
        "import", "statement", EXAMPLES / "statement-camt053.xml", "--json"
    ).json()
    assert again["matched"] == 0
    assert again["already_imported"] == report["entries"]
    cases = after_run(
        "case", "list", "--creditor", CREDITOR, "--as-of", "2026-11-30", "--json"
    ).json()
    statuses = {row["status"] for row in cases}
    assert statuses == {"open", "paid"}
    assert all(row["open_cents"] == 0 for row in cases if row["status"] == "paid")
    partly = [row for row in cases if row["status"] == "open" and row["paid_cents"] > 0]
    assert partly


def test_settlement_adds_up(after_run: Cli, tmp_path: Path) -> None:
    after_run("import", "statement", EXAMPLES / "statement-camt053.xml")
    out = tmp_path / "settle"
    result = after_run(
        "settle", "--creditor", CREDITOR, "--period", "2026-11", "--out", out, "--json"
    )
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    rows = list(
        csv.DictReader(
            io.StringIO((out / f"settlement-{CREDITOR}-2026-11.csv").read_text("utf-8"))
        )
    )
    assert len(rows) == summary["cases"] > 0
    for row in rows:
        assert int(row["collected_cents"]) == int(row["forwarded_cents"]) + int(
            row["kept_cents"]
        )
        assert int(row["forwarded_cents"]) == sum(
            int(row[key])
            for key in ("principal_cents", "interest_cents", "costs_cents")
        )
        assert int(row["kept_cents"]) == sum(
            int(row[key]) for key in ("fee_cents", "expenses_cents", "vat_cents")
        )
    assert (
        sum(int(row["collected_cents"]) for row in rows) == summary["collected_cents"]
    )
    again = after_run(
        "settle", "--creditor", CREDITOR, "--period", "2026-11", "--out", out, "--json"
    ).json()
    assert again["new"] is False
    assert again["collected_cents"] == summary["collected_cents"]


def test_invariants_hold_after_main_job(after_run: Cli, tmp_path: Path) -> None:
    after_run("import", "statement", EXAMPLES / "statement-camt053.xml")
    after_run("run", "--as-of", "2026-12-04", "--out", tmp_path / "out")
    after_run(
        "settle", "--creditor", CREDITOR, "--period", "2026-11", "--out", tmp_path
    )
    result = after_run("check", "--json")
    assert result.json() == {"violations": []}
    assert result.exit_code == 0


def test_unknown_case_exits_2(cli: Cli) -> None:
    result = cli("case", "show", "XX000001", "--as-of", "2026-11-16")
    assert result.exit_code == 2
    assert "not found" in result.stderr


def test_missing_file_exits_2(cli: Cli, tmp_path: Path) -> None:
    cli("creditor", "add", "--config", EXAMPLES / "creditor.toml")
    result = cli("import", "open-items", tmp_path / "nope.csv", "--creditor", CREDITOR)
    assert result.exit_code == 2
    assert "file not found" in result.stderr


def test_unknown_creditor_exits_2(cli: Cli) -> None:
    result = cli("items", "list", "--creditor", "nobody", "--json")
    assert result.exit_code == 2
    assert "creditor 'nobody' not found" in result.stderr


def test_settle_rejects_running_period(cli: Cli, tmp_path: Path) -> None:
    cli("creditor", "add", "--config", EXAMPLES / "creditor.toml")
    out = tmp_path / "settle"
    result = cli("settle", "--creditor", CREDITOR, "--period", "2099-01", "--out", out)
    assert result.exit_code == 2
    assert "period 2099-01 has not ended" in result.stderr
    assert not out.exists()


def test_run_without_relay_leaves_demands_pending(loaded: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = loaded(
        "run", "--as-of", "2026-11-16", "--out", out, "--no-relay", "--json"
    ).json()
    queued = sum(report["messages_queued"] for report in first["creditors"])
    assert queued > 100
    assert (first["relayed"], first["letters_written"]) == (False, 0)
    assert not out.exists()
    second = loaded("run", "--as-of", "2026-11-16", "--out", out, "--json").json()
    assert second["relayed"] is True
    assert second["letters_written"] + second["emails_written"] == queued
    assert len(list(out.rglob("*.pdf"))) == second["letters_written"]
