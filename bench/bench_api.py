"""Measure open items per second through POST /v1/open-items, against a plain
bulk insert of the same rows, on SQLite and PostgreSQL in the same run.

Usage::

    .venv/bin/python bench/bench_api.py [--items 10000] [--repeats 3] \
        [--pg postgresql://postgres@127.0.0.1:54329/postgres]

Each repeat uses a fresh database. The API figure is the time of one HTTP
request with ``--items`` new items against a Uvicorn server on 127.0.0.1 in
the same process (validation, storage with amendment detection, response).
The baseline inserts the same rows, already converted, into a table with the
same columns and no constraints: ``executemany`` on SQLite, ``COPY`` on
PostgreSQL. The best repeat is reported with the median beside it.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
import uvicorn  # noqa: E402

from kleinkasso.api.app import create_app  # noqa: E402
from kleinkasso.api.keys import create_key  # noqa: E402
from kleinkasso.store.db import make_engine, migrate  # noqa: E402
from tests.api.conftest import FIRST, item, register_creditors  # noqa: E402

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
COLUMNS = [
    "item_ref",
    "customer_ref",
    "name",
    "street",
    "postal_code",
    "city",
    "country",
    "email",
    "subject",
    "due_date",
    "amount_cents",
]


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def fresh_database(kind: str, pg_admin: str | None) -> Iterator[str]:
    """Yield the URL of an empty database, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    assert pg_admin is not None
    name = f"kk_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(
        pg_admin.replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(pg_admin).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def api_seconds(url: str, items: list[dict[str, Any]]) -> float:
    """Time one batch request with every item new."""
    engine = make_engine(url)
    migrate(engine)
    register_creditors(engine)
    with engine.begin() as conn:
        key = create_key(conn, FIRST, "write", NOW)[1]
    port = _free_port()
    server = _Server(
        uvicorn.Config(
            create_app(engine), host="127.0.0.1", port=port, log_level="error"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {key}"},
            timeout=600,
        ) as client:
            start = time.perf_counter()
            response = client.post("/v1/open-items", json={"items": items})
            elapsed = time.perf_counter() - start
        response.raise_for_status()
        statuses = {result["status"] for result in response.json()["results"]}
        assert statuses == {"created"}, statuses
        return elapsed
    finally:
        server.should_exit = True
        thread.join()
        engine.dispose()


def bulk_seconds(url: str, items: list[dict[str, Any]]) -> float:
    """Time a plain bulk insert of the same rows into an unconstrained table."""
    rows = [tuple(entry[name] for name in COLUMNS) for entry in items]
    engine = make_engine(url)
    definition = ", ".join(
        f"{name} {'BIGINT' if name == 'amount_cents' else 'TEXT'}" for name in COLUMNS
    )
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE TABLE bench_item ({definition})"))
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        start = time.perf_counter()
        if engine.dialect.name == "sqlite":
            marks = ", ".join("?" for _ in COLUMNS)
            cursor.executemany(f"INSERT INTO bench_item VALUES ({marks})", rows)
        else:
            with cursor.copy(
                f"COPY bench_item ({', '.join(COLUMNS)}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        raw.commit()
        return time.perf_counter() - start
    finally:
        raw.close()
        engine.dispose()


def measure(
    kind: str,
    pg_admin: str | None,
    timed: Callable[[str, list[dict[str, Any]]], float],
    items: list[dict[str, Any]],
    repeats: int,
) -> list[float]:
    rates = []
    for _ in range(repeats):
        with fresh_database(kind, pg_admin) as url:
            rates.append(len(items) / timed(url, items))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pg", default=os.environ.get("KLEINKASSO_TEST_PG_URL"))
    args = parser.parse_args()
    items = [item(f"B{n:06d}", customer=f"K{n % 3000}") for n in range(args.items)]
    kinds = ["sqlite"] + (["postgresql"] if args.pg else [])
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}")
    print(
        f"python {platform.python_version()}, {args.items} items, "
        f"{args.repeats} repeats"
    )
    print("| database | path | items/s (best) | items/s (median) |")
    print("| --- | --- | ---: | ---: |")
    for kind in kinds:
        for label, timed in (("API batch", api_seconds), ("bulk insert", bulk_seconds)):
            rates = measure(kind, args.pg, timed, items, args.repeats)
            print(
                f"| {kind} | {label} | {max(rates):,.0f} | "
                f"{statistics.median(rates):,.0f} |"
            )


if __name__ == "__main__":
    main()
