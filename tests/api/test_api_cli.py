"""The api-key commands and the checked-in OpenAPI document."""

from __future__ import annotations

import json

import sqlalchemy as sa

from kleinkasso.api.app import create_app
from kleinkasso.api.keys import authenticate, hash_key
from kleinkasso.store.api_tables import api_key
from kleinkasso.store.db import make_engine
from tests.conftest import EXAMPLES, ROOT, Cli


def test_api_key_create_list_revoke(cli: Cli, db_url: str) -> None:
    assert cli("creditor", "add", "--config", EXAMPLES / "creditor.toml").exit_code == 0
    created = cli("api-key", "create", "--creditor", "spielwiese", "--json")
    key = created.json()["key"]
    listed = cli("api-key", "list", "--creditor", "spielwiese", "--json").json()
    engine = make_engine(db_url)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(api_key)).one()
        found = authenticate(conn, key)
    revoked = cli("api-key", "revoke", str(listed[0]["id"]), "--creditor", "spielwiese")
    with engine.connect() as conn:
        after = authenticate(conn, key)
    engine.dispose()
    assert created.exit_code == 0
    assert stored.key_sha256 == hash_key(key)
    assert key not in json.dumps(listed)
    assert listed[0]["scope"] == "write"
    assert found is not None
    assert found.creditor_id == "spielwiese"
    assert revoked.exit_code == 0
    assert after is None


def test_api_key_for_unknown_creditor(cli: Cli) -> None:
    result = cli("api-key", "create", "--creditor", "nobody")
    assert result.exit_code == 2
    assert "nobody" in result.stderr


def test_api_key_bad_scope(cli: Cli) -> None:
    cli("creditor", "add", "--config", EXAMPLES / "creditor.toml")
    result = cli("api-key", "create", "--creditor", "spielwiese", "--scope", "admin")
    assert result.exit_code == 2
    assert "admin" in result.stderr


def test_openapi_document_is_current() -> None:
    # Regenerate with: python -m kleinkasso.api.openapi > docs/openapi.json
    engine = make_engine("sqlite://")
    document = create_app(engine).openapi()
    checked_in = json.loads((ROOT / "docs" / "openapi.json").read_text())
    assert document == checked_in
