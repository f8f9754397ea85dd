"""Import bank statements and apply their credits to cases.

Each statement is identified by (account, statement id) and each entry by
its key inside the statement, so importing a file twice adds nothing. An
entry is stored together with its effect (the payment booked on a case) in
one transaction: after a crash either both exist or neither does.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from kleinkasso import crashpoints
from kleinkasso.payments.apply import PaymentOutcome, apply_payment
from kleinkasso.payments.bankfiles import (
    DEFAULT_MAX_BYTES,
    BankEntry,
    Statement,
    read_bank_file,
)
from kleinkasso.payments.cascade import Credit, Suggestion, decide, suggest_cases
from kleinkasso.payments.lookup import DatabaseLookup
from kleinkasso.payments.refunds import record_refund
from kleinkasso.payments.reversal import find_reversed_credit, reverse_payment
from kleinkasso.policy.creditor_config import CreditorConfig
from kleinkasso.store.payment_tables import bank_entry_match
from kleinkasso.store.schema import bank_entry, bank_statement, creditor
from kleinkasso.store.upsert import insert_ignore

log = logging.getLogger(__name__)


@dataclass
class StatementReport:
    """Counts and warnings of one statement import."""

    source: str
    kind: str = ""
    statements: int = 0
    entries: int = 0
    already_imported: int = 0
    matched: int = 0
    matched_cents: int = 0
    unmatched: int = 0
    review: int = 0
    reversals: int = 0
    returns: int = 0
    ignored: int = 0
    paid_in_full: int = 0
    refund_cents: int = 0
    warnings: list[str] = field(default_factory=list)


class _Configs:
    """Creditor configurations, loaded once per import."""

    def __init__(self, conn: sa.Connection) -> None:
        self.by_id = {
            row.id: CreditorConfig.from_json(row.config)
            for row in conn.execute(sa.select(creditor.c.id, creditor.c.config))
        }


def import_statement(
    engine: sa.Engine,
    data: bytes,
    *,
    source: str,
    now: datetime,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> StatementReport:
    """Read a camt.052/053/054 or MT940 file and apply its credits.

    A file larger than ``max_bytes`` is rejected before it is parsed.
    """
    bank_file = read_bank_file(
        data, filename=source, encoding=encoding, max_bytes=max_bytes
    )
    report = StatementReport(source=source, kind=bank_file.kind)
    report.warnings.extend(bank_file.warnings)
    digest = hashlib.sha256(data).hexdigest()
    log.info("statement import of %s started: %s", source, bank_file.kind)
    with engine.connect() as conn:
        configs = _Configs(conn)
    for statement in bank_file.statements:
        report.statements += 1
        # BankFile.warnings already lists every balance problem.
        problem = statement.balance_problem()
        crashpoints.reached("statement.before_store")
        statement_pk = _store_statement(
            engine, statement, bank_file.kind, source, digest, problem, now
        )
        account_key = _account_key(statement)
        ordered = sorted(
            enumerate(statement.entries),
            key=lambda pair: (pair[1].booking_date, pair[0]),
        )
        for _, entry in ordered:
            report.entries += 1
            _import_entry(
                engine, configs, statement_pk, account_key, entry, report, now
            )
            crashpoints.reached("statement.entry")
    log.info(
        "statement import of %s finished: %d entries, %d matched, %d unmatched, "
        "%d already imported",
        source,
        report.entries,
        report.matched,
        report.unmatched,
        report.already_imported,
    )
    return report


def _account_key(statement: Statement) -> str:
    return statement.account_iban or statement.account_identification or "unknown"


def statement_key(statement: Statement) -> str:
    """Return the statement's id made unique by a digest of its content.

    Some banks reuse one id for every report (an intraday camt.052 called
    "camt052_ONLINEBA", say), so the id alone would make a new report look
    like a repeat. The same statement read twice gives the same key.
    """
    digest = hashlib.sha256()
    for value in (statement.opening_balance_cents, statement.closing_balance_cents):
        digest.update(f"{value}|".encode())
    for entry in statement.entries:
        digest.update(
            f"{entry.entry_key}|{entry.booking_date}|{entry.amount_cents}\n".encode()
        )
    return f"{statement.statement_id[:100]}#{digest.hexdigest()[:32]}"


def _store_statement(
    engine: sa.Engine,
    statement: Statement,
    kind: str,
    source: str,
    digest: str,
    problem: str | None,
    now: datetime,
) -> int:
    account_key = _account_key(statement)
    key = statement_key(statement)
    with engine.begin() as conn:
        insert_ignore(
            conn,
            bank_statement,
            {
                "account_key": account_key,
                "statement_id": key,
                "kind": kind,
                "source": source[-300:],
                "file_sha256": digest,
                "currency": statement.currency,
                "opening_balance_cents": statement.opening_balance_cents,
                "closing_balance_cents": statement.closing_balance_cents,
                "entry_count": len(statement.entries),
                "balance_problem": problem[:300] if problem else None,
                "imported_at": now,
            },
            keys=("account_key", "statement_id"),
        )
        return int(
            conn.execute(
                sa.select(bank_statement.c.id).where(
                    bank_statement.c.account_key == account_key,
                    bank_statement.c.statement_id == key,
                )
            ).scalar_one()
        )


def _store_match(
    conn: sa.Connection,
    entry_pk: int,
    entry: BankEntry,
    confidence: int | None,
    suggestions: list[Suggestion],
) -> None:
    conn.execute(
        bank_entry_match.insert().values(
            entry_id=entry_pk,
            counterparty_name=(entry.counterparty_name or None)
            and entry.counterparty_name[:140],
            counterparty_iban=(entry.counterparty_iban or None)
            and entry.counterparty_iban[:34],
            end_to_end_id=(entry.end_to_end_id or None) and entry.end_to_end_id[:140],
            mandate_id=(entry.mandate_id or None) and entry.mandate_id[:140],
            is_reversal=entry.is_reversal,
            confidence=confidence,
            suggestions=[s.to_json() for s in suggestions],
        )
    )


def _classify(
    conn: sa.Connection, entry: BankEntry
) -> tuple[str, list[Suggestion], Suggestion | None, Any | None]:
    """Return the entry's status, suggestions, chosen case and reversed credit."""
    if entry.amount_cents < 0 and (entry.is_return or entry.is_reversal):
        reversed_credit = find_reversed_credit(conn, entry)
        return "return", [], None, reversed_credit
    if entry.is_return:
        return "return", [], None, None
    if entry.amount_cents <= 0 or entry.currency != "EUR":
        return "ignored", [], None, None
    credit = Credit(
        amount_cents=entry.amount_cents,
        reference=entry.reference,
        counterparty_iban=entry.counterparty_iban,
        counterparty_name=entry.counterparty_name,
    )
    suggestions = suggest_cases(credit, DatabaseLookup(conn))
    chosen = decide(suggestions)
    if chosen is not None:
        return "matched", suggestions, chosen, None
    return ("review" if suggestions else "unmatched"), suggestions, None, None


def bank_ref(account_key: str, entry: BankEntry) -> str | None:
    """Return the key that identifies a booking across reports, if the bank gave one.

    Keys starting with "@" are positions in the file, not bank references,
    so they cannot recognise the same booking in another file.
    """
    if entry.entry_key.startswith("@"):
        return None
    return f"{account_key}|{entry.entry_key}|{entry.booking_date}|{entry.amount_cents}"


def _import_entry(
    engine: sa.Engine,
    configs: _Configs,
    statement_pk: int,
    account_key: str,
    entry: BankEntry,
    report: StatementReport,
    now: datetime,
) -> None:
    reference_key = bank_ref(account_key, entry)
    with engine.begin() as conn:
        exists = conn.execute(
            _SAME_ENTRY,
            {
                "statement_pk": statement_pk,
                "entry_key": entry.entry_key,
                "bank_ref": reference_key,
            },
        ).first()
        if exists:
            report.already_imported += 1
            return
        status, suggestions, chosen, reversed_credit = _classify(conn, entry)
        target_case = reversed_credit.case_id if reversed_credit is not None else None
        target_creditor = (
            reversed_credit.creditor_id if reversed_credit is not None else None
        )
        if chosen is not None:
            target_case, target_creditor = chosen.case_id, chosen.creditor_id
        entry_pk = conn.execute(
            bank_entry.insert()
            .values(
                statement_pk=statement_pk,
                entry_key=entry.entry_key,
                bank_ref=reference_key,
                booking_date=entry.booking_date,
                amount_cents=entry.amount_cents,
                charges_cents=entry.charges_cents,
                currency=entry.currency,
                reference=entry.reference,
                return_reason=entry.return_reason,
                status=status,
                match_rule=chosen.rule if chosen is not None else None,
                creditor_id=target_creditor,
                case_id=target_case,
            )
            .returning(bank_entry.c.id)
        ).scalar_one()
        _store_match(
            conn,
            entry_pk,
            entry,
            chosen.confidence if chosen is not None else None,
            suggestions,
        )
        if reversed_credit is not None:
            reverse_payment(conn, reversed_credit, entry_pk, entry.booking_date, now)
            report.reversals += 1
        if chosen is None:
            counter = {"return": "returns"}.get(status, status)
            setattr(report, counter, getattr(report, counter) + 1)
            if status in ("unmatched", "review"):
                log.info(
                    "bank entry %s left for review: %d suggestions",
                    entry_pk,
                    len(suggestions),
                )
            return
        outcome = book_credit(
            conn,
            configs.by_id[chosen.creditor_id],
            chosen.case_id,
            entry_pk,
            entry.amount_cents,
            entry.booking_date,
            entry.counterparty_iban,
            now,
        )
        crashpoints.reached("statement.uncommitted")
    report.matched += 1
    report.matched_cents += entry.amount_cents
    report.refund_cents += outcome.refund_cents
    report.paid_in_full += int(outcome.closed_case)


# The same booking: the same position in this statement, or the same bank
# reference in any report. Built once, because it runs for every entry.
_SAME_ENTRY = sa.select(bank_entry.c.id).where(
    sa.or_(
        sa.and_(
            bank_entry.c.statement_pk == sa.bindparam("statement_pk"),
            bank_entry.c.entry_key == sa.bindparam("entry_key"),
        ),
        bank_entry.c.bank_ref == sa.bindparam("bank_ref"),
    )
)


def book_credit(
    conn: sa.Connection,
    config: CreditorConfig,
    case_id: int,
    entry_pk: int,
    amount_cents: int,
    booked_on: date,
    iban: str | None,
    now: datetime,
) -> PaymentOutcome:
    """Apply a credit to a case and record any overpayment for refund."""
    outcome = apply_payment(
        conn,
        config,
        case_id,
        amount_cents,
        booked_on,
        source_key=f"bank_entry:{entry_pk}",
        now=now,
    )
    if outcome.refund_cents > 0:
        record_refund(
            conn,
            config,
            case_id=case_id,
            bank_entry_id=entry_pk,
            amount_cents=outcome.refund_cents,
            iban=iban,
            reason=f"overpayment of bank entry {entry_pk}",
            on=booked_on,
            now=now,
        )
    return outcome
