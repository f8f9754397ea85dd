"""Opening cases in bulk gives what bundling each debtor on its own gives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kleinkasso import creditors
from kleinkasso.cases import service
from kleinkasso.cases.service import (
    CustomerRange,
    RunReport,
    evaluate_items,
    open_cases,
    raise_fees,
)
from kleinkasso.intake.erp_csv import parse_open_items_csv
from kleinkasso.intake.service import import_items
from kleinkasso.policy.creditor_config import CreditorConfig, load_creditor_config
from kleinkasso.store.check import check_invariants
from kleinkasso.store.db import make_engine, migrate
from kleinkasso.store.schema import (
    case,
    case_balance,
    item,
    journal_entry,
    outbox,
    party,
    posting,
)
from tests.conftest import EXAMPLES

NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
OPENED = date(2026, 11, 16)


def _store(url: str, *, evaluate: bool = True) -> tuple[sa.Engine, CreditorConfig]:
    engine = make_engine(url)
    migrate(engine)
    config = load_creditor_config((EXAMPLES / "creditor.toml").read_bytes(), source="c")
    creditors.register(engine, config, NOW)
    parsed = parse_open_items_csv(
        (EXAMPLES / "open-items.csv").read_bytes(),
        source="open-items.csv",
        column_map=config.columns,
        encoding=config.csv_encoding,
    )
    import_items(engine, config.id, parsed.records, source="csv", origin="csv", now=NOW)
    if evaluate:
        evaluate_items(engine, config, OPENED, NOW, RunReport(config.id))
    return engine, config


@pytest.fixture
def bulk(db_url: str) -> Iterator[tuple[sa.Engine, CreditorConfig]]:
    engine, config = _store(db_url)
    yield engine, config
    assert check_invariants(engine) == []
    engine.dispose()


@pytest.fixture
def single(tmp_path: Path) -> Iterator[tuple[sa.Engine, CreditorConfig]]:
    engine, config = _store(f"sqlite:///{tmp_path / 'single.db'}")
    yield engine, config
    assert check_invariants(engine) == []
    engine.dispose()


def _one_by_one(engine: sa.Engine, config: CreditorConfig) -> RunReport:
    """Bundle every debtor through the per-debtor path, in customer order."""
    report = RunReport(config.id)
    with engine.connect() as conn:
        debtors = (
            conn.execute(
                sa.select(item.c.customer_ref)
                .where(item.c.state == "handed_over", item.c.case_id.is_(None))
                .group_by(item.c.customer_ref)
                .order_by(item.c.customer_ref)
            )
            .scalars()
            .all()
        )
    for customer_ref in debtors:
        with engine.begin() as conn:
            service._bundle_or_hold(conn, config, customer_ref, OPENED, NOW, report)
    return report


def _state(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        refs = {row.id: row.case_ref for row in conn.execute(sa.select(case))}
        items = {row.id: row.item_ref for row in conn.execute(sa.select(item))}
        return {
            "cases": sorted(
                (
                    row.case_ref,
                    row.customer_ref,
                    row.creditor_reference,
                    row.fee_rate,
                    row.fee_value_cents,
                    row.principal_cents,
                    row.costs_cents,
                    row.fee_cents,
                    row.expenses_cents,
                    row.vat_cents,
                )
                for row in conn.execute(
                    sa.select(case, case_balance).join(
                        case_balance, case_balance.c.case_id == case.c.id
                    )
                )
            ),
            "items": sorted(
                (row.item_ref, refs.get(row.case_id), row.state, row.reason)
                for row in conn.execute(sa.select(item))
            ),
            "postings": sorted(
                (
                    refs[row.case_id],
                    row.kind,
                    row.rule,
                    row.table_version or "",
                    str(row.explanation),
                    row.account,
                    items.get(row.item_id, ""),
                    row.amount_cents,
                )
                for row in conn.execute(
                    sa.select(journal_entry, posting.c.account, posting.c.item_id)
                    .add_columns(posting.c.amount_cents)
                    .join(posting, posting.c.entry_id == journal_entry.c.id)
                )
            ),
            "messages": sorted(
                (
                    refs[row.case_id],
                    row.kind,
                    row.channel,
                    row.message_id,
                    str(sorted(row.payload.items())),
                )
                for row in conn.execute(sa.select(outbox))
            ),
        }


def test_bulk_equals_one_by_one(
    bulk: tuple[sa.Engine, CreditorConfig], single: tuple[sa.Engine, CreditorConfig]
) -> None:
    bulk_report = RunReport(bulk[1].id)
    open_cases(*bulk, OPENED, NOW, bulk_report)
    single_report = _one_by_one(*single)
    assert bulk_report.cases_opened == single_report.cases_opened > 50
    assert bulk_report.messages_queued == single_report.messages_queued
    expected = _state(single[0])
    got = _state(bulk[0])
    for key in expected:
        assert got[key] == expected[key], key


def test_chunks_and_ranges_open_every_case_once(
    bulk: tuple[sa.Engine, CreditorConfig], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, config = bulk
    monkeypatch.setattr(service, "CASE_CHUNK", 7)
    with engine.connect() as conn:
        debtors = (
            conn.execute(sa.select(party.c.customer_ref).order_by(party.c.customer_ref))
            .scalars()
            .all()
        )
    middle = debtors[len(debtors) // 2]
    report = RunReport(config.id)
    for part in (CustomerRange(upto=middle), CustomerRange(after=middle)):
        open_cases(engine, config, OPENED, NOW, report, part)
    open_cases(engine, config, OPENED, NOW, report)
    with engine.connect() as conn:
        opened = conn.execute(
            sa.select(case.c.customer_ref, sa.func.count()).group_by(
                case.c.customer_ref
            )
        ).all()
        unbundled = conn.execute(
            sa.select(sa.func.count())
            .select_from(item)
            .where(item.c.state == "handed_over", item.c.case_id.is_(None))
        ).scalar_one()
    assert report.cases_opened == len(opened) > 50
    assert all(count == 1 for _, count in opened)
    assert unbundled == 0


def test_changed_debtor_bundled_alone(
    bulk: tuple[sa.Engine, CreditorConfig],
) -> None:
    engine, config = bulk
    with engine.connect() as conn:
        customers = (
            conn.execute(
                sa.select(item.c.customer_ref)
                .where(item.c.state == "handed_over")
                .group_by(item.c.customer_ref)
                .order_by(item.c.customer_ref)
            )
            .scalars()
            .all()
        )
        plan = service._plan_chunk(conn, config, customers[0], customers[-1], OPENED)
    changed = customers[3]
    with engine.begin() as conn:
        conn.execute(
            item.update()
            .where(item.c.customer_ref == changed, item.c.case_id.is_(None))
            .values(principal_cents=item.c.principal_cents + 100, content_sha256="x")
        )
    report = RunReport(config.id)
    with engine.begin() as conn:
        service._write_chunk(conn, config, plan, OPENED, NOW, report)
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(case.c.fee_value_cents).where(case.c.customer_ref == changed)
        ).one()
        principal = conn.execute(
            sa.select(sa.func.sum(item.c.principal_cents)).where(
                item.c.customer_ref == changed, item.c.state == "handed_over"
            )
        ).scalar_one()
    # The case was built from the changed amounts, not from the plan.
    assert row.fee_value_cents == principal
    assert report.cases_opened == len(customers)


def test_bulk_fee_raise_equals_book_fee(
    bulk: tuple[sa.Engine, CreditorConfig], single: tuple[sa.Engine, CreditorConfig]
) -> None:
    later = date(2026, 12, 4)
    regular = Decimal(bulk[1].dunning.regular_fee_rate)
    for engine, config in (bulk, single):
        open_cases(engine, config, OPENED, NOW, RunReport(config.id))
    report = RunReport(bulk[1].id)
    raise_fees(*bulk, later, NOW, report)
    engine, config = single
    with engine.connect() as conn:
        ids = conn.execute(sa.select(case.c.id).order_by(case.c.id)).scalars().all()
    for case_id in ids:
        with engine.begin() as conn:
            row = conn.execute(sa.select(case).where(case.c.id == case_id)).one()
            service.book_fee(conn, config.id, row, regular, later, NOW)
    assert report.fees_raised == len(ids) > 50
    expected = _state(single[0])
    got = _state(bulk[0])
    for key in expected:
        assert got[key] == expected[key], key
