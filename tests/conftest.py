"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner


ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@dataclass
class Result:
    """Outcome of one command line call."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


Cli = Callable[..., Result]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """Return the URL of a fresh SQLite database in the test's folder."""
    return f"sqlite:///{tmp_path / 'kleinkasso.db'}"


@pytest.fixture
def cli(db_url: str) -> Cli:
    """Return a function that runs ``kleinkasso`` in-process on the test database."""
    from kleinkasso.cli.main import app

    runner = CliRunner()

    def invoke(*args: str | Path) -> Result:
        result = runner.invoke(app, [*map(str, args), "--db", db_url], catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke
