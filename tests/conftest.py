"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
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


# With KLEINKASSO_TEST_PG_URL set to a PostgreSQL server's admin URL (see
# scripts/pg-test-server), every database test runs on SQLite and PostgreSQL.
PG_ADMIN_URL = os.environ.get("KLEINKASSO_TEST_PG_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_ADMIN_URL else ["sqlite"]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Return the URL of a fresh, empty database of each configured kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kleinkasso.db'}"
        return
    assert PG_ADMIN_URL is not None
    name = f"kk_test_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(
        PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield (
        sa.engine.make_url(PG_ADMIN_URL)
        .set(database=name)
        .render_as_string(hide_password=False)
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def cli(db_url: str) -> Cli:
    """Return a function that runs ``kleinkasso`` in-process on the test database."""
    from kleinkasso.cli.main import app

    runner = CliRunner()

    def invoke(*args: str | Path) -> Result:
        result = runner.invoke(
            app, [*map(str, args), "--db", db_url], catch_exceptions=False
        )
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke
