"""A real API server on 127.0.0.1 with two creditors, driven over HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn

from kleinkasso import creditors
from kleinkasso.api.app import create_app
from kleinkasso.api.keys import create_key
from kleinkasso.policy.creditor_config import load_creditor_config
from kleinkasso.store.db import make_engine, migrate
from tests.conftest import EXAMPLES

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
FIRST = "spielwiese"
SECOND = "zweitladen"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def register_creditors(engine: sa.Engine) -> None:
    text = (EXAMPLES / "creditor.toml").read_text(encoding="utf-8")
    first = load_creditor_config(text.encode(), source="first")
    second_text = text.replace('id = "spielwiese"', f'id = "{SECOND}"', 1).replace(
        'case_prefix = "SW"', 'case_prefix = "ZL"', 1
    )
    second = load_creditor_config(second_text.encode(), source="second")
    assert second.id == SECOND
    creditors.register(engine, first, NOW)
    creditors.register(engine, second, NOW)


def item(ref: str, customer: str = "K1", **changes: Any) -> dict[str, Any]:
    """Return one valid open item as the API takes it."""
    values: dict[str, Any] = {
        "item_ref": ref,
        "customer_ref": customer,
        "name": "Erika Mustermann",
        "street": "Hauptstraße 1",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
        "email": "erika@example.org",
        "consumer": True,
        "subject": "In-App-Kauf",
        "contract_date": "2026-08-11",
        "invoice_date": "2026-08-13",
        "due_date": "2026-08-27",
        "amount_cents": 799,
        "currency": "EUR",
        "reminder_date": "2026-09-06",
        "return_charges_cents": 0,
        "disputed": False,
        "category": "games",
    }
    values.update(changes)
    return values


@dataclass
class Api:
    """A running server and a client per creditor key."""

    base_url: str
    engine: sa.Engine
    db_url: str
    keys: dict[str, str]

    def client(self, creditor_id: str = FIRST) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.keys[creditor_id]}"},
            timeout=60,
        )


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:
        pass


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    engine = make_engine(db_url)
    migrate(engine)
    register_creditors(engine)
    keys = {}
    with engine.begin() as conn:
        for creditor_id in (FIRST, SECOND):
            keys[creditor_id] = create_key(conn, creditor_id, "write", NOW)[1]
        keys["reader"] = create_key(conn, FIRST, "read", NOW)[1]
    port = free_port()
    config = uvicorn.Config(
        create_app(engine), host="127.0.0.1", port=port, log_level="warning"
    )
    server = _Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield Api(f"http://127.0.0.1:{port}", engine, db_url, keys)
    server.should_exit = True
    thread.join(10)
    engine.dispose()
