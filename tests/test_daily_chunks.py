"""The daily run split by debtor range does what the whole run does."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from kleinkasso.cases.service import CustomerRange
from kleinkasso.daily import daily_run, plan_chunks, run_chunk
from kleinkasso.store.schema import party
from tests.cases.test_opening import _state, _store

NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
OPENED = date(2026, 11, 16)


def test_chunks_cover_every_debtor_once(tmp_path: Path) -> None:
    engine, config = _store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    chunks = plan_chunks(engine, config.id, size=7)
    with engine.connect() as conn:
        debtors = (
            conn.execute(sa.select(party.c.customer_ref).order_by(party.c.customer_ref))
            .scalars()
            .all()
        )
    assert chunks[0].after is None
    assert chunks[-1].upto is None
    assert len(chunks) == -(-len(debtors) // 7)
    for ref in debtors:
        assert sum(_inside(chunk, ref) for chunk in chunks) == 1, ref
    # A debtor imported after the split still falls into exactly one range.
    assert sum(_inside(chunk, "ZZZ-new") for chunk in chunks) == 1
    assert plan_chunks(engine, "nobody") == [CustomerRange()]
    with pytest.raises(ValueError, match="at least 1"):
        plan_chunks(engine, config.id, size=0)
    engine.dispose()


def _inside(chunk: CustomerRange, ref: str) -> bool:
    return (chunk.after is None or ref > chunk.after) and (
        chunk.upto is None or ref <= chunk.upto
    )


def test_chunked_run_equals_whole_run(tmp_path: Path, db_url: str) -> None:
    whole, config = _store(f"sqlite:///{tmp_path / 'whole.sqlite'}", evaluate=False)
    daily_run(whole, OPENED, tmp_path / "out", NOW, relay_outbox=False)
    parts, _ = _store(db_url, evaluate=False)
    # Backwards, to show the order of the ranges does not matter but for
    # the case numbers, which follow the order of opening.
    for chunk in reversed(plan_chunks(parts, config.id, size=9)):
        run_chunk(parts, config.id, OPENED, NOW, chunk)
    expected, got = _state(whole), _state(parts)
    # Items compare by state; their reason names the case number.
    assert sorted(row[0:1] + row[2:3] for row in got["items"]) == sorted(
        row[0:1] + row[2:3] for row in expected["items"]
    )
    assert _by_debtor(got) == _by_debtor(expected)
    assert len(got["messages"]) == len(expected["messages"]) > 100
    whole.dispose()
    parts.dispose()


def _by_debtor(state: dict[str, list[tuple[object, ...]]]) -> list[tuple[object, ...]]:
    """Case figures without the case number, which depends on the order."""
    return sorted(row[1:2] + row[3:] for row in state["cases"])
