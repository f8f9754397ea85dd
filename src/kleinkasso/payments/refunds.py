"""Overpayments owed back to a debtor, recorded for the refund transfer.

The row is written in the transaction that books the payment. From the
creditor's ``refund_minimum_cents`` on it is a transfer to the account the
money came from, paid out by ``refund_file``. Below it, the row is a credit
for the debtor kept on the case, and a notice about it is queued in the
outbox in the same transaction.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

import sqlalchemy as sa

from kleinkasso.comms.document import PostalAddress
from kleinkasso.comms.notice import CREDIT_NOTICE_KIND, CreditNotice, notice_to_json
from kleinkasso.policy.creditor_config import CreditorConfig
from kleinkasso.store.payment_tables import refund
from kleinkasso.store.schema import case, outbox, party

log = logging.getLogger(__name__)


def refund_source_key(bank_entry_id: int) -> str:
    """Return the key of the refund row for an overpayment by a bank entry."""
    return f"refund:bank_entry:{bank_entry_id}"


def credit_notice_dedup_key(source_key: str) -> str:
    """Return the outbox dedup key of the notice about the credit ``source_key``."""
    return f"{CREDIT_NOTICE_KIND}:{source_key}"


def record_refund(
    conn: sa.Connection,
    config: CreditorConfig,
    *,
    case_id: int,
    bank_entry_id: int,
    amount_cents: int,
    iban: str | None,
    reason: str,
    on: date,
    now: datetime,
) -> str:
    """Store the refund of an overpayment and return its kind."""
    kind = (
        "transfer" if amount_cents >= config.payments.refund_minimum_cents else "credit"
    )
    source_key = refund_source_key(bank_entry_id)
    conn.execute(
        refund.insert().values(
            creditor_id=config.id,
            case_id=case_id,
            source_key=source_key,
            kind=kind,
            amount_cents=amount_cents,
            iban=iban,
            reason=reason[:200],
            status="pending",
            created_on=on,
            created_at=now,
        )
    )
    if kind == "credit":
        queue_credit_notice(
            conn,
            config,
            case_id=case_id,
            source_key=source_key,
            amount_cents=amount_cents,
            on=on,
            now=now,
        )
    return kind


def queue_credit_notice(
    conn: sa.Connection,
    config: CreditorConfig,
    *,
    case_id: int,
    source_key: str,
    amount_cents: int,
    on: date,
    now: datetime,
) -> str | None:
    """Queue the notice about a credit to the debtor and return its channel.

    The notice goes by e-mail when the debtor's address is known, else as a
    letter to a complete postal address, each only if the creditor's
    dunning channels include it. Without either nothing is queued, the
    credit is logged, and None is returned.
    """
    case_row = conn.execute(
        sa.select(case.c.case_ref, case.c.customer_ref).where(case.c.id == case_id)
    ).one()
    contact = conn.execute(
        sa.select(party).where(
            party.c.creditor_id == config.id,
            party.c.customer_ref == case_row.customer_ref,
        )
    ).one()
    channels = config.dunning.channels
    has_address = bool(contact.street and contact.postal_code and contact.city)
    if "email" in channels and contact.email:
        channel = "email"
    elif "letter" in channels and has_address:
        channel = "letter"
    else:
        log.warning(
            "case %s: credit of %d cents recorded, but the debtor has no "
            "e-mail or postal address on the creditor's channels; no notice queued",
            case_row.case_ref,
            amount_cents,
        )
        return None
    collector = config.collector
    notice = CreditNotice(
        case_ref=case_row.case_ref,
        language=config.dunning.language,
        notice_date=on,
        amount_cents=amount_cents,
        creditor_name=config.name,
        collector=PostalAddress(
            name=collector.address.name,
            street=collector.address.street,
            postal_code=collector.address.postal_code,
            city=collector.address.city,
            country=collector.address.country,
        ),
        collector_email=collector.email,
        debtor=PostalAddress(
            name=contact.name,
            street=contact.street or "",
            postal_code=contact.postal_code or "",
            city=contact.city or "",
            country=contact.country,
        ),
        debtor_email=contact.email,
    )
    domain = collector.email.rsplit("@", 1)[-1]
    # The source key names the bank entry, so each credit has one notice.
    suffix = source_key.rsplit(":", 1)[-1]
    conn.execute(
        outbox.insert().values(
            creditor_id=config.id,
            case_id=case_id,
            kind=CREDIT_NOTICE_KIND,
            channel=channel,
            dedup_key=credit_notice_dedup_key(source_key),
            message_id=f"<{case_row.case_ref}.credit.{suffix}.{channel}@{domain}>",
            payload=notice_to_json(notice),
            status="pending",
            created_on=on,
            created_at=now,
        )
    )
    return channel
