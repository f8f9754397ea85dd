"""Shared pieces of the command line: options, errors and output."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn

import sqlalchemy as sa
import typer

from kleinkasso.store.db import DatabaseUrlError, make_engine, migrate, resolve_url

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_UNUSABLE = 2

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL; default: KLEINKASSO_DATABASE_URL, else sqlite:///kleinkasso.db",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON instead of a table.")
]


class UsageProblem(Exception):
    """Raised for input that cannot be used at all; the CLI exits with status 2."""


def fail(message: str, status: int = EXIT_UNUSABLE) -> NoReturn:
    """Print ``message`` to stderr and exit with ``status``."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(status)


def setup_logging() -> None:
    """Log to stderr at the level in KLEINKASSO_LOG_LEVEL (default WARNING)."""
    level = os.environ.get("KLEINKASSO_LOG_LEVEL", "WARNING").upper()
    logging.basicConfig(
        level=getattr(logging, level, logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


_ENGINES: list[sa.Engine] = []


def open_database(url: str | None) -> sa.Engine:
    """Return an engine on a migrated database; :func:`close_databases` disposes it."""
    engine = make_engine(url)
    _ENGINES.append(engine)
    try:
        migrate(engine)
    except sa.exc.DBAPIError as exc:
        # The first connection shows whether the file or server is usable.
        raise DatabaseUrlError(
            resolve_url(url), f"cannot be opened: {exc.orig}"
        ) from exc
    return engine


def close_databases() -> None:
    """Close the connections of every engine the command opened."""
    while _ENGINES:
        _ENGINES.pop().dispose()


def parse_day(text: str, option: str) -> date:
    """Parse an ISO date given on the command line."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        # fromisoformat names an impossible day ("day is out of range for
        # month") apart from a malformed text.
        reason = str(exc) if "out of range" in str(exc) else "not a date"
        fail(f"{option} {text!r} is invalid ({reason}); expected a date as YYYY-MM-DD")


def read_input(path: Path) -> bytes:
    """Read an input file, failing with a clear message if it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        fail(f"{path}: file not found")
    except IsADirectoryError:
        fail(f"{path}: is a folder; expected a file")
    except PermissionError:
        fail(f"{path}: permission denied")


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextmanager
def handled(*errors: type[Exception], status: int = EXIT_UNUSABLE) -> Iterator[None]:
    """Turn the given exceptions into a one-line error and an exit status."""
    try:
        yield
    except errors as exc:
        fail(str(exc), status)


Command = Callable[..., None]
