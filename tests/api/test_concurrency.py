"""Concurrent writers on one PostgreSQL database: two daily runs and two API
workers never create a case or queue a message twice."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from kleinkasso.intake.erp_json import parse_open_items_json
from kleinkasso.intake.service import import_items
from kleinkasso.store.check import check_invariants
from kleinkasso.store.schema import case, outbox
from tests.api.conftest import FIRST, NOW, Api, item

DEBTORS = 150


def _postgres_only(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("concurrent writers are tested on PostgreSQL")


def _run(db_url: str, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kleinkasso",
            "run",
            "--as-of",
            "2026-11-16",
            "--out",
            str(out),
            "--db",
            db_url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "KLEINKASSO_LOG_LEVEL": "WARNING"},
    )


def test_two_runs_in_parallel(api: Api, tmp_path: Path) -> None:
    _postgres_only(api.db_url)
    items = [item(f"P{n}", customer=f"K{n % DEBTORS}") for n in range(DEBTORS * 2)]
    body = {"items": items}
    import json

    parsed = parse_open_items_json(json.dumps(body).encode(), source="test")
    import_items(
        api.engine, FIRST, parsed.records, source="test", origin="api", now=NOW
    )
    runs = [_run(api.db_url, tmp_path / f"out{n}") for n in range(2)]
    outputs = [run.communicate(timeout=240) for run in runs]
    with api.engine.connect() as conn:
        cases = conn.execute(
            sa.select(case.c.customer_ref, sa.func.count()).group_by(
                case.c.customer_ref
            )
        ).all()
        messages = conn.execute(
            sa.select(outbox.c.case_id, outbox.c.channel, sa.func.count()).group_by(
                outbox.c.case_id, outbox.c.channel
            )
        ).all()
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert len(cases) == DEBTORS
    assert {count for _, count in cases} == {1}
    assert len(messages) == DEBTORS * 2
    assert {count for _, _, count in messages} == {1}
    assert check_invariants(api.engine) == []


def test_two_workers_post_same_batch(api: Api) -> None:
    _postgres_only(api.db_url)
    items = [item(f"W{n}", customer=f"K{n % 50}") for n in range(2000)]
    results: list[httpx.Response] = []

    def post() -> None:
        with api.client() as client:
            results.append(client.post("/v1/open-items", json={"items": items}))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    statuses = [
        [r["status"] for r in response.json()["results"]] for response in results
    ]
    with api.client() as client:
        listed = client.get("/v1/open-items/W1999")
    assert [response.status_code for response in results] == [200, 200]
    assert all(set(each) <= {"created", "unchanged"} for each in statuses)
    assert listed.status_code == 200
    with api.engine.connect() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM item")).scalar_one()
    assert count == 2000
