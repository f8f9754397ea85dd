"""The commands around the creditor API: ``serve``, ``api-key`` and
``webhooks relay``."""

from __future__ import annotations

import os
from typing import Annotated

import sqlalchemy as sa
import typer

from kleinkasso import clock, creditors
from kleinkasso.cli.common import (
    DbOption,
    JsonOption,
    handled,
    open_database,
    print_json,
)
from kleinkasso.store.db import DatabaseUrlError, resolve_url

api_key_app = typer.Typer(
    help="Create, list and revoke API keys.", no_args_is_help=True
)
webhooks_app = typer.Typer(help="Deliver webhooks.", no_args_is_help=True)

CreditorOption = Annotated[
    str, typer.Option("--creditor", help="Creditor id as in its configuration.")
]
DATABASE_ERRORS = (DatabaseUrlError, sa.exc.OperationalError, sa.exc.ArgumentError)


def _engine(db: str | None) -> sa.Engine:
    with handled(*DATABASE_ERRORS):
        return open_database(db)


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Number of worker processes.")
    ] = 1,
    db: DbOption = None,
) -> None:
    """Serve the creditor API over HTTP with Uvicorn."""
    import uvicorn

    url = resolve_url(db)
    _engine(url)
    # The workers read the database URL from the environment.
    os.environ["KLEINKASSO_DATABASE_URL"] = url
    uvicorn.run(
        "kleinkasso.api.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="warning",
    )


@api_key_app.command("create")
def api_key_create(
    creditor: CreditorOption,
    scope: Annotated[str, typer.Option("--scope", help="read or write.")] = "write",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create an API key for a creditor and print it once."""
    from kleinkasso.api.keys import UnknownScope, create_key

    engine = _engine(db)
    with engine.begin() as conn, handled(creditors.CreditorNotFound, UnknownScope):
        creditors.load(conn, creditor)
        key_id, key = create_key(conn, creditor, scope, clock.now_utc())
    if as_json:
        print_json({"id": key_id, "key": key, "scope": scope})
        return
    typer.echo(f"API key {key_id} for creditor {creditor} ({scope}); shown only now:")
    typer.echo(key)


@api_key_app.command("list")
def api_key_list(
    creditor: CreditorOption, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """List a creditor's API keys by id and prefix."""
    from kleinkasso.api.keys import list_keys

    engine = _engine(db)
    with engine.connect() as conn, handled(creditors.CreditorNotFound):
        creditors.load(conn, creditor)
        rows = list_keys(conn, creditor)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "active"
        typer.echo(f"{row['id']}\t{row['prefix']}…\t{row['scope']}\t{state}")


@api_key_app.command("revoke")
def api_key_revoke(
    key_id: Annotated[int, typer.Argument(help="Key id as shown by 'api-key list'.")],
    creditor: CreditorOption,
    db: DbOption = None,
) -> None:
    """Revoke an API key, so requests with it get 401 from now on."""
    from kleinkasso.api.keys import ApiKeyNotFound, revoke_key

    engine = _engine(db)
    with engine.begin() as conn, handled(ApiKeyNotFound):
        revoke_key(conn, creditor, key_id, clock.now_utc())
    typer.echo(f"API key {key_id} of creditor {creditor} revoked")


@webhooks_app.command("relay")
def webhooks_relay(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Send the webhooks that are due, once."""
    from kleinkasso.api.webhooks import relay_webhooks

    engine = _engine(db)
    report = relay_webhooks(engine, clock.now_utc())
    summary = {"sent": report.sent, "retried": report.retried, "failed": report.failed}
    if as_json:
        print_json(summary)
        return
    typer.echo(
        f"webhooks: {report.sent} sent, {report.retried} to retry, "
        f"{report.failed} failed"
    )


def register(app: typer.Typer) -> None:
    """Add the API commands to the ``kleinkasso`` command."""
    app.command("serve")(serve)
    app.add_typer(api_key_app, name="api-key")
    app.add_typer(webhooks_app, name="webhooks")
