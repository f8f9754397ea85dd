"""Format the figures of ``bench/run.py`` as markdown and put them in the docs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

START = "<!-- bench:main:start -->"
END = "<!-- bench:main:end -->"

INTRO = """\
`bench/run.py` generates one creditor's data with `bench/generate.py`: an
ERP export of open items and a camt.054 file of returned debits. The export
has about three items per debtor: most debtors have one or two, some have
5 to 30. Amounts run from 0,29 to 19,99 EUR, mostly 0,99, 1,99, 4,99 and
9,99 EUR, and one row in 2,000 is invalid. On a fresh database the script
imports the export and the returns, runs the daily run and renders queued
demands. Then it imports a camt.053 statement that pays some of the cases
the run opened, with full and partial payments, wrong or mangled
references, and credits of no case. Each step is a child process. Wall
time, CPU time (user + sys) and peak resident memory (RSS) are those of
that child, taken from `os.wait4`. On PostgreSQL the server's processes do
part of the work, so their CPU time and memory are in the wall time only.
The returns import is not timed.

Beside each step, in the same run on the same data, runs its raw limit
(`bench/_raw.py`), the plainest path for the same input:

- import: the CSV parsed with Python's `csv` module, one `executemany`
  (SQLite) or `COPY` (PostgreSQL) into a table with the columns, checks
  and indexes of `item`. It writes no debtor (`party`) rows, computes no
  content hash and checks nothing beyond dates and amounts.
- daily run: one SQL pass that decides every waiting item with the
  handover rules written as SQL, then writes one case per debtor, one
  posting per item and one outbox row per case with `INSERT ... SELECT`.
  It computes no fee, interest or demand text.
- statement: the file parsed with lxml and its entries inserted with one
  `executemany` into a copy of `bank_entry`, without matching.

Rendering letters and e-mails has no raw limit here; `bench/bench_letters.py`
compares PDF libraries. Rates are rows per second of wall time; the ratio
is kleinkasso's wall time over the raw limit's."""


def _seconds(value: float) -> str:
    return f"{value:,.1f} s" if value >= 10 else f"{value:,.2f} s"


def _mib(value: int) -> str:
    return f"{value / 1024**2:,.0f} MiB"


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds > 0 else "-"


def _best(runs: list[dict[str, Any]], key: str = "usage") -> dict[str, Any]:
    return min(runs, key=lambda run: run[key]["wall_seconds"])


def _steps_table(steps: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| items | database | step | wall (median) | CPU | CPU ms per row | "
        "peak RSS | rows | rows/s | raw wall | raw CPU | raw peak RSS | "
        "raw rows/s | ratio |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | ---: |",
    ]
    for entry in sorted(steps, key=_order):
        best = _best(entry["runs"])
        usage = best["usage"]
        rows = best["rows"]
        cells = [
            f"{entry['size']:,}",
            _database(entry["database"]),
            entry["step"],
            f"{_seconds(usage['wall_seconds'])} "
            f"({_seconds(entry['median_wall_seconds'])})",
            _seconds(usage["cpu_seconds"]),
            f"{usage['cpu_seconds'] * 1000 / rows:,.2f}" if rows else "-",
            _mib(usage["peak_rss_bytes"]),
            f"{rows:,} {entry['unit']}",
            _rate(rows, usage["wall_seconds"]),
        ]
        raw_runs = [run for run in entry["runs"] if run["raw"] is not None]
        if raw_runs:
            raw = _best(raw_runs, "raw")
            raw_usage = raw["raw"]
            cells += [
                _seconds(raw_usage["wall_seconds"]),
                _seconds(raw_usage["cpu_seconds"]),
                _mib(raw_usage["peak_rss_bytes"]),
                _rate(raw["raw_rows"], raw_usage["wall_seconds"]),
                f"{usage['wall_seconds'] / raw_usage['wall_seconds']:,.0f}×",
            ]
        else:
            cells += ["-"] * 5
        lines.append("| " + " | ".join(cells) + " |")
    return lines


STEP_ORDER = ("import", "daily run", "letters and e-mails", "statement", "fee raise")


def _order(entry: dict[str, Any]) -> tuple[int, int, int]:
    """Sort key: database, then step, then size, so sizes sit side by side."""
    step = STEP_ORDER.index(entry["step"])
    return _database_order(entry["database"]), step, entry["size"]


DATABASE_ORDER = ("sqlite", "postgresql")


def _database_order(kind: str) -> int:
    return DATABASE_ORDER.index(kind) if kind in DATABASE_ORDER else len(DATABASE_ORDER)


def _database(kind: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(kind, kind)


def _memory_table(steps: list[dict[str, Any]]) -> list[str]:
    sizes = sorted({entry["size"] for entry in steps})
    header = ["database", "step"] + [f"{size:,} items" for size in sizes]
    header += [f"raw, {size:,} items" for size in sizes]
    lines = [
        "| " + " | ".join(header) + " |",
        "| --- | --- |" + " ---: |" * (2 * len(sizes)),
    ]
    keys = sorted(
        {(entry["database"], entry["step"]) for entry in steps},
        key=lambda key: (_database_order(key[0]), STEP_ORDER.index(key[1])),
    )
    for database, step in keys:
        own, raw = [], []
        for size in sizes:
            match = [
                entry
                for entry in steps
                if (entry["database"], entry["step"], entry["size"])
                == (database, step, size)
            ]
            if not match:
                own.append("-")
                raw.append("-")
                continue
            best = _best(match[0]["runs"])
            own.append(_mib(best["usage"]["peak_rss_bytes"]))
            raw.append(_mib(best["raw"]["peak_rss_bytes"]) if best["raw"] else "-")
        lines.append("| " + " | ".join([_database(database), step, *own, *raw]) + " |")
    return lines


def _counts_table(steps: list[dict[str, Any]], facts: dict[str, Any]) -> list[str]:
    lines = [
        "| items | database | valid rows | imported | rejected | returns | "
        "handed over (raw) | cases opened (raw) | demands queued | credits | "
        "matched | review | unmatched |",
        "| ---: | --- |" + " ---: |" * 11,
    ]
    by_key = {(e["size"], e["database"], e["step"]): e for e in steps}
    runs = {(e["size"], e["database"]) for e in steps}
    for size, database in sorted(runs, key=lambda e: (e[0], _database_order(e[1]))):
        manifest = facts["generated"][str(size)]
        imported = _best(by_key[size, database, "import"]["runs"])
        daily = _best(by_key[size, database, "daily run"]["runs"])
        statement = _best(by_key[size, database, "statement"]["runs"])
        details = daily["details"]
        cells = [
            f"{size:,}",
            _database(database),
            f"{manifest['valid_rows']:,}",
            f"{imported['rows']:,}",
            f"{imported['details']['rejected']:,}",
            f"{imported['details']['returns_created']:,}",
            f"{details['handed_over']:,} ({details['raw_handed_over']:,})",
            f"{daily['rows']:,} ({daily['raw_rows']:,})",
            f"{details['messages_queued']:,}",
            f"{statement['rows']:,}",
            f"{statement['details']['matched']:,}",
            f"{statement['details']['review']:,}",
            f"{statement['details']['unmatched']:,}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _data_table(facts: dict[str, Any]) -> list[str]:
    lines = [
        "| items | CSV size | debtors | e-mail only | postal only | invalid rows | "
        "returned debits | generated in | generator peak RSS |",
        "| ---: |" + " ---: |" * 8,
    ]
    for size, manifest in sorted(facts["generated"].items(), key=lambda e: int(e[0])):
        cells = [
            f"{int(size):,}",
            f"{manifest['csv_bytes'] / 1000**2:,.1f} MB",
            f"{manifest['debtors']:,}",
            f"{manifest['email_only_debtors']:,}",
            f"{manifest['postal_only_debtors']:,}",
            f"{manifest['broken_rows']:,}",
            f"{manifest['returns']:,}",
            _seconds(manifest["wall_seconds"]),
            _mib(manifest["peak_rss_bytes"]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _render_table(steps: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| items | database | letters | PDFs per second per core | e-mails | "
        "e-mails per second per core |",
        "| ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for entry in sorted(
        steps, key=lambda e: (_database_order(e["database"]), e["size"])
    ):
        if entry["step"] != "letters and e-mails":
            continue
        details = _best(entry["runs"])["details"]
        letters, emails = details["letters"], details["emails"]
        cells = [
            f"{entry['size']:,}",
            _database(entry["database"]),
            f"{letters['count']:,}",
            _rate(letters["count"], letters["seconds"]),
            f"{emails['count']:,}",
            _rate(emails["count"], emails["seconds"]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def markdown(data: dict[str, Any]) -> str:
    """Return the section of docs/benchmarks.md for one run's figures."""
    facts, steps = data["facts"], data["steps"]
    machine = "; ".join(f"{key} {value}" for key, value in facts["machine"].items())
    lines = [
        "## The main job at scale",
        "",
        INTRO,
        "",
        "| | |",
        "| --- | --- |",
        f"| machine | {machine} |",
        f"| command | `{facts['command']}` |",
        f"| date | {facts['date']} |",
        f"| repeats | {facts['repeats']}: the best is shown, the median in brackets |",
        "",
    ]

    if facts["relay_in_daily_run"]:
        lines += [
            "This kleinkasso has no `kleinkasso run --no-relay`, so the daily",
            "run's figures include rendering and writing every queued demand.",
            "",
        ]

    lines += ["The generated data sets:", ""]
    lines += _data_table(facts)
    lines += ["", "Each step and its raw limit:", ""]
    lines += _steps_table(steps)

    lines += ["", "Peak memory (RSS) of each step by the size of the export:", ""]
    lines += _memory_table(steps)

    lines += ["", "What each run handled; raw limits in brackets:", ""]
    lines += _counts_table(steps, facts)

    lines += [
        "",
        f"Rendering of the first {facts['letters']:,} queued demands on one pinned",
        "CPU (`document_from_json`, then `render_letter_pdf` or `render_email`),",
        "without process start and database reads:",
        "",
    ]
    lines += _render_table(steps)
    return "\n".join(lines) + "\n"


def rewrite_section(path: Path, section: str) -> None:
    """Replace the text between the markers in ``path``, appending them if absent."""
    text = path.read_text(encoding="utf-8")
    block = f"{START}\n{section}{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
