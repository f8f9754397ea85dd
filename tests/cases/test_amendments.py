"""Importing an item again: unchanged, amended before and after handover."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kleinkasso import creditors
from kleinkasso.cases.position import case_position
from kleinkasso.cases.service import (
    RunReport,
    evaluate_items,
    open_cases,
    queue_updated_demands,
)
from kleinkasso.intake.records import Problem
from kleinkasso.intake.service import import_items
from kleinkasso.policy.creditor_config import CreditorConfig, load_creditor_config
from kleinkasso.store.check import check_invariants
from kleinkasso.store.db import make_engine, migrate
from kleinkasso.store.schema import case, item, item_event, outbox, party
from tests.conftest import EXAMPLES
from tests.payments.test_apply import RECORD

NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(db_url: str) -> Iterator[tuple[sa.Engine, CreditorConfig]]:
    engine = make_engine(db_url)
    migrate(engine)
    config = load_creditor_config((EXAMPLES / "creditor.toml").read_bytes(), source="c")
    creditors.register(engine, config, NOW)
    yield engine, config
    assert check_invariants(engine) == []
    engine.dispose()


def _run(engine: sa.Engine, config: CreditorConfig, on: date) -> RunReport:
    report = RunReport(config.id)
    evaluate_items(engine, config, on, NOW, report)
    open_cases(engine, config, on, NOW, report)
    return report


def _item(engine: sa.Engine, ref: str) -> sa.Row[object]:
    with engine.connect() as conn:
        return conn.execute(sa.select(item).where(item.c.item_ref == ref)).one()


def test_repeat_is_unchanged(store: tuple[sa.Engine, CreditorConfig]) -> None:
    engine, config = store
    first = import_items(engine, config.id, [RECORD], source="a", origin="csv", now=NOW)
    second = import_items(
        engine, config.id, [RECORD], source="b", origin="csv", now=NOW
    )
    assert (first.created, second.created, second.unchanged) == (1, 0, 1)
    with engine.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(item)).scalar_one() == 1
        )
        assert (
            conn.execute(
                sa.select(sa.func.count()).select_from(item_event)
            ).scalar_one()
            == 0
        )


def test_problems_are_reported_not_stored(
    store: tuple[sa.Engine, CreditorConfig],
) -> None:
    engine, config = store
    problem = Problem(3, "R9", "amount", "abc", "an amount in euros")
    report = import_items(
        engine, config.id, [RECORD, problem], source="x.csv", origin="csv", now=NOW
    )
    assert report.created == 1
    assert report.rejected == 1
    assert report.problems[0].startswith("x.csv row 3, field amount: 'abc'")


def test_amendment_before_handover(store: tuple[sa.Engine, CreditorConfig]) -> None:
    engine, config = store
    import_items(
        engine,
        config.id,
        [replace(RECORD, reminder_date=None)],
        source="a",
        origin="csv",
        now=NOW,
    )
    _run(engine, config, date(2026, 11, 16))
    assert _item(engine, "R1").state == "waiting"
    report = import_items(
        engine, config.id, [RECORD], source="b", origin="csv", now=NOW
    )
    assert report.amended == 1
    assert "amended" in _item(engine, "R1").reason
    _run(engine, config, date(2026, 11, 16))
    assert _item(engine, "R1").state == "handed_over"
    with engine.connect() as conn:
        changes = conn.execute(sa.select(item_event.c.changes)).scalar_one()
    assert changes == {"reminder_date": [None, "2026-10-12"]}


def test_amended_amount_reaches_case(store: tuple[sa.Engine, CreditorConfig]) -> None:
    engine, config = store
    import_items(engine, config.id, [RECORD], source="a", origin="csv", now=NOW)
    _run(engine, config, date(2026, 11, 16))
    import_items(
        engine,
        config.id,
        [replace(RECORD, amount_cents=299)],
        source="b",
        origin="csv",
        now=NOW,
    )
    with engine.connect() as conn:
        case_id = conn.execute(sa.select(case.c.id)).scalar_one()
        position = case_position(conn, case_id, date(2026, 11, 16), Decimal("0.9"))
    assert position.principal_cents == 299


def test_dispute_stops_collection(store: tuple[sa.Engine, CreditorConfig]) -> None:
    engine, config = store
    import_items(engine, config.id, [RECORD], source="a", origin="csv", now=NOW)
    # The demand is queued but not yet relayed; after a dispute it must not go out.
    _run(engine, config, date(2026, 11, 16))
    import_items(
        engine,
        config.id,
        [replace(RECORD, disputed=True)],
        source="b",
        origin="csv",
        now=NOW,
    )
    with engine.connect() as conn:
        assert conn.execute(sa.select(case.c.status)).scalar_one() == "disputed"
        statuses = set(conn.execute(sa.select(outbox.c.status)).scalars())
    assert statuses == {"cancelled"}


def test_returns_keep_known_address(store: tuple[sa.Engine, CreditorConfig]) -> None:
    engine, config = store
    import_items(engine, config.id, [RECORD], source="a", origin="csv", now=NOW)
    bank_return = replace(
        RECORD,
        item_ref="E2E-1",
        street=None,
        postal_code=None,
        city=None,
        email=None,
        return_reason="MS03",
        return_charges_cents=300,
    )
    import_items(
        engine,
        config.id,
        [bank_return],
        source="r",
        origin="returns",
        now=NOW,
        update_parties=False,
    )
    with engine.connect() as conn:
        stored = conn.execute(sa.select(party)).one()
    assert stored.street == "Hauptstraße 1"
    assert stored.email == "erika@example.org"


def test_amended_value_changes_fee(store: tuple[sa.Engine, CreditorConfig]) -> None:
    engine, config = store
    import_items(engine, config.id, [RECORD], source="a", origin="csv", now=NOW)
    _run(engine, config, date(2026, 11, 16))
    # 60.00 EUR is above the 50-EUR step: the § 13 table gives 51.50 EUR.
    import_items(
        engine,
        config.id,
        [replace(RECORD, amount_cents=6000)],
        source="b",
        origin="csv",
        now=NOW,
    )
    with engine.connect() as conn:
        case_id = conn.execute(sa.select(case.c.id)).scalar_one()
        position = case_position(conn, case_id, date(2026, 11, 16), Decimal("0.9"))
    assert position.principal_cents == 6000
    assert position.fee_cents == 2575
    assert position.expenses_cents == 515


def test_repeated_ref_in_one_input(store: tuple[sa.Engine, CreditorConfig]) -> None:
    engine, config = store
    first = replace(RECORD, row=2)
    repeat = replace(RECORD, amount_cents=199, row=5)
    report = import_items(
        engine, config.id, [first, repeat], source="r.xml", origin="returns", now=NOW
    )
    assert report.created == 1
    assert report.problems == [
        "r.xml row 5, field item_ref: 'R1' repeats the item of row 2; "
        "expected an item_ref used once per input"
    ]
    assert _item(engine, "R1").principal_cents == 499


def test_amended_case_gets_updated_demand(
    store: tuple[sa.Engine, CreditorConfig],
) -> None:
    engine, config = store
    import_items(engine, config.id, [RECORD], source="a", origin="csv", now=NOW)
    _run(engine, config, date(2026, 11, 16))
    later = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
    import_items(
        engine,
        config.id,
        [replace(RECORD, amount_cents=999)],
        source="b",
        origin="csv",
        now=later,
    )
    report = RunReport(config.id)
    run_at = datetime(2026, 11, 18, 6, 0, tzinfo=UTC)
    queue_updated_demands(engine, config, date(2026, 11, 18), run_at, report)
    again = RunReport(config.id)
    queue_updated_demands(engine, config, date(2026, 11, 18), run_at, again)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(outbox.c.kind, outbox.c.payload).where(
                outbox.c.kind == "updated_demand"
            )
        ).all()
    assert report.messages_queued == 2
    assert again.messages_queued == 0
    assert {row.payload["principal_cents"] for row in rows} == {999}
