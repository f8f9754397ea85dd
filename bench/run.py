"""Measure kleinkasso's main job at scale, each step beside its raw limit.

Usage::

    .venv/bin/python bench/run.py --items 100000,1000000 [--pg URL] \\
        [--repeats 1] [--letters 1000] [--write-docs]

For each ``--items`` size the script generates one creditor's data set
(``bench/generate.py``) in a temporary folder. Then, on a fresh database
per repeat (SQLite, and PostgreSQL too with ``--pg``), it runs each step of
the main job as a child process and measures its wall time, CPU time
(user + sys) and peak resident memory (``os.wait4``). Each step has a raw
limit, measured in the same run on the same data (``bench/_raw.py``):

- import: ``kleinkasso import open-items`` against parsing the CSV with the
  ``csv`` module and one ``executemany`` (SQLite) or ``COPY`` (PostgreSQL)
  into a copy of the item table;
- daily run: ``kleinkasso run --no-relay`` against a plain SQL pass that
  decides the items, writes one case per debtor, one posting per item and
  one outbox row per case;
- letters and e-mails: ``--letters`` queued demands rendered on one CPU
  (``bench/_render.py``); this step has no raw limit;
- statement: ``kleinkasso import statement`` on a generated camt.053 file
  against parsing it with lxml and one ``executemany`` of its entries;
- fee raise: the run 18 days later, when the early window of every case
  still open has closed, against one posting and one update per case.

The returned debits (camt.054) are imported between import and daily run
and are not timed. The script prints a markdown table; ``--write-docs``
rewrites the part of docs/benchmarks.md between ``<!-- bench:main:start -->``
and ``<!-- bench:main:end -->``. The best repeat is reported with the median
beside it, because other processes on a shared machine only slow a run down.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

import _report  # noqa: E402
from _measure import Usage, machine, measure  # noqa: E402
from _raw import create_raw_tables  # noqa: E402
from generate import DEFAULT_AS_OF, write_statement  # noqa: E402

PYTHON = sys.executable
KLEINKASSO = (PYTHON, "-m", "kleinkasso")


@dataclass
class StepRun:
    """One repeat of one step: kleinkasso's usage and the raw limit's."""

    usage: Usage
    rows: int
    raw: Usage | None = None
    raw_rows: int = 0
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Figures:
    """Every repeat of one step at one size on one database."""

    size: int
    database: str
    step: str
    unit: str
    runs: list[StepRun] = field(default_factory=list)


@dataclass
class Settings:
    """The options of one benchmark run."""

    sizes: list[int]
    pg_admin: str | None
    pg_sizes: list[int] | None
    repeats: int
    letters: int
    credits: int | None
    seed: int
    as_of: date
    cpu: int


def _sizes(text: str) -> list[int]:
    sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"--items {text!r} is invalid; "
            "expected sizes above 0 such as 100000,1000000"
        )
    return sizes


@contextmanager
def fresh_databases(kind: str, pg_admin: str | None) -> Iterator[tuple[str, str]]:
    """Yield URLs of two empty databases: kleinkasso's and the raw limits'."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="kk-bench-db-") as folder:
            yield f"sqlite:///{folder}/kleinkasso.db", f"sqlite:///{folder}/raw.db"
        return
    import psycopg

    assert pg_admin is not None
    names = [f"kk_bench_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    with psycopg.connect(_libpq_url(pg_admin), autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        kleinkasso_url, raw_url = (_libpq_url(pg_admin, name) for name in names)
        yield kleinkasso_url, raw_url
    finally:
        with psycopg.connect(_libpq_url(pg_admin), autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _libpq_url(url: str, database: str | None = None) -> str:
    """Return ``url`` as a plain postgresql:// URL, on ``database`` if given."""
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def postgres_version(pg_admin: str) -> str:
    import psycopg

    with psycopg.connect(_libpq_url(pg_admin)) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    assert row is not None
    return str(row[0])


def _kleinkasso(*args: object) -> list[str]:
    return [*KLEINKASSO, *map(str, args)]


def _script(name: str, *args: object) -> list[str]:
    return [PYTHON, str(BENCH / name), *map(str, args)]


def run_supports_no_relay() -> bool:
    """Return whether ``kleinkasso run`` has the ``--no-relay`` option."""
    usage = measure(_kleinkasso("run", "--help"), env=_environment())
    return "--no-relay" in usage.stdout


def _environment() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["KLEINKASSO_LOG_LEVEL"] = "WARNING"
    # Keep rich from wrapping --help output, so option names stay whole.
    env["COLUMNS"] = "200"
    return env


def _json(usage: Usage) -> Any:
    return json.loads(usage.stdout)


def run_once(
    settings: Settings, data: Path, manifest: dict[str, Any], kind: str, relay: bool
) -> dict[str, StepRun]:
    """Run every step once on fresh databases; return each step's figures."""
    env = _environment()
    creditor = manifest["creditor_id"]
    steps: dict[str, StepRun] = {}
    with fresh_databases(kind, settings.pg_admin) as (url, raw_url):
        target = ("--creditor", creditor, "--db", url, "--json")
        config = data / "creditor.toml"
        register = _kleinkasso("creditor", "add", "--config", config, "--db", url)
        measure(register, env=env)
        create_raw_tables(raw_url)

        # Exit status 1: some rows were rejected, the rest is stored.
        imported = measure(
            _kleinkasso("import", "open-items", data / "open-items.csv", *target),
            accept=(0, 1),
            env=env,
        )
        counts = _json(imported)
        raw = measure(
            _script(
                "_raw.py",
                *("import", data / "open-items.csv", "--db", raw_url),
                *("--creditor", creditor, "--columns", json.dumps(_column_map(data))),
            ),
            env=env,
        )
        raw_counts = _json(raw)
        steps["import"] = StepRun(
            imported,
            counts["created"],
            raw,
            raw_counts["rows"],
            {"read": counts["read"], "rejected": counts["rejected"]}
            | {"raw_skipped": raw_counts["skipped"]},
        )

        returns = measure(
            _kleinkasso("import", "returns", data / "returns-camt054.xml", *target),
            accept=(0, 1),
            env=env,
        )
        steps["import"].details["returns_created"] = _json(returns)["created"]

        with tempfile.TemporaryDirectory(prefix="kk-bench-out-") as out:
            command = _kleinkasso(
                *("run", "--as-of", settings.as_of, "--out", out, "--db", url, "--json")
            )
            if not relay:
                command.append("--no-relay")
            daily = measure(command, env=env)
        summary = _json(daily)
        report = summary["creditors"][0]
        raw = measure(
            _script(
                "_raw.py",
                *("daily", "--db", raw_url, "--as-of", settings.as_of),
                *("--creditor", creditor),
            ),
            env=env,
        )
        raw_counts = _json(raw)
        steps["daily run"] = StepRun(
            daily,
            report["cases_opened"],
            raw,
            raw_counts["cases"],
            {
                "handed_over": report["handed_over"],
                "waiting": report["waiting"],
                "rejected": report["rejected"],
                "messages_queued": report["messages_queued"],
                "documents_written": summary["letters_written"]
                + summary["emails_written"],
                "raw_handed_over": raw_counts["handed_over"],
            },
        )

        rendered = measure(
            _script(
                "_render.py",
                *("--db", url, "--count", settings.letters, "--cpu", settings.cpu),
            ),
            env=env,
        )
        render = _json(rendered)
        steps["letters and e-mails"] = StepRun(
            rendered,
            render["rows"],
            details={
                "letters": render["letters"],
                "emails": render["emails"],
                "load_seconds": render["load_seconds"],
            },
        )

        statement = data / f"statement-{kind}.xml"
        credits = settings.credits
        if credits is None:
            credits = max(1, manifest["items"] // 10)
        generated = write_statement(
            url,
            statement,
            credits=credits,
            seed=settings.seed,
            booked_from=settings.as_of + timedelta(days=2),
        )
        # Exit status 1: the file was imported but has warnings.
        imported = measure(
            _kleinkasso(
                *("import", "statement", statement, "--db", url, "--json"),
                *("--max-mb", _megabytes(statement)),
            ),
            accept=(0, 1),
            env=env,
        )
        counts = _json(imported)
        raw = measure(
            _script("_raw.py", "statement", statement, "--db", raw_url),
            env=env,
        )
        steps["statement"] = StepRun(
            imported,
            counts["entries"],
            raw,
            _json(raw)["rows"],
            {
                "matched": counts["matched"],
                "review": counts["review"],
                "unmatched": counts["unmatched"],
                "paid_in_full": counts["paid_in_full"],
                "warnings": len(counts["warnings"]),
                "generated": asdict(generated),
            },
        )

        # Eighteen days later the early window of every case opened on the
        # first day has closed: the run raises the fee of each one still open.
        with tempfile.TemporaryDirectory(prefix="kk-bench-out-") as out:
            later = settings.as_of + timedelta(days=18)
            command = _kleinkasso(
                *("run", "--as-of", later, "--out", out, "--db", url, "--json")
            )
            if not relay:
                command.append("--no-relay")
            raised = measure(command, env=env)
        raw = measure(_script("_raw.py", "fees", "--db", raw_url), env=env)
        steps["fee raise"] = StepRun(
            raised,
            _json(raised)["creditors"][0]["fees_raised"],
            raw,
            _json(raw)["rows"],
        )
    return steps


def _megabytes(path: Path) -> int:
    """Return the size limit in megabytes that lets ``path`` be read."""
    return max(50, path.stat().st_size // 1_000_000 + 1)


def _column_map(data: Path) -> dict[str, str]:
    import tomllib

    config = tomllib.loads((data / "creditor.toml").read_text(encoding="utf-8"))
    return dict(config.get("columns", {}))


UNITS = {
    "import": "items",
    "daily run": "cases",
    "letters and e-mails": "documents",
    "statement": "credits",
    "fee raise": "cases",
}


def run_benchmark(settings: Settings) -> tuple[list[Figures], dict[str, Any]]:
    """Run every size, database and repeat; return the figures and run facts."""
    relay = not run_supports_no_relay()
    figures: list[Figures] = []
    facts: dict[str, Any] = {"relay_in_daily_run": relay, "generated": {}}
    for size in settings.sizes:
        with tempfile.TemporaryDirectory(prefix="kk-bench-data-") as folder:
            data = Path(folder)
            generated = measure(
                _script(
                    "generate.py",
                    *("--items", size, "--seed", settings.seed, "--out", data),
                    *("--as-of", settings.as_of),
                )
            )
            manifest = json.loads((data / "manifest.json").read_text())
            facts["generated"][str(size)] = manifest | {
                "wall_seconds": generated.wall_seconds,
                "peak_rss_bytes": generated.peak_rss_bytes,
                "csv_bytes": (data / "open-items.csv").stat().st_size,
            }
            for kind in _kinds(settings, size):
                by_step = {
                    step: Figures(size, kind, step, unit)
                    for step, unit in UNITS.items()
                }
                for repeat in range(settings.repeats):
                    print(
                        f"{size:,} items, {kind}, repeat {repeat + 1} of "
                        f"{settings.repeats}",
                        file=sys.stderr,
                        flush=True,
                    )
                    for step, run in run_once(
                        settings, data, manifest, kind, relay
                    ).items():
                        by_step[step].runs.append(run)
                figures.extend(by_step.values())
    return figures, facts


def _kinds(settings: Settings, size: int) -> list[str]:
    """Return the databases to measure ``size`` items on."""
    on_pg = settings.pg_admin is not None and (
        settings.pg_sizes is None or size in settings.pg_sizes
    )
    return ["sqlite", "postgresql"] if on_pg else ["sqlite"]


def figures_json(figures: list[Figures], facts: dict[str, Any]) -> dict[str, Any]:
    """Return the figures as JSON-ready data, without the children's output."""

    def usage(value: Usage | None) -> dict[str, Any] | None:
        if value is None:
            return None
        return {
            "wall_seconds": value.wall_seconds,
            "cpu_seconds": value.cpu_seconds,
            "peak_rss_bytes": value.peak_rss_bytes,
            "exit_status": value.exit_status,
        }

    return {
        "facts": facts,
        "steps": [
            {
                "size": entry.size,
                "database": entry.database,
                "step": entry.step,
                "unit": entry.unit,
                "runs": [
                    {
                        "usage": usage(run.usage),
                        "rows": run.rows,
                        "raw": usage(run.raw),
                        "raw_rows": run.raw_rows,
                        "details": run.details,
                    }
                    for run in entry.runs
                ],
                "best_wall_seconds": min(run.usage.wall_seconds for run in entry.runs),
                "median_wall_seconds": statistics.median(
                    run.usage.wall_seconds for run in entry.runs
                ),
            }
            for entry in figures
        ],
    }


def _command_line(argv: list[str]) -> str:
    """Return the command as typed, with any password in a URL masked."""
    import sqlalchemy as sa

    words = [
        sa.engine.make_url(word).render_as_string(hide_password=True)
        if "://" in word
        else word
        for word in argv
    ]
    return shlex.join([".venv/bin/python", "bench/run.py", *words])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--items",
        type=_sizes,
        default=[100_000],
        help="open items per data set; a comma-separated list runs each size",
    )
    parser.add_argument("--pg", help="PostgreSQL admin URL; adds a PostgreSQL run")
    parser.add_argument(
        "--pg-items",
        type=_sizes,
        help="sizes of --items to run on PostgreSQL too (default: every size)",
    )
    parser.add_argument("--repeats", type=int, default=1, help="runs per size")
    parser.add_argument(
        "--letters", type=int, default=1000, help="queued demands to render"
    )
    parser.add_argument(
        "--credits", type=int, help="statement entries (default: a tenth of --items)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed of the data")
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=DEFAULT_AS_OF,
        help="run date YYYY-MM-DD of the daily run",
    )
    parser.add_argument(
        "--cpu", type=int, default=0, help="CPU that letters are rendered on"
    )
    parser.add_argument(
        "--write-docs",
        action="store_true",
        help="rewrite the marked section of docs/benchmarks.md",
    )
    parser.add_argument(
        "--date",
        type=date.fromisoformat,
        default=date.today(),
        help="date printed with the figures (default: today)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats {args.repeats} is invalid; expected 1 or more")

    settings = Settings(
        sizes=args.items,
        pg_admin=args.pg,
        pg_sizes=args.pg_items,
        repeats=args.repeats,
        letters=args.letters,
        credits=args.credits,
        seed=args.seed,
        as_of=args.as_of,
        cpu=args.cpu,
    )
    figures, facts = run_benchmark(settings)
    facts["machine"] = machine(postgres_version(args.pg) if args.pg else None)
    facts["command"] = _command_line(sys.argv[1:])
    facts["date"] = args.date.isoformat()
    facts["repeats"] = args.repeats
    facts["letters"] = args.letters
    data = figures_json(figures, facts)
    if args.json is not None:
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    text = _report.markdown(data)
    print(text)
    if args.write_docs:
        _report.rewrite_section(ROOT / "docs" / "benchmarks.md", text)


if __name__ == "__main__":
    main()
