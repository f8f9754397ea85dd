"""The FastAPI application: routes, authentication and limits.

Run it with ``kleinkasso serve``. Every route but the OpenAPI document needs
``Authorization: Bearer KEY``; every query is limited to the key's creditor,
and another creditor's item or case returns 404 like a missing one.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import date
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kleinkasso import clock, creditors
from kleinkasso.api import operations, problems, webhooks
from kleinkasso.api.keys import Principal, authenticate
from kleinkasso.api.problems import ApiProblem
from kleinkasso.intake.erp_csv import UnusableInput
from kleinkasso.store.db import make_engine, migrate

log = logging.getLogger(__name__)

# 10,000 items of about 1 KB each fit with room to spare.
MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_EVENTS_PAGE = 1000


class BodyTooLarge(Exception):
    """Raised while reading a request body that passes the size limit."""


class BodyLimit:
    """ASGI middleware that rejects bodies above ``limit`` bytes with 413.

    A declared Content-Length is checked before the body is read; a body sent
    in chunks is counted while it is read.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if (
                name == b"content-length"
                and value.isdigit()
                and int(value) > self.limit
            ):
                await problems.problem_response(413, self._detail())(
                    scope, receive, send
                )
                return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self._detail())
            return message

        await self.app(scope, counting_receive, send)

    def _detail(self) -> str:
        return f"the request body is larger than the limit of {self.limit} bytes"


_DATE = {"type": "string", "format": "date", "example": "2026-10-01"}
_TEXT = {"type": "string", "maxLength": 200}
ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["item_ref", "customer_ref", "name", "due_date", "amount_cents"],
    "properties": {
        "item_ref": {"type": "string", "minLength": 1, "maxLength": 64},
        "customer_ref": {"type": "string", "minLength": 1, "maxLength": 64},
        "name": _TEXT,
        "street": _TEXT,
        "postal_code": {"type": "string", "maxLength": 10},
        "city": _TEXT,
        "country": {"type": "string", "minLength": 2, "maxLength": 2},
        "email": {"type": "string", "format": "email"},
        "consumer": {"type": "boolean"},
        "subject": _TEXT,
        "contract_date": _DATE,
        "invoice_date": _DATE,
        "due_date": _DATE,
        "amount_cents": {"type": "integer", "minimum": 1},
        "currency": {"type": "string", "enum": ["EUR"]},
        "reminder_date": _DATE,
        "return_charges_cents": {"type": "integer", "minimum": 0},
        "disputed": {"type": "boolean"},
        "category": {"type": "string", "maxLength": 64},
        "return_reason": {"type": "string", "maxLength": 35},
    },
}
BATCH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["items"],
    "properties": {
        "items": {"type": "array", "items": ITEM_SCHEMA, "maxItems": 10_000}
    },
}
PATCH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Either item fields to amend, merged over the stored item, or only "
        '"status" to settle the item.'
    ),
    "properties": {
        "status": {"type": "string", "enum": ["paid_directly", "cancelled"]},
        **{
            name: schema
            for name, schema in ITEM_SCHEMA["properties"].items()
            if name != "item_ref"
        },
    },
}
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": description,
        "content": {problems.PROBLEM_JSON: {"schema": {"type": "object"}}},
    }
    for status, description in (
        (401, "Missing, unknown or revoked API key"),
        (404, "Not found for this creditor"),
        (413, "Request body too large"),
        (422, "Invalid request"),
    )
}


def _json_body(schema: dict[str, Any], *media: str) -> dict[str, Any]:
    types = media or ("application/json",)
    return {
        "requestBody": {
            "required": True,
            "content": {kind: {"schema": schema} for kind in types},
        }
    }


def principal(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
) -> Principal:
    """Return the creditor and scope of the request's API key, or raise 401."""
    scheme, _, key = (authorization or "").partition(" ")
    found = None
    if scheme.lower() == "bearer" and key.strip():
        engine: sa.Engine = request.app.state.engine
        with engine.connect() as conn:
            found = authenticate(conn, key.strip())
    if found is None:
        raise ApiProblem(
            401,
            "a valid API key is required as 'Authorization: Bearer KEY'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return found


def writer(who: Annotated[Principal, Depends(principal)]) -> Principal:
    """Return the request's principal if its key may write, or raise 403."""
    if who.scope != "write":
        raise ApiProblem(403, "this API key may only read")
    return who


Reader = Annotated[Principal, Depends(principal)]
Writer = Annotated[Principal, Depends(writer)]
AsOf = Annotated[
    date | None, Query(description="Date for open amounts; default today.")
]


def create_app(engine: sa.Engine) -> FastAPI:
    """Build the API on a migrated database."""
    app = FastAPI(
        title="kleinkasso creditor API",
        version="1",
        description="Hand over open items and learn what happened to them.",
        responses=PROBLEM_RESPONSES,
    )
    app.state.engine = engine
    problems.install(app)

    async def _too_large(_request: Request, exc: Exception) -> JSONResponse:
        return problems.problem_response(413, str(exc))

    app.add_exception_handler(BodyTooLarge, _too_large)
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)

    async def idempotent(
        request: Request,
        who: Principal,
        key: str | None,
        handler: Any,
    ) -> Response:
        body = await request.body()
        if key is None:
            status, payload = await run_in_threadpool(handler, body)
            return JSONResponse(payload, status_code=status)
        if not 1 <= len(key) <= 200:
            raise ApiProblem(422, "Idempotency-Key must have 1 to 200 characters")
        digest = operations.request_digest(request.method, request.url.path, body)
        now = clock.now_utc()
        replay = await run_in_threadpool(
            operations.claim_key, engine, who.creditor_id, key, digest, now
        )
        if replay.state == "mismatch":
            raise ApiProblem(
                422, "this Idempotency-Key was used with a different request"
            )
        if replay.state == "in_flight":
            raise ApiProblem(409, "a request with this Idempotency-Key is in progress")
        if replay.state == "done":
            return Response(
                replay.body,
                status_code=replay.status,
                media_type="application/json",
                headers={"Idempotent-Replayed": "true"},
            )
        try:
            status, payload = await run_in_threadpool(handler, body)
        except BaseException:
            # A failed request stores no response, so a retry runs it again.
            await run_in_threadpool(
                operations.release_key, engine, who.creditor_id, key
            )
            raise
        text = json.dumps(payload)
        await run_in_threadpool(
            operations.finish_key, engine, who.creditor_id, key, status, text
        )
        return Response(text, status_code=status, media_type="application/json")

    def _unusable(error: UnusableInput | operations.TooManyItems) -> ApiProblem:
        return ApiProblem(422, str(error))

    @app.post(
        "/v1/open-items",
        openapi_extra=_json_body(BATCH_SCHEMA),
        summary="Hand over a batch of open items",
        response_description="One result per item, in request order",
    )
    async def post_open_items(
        request: Request,
        who: Writer,
        idempotency_key: Annotated[str | None, Header()] = None,
    ) -> Response:
        def handle(body: bytes) -> tuple[int, Any]:
            try:
                result = operations.post_items(
                    engine, who.creditor_id, body, clock.now_utc()
                )
            except (UnusableInput, operations.TooManyItems) as error:
                raise _unusable(error) from None
            return 200, result

        return await idempotent(request, who, idempotency_key, handle)

    @app.post(
        "/v1/open-items/snapshot",
        openapi_extra=_json_body(BATCH_SCHEMA, "application/json", "text/csv"),
        summary="Send the full list of open items",
    )
    async def post_snapshot(
        request: Request,
        who: Writer,
        gone: Annotated[
            str | None,
            Query(
                pattern="^(paid_directly|cancelled)$",
                description=(
                    "What an open item missing from the list became; default: "
                    "the creditor's handover.vanished_items"
                ),
            ),
        ] = None,
        idempotency_key: Annotated[str | None, Header()] = None,
    ) -> Response:
        media = request.headers.get("content-type", "application/json")
        media = media.split(";")[0].strip().lower()

        def handle(body: bytes) -> tuple[int, Any]:
            try:
                snapshot = operations.parse_snapshot(
                    engine, who.creditor_id, body, media
                )
            except (UnusableInput, operations.TooManyItems) as error:
                raise _unusable(error) from None
            if gone is None:
                with engine.connect() as conn:
                    action = creditors.load(conn, who.creditor_id).handover
                gone_action = action.vanished_items
            else:
                gone_action = gone
            result = operations.apply_snapshot(
                engine, who.creditor_id, snapshot, gone_action, clock.now_utc()
            )
            return 200, result

        return await idempotent(request, who, idempotency_key, handle)

    @app.get("/v1/open-items/{item_ref}", summary="Show one open item")
    def get_open_item(item_ref: str, who: Reader) -> dict[str, Any]:
        found = operations.get_item(engine, who.creditor_id, item_ref)
        if found is None:
            raise ApiProblem(404, f"open item {item_ref!r} not found")
        return found

    @app.patch(
        "/v1/open-items/{item_ref}",
        openapi_extra=_json_body(PATCH_SCHEMA),
        summary="Amend an item, or report it paid directly or cancelled",
    )
    async def patch_open_item(
        item_ref: str, request: Request, who: Writer
    ) -> dict[str, Any]:
        body = await request.body()
        try:
            changes = json.loads(body)
        except (ValueError, RecursionError):
            raise ApiProblem(422, "the body is not valid JSON") from None
        if not isinstance(changes, dict):
            raise ApiProblem(422, "the body must be a JSON object")
        try:
            found = await run_in_threadpool(
                operations.patch_item,
                engine,
                who.creditor_id,
                item_ref,
                changes,
                clock.now_utc(),
            )
        except operations.PatchError as error:
            raise ApiProblem(
                422, "the change is invalid", errors=error.errors
            ) from None
        if found is None:
            raise ApiProblem(404, f"open item {item_ref!r} not found")
        return found

    @app.get("/v1/cases", summary="List the cases")
    def get_cases(who: Reader, as_of: AsOf = None) -> dict[str, Any]:
        day = as_of or clock.today()
        return {"cases": operations.list_cases(engine, who.creditor_id, day)}

    @app.get("/v1/cases/{case_ref}", summary="Show a case with amounts and reasons")
    def get_case(case_ref: str, who: Reader, as_of: AsOf = None) -> dict[str, Any]:
        day = as_of or clock.today()
        found = operations.get_case(engine, who.creditor_id, case_ref, day)
        if found is None:
            raise ApiProblem(404, f"case {case_ref!r} not found")
        return found

    @app.get("/v1/events", summary="Read the event feed after a cursor")
    def get_events(
        who: Reader,
        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_EVENTS_PAGE)] = 100,
    ) -> dict[str, Any]:
        return operations.list_events(engine, who.creditor_id, after, limit)

    @app.post(
        "/v1/webhook-endpoints",
        openapi_extra=_json_body(
            {
                "type": "object",
                "required": ["url"],
                "properties": {"url": {"type": "string", "maxLength": 500}},
            }
        ),
        summary="Register a webhook endpoint; the secret is shown once",
        status_code=201,
    )
    async def post_endpoint(request: Request, who: Writer) -> JSONResponse:
        try:
            url = json.loads(await request.body()).get("url")
        except (ValueError, RecursionError, AttributeError):
            raise ApiProblem(422, 'expected a JSON object with a "url"') from None
        try:
            created = await run_in_threadpool(
                webhooks.add_endpoint, engine, who.creditor_id, url, clock.now_utc()
            )
        except webhooks.InvalidEndpoint as error:
            raise ApiProblem(422, str(error)) from None
        return JSONResponse(created, status_code=201)

    @app.post(
        "/v1/webhook-endpoints/{endpoint_id}/rotate-secret",
        summary="Replace an endpoint's secret; the old one signs for 24 hours more",
    )
    def rotate_endpoint_secret(
        endpoint_id: Annotated[int, PathParam(ge=1, le=2**62)], who: Writer
    ) -> dict[str, Any]:
        rotated = webhooks.rotate_secret(
            engine, who.creditor_id, endpoint_id, clock.now_utc()
        )
        if rotated is None:
            raise ApiProblem(404, f"webhook endpoint {endpoint_id} not found")
        return rotated

    @app.get("/v1/webhook-endpoints", summary="List webhook endpoints")
    def get_endpoints(who: Reader) -> dict[str, Any]:
        return {"endpoints": webhooks.list_endpoints(engine, who.creditor_id)}

    @app.delete(
        "/v1/webhook-endpoints/{endpoint_id}",
        summary="Disable a webhook endpoint",
        status_code=204,
    )
    def delete_endpoint(
        endpoint_id: Annotated[int, PathParam(ge=1, le=2**62)], who: Writer
    ) -> Response:
        if not webhooks.disable_endpoint(
            engine, who.creditor_id, endpoint_id, clock.now_utc()
        ):
            raise ApiProblem(404, f"webhook endpoint {endpoint_id} not found")
        return Response(status_code=204)

    return app


def app_from_environment() -> FastAPI:
    """Build the API on the database of ``KLEINKASSO_DATABASE_URL``, for
    ``uvicorn --factory`` and several workers."""
    engine = make_engine(os.environ.get("KLEINKASSO_DATABASE_URL"))
    migrate(engine)
    return create_app(engine)
