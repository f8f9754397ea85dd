"""The refund transfer file: pending refunds paid out as one pain.001.001.09.

Every pending refund of kind ``transfer`` with an IBAN becomes one payment
from the collection account to the account the overpayment came from. The
file is written atomically and only then are its rows marked ``sent``, in
one transaction. A crash between the two leaves the rows pending, and the
rerun writes the same bytes to the same name. That holds because the file
has no clock in it: its creation time is the as-of date at midnight, and its
message id is derived from the creditor and that date.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sepaxml import SepaTransfer

from kleinkasso import crashpoints
from kleinkasso.policy.creditor_config import CreditorConfig
from kleinkasso.store.payment_tables import refund
from kleinkasso.store.schema import case, party

log = logging.getLogger(__name__)

PAIN_SCHEMA = "pain.001.001.09"
# SEPA limits message, payment information and end-to-end ids to 35 characters.
SEPA_ID_LENGTH = 35


@dataclass(frozen=True)
class PendingRefund:
    """A pending transfer refund with the case and payee it belongs to."""

    refund_id: int
    case_ref: str
    payee_name: str
    iban: str | None
    amount_cents: int


@dataclass(frozen=True)
class SkippedRefund:
    """A pending transfer refund left out of the file, and why."""

    refund_id: int
    case_ref: str
    amount_cents: int
    reason: str


@dataclass
class RefundFileResult:
    """Outcome of one refund file run: the file, its payments, the rows left out."""

    path: Path | None = None
    refunds: int = 0
    total_cents: int = 0
    skipped: list[SkippedRefund] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.path.name if self.path else None,
            "refunds": self.refunds,
            "total_cents": self.total_cents,
            "skipped": [vars(skipped) for skipped in self.skipped],
        }


class RefundFileConflict(ValueError):
    """Raised when the day's file exists with other payments than the pending ones."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} already exists with other refunds; its rows were sent or "
            "changed since it was written. Move the file away after checking "
            "whether it went to the bank, or pass another --as-of date"
        )
        self.path = path


def refund_file_name(creditor_id: str, as_of: date) -> str:
    """Return the file name of the creditor's refund transfer file for a day."""
    return f"refunds-{creditor_id}-{as_of:%Y%m%d}.xml"


def refund_message_id(creditor_id: str, as_of: date) -> str:
    """Return the SEPA message id of the refund file, at most 35 characters."""
    text = f"KK-RF-{creditor_id}-{as_of:%Y%m%d}"
    return re.sub(r"[^A-Za-z0-9-]", "", text)[:SEPA_ID_LENGTH]


def refund_end_to_end_id(refund_id: int) -> str:
    """Return the end-to-end id of a refund payment, derived from its row id."""
    return f"KK-REFUND-{refund_id}"


def pending_transfers(conn: sa.Connection, creditor_id: str) -> list[PendingRefund]:
    """Return the creditor's pending transfer refunds in row order."""
    rows = conn.execute(
        sa.select(
            refund.c.id,
            refund.c.iban,
            refund.c.amount_cents,
            case.c.case_ref,
            party.c.name,
        )
        .join(case, case.c.id == refund.c.case_id)
        .join(
            party,
            sa.and_(
                party.c.creditor_id == case.c.creditor_id,
                party.c.customer_ref == case.c.customer_ref,
            ),
        )
        .where(
            refund.c.creditor_id == creditor_id,
            refund.c.kind == "transfer",
            refund.c.status == "pending",
        )
        .order_by(refund.c.id)
    )
    return [
        PendingRefund(
            refund_id=row.id,
            case_ref=row.case_ref,
            payee_name=row.name,
            iban=row.iban.strip() if row.iban and row.iban.strip() else None,
            amount_cents=row.amount_cents,
        )
        for row in rows
    ]


def refund_pain001(
    config: CreditorConfig, refunds: list[PendingRefund], as_of: date
) -> bytes:
    """Build the pain.001.001.09 file paying ``refunds`` out on ``as_of``.

    Every refund must have an IBAN. The bytes depend only on the arguments.
    """
    collector = config.collector
    transfer = SepaTransfer(
        {
            "name": collector.account_holder,
            "IBAN": collector.iban,
            "BIC": collector.bic,
            "batch": True,
            "currency": "EUR",
        },
        schema=PAIN_SCHEMA,
        clean=True,
    )
    for pending in refunds:
        if pending.iban is None:
            raise ValueError(f"refund {pending.refund_id} has no IBAN")
        transfer.add_payment(
            {
                "name": pending.payee_name,
                "IBAN": pending.iban,
                "amount": pending.amount_cents,
                "execution_date": as_of,
                "description": f"Erstattung Ueberzahlung Fall {pending.case_ref}",
                "endtoend_id": refund_end_to_end_id(pending.refund_id),
            }
        )
    message_id = refund_message_id(config.id, as_of)
    created = datetime.combine(as_of, time())
    # sepaxml draws the message and payment information ids at random and
    # stamps the current time, so all three are replaced by values of the day.
    xml = transfer.export(validate=True).decode("utf-8")
    xml = xml.replace(transfer.msg_id, message_id)
    xml = re.sub(
        r"<PmtInfId>[^<]*</PmtInfId>", f"<PmtInfId>{message_id}</PmtInfId>", xml
    )
    xml = re.sub(
        r"<CreDtTm>[^<]*</CreDtTm>",
        f"<CreDtTm>{created.isoformat()}</CreDtTm>",
        xml,
    )
    return xml.encode("utf-8")


def write_refund_file(
    engine: sa.Engine, config: CreditorConfig, out_dir: Path, as_of: date
) -> RefundFileResult:
    """Write the creditor's refund transfer file for ``as_of`` and mark its rows sent.

    Transfer refunds without an IBAN stay pending and are returned as
    skipped. Without any payable refund no file is written. Raises
    RefundFileConflict when the day's file exists with other content.
    """
    with engine.connect() as conn:
        pending = pending_transfers(conn, config.id)
    result = RefundFileResult()
    payable = []
    for item in pending:
        if item.iban is None:
            result.skipped.append(
                SkippedRefund(
                    item.refund_id,
                    item.case_ref,
                    item.amount_cents,
                    "no IBAN of the payer is known; pay it by hand or wait for "
                    "the debtor to name an account",
                )
            )
        else:
            payable.append(item)
    if not payable:
        return result
    data = refund_pain001(config, payable, as_of)
    path = out_dir / refund_file_name(config.id, as_of)
    if path.exists() and path.read_bytes() != data:
        raise RefundFileConflict(path)
    _write_atomically(path, data)
    # A crash here leaves the file written and the rows pending: the rerun
    # selects the same rows and writes the same bytes to the same name.
    crashpoints.reached("refunds.written")
    ids = [item.refund_id for item in payable]
    # NOTE: the refund table has no column for the file name, so which file
    # paid a row is recorded only in the log line below.
    with engine.begin() as conn:
        marked = conn.execute(
            refund.update()
            .where(refund.c.id.in_(ids), refund.c.status == "pending")
            .values(status="sent")
        ).rowcount
    if marked != len(ids):
        log.warning(
            "refund file %s: %d of %d rows were no longer pending",
            path.name,
            len(ids) - marked,
            len(ids),
        )
    log.info("refund file %s written with %d payments", path.name, len(ids))
    result.path = path
    result.refunds = len(payable)
    result.total_cents = sum(item.amount_cents for item in payable)
    return result


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
