"""Every bank file in the test data is imported or rejected with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, Cli

BANK = ROOT / "tests" / "data" / "bank"
SAMPLES = sorted(path for path in BANK.glob("*/*") if path.is_file())
REJECTED = {"pain.008.003.02.xml": "direct debit order"}


@pytest.mark.parametrize("path", SAMPLES, ids=[path.name for path in SAMPLES])
def test_statement_import_sample(cli: Cli, path: Path) -> None:
    first = cli("import", "statement", path, "--json")
    if path.name in REJECTED:
        assert first.exit_code == 2
        assert REJECTED[path.name] in first.stderr
        assert len(first.stderr.strip().splitlines()) == 1
        return
    report = first.json()
    # Exit status 1 flags warnings (balances or control sums not adding up).
    assert first.exit_code == (1 if report["warnings"] else 0), first.stderr
    assert report["entries"] > 0
    assert report["already_imported"] == 0
    again = cli("import", "statement", path, "--json").json()
    assert again["already_imported"] == report["entries"]


@pytest.mark.parametrize("path", SAMPLES, ids=[path.name for path in SAMPLES])
def test_returns_import_sample(cli: Cli, path: Path) -> None:
    cli("creditor", "add", "--config", EXAMPLES / "creditor.toml")
    result = cli("import", "returns", path, "--creditor", "spielwiese", "--json")
    assert result.exit_code in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert len(result.stderr.strip().splitlines()) == 1


def test_returns_sample_splits_charge(cli: Cli) -> None:
    cli("creditor", "add", "--config", EXAMPLES / "creditor.toml")
    result = cli(
        "import",
        "returns",
        BANK / "sandermarechal-jejik-mt940" / "deutschebank.txt",
        "--creditor",
        "spielwiese",
        "--json",
    )
    items = cli("items", "list", "--creditor", "spielwiese", "--json").json()
    assert result.exit_code == 0, result.stderr
    assert [(row["principal_cents"], row["costs_cents"]) for row in items] == [
        (1185, 50)
    ]
