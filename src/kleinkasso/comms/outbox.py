"""The outbox relay: deliver pending messages and mark them sent.

Rows are written by the step that causes them, in the same transaction. The
relay renders each row and writes it to the output folder under a name
derived from the row, replacing the file atomically, and only then marks the
row sent. The row's ``kind`` selects the renderer: a credit notice
(``comms.notice``) or a demand document (``cases.demand``). A crash between
the two leaves the row pending; the rerun writes the same bytes to the same
file again, so nothing is lost or duplicated.

On PostgreSQL each row is locked (``FOR UPDATE SKIP LOCKED``) from before
rendering until it is marked, so relays in several workers can share the
outbox and never render the same row at once.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kleinkasso import crashpoints
from kleinkasso.api.events import MESSAGE_SENT, record_event
from kleinkasso.cases.demand import document_from_json
from kleinkasso.comms.document import DemandDocument
from kleinkasso.comms.email import render_email
from kleinkasso.comms.letter import render_letter_pdf
from kleinkasso.comms.notice import (
    CREDIT_NOTICE_KIND,
    notice_file_stem,
    notice_from_json,
    render_notice_email,
    render_notice_pdf,
)
from kleinkasso.store.schema import case, outbox

log = logging.getLogger(__name__)

RELAY_CHUNK = 200


class InvalidOutboxRange(ValueError):
    """Raised for an outbox id range whose ends are out of order or below 1."""

    def __init__(self, first: int, last: int) -> None:
        super().__init__(
            f"invalid outbox range {first}..{last}; expected 1 <= first <= last"
        )
        self.first = first
        self.last = last


@dataclass
class RelayReport:
    """Counts of one relay pass."""

    letters: int = 0
    emails: int = 0
    failed: int = 0


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def relay(
    engine: sa.Engine,
    out_dir: Path,
    now: datetime,
    *,
    creditor_id: str | None = None,
    sender: str | None = None,
) -> RelayReport:
    """Deliver every pending outbox row (of one creditor, if given) to ``out_dir``."""
    return _relay_pending(engine, out_dir, now, creditor_id=creditor_id, sender=sender)


def relay_range(
    engine: sa.Engine,
    out_dir: Path,
    now: datetime,
    first_id: int,
    last_id: int,
    *,
    creditor_id: str | None = None,
    sender: str | None = None,
) -> RelayReport:
    """Deliver the pending outbox rows with ids from ``first_id`` to ``last_id``.

    Both ends are included. Relays of overlapping ranges may run at the same
    time: on PostgreSQL each row is locked while it is rendered and marked, so
    two relays never render the same row at once.
    """
    if first_id < 1 or last_id < first_id:
        raise InvalidOutboxRange(first_id, last_id)
    return _relay_pending(
        engine,
        out_dir,
        now,
        creditor_id=creditor_id,
        sender=sender,
        first_id=first_id,
        last_id=last_id,
    )


def pending_id_ranges(
    engine: sa.Engine, *, creditor_id: str | None = None, size: int = RELAY_CHUNK
) -> list[tuple[int, int]]:
    """Split the ids of pending outbox rows into ranges of at most ``size`` rows.

    Returns ``(first_id, last_id)`` pairs in id order, for
    :func:`relay_range`.
    """
    if size < 1:
        raise ValueError(f"batch size {size} is invalid; expected at least 1")
    query = (
        sa.select(outbox.c.id).where(outbox.c.status == "pending").order_by(outbox.c.id)
    )
    if creditor_id is not None:
        query = query.where(outbox.c.creditor_id == creditor_id)
    with engine.connect() as conn:
        ids = conn.execute(query).scalars().all()
    return [
        (ids[start], ids[min(start + size, len(ids)) - 1])
        for start in range(0, len(ids), size)
    ]


def message_file(
    row: sa.Row[Any], out_dir: Path, sender: str | None = None
) -> tuple[Path, bytes]:
    """Render an outbox row to the path and bytes the relay writes for it.

    ``row`` has the outbox columns and the case's ``case_ref``. The result
    depends only on the row, so it equals the file an earlier relay wrote.
    """
    if row.kind == CREDIT_NOTICE_KIND:
        return _render_notice(row, out_dir, sender)
    return _render_demand(row, document_from_json(row.payload), out_dir, sender)


def _relay_pending(
    engine: sa.Engine,
    out_dir: Path,
    now: datetime,
    *,
    creditor_id: str | None,
    sender: str | None,
    first_id: int = 1,
    last_id: int | None = None,
) -> RelayReport:
    report = RelayReport()
    last_seen = first_id - 1
    while True:
        query = (
            sa.select(outbox.c.id)
            .where(outbox.c.status == "pending", outbox.c.id > last_seen)
            .order_by(outbox.c.id)
            .limit(RELAY_CHUNK)
        )
        if last_id is not None:
            query = query.where(outbox.c.id <= last_id)
        if creditor_id is not None:
            query = query.where(outbox.c.creditor_id == creditor_id)
        with engine.connect() as conn:
            row_ids = conn.execute(query).scalars().all()
        if not row_ids:
            return report
        last_seen = row_ids[-1]
        for row_id in row_ids:
            _deliver(engine, row_id, out_dir, now, report, sender)


def _claim(conn: sa.Connection, row_id: int) -> sa.Row[Any] | None:
    """Lock a pending outbox row for this transaction, or return None.

    On PostgreSQL the row lock (``FOR UPDATE SKIP LOCKED``) keeps a second
    relay from rendering the row at the same time: that relay skips it, and
    after the commit the row is no longer pending. A relay that dies releases
    the lock with its connection, so the row is pending again. SQLite has no
    row locks, and there the status check in the final update is the only
    guard.
    """
    return conn.execute(
        sa.select(outbox, case.c.case_ref)
        .join(case, case.c.id == outbox.c.case_id)
        .where(outbox.c.id == row_id, outbox.c.status == "pending")
        .with_for_update(of=outbox, skip_locked=True)
    ).one_or_none()


def _deliver(
    engine: sa.Engine,
    row_id: int,
    out_dir: Path,
    now: datetime,
    report: RelayReport,
    sender: str | None,
) -> None:
    with engine.begin() as conn:
        row = _claim(conn, row_id)
        if row is None:
            # Another relay has locked the row or has already delivered it.
            return
        _render_and_mark(conn, row, out_dir, now, report, sender)
    crashpoints.reached("relay.sent")


def _render_and_mark(
    conn: sa.Connection,
    row: sa.Row[Any],
    out_dir: Path,
    now: datetime,
    report: RelayReport,
    sender: str | None,
) -> None:
    # A demand payload that cannot be read stops the relay with the error. A
    # notice is read inside the handler below and is marked failed instead.
    demand = None if row.kind == CREDIT_NOTICE_KIND else document_from_json(row.payload)
    try:
        if demand is None:
            path, data = _render_notice(row, out_dir, sender)
        else:
            path, data = _render_demand(row, demand, out_dir, sender)
        _write_atomically(path, data)
    except Exception as exc:
        # A message that cannot be rendered stays visible as failed with its
        # error, and the rest of the outbox goes on.
        log.error("outbox row %s for case %s failed: %s", row.id, row.case_ref, exc)
        conn.execute(
            outbox.update()
            .where(outbox.c.id == row.id, outbox.c.status == "pending")
            .values(
                status="failed",
                attempts=outbox.c.attempts + 1,
                last_error=str(exc)[:500],
            )
        )
        report.failed += 1
        return
    if row.channel == "letter":
        report.letters += 1
    else:
        report.emails += 1
    # A crash here leaves the file written and the row pending: the rerun
    # writes the same bytes to the same name again.
    crashpoints.reached("relay.written")
    sent = conn.execute(
        outbox.update()
        .where(outbox.c.id == row.id, outbox.c.status == "pending")
        .values(status="sent", sent_at=now, attempts=outbox.c.attempts + 1)
    ).rowcount
    if sent:
        record_event(
            conn,
            row.creditor_id,
            MESSAGE_SENT,
            now,
            case_ref=row.case_ref,
            data={"kind": row.kind, "channel": row.channel},
        )


def _render_demand(
    row: sa.Row[Any], document: DemandDocument, out_dir: Path, sender: str | None
) -> tuple[Path, bytes]:
    stem = f"{row.case_ref}-{row.kind}-{document.letter_date:%Y%m%d}"
    if row.channel == "letter":
        return out_dir / "letters" / f"{stem}.pdf", render_letter_pdf(document)
    data = render_email(
        document,
        message_id=row.message_id,
        sender=sender or document.collector_email,
    )
    return out_dir / "emails" / f"{stem}.eml", data


def _render_notice(
    row: sa.Row[Any], out_dir: Path, sender: str | None
) -> tuple[Path, bytes]:
    notice = notice_from_json(row.payload)
    stem = notice_file_stem(notice, row.id)
    if row.channel == "letter":
        return out_dir / "letters" / f"{stem}.pdf", render_notice_pdf(notice)
    data = render_notice_email(
        notice, message_id=row.message_id, sender=sender or notice.collector_email
    )
    return out_dir / "emails" / f"{stem}.eml", data
