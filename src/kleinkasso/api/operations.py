"""The operations behind the API routes, without HTTP.

Every function takes the creditor of the request and touches only that
creditor's rows.

Writes retry on PostgreSQL serialization failures and on unique violations
caused by a concurrent writer, because a second attempt reads the other
writer's rows and treats them as existing.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import sqlalchemy as sa

from kleinkasso import creditors
from kleinkasso.api.events import (
    CASE_CLOSED,
    ITEM_SETTLED,
    event_json,
    record_event,
)
from kleinkasso.cases import ledger
from kleinkasso.cases.service import book_fee
from kleinkasso.cli import reports
from kleinkasso.clock import BERLIN
from kleinkasso.intake.erp_csv import UnusableInput, iter_open_items_csv
from kleinkasso.intake.erp_json import parse_open_items_json
from kleinkasso.intake.records import OpenItemRecord, Problem
from kleinkasso.intake.service import import_items
from kleinkasso.store.api_tables import api_event, idempotency_key
from kleinkasso.store.schema import case, item, outbox, party

log = logging.getLogger(__name__)

MAX_ITEMS = 10_000
# Requests caught in flight longer than this are taken to have died with
# their worker, so a retry may take the key over.
IN_FLIGHT_TIMEOUT = timedelta(minutes=10)
WRITE_ATTEMPTS = 5
SETTLE_ACTIONS = {"paid_directly": "settled", "cancelled": "cancelled"}
OPEN_STATES = ("waiting", "handed_over", "rejected")
T = TypeVar("T")


class TooManyItems(Exception):
    """Raised when a batch contains more items than one request may."""

    def __init__(self, count: int) -> None:
        super().__init__(f"the request has {count} items; at most {MAX_ITEMS} allowed")


def _is_retryable(error: sa.exc.DBAPIError) -> bool:
    if isinstance(error, sa.exc.IntegrityError):
        return True
    code = getattr(error.orig, "sqlstate", None)
    return code in ("40001", "40P01")


def with_retries(action: Callable[[], T]) -> T:
    """Run ``action`` again when a concurrent writer made it fail."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            return action()
        except (sa.exc.IntegrityError, sa.exc.OperationalError) as error:
            if attempt == WRITE_ATTEMPTS or not _is_retryable(error):
                raise
            log.warning("write failed on attempt %d, retrying: %s", attempt, error.orig)
    raise AssertionError("unreachable")


# --- Batches of open items ---------------------------------------------------


def _problem_json(problem: Problem) -> dict[str, str]:
    return {
        "field": problem.field,
        "value": problem.value,
        "reason": problem.reason,
        "expected": problem.expected,
    }


def _item_refs(items: Sequence[Any]) -> list[str | None]:
    refs: list[str | None] = []
    for entry in items:
        ref = entry.get("item_ref") if isinstance(entry, dict) else None
        refs.append(ref if isinstance(ref, str) else None)
    return refs


def _results(
    refs: Sequence[str | None],
    records: Sequence[OpenItemRecord],
    problems: Sequence[Problem],
    outcomes: dict[str, str],
) -> list[dict[str, Any]]:
    """Return one result per input position, in input order."""
    errors: dict[int, list[dict[str, str]]] = {}
    for problem in problems:
        errors.setdefault(problem.row, []).append(_problem_json(problem))
    stored = {record.row: record.item_ref for record in records}
    results = []
    for index, raw_ref in enumerate(refs):
        row = index + 1
        if row in errors:
            results.append(
                {"item_ref": raw_ref, "status": "rejected", "errors": errors[row]}
            )
            continue
        ref = stored[row]
        results.append({"item_ref": ref, "status": outcomes[ref]})
    return results


def _store(
    engine: sa.Engine,
    creditor_id: str,
    records: Sequence[OpenItemRecord],
    source: str,
    now: datetime,
) -> dict[str, str]:
    def attempt() -> dict[str, str]:
        report = import_items(
            engine,
            creditor_id,
            records,
            source=source,
            origin="api",
            now=now,
            record_outcomes=True,
        )
        assert report.outcomes is not None
        return report.outcomes

    # NOTE: an attempt that failed after some chunks committed reports those
    # items as unchanged on the retry, although this request created them.
    return with_retries(attempt)


def post_items(
    engine: sa.Engine, creditor_id: str, body: bytes, now: datetime
) -> dict[str, Any]:
    """Store a batch of open items; return one result per item, in order.

    Raises UnusableInput for a body that is not {"items": [...]} and
    TooManyItems above MAX_ITEMS.
    """
    document = _load_document(body)
    items = document["items"]
    if len(items) > MAX_ITEMS:
        raise TooManyItems(len(items))
    parsed = parse_open_items_json(body, source="request")
    outcomes = _store(engine, creditor_id, parsed.records, "api", now)
    return {
        "results": _results(
            _item_refs(items), parsed.records, parsed.problems, outcomes
        )
    }


def _load_document(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise UnusableInput("request", f"not valid JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise UnusableInput(
            "request", 'expected a JSON object with an "items" array of open items'
        )
    return document


# --- Single items ------------------------------------------------------------


def _item_row(
    conn: sa.Connection, creditor_id: str, item_ref: str
) -> sa.Row[Any] | None:
    return conn.execute(
        sa.select(item, case.c.case_ref)
        .outerjoin(case, case.c.id == item.c.case_id)
        .where(item.c.creditor_id == creditor_id, item.c.item_ref == item_ref)
    ).one_or_none()


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _stored_values(conn: sa.Connection, row: sa.Row[Any]) -> dict[str, Any]:
    """Return an item and its debtor in the JSON form of a batch item."""
    contact = conn.execute(
        sa.select(party).where(
            party.c.creditor_id == row.creditor_id,
            party.c.customer_ref == row.customer_ref,
        )
    ).one()
    return {
        "item_ref": row.item_ref,
        "customer_ref": row.customer_ref,
        "name": contact.name,
        "street": contact.street,
        "postal_code": contact.postal_code,
        "city": contact.city,
        "country": contact.country,
        "email": contact.email,
        "consumer": row.consumer,
        "subject": row.subject,
        "contract_date": _iso(row.contract_date),
        "invoice_date": _iso(row.invoice_date),
        "due_date": _iso(row.due_date),
        "amount_cents": row.principal_cents,
        "currency": row.currency,
        "reminder_date": _iso(row.reminder_date),
        "return_charges_cents": row.return_charges_cents,
        "disputed": row.disputed,
        "category": row.category,
        "return_reason": row.return_reason,
    }


def get_item(
    engine: sa.Engine, creditor_id: str, item_ref: str
) -> dict[str, Any] | None:
    """Return one item with its debtor, state and case, or None if unknown."""
    with engine.connect() as conn:
        row = _item_row(conn, creditor_id, item_ref)
        if row is None:
            return None
        return {
            **_stored_values(conn, row),
            "state": row.state,
            "reason": row.reason,
            "case_ref": row.case_ref,
            "default_start": _iso(row.default_start),
        }


class PatchError(Exception):
    """Raised for a PATCH body that cannot be applied, with the problems."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['field']}: {e['reason']}" for e in errors))
        self.errors = errors


def patch_item(
    engine: sa.Engine,
    creditor_id: str,
    item_ref: str,
    changes: dict[str, Any],
    now: datetime,
) -> dict[str, Any] | None:
    """Amend an item, or settle it with "status": "paid_directly" or "cancelled".

    Returns the item as :func:`get_item` does, or None if unknown.
    """
    status = changes.get("status")
    if status is not None:
        if set(changes) != {"status"} or status not in SETTLE_ACTIONS:
            raise PatchError(
                [
                    {
                        "field": "status",
                        "value": json.dumps(status),
                        "reason": "cannot be combined with other fields or is unknown",
                        "expected": "paid_directly or cancelled, alone",
                    }
                ]
            )
        found = _settle_with_retries(engine, creditor_id, item_ref, status, now)
        return get_item(engine, creditor_id, item_ref) if found else None
    if "item_ref" in changes and changes["item_ref"] != item_ref:
        raise PatchError(
            [
                {
                    "field": "item_ref",
                    "value": json.dumps(changes["item_ref"]),
                    "reason": "differs from the item in the URL",
                    "expected": "the item_ref of the URL or no item_ref",
                }
            ]
        )
    with engine.connect() as conn:
        row = _item_row(conn, creditor_id, item_ref)
        if row is None:
            return None
        merged = {**_stored_values(conn, row), **changes}
    body = json.dumps({"items": [merged]}).encode()
    parsed = parse_open_items_json(body, source="request")
    if parsed.problems:
        raise PatchError([_problem_json(problem) for problem in parsed.problems])
    _store(engine, creditor_id, parsed.records, "api", now)
    return get_item(engine, creditor_id, item_ref)


def _settle_with_retries(
    engine: sa.Engine, creditor_id: str, item_ref: str, action: str, now: datetime
) -> bool:
    return with_retries(lambda: settle_item(engine, creditor_id, item_ref, action, now))


def settle_item(
    engine: sa.Engine, creditor_id: str, item_ref: str, action: str, now: datetime
) -> bool:
    """Mark an item paid directly to the creditor or cancelled, and stop
    collecting it; returns False if the item is unknown.

    An item in a case has its open amounts written off. A case left with no
    open claim is closed: pending messages are cancelled and the collection
    fee still open is written off.
    """
    state = SETTLE_ACTIONS[action]
    today = now.astimezone(BERLIN).date()
    with engine.begin() as conn:
        row = _item_row(conn, creditor_id, item_ref)
        if row is None:
            return False
        if row.state not in OPEN_STATES:
            return True
        reason = (
            f"paid directly to the creditor, reported on {today}"
            if action == "paid_directly"
            else f"cancelled by the creditor (credit note) on {today}"
        )
        conn.execute(
            item.update()
            .where(item.c.id == row.id)
            .values(state=state, reason=reason, updated_at=now)
        )
        if row.case_id is not None and row.state == "handed_over":
            _take_out_of_case(conn, row, action, today, now)
        record_event(
            conn,
            creditor_id,
            ITEM_SETTLED,
            now,
            case_ref=row.case_ref,
            item_ref=item_ref,
            data={"state": state, "reason": reason},
        )
    log.info("item %s of creditor %s %s", item_ref, creditor_id, state)
    return True


def _write_off(
    conn: sa.Connection,
    row: sa.Row[Any],
    accounts: Sequence[str],
    item_id: int | None,
    rule: str,
    today: date,
    now: datetime,
) -> None:
    lines: list[ledger.Line] = []
    for (line_item, account), amount in sorted(
        ledger.open_balance(conn, row.case_id).items(),
        key=lambda pair: (pair[0][0] or 0, pair[0][1]),
    ):
        if amount <= 0 or account not in accounts:
            continue
        if item_id is not None and line_item != item_id:
            continue
        counter = (
            ledger.CREDITOR_CLAIMS
            if account in ledger.CREDITOR_COMPONENTS
            else ledger.COLLECTOR_FEES
        )
        lines += [
            ledger.Line(account, -amount, line_item),
            ledger.Line(counter, amount),
        ]
    if lines:
        ledger.post(
            conn,
            creditor_id=row.creditor_id,
            case_id=row.case_id,
            kind="write_off",
            booked_on=today,
            rule=rule,
            lines=lines,
            now=now,
            explanation={"item_ref": row.item_ref},
        )


def _take_out_of_case(
    conn: sa.Connection, row: sa.Row[Any], action: str, today: date, now: datetime
) -> None:
    rule = (
        "claim paid directly to the creditor"
        if action == "paid_directly"
        else "claim cancelled by the creditor (credit note)"
    )
    _write_off(conn, row, ledger.CREDITOR_COMPONENTS, row.id, rule, today, now)
    case_row = conn.execute(sa.select(case).where(case.c.id == row.case_id)).one()
    remaining = conn.execute(
        sa.select(sa.func.count())
        .select_from(item)
        .where(item.c.case_id == row.case_id, item.c.state == "handed_over")
    ).scalar_one()
    if remaining:
        # The fee is charged on the summed principal, so it follows the claims
        # that are left; the rate already charged stays.
        conn.execute(
            case.update()
            .where(case.c.id == row.case_id)
            .values(fee_value_cents=case.c.fee_value_cents - row.principal_cents)
        )
        case_row = conn.execute(sa.select(case).where(case.c.id == row.case_id)).one()
        if case_row.status == "open":
            book_fee(
                conn,
                row.creditor_id,
                case_row,
                Decimal(case_row.fee_rate),
                today,
                now,
            )
        return
    _write_off(
        conn, row, ledger.COLLECTOR_COMPONENTS, None, "collection ended", today, now
    )
    conn.execute(
        case.update()
        .where(case.c.id == row.case_id, case.c.status.in_(("open", "disputed")))
        .values(status="closed", closed_on=today)
    )
    conn.execute(
        outbox.update()
        .where(outbox.c.case_id == row.case_id, outbox.c.status == "pending")
        .values(status="cancelled", last_error="no claim left in the case")
    )
    record_event(
        conn,
        row.creditor_id,
        CASE_CLOSED,
        now,
        case_ref=case_row.case_ref,
        data={"reason": rule},
    )


# --- Snapshots ---------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotInput:
    """The parsed content of a snapshot request."""

    refs: list[str | None]
    records: list[OpenItemRecord]
    problems: list[Problem]


def parse_snapshot(
    engine: sa.Engine, creditor_id: str, body: bytes, media_type: str
) -> SnapshotInput:
    """Parse a snapshot in JSON or in the creditor's CSV format."""
    if media_type == "text/csv":
        with engine.connect() as conn:
            config = creditors.load(conn, creditor_id)
        entries = list(
            iter_open_items_csv(
                io.BytesIO(body),
                source="request",
                column_map=config.columns or None,
                encoding=config.csv_encoding,
            )
        )
        records = [e for e in entries if isinstance(e, OpenItemRecord)]
        problems = [e for e in entries if isinstance(e, Problem)]
        # CSV rows count from the header line, so data rows start at 2.
        last = max([r.row for r in records] + [p.row for p in problems] + [1])
        refs: list[str | None] = [None] * (last - 1)
        for record in records:
            refs[record.row - 2] = record.item_ref
        for problem in problems:
            refs[problem.row - 2] = problem.item_ref
        shifted_records = [_shift(record) for record in records]
        shifted_problems = [_shift_problem(problem) for problem in problems]
        if len(refs) > MAX_ITEMS:
            raise TooManyItems(len(refs))
        return SnapshotInput(refs, shifted_records, shifted_problems)
    document = _load_document(body)
    if len(document["items"]) > MAX_ITEMS:
        raise TooManyItems(len(document["items"]))
    parsed = parse_open_items_json(body, source="request")
    return SnapshotInput(
        _item_refs(document["items"]), list(parsed.records), list(parsed.problems)
    )


def _shift(record: OpenItemRecord) -> OpenItemRecord:
    return replace(record, row=record.row - 1)


def _shift_problem(problem: Problem) -> Problem:
    return replace(problem, row=problem.row - 1)


def apply_snapshot(
    engine: sa.Engine,
    creditor_id: str,
    snapshot: SnapshotInput,
    gone_action: str,
    now: datetime,
) -> dict[str, Any]:
    """Store the snapshot's items and settle every open item it no longer lists.

    An item whose row was rejected is not treated as gone, so a typo in one
    row does not end the collection of that claim.
    """
    outcomes = _store(engine, creditor_id, snapshot.records, "api-snapshot", now)
    listed = {ref for ref in snapshot.refs if ref is not None}
    listed |= {p.item_ref for p in snapshot.problems if p.item_ref is not None}
    with engine.connect() as conn:
        open_refs = (
            conn.execute(
                sa.select(item.c.item_ref)
                .where(item.c.creditor_id == creditor_id, item.c.state.in_(OPEN_STATES))
                .order_by(item.c.item_ref)
            )
            .scalars()
            .all()
        )
    gone = [ref for ref in open_refs if ref not in listed]
    for ref in gone:
        _settle_with_retries(engine, creditor_id, ref, gone_action, now)
    return {
        "results": _results(
            snapshot.refs, snapshot.records, snapshot.problems, outcomes
        ),
        "gone": [
            {"item_ref": ref, "status": SETTLE_ACTIONS[gone_action]} for ref in gone
        ],
    }


# --- Cases and events --------------------------------------------------------


def list_cases(
    engine: sa.Engine, creditor_id: str, as_of: date
) -> list[dict[str, Any]]:
    """Return the creditor's cases with the open amount as of ``as_of``."""
    with engine.connect() as conn:
        config = creditors.load(conn, creditor_id)
        return reports.case_rows(conn, config, as_of)


def get_case(
    engine: sa.Engine, creditor_id: str, case_ref: str, as_of: date
) -> dict[str, Any] | None:
    """Return one case as ``case show`` does, or None if unknown to the creditor."""
    with engine.connect() as conn:
        owner = conn.execute(
            sa.select(case.c.creditor_id).where(case.c.case_ref == case_ref)
        ).scalar_one_or_none()
        if owner != creditor_id:
            return None
        return reports.case_detail(conn, case_ref, as_of)


def list_events(
    engine: sa.Engine, creditor_id: str, after: int, limit: int
) -> dict[str, Any]:
    """Return the creditor's events after the cursor, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(api_event)
            .where(api_event.c.creditor_id == creditor_id, api_event.c.id > after)
            .order_by(api_event.c.id)
            .limit(limit)
        ).all()
    events = [event_json(row) for row in rows]
    return {"events": events, "next_cursor": events[-1]["id"] if events else str(after)}


# --- Idempotency keys --------------------------------------------------------


@dataclass(frozen=True)
class Replay:
    """The state of an Idempotency-Key when a request arrives."""

    state: str  # new, in_flight, mismatch or done
    status: int = 0
    body: str = ""


def request_digest(method: str, path: str, body: bytes) -> str:
    """Return the fingerprint a retry must repeat to receive the first response."""
    digest = hashlib.sha256(f"{method} {path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def claim_key(
    engine: sa.Engine, creditor_id: str, key: str, digest: str, now: datetime
) -> Replay:
    """Claim an Idempotency-Key for this request, or report why it cannot be."""
    try:
        with engine.begin() as conn:
            conn.execute(
                idempotency_key.insert().values(
                    creditor_id=creditor_id,
                    key=key,
                    request_sha256=digest,
                    state="in_flight",
                    created_at=now,
                )
            )
        return Replay("new")
    except sa.exc.IntegrityError:
        pass
    with engine.begin() as conn:
        row = conn.execute(
            sa.select(idempotency_key).where(
                idempotency_key.c.creditor_id == creditor_id,
                idempotency_key.c.key == key,
            )
        ).one()
        if row.request_sha256 != digest:
            return Replay("mismatch")
        if row.state == "done":
            return Replay("done", row.response_status, row.response_body)
        created = row.created_at
        if created.tzinfo is None:
            created = created.replace(tzinfo=now.tzinfo)
        if now - created < IN_FLIGHT_TIMEOUT:
            return Replay("in_flight")
        taken = conn.execute(
            idempotency_key.update()
            .where(
                idempotency_key.c.creditor_id == creditor_id,
                idempotency_key.c.key == key,
                idempotency_key.c.state == "in_flight",
                idempotency_key.c.created_at == row.created_at,
            )
            .values(created_at=now)
        ).rowcount
    return Replay("new") if taken else Replay("in_flight")


def finish_key(
    engine: sa.Engine, creditor_id: str, key: str, status: int, body: str
) -> None:
    """Store the response of a claimed key."""
    with engine.begin() as conn:
        conn.execute(
            idempotency_key.update()
            .where(
                idempotency_key.c.creditor_id == creditor_id,
                idempotency_key.c.key == key,
            )
            .values(state="done", response_status=status, response_body=body)
        )


def release_key(engine: sa.Engine, creditor_id: str, key: str) -> None:
    """Forget a claimed key whose request failed, so it can be retried."""
    with engine.begin() as conn:
        conn.execute(
            idempotency_key.delete().where(
                idempotency_key.c.creditor_id == creditor_id,
                idempotency_key.c.key == key,
                idempotency_key.c.state == "in_flight",
            )
        )
