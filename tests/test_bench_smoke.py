"""Smoke test of the benchmark: bench/run.py finishes every step on tiny data.

Timing is not checked, because figures of a 2,000-item run on a shared
machine mean nothing. The counts must agree from step to step.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
ITEMS = 2000
LETTERS = 20
STEPS = {"import", "daily run", "letters and e-mails", "statement", "fee raise"}


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("bench") / "figures.json"
    completed = _run(
        BENCH / "run.py",
        *("--items", str(ITEMS), "--letters", str(LETTERS), "--json", path),
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "| import |" in completed.stdout
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _step(figures: dict[str, Any], name: str) -> dict[str, Any]:
    (entry,) = [entry for entry in figures["steps"] if entry["step"] == name]
    (run,) = entry["runs"]
    result: dict[str, Any] = run
    return result


def test_bench_every_step_finished(figures):
    assert {entry["step"] for entry in figures["steps"]} == STEPS
    for entry in figures["steps"]:
        assert entry["size"] == ITEMS
        assert entry["database"] == "sqlite"
        (run,) = entry["runs"]
        assert run["usage"]["exit_status"] in (0, 1), entry["step"]
        assert run["usage"]["wall_seconds"] > 0, entry["step"]
        assert run["usage"]["peak_rss_bytes"] > 0, entry["step"]
        assert run["rows"] > 0, entry["step"]
    assert figures["facts"]["relay_in_daily_run"] is False


def test_bench_import_counts(figures):
    manifest = figures["facts"]["generated"][str(ITEMS)]
    run = _step(figures, "import")
    assert manifest["rows"] == ITEMS
    assert manifest["broken_rows"] >= 1
    assert run["rows"] == manifest["valid_rows"]
    assert run["details"]["rejected"] == manifest["broken_rows"]
    assert run["raw_rows"] == manifest["valid_rows"]
    assert run["details"]["returns_created"] == manifest["returns"]


def test_bench_daily_run_counts(figures):
    run = _step(figures, "daily run")
    assert run["rows"] > 0
    assert run["raw_rows"] > 0
    assert run["details"]["handed_over"] >= run["rows"]
    assert run["details"]["messages_queued"] >= run["rows"]
    assert run["details"]["documents_written"] == 0


def test_bench_letters_counts(figures):
    run = _step(figures, "letters and e-mails")
    letters, emails = run["details"]["letters"], run["details"]["emails"]
    assert run["rows"] == LETTERS
    assert letters["count"] + emails["count"] == LETTERS
    assert letters["count"] > 0
    assert letters["bytes"] > 0


def test_bench_statement_counts(figures):
    run = _step(figures, "statement")
    generated = run["details"]["generated"]
    assert run["rows"] == ITEMS // 10
    assert run["raw_rows"] == run["rows"]
    assert run["details"]["matched"] > 0
    assert (
        run["details"]["matched"]
        <= generated["full"] + generated["partial"] + (generated["wrong_reference"])
    )
    assert run["details"]["unmatched"] >= generated["unmatched"]


def test_bench_fee_raise_counts(figures):
    opened = _step(figures, "daily run")["rows"]
    statement = _step(figures, "statement")
    run = _step(figures, "fee raise")
    # Cases paid in full before the early window closed keep the lower fee.
    assert run["rows"] == opened - statement["details"]["paid_in_full"]
    assert run["raw_rows"] == _step(figures, "daily run")["raw_rows"]


def _generate(out: Path, seed: int) -> bytes:
    completed = _run(
        BENCH / "generate.py", *("--items", "300", "--seed", str(seed), "--out", out)
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return b"".join(
        (out / name).read_bytes()
        for name in ("open-items.csv", "returns-camt054.xml", "creditor.toml")
    )


def test_generate_repeats_with_seed(tmp_path):
    first = _generate(tmp_path / "a", seed=7)
    again = _generate(tmp_path / "b", seed=7)
    other = _generate(tmp_path / "c", seed=8)
    assert first == again
    assert first != other


def _report_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_report", BENCH / "_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


START, END = "<!-- bench:main:start -->", "<!-- bench:main:end -->"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            f"# B\n\nkept\n{START}\nold\n{END}\ntail\n",
            f"# B\n\nkept\n{START}\nnew\n{END}\ntail\n",
            id="replaces-between-markers",
        ),
        pytest.param(
            "# B\n\nkept\n",
            f"# B\n\nkept\n\n{START}\nnew\n{END}\n",
            id="appends-missing-markers",
        ),
    ],
)
def test_report_rewrite_section(tmp_path, before, after):
    page = tmp_path / "benchmarks.md"
    page.write_text(before, encoding="utf-8")
    _report_module().rewrite_section(page, "new\n")
    assert page.read_text(encoding="utf-8") == after
