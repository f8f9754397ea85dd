"""The outbox relay: deliver pending messages and mark them sent.

Rows are written by the step that causes them, in the same transaction. The
relay renders each row and writes it to the output folder under a name
derived from the row, replacing the file atomically, and only then marks the
row sent. The row's ``kind`` selects the renderer: a credit notice
(``comms.notice``) or a demand document (``cases.demand``). A crash between
the two leaves the row pending; the rerun writes the same bytes to the same
file again, so nothing is lost or duplicated.
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
    report = RelayReport()
    last_id = 0
    while True:
        query = (
            sa.select(outbox, case.c.case_ref)
            .join(case, case.c.id == outbox.c.case_id)
            .where(outbox.c.status == "pending", outbox.c.id > last_id)
            .order_by(outbox.c.id)
            .limit(RELAY_CHUNK)
        )
        if creditor_id is not None:
            query = query.where(outbox.c.creditor_id == creditor_id)
        with engine.connect() as conn:
            rows = conn.execute(query).all()
        if not rows:
            return report
        last_id = rows[-1].id
        for row in rows:
            _deliver(engine, row, out_dir, now, report, sender)


def _deliver(
    engine: sa.Engine,
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
        with engine.begin() as conn:
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
    with engine.begin() as conn:
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
    crashpoints.reached("relay.sent")


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
