"""``kleinkasso serve`` with two worker processes, driven over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from kleinkasso.store.db import make_engine, migrate
from tests.api.conftest import FIRST, free_port, item, register_creditors

KLEINKASSO = [sys.executable, "-m", "kleinkasso"]


@pytest.fixture
def served(db_url: str) -> Iterator[tuple[str, str]]:
    engine = make_engine(db_url)
    migrate(engine)
    register_creditors(engine)
    engine.dispose()
    created = subprocess.run(
        [
            *KLEINKASSO,
            "api-key",
            "create",
            "--creditor",
            FIRST,
            "--json",
            "--db",
            db_url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    key = json.loads(created.stdout)["key"]
    port = free_port()
    server = subprocess.Popen(
        [
            *KLEINKASSO,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
            "--db",
            db_url,
        ],
        env={**os.environ, "KLEINKASSO_LOG_LEVEL": "WARNING"},
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{base}/openapi.json", timeout=1)
            break
        except httpx.TransportError:
            assert server.poll() is None, "kleinkasso serve exited"
            assert time.monotonic() < deadline, "kleinkasso serve did not start"
            time.sleep(0.1)
    yield base, key
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(30)


def test_serve_two_workers_same_batch(served: tuple[str, str]) -> None:
    base, key = served
    items = [item(f"S{n}", customer=f"K{n % 40}") for n in range(500)]
    responses: list[httpx.Response] = []

    def post() -> None:
        responses.append(
            httpx.post(
                f"{base}/v1/open-items",
                json={"items": items},
                headers={"Authorization": f"Bearer {key}"},
                timeout=60,
            )
        )

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    unauthorised = httpx.get(f"{base}/v1/cases")
    statuses = [response.status_code for response in responses]
    created = sum(
        result["status"] == "created"
        for response in responses
        for result in response.json()["results"]
    )
    assert statuses == [200, 200, 200, 200]
    assert created == 500
    assert unauthorised.status_code == 401
