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
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from kleinkasso import crashpoints
from kleinkasso.payments.apply import apply_payment
from kleinkasso.payments.bankfiles import BankEntry, Statement, read_bank_file
from kleinkasso.payments.matching import case_ref_candidates, pick, rf_candidates
from kleinkasso.policy.creditor_config import CreditorConfig
from kleinkasso.store.schema import bank_entry, bank_statement, case, creditor
from kleinkasso.store.upsert import insert_ignore

log = logging.getLogger(__name__)


@dataclass
class StatementReport:
    """What one statement import did."""

    source: str
    kind: str = ""
    statements: int = 0
    entries: int = 0
    already_imported: int = 0
    matched: int = 0
    matched_cents: int = 0
    unmatched: int = 0
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
) -> StatementReport:
    """Read a camt.052/053/054 or MT940 file and apply its credits."""
    bank_file = read_bank_file(data, filename=source, encoding=encoding)
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
        ordered = sorted(
            enumerate(statement.entries),
            key=lambda pair: (pair[1].booking_date, pair[0]),
        )
        for _, entry in ordered:
            report.entries += 1
            _import_entry(engine, configs, statement_pk, entry, report, now)
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
    account_key = (
        statement.account_iban or statement.account_identification or "unknown"
    )
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


def _find_case(conn: sa.Connection, entry: BankEntry) -> tuple[Any, str] | None:
    """Return the case row an entry pays and the rule that found it."""
    candidates = rf_candidates(entry.reference)
    if candidates:
        rows = conn.execute(
            sa.select(case).where(case.c.creditor_reference.in_(candidates))
        ).all()
        by_reference = {row.creditor_reference: row for row in rows}
        chosen = pick(candidates, by_reference)
        if chosen is not None:
            return by_reference[chosen], "creditor_reference"
    refs = case_ref_candidates(entry.reference)
    if refs:
        rows = conn.execute(sa.select(case).where(case.c.case_ref.in_(refs))).all()
        by_ref = {row.case_ref: row for row in rows}
        chosen = pick(refs, by_ref)
        if chosen is not None:
            return by_ref[chosen], "case_ref"
    return None


def _import_entry(
    engine: sa.Engine,
    configs: _Configs,
    statement_pk: int,
    entry: BankEntry,
    report: StatementReport,
    now: datetime,
) -> None:
    with engine.begin() as conn:
        exists = conn.execute(
            sa.select(bank_entry.c.id).where(
                bank_entry.c.statement_pk == statement_pk,
                bank_entry.c.entry_key == entry.entry_key,
            )
        ).first()
        if exists:
            report.already_imported += 1
            return
        status, rule, found = "ignored", None, None
        if entry.is_return:
            status = "return"
        elif entry.amount_cents > 0 and entry.currency == "EUR":
            match = _find_case(conn, entry)
            if match is None:
                status = "unmatched"
            else:
                found, rule = match
                status = "matched"
        entry_pk = conn.execute(
            bank_entry.insert()
            .values(
                statement_pk=statement_pk,
                entry_key=entry.entry_key,
                booking_date=entry.booking_date,
                amount_cents=entry.amount_cents,
                charges_cents=entry.charges_cents,
                currency=entry.currency,
                reference=entry.reference,
                return_reason=entry.return_reason,
                status=status,
                match_rule=rule,
                creditor_id=found.creditor_id if found is not None else None,
                case_id=found.id if found is not None else None,
            )
            .returning(bank_entry.c.id)
        ).scalar_one()
        if found is None:
            counter = {"return": "returns"}.get(status, status)
            setattr(report, counter, getattr(report, counter) + 1)
            if status == "unmatched":
                log.info("bank entry %s left for review: no case found", entry_pk)
            return
        outcome = apply_payment(
            conn,
            configs.by_id[found.creditor_id],
            found.id,
            entry.amount_cents,
            entry.booking_date,
            source_key=f"bank_entry:{entry_pk}",
            now=now,
        )
        crashpoints.reached("statement.uncommitted")
    report.matched += 1
    report.matched_cents += entry.amount_cents
    report.refund_cents += outcome.refund_cents
    report.paid_in_full += int(outcome.paid_in_full)
