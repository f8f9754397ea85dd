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
    RunReport,
    evaluate_items,
    exclusive_run,
    open_cases,
    queue_updated_demands,
    raise_fees,
)
from kleinkasso.comms.outbox import RelayReport, relay
from kleinkasso.store.schema import creditor

log = logging.getLogger(__name__)


@dataclass
class DailyResult:
    """Reports of one daily run, per creditor and for the relay."""

    as_of: date
    out_dir: Path
    creditors: list[RunReport] = field(default_factory=list)
    relay: RelayReport = field(default_factory=RelayReport)


def daily_run(
    engine: sa.Engine,
    as_of: date,
    out_dir: Path,
    now: datetime,
    *,
    creditor_id: str | None = None,
) -> DailyResult:
    """Run the main job's daily steps for one creditor or all of them."""
    with exclusive_run(engine):
        return _daily_run(engine, as_of, out_dir, now, creditor_id=creditor_id)


def _daily_run(
    engine: sa.Engine,
    as_of: date,
    out_dir: Path,
    now: datetime,
    *,
    creditor_id: str | None = None,
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
        log.info("daily run %s for creditor %s started", as_of, config.id)
        report = RunReport(creditor_id=config.id)
        evaluate_items(engine, config, as_of, now, report)
        open_cases(engine, config, as_of, now, report)
        queue_updated_demands(engine, config, as_of, now, report)
        raise_fees(engine, config, as_of, now, report)
        result.creditors.append(report)
        log.info(
            "daily run %s for creditor %s finished: %d cases opened, %d extended, "
            "%d messages queued",
            as_of,
            config.id,
            report.cases_opened,
            report.cases_extended,
            report.messages_queued,
        )
    result.relay = relay(engine, out_dir, now, creditor_id=creditor_id)
    return result
