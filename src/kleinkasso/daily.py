"""The daily run: every step of the main job that depends on the date.

For each creditor the run evaluates waiting items against the handover
rules, bundles handed-over items into cases, queues their demands and raises
the fee of cases whose early window closed. Then it delivers the outbox.
Each step commits in chunks and only picks up work that is still to do, so a
killed run is simply started again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa

from kleinkasso import creditors
from kleinkasso.cases.service import (
    ALL_CUSTOMERS,
    CustomerRange,
    RunReport,
    evaluate_items,
    exclusive_run,
    open_cases,
    queue_updated_demands,
    raise_fees,
)
from kleinkasso.comms.outbox import RelayReport, relay
from kleinkasso.policy.creditor_config import CreditorConfig
from kleinkasso.store.schema import creditor, party

log = logging.getLogger(__name__)


@dataclass
class DailyResult:
    """Reports of one daily run, per creditor and for the relay."""

    as_of: date
    out_dir: Path
    creditors: list[RunReport] = field(default_factory=list)
    relay: RelayReport = field(default_factory=RelayReport)
    relayed: bool = False


def daily_run(
    engine: sa.Engine,
    as_of: date,
    out_dir: Path,
    now: datetime,
    *,
    creditor_id: str | None = None,
    relay_outbox: bool = True,
) -> DailyResult:
    """Run the main job's daily steps for one creditor or all of them.

    Without ``relay_outbox`` the demands stay pending in the outbox for a
    later relay (a worker, say) to write.
    """
    with exclusive_run(engine):
        return _daily_run(
            engine,
            as_of,
            out_dir,
            now,
            creditor_id=creditor_id,
            relay_outbox=relay_outbox,
        )


def _daily_run(
    engine: sa.Engine,
    as_of: date,
    out_dir: Path,
    now: datetime,
    *,
    creditor_id: str | None = None,
    relay_outbox: bool = True,
) -> DailyResult:
    result = DailyResult(as_of=as_of, out_dir=out_dir)
    with engine.connect() as conn:
        if creditor_id is not None:
            configs = [creditors.load(conn, creditor_id)]
        else:
            ids = conn.execute(
                sa.select(creditor.c.id).order_by(creditor.c.id)
            ).scalars()
            configs = [creditors.load(conn, each) for each in ids]
    for config in configs:
        result.creditors.append(_run_steps(engine, config, as_of, now, ALL_CUSTOMERS))
    if relay_outbox:
        result.relay = relay(engine, out_dir, now, creditor_id=creditor_id)
        result.relayed = True
    return result


def _run_steps(
    engine: sa.Engine,
    config: CreditorConfig,
    as_of: date,
    now: datetime,
    customers: CustomerRange,
) -> RunReport:
    log.info(
        "daily run %s for creditor %s (customers %s to %s) started",
        as_of,
        config.id,
        customers.after,
        customers.upto,
    )
    report = RunReport(creditor_id=config.id)
    evaluate_items(engine, config, as_of, now, report, customers)
    open_cases(engine, config, as_of, now, report, customers)
    queue_updated_demands(engine, config, as_of, now, report, customers)
    raise_fees(engine, config, as_of, now, report, customers)
    log.info(
        "daily run %s for creditor %s (customers %s to %s) finished: %d cases "
        "opened, %d extended, %d messages queued",
        as_of,
        config.id,
        customers.after,
        customers.upto,
        report.cases_opened,
        report.cases_extended,
        report.messages_queued,
    )
    return report


def plan_chunks(
    engine: sa.Engine, creditor_id: str, size: int = 5000
) -> list[CustomerRange]:
    """Split the creditor's debtors into ranges of about ``size`` debtors.

    The ranges are disjoint and together cover every customer reference,
    including ones imported after the split, so running :func:`run_chunk`
    on each of them does the creditor's whole daily work.
    """
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, got {size}")
    with engine.connect() as conn:
        refs = (
            conn.execute(
                sa.select(party.c.customer_ref)
                .where(party.c.creditor_id == creditor_id)
                .order_by(party.c.customer_ref)
            )
            .scalars()
            .all()
        )
    bounds = refs[size - 1 : -1 : size] if len(refs) > size else []
    lowers: list[str | None] = [None, *bounds]
    uppers: list[str | None] = [*bounds, None]
    return [
        CustomerRange(after=low, upto=high)
        for low, high in zip(lowers, uppers, strict=True)
    ]


def run_chunk(
    engine: sa.Engine,
    creditor_id: str,
    as_of: date,
    now: datetime,
    customers: CustomerRange,
) -> RunReport:
    """Do the creditor's daily work for the debtors in ``customers``.

    The outbox is not delivered. Chunks of disjoint ranges may run at the
    same time in different processes, but not beside a whole daily run.
    Each chunk is safe to kill and run again.
    """
    with engine.connect() as conn:
        config = creditors.load(conn, creditor_id)
    with exclusive_run(engine, shared=True):
        return _run_steps(engine, config, as_of, now, customers)
