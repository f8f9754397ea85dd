"""Data and end states for comparing queued daily runs with sequential ones.

Several creditors get copies of the example export, so each has a few
hundred debtors. Case numbers depend on the order in which chunks ran, so
two databases that did the same work can number the same debtor's case
differently. A statement that pays the cases of the first run is therefore
built from each database's own cases, and the end state names a case by
its creditor, customer and opening day instead of by its number.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import sqlalchemy as sa

from kleinkasso import creditors
from kleinkasso.api.events import CASE_OPENED, MESSAGE_SENT
from kleinkasso.comms.outbox import message_file
from kleinkasso.intake.erp_csv import iter_open_items_csv
from kleinkasso.intake.records import OpenItemRecord
from kleinkasso.intake.service import import_items
from kleinkasso.policy.creditor_config import load_creditor_config
from kleinkasso.store.api_tables import api_event
from kleinkasso.store.db import make_engine, migrate
from kleinkasso.store.schema import (
    bank_entry,
    case,
    case_balance,
    item,
    journal_entry,
    outbox,
    posting,
)
from tests.conftest import EXAMPLES

NOW = datetime(2026, 11, 13, 9, 0, tzinfo=UTC)
FIRST_RUN = date(2026, 11, 16)
SECOND_RUN = date(2026, 12, 4)
# Creditor id, case prefix and dunning channels of each creditor. Everything
# else is the example's configuration, so one statement of the collection
# account pays cases of all of them.
CREDITORS = (
    ("spielwiese", "SW", '["email", "letter"]'),
    ("zweitladen", "ZL", '["letter"]'),
    ("drittladen", "DL", '["email"]'),
)
# Cases the statement pays, so that its import stays short.
PAID_CASES = 80
COMMAND = [sys.executable, "-m", "kleinkasso"]


def kleinkasso(*args: object, timeout: float = 300) -> str:
    """Run the ``kleinkasso`` command; fail with its output unless it exits 0 or 1."""
    done = subprocess.run(
        [*COMMAND, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode not in (0, 1):
        raise AssertionError(
            f"kleinkasso {' '.join(map(str, args))} exited {done.returncode}:\n"
            f"{done.stderr}"
        )
    return done.stdout


def _example_records() -> list[OpenItemRecord]:
    config = load_creditor_config(
        (EXAMPLES / "creditor.toml").read_bytes(), source="creditor.toml"
    )
    with (EXAMPLES / "open-items.csv").open("rb") as stream:
        return [
            entry
            for entry in iter_open_items_csv(
                stream,
                source="open-items.csv",
                column_map=config.columns,
                encoding=config.csv_encoding,
            )
            if isinstance(entry, OpenItemRecord)
        ]


def copies(records: Sequence[OpenItemRecord], count: int) -> list[OpenItemRecord]:
    """Return ``count`` copies of the records with new item references.

    Copy k belongs to customer ``<customer>-<k // 2>``, so every debtor of
    the copies owes the items of two copies of the example.
    """
    return [
        replace(
            record,
            item_ref=f"{record.item_ref}-{k}",
            customer_ref=f"{record.customer_ref}-{k // 2}",
        )
        for k in range(count)
        for record in records
    ]


def load(url: str, copies_per_creditor: int) -> int:
    """Register the creditors and import their items; return the item count."""
    engine = make_engine(url)
    try:
        migrate(engine)
        text = (EXAMPLES / "creditor.toml").read_text(encoding="utf-8")
        records = copies(_example_records(), copies_per_creditor)
        for creditor_id, prefix, channels in CREDITORS:
            changed = text.replace('id = "spielwiese"', f'id = "{creditor_id}"', 1)
            changed = changed.replace(
                'case_prefix = "SW"', f'case_prefix = "{prefix}"', 1
            )
            changed = changed.replace(
                'channels = ["email", "letter"]', f"channels = {channels}", 1
            )
            config = load_creditor_config(changed.encode(), source=creditor_id)
            assert list(config.dunning.channels) == json.loads(channels)
            creditors.register(engine, config, NOW)
            import_items(
                engine, creditor_id, records, source="copies", origin="csv", now=NOW
            )
    finally:
        engine.dispose()
    return len(records) * len(CREDITORS)


def _make_statement_module() -> ModuleType:
    path = EXAMPLES / "make_statement.py"
    spec = importlib.util.spec_from_file_location("make_statement", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_statement(url: str, target: Path) -> Path:
    """Write a camt.053 statement for the first demands of ``url``'s cases.

    The first ``PAID_CASES`` cases in creditor and customer order are paid
    in the example statement's shapes (in full, in part, too much, not at
    all), so two databases with the same cases get the same payments under
    their own references.
    """
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(case.c.case_ref, case.c.creditor_reference, outbox.c.payload)
                .join(outbox, outbox.c.case_id == case.c.id)
                .where(outbox.c.kind == "first_demand")
                .order_by(case.c.creditor_id, case.c.customer_ref, outbox.c.channel)
            ).all()
    finally:
        engine.dispose()
    # The e-mail and the letter of a case carry the same demand.
    cases: dict[str, tuple[str, str, int, int]] = {}
    for ref, reference, payload in rows:
        cases.setdefault(
            ref,
            (
                ref,
                reference,
                payload["early"]["total_cents"],
                payload["regular"]["total_cents"],
            ),
        )
    target.write_text(
        _make_statement_module().build(list(cases.values())[:PAID_CASES]),
        encoding="utf-8",
    )
    return target


class _Names:
    """Replace case numbers and creditor references by creditor/customer/day."""

    def __init__(self, conn: sa.Connection) -> None:
        self.by_id: dict[int, str] = {}
        replacements: dict[str, str] = {}
        for row in conn.execute(sa.select(case)):
            key = f"{row.creditor_id}/{row.customer_ref}/{row.opened_on}"
            self.by_id[row.id] = key
            replacements[row.case_ref] = key
            replacements[row.creditor_reference] = key
        self.replacements = replacements
        ordered = sorted(replacements, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, ordered)) or "(?!)")

    def case(self, case_id: int | None) -> str | None:
        return None if case_id is None else self.by_id[case_id]

    def text(self, value: str | None) -> str | None:
        if value is None:
            return None
        return self.pattern.sub(lambda match: self.replacements[match[0]], value)

    def data(self, value: Any) -> str:
        return self.text(json.dumps(value, sort_keys=True, default=str)) or ""


def end_state(url: str, out: Path, *, check_files: bool = True) -> dict[str, Any]:
    """Return the database and output folder of ``url`` in comparable form.

    With ``check_files`` every file must also be byte for byte the rendering
    of one sent outbox row, which takes about 10 ms a file.
    """
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            names = _Names(conn)
            state = _tables(conn, names)
            if check_files:
                check_rendered(conn, out)
            state["files"] = sorted(
                re.sub(r"-\d+(?=\.\w+$)", "-N", names.text(str(path)) or "")
                for path in _written(out)
            )
    finally:
        engine.dispose()
    return state


def _sorted(rows: Iterable[Any], key: Callable[[Any], Any] = repr) -> list[Any]:
    return sorted(rows, key=key)


def _tables(conn: sa.Connection, names: _Names) -> dict[str, Any]:
    return {
        "items": _sorted(
            (
                r.creditor_id,
                r.item_ref,
                r.state,
                names.text(r.reason),
                names.case(r.case_id),
            )
            for r in conn.execute(sa.select(item))
        ),
        "cases": _sorted(
            (
                names.case(r.id),
                r.status,
                r.fee_rate,
                str(r.first_demand_on),
                r.fee_value_cents,
            )
            for r in conn.execute(sa.select(case))
        ),
        "balances": _sorted(
            (names.case(r.case_id), *r[2:])
            for r in conn.execute(sa.select(case_balance))
        ),
        "ledger": _ledger(conn, names),
        "outbox": _sorted(
            (
                names.case(r.case_id),
                r.kind,
                r.channel,
                r.status,
                str(r.created_on),
                names.text(r.message_id),
                names.data(r.payload),
            )
            for r in conn.execute(sa.select(outbox))
        ),
        "events": _sorted(
            (
                r.creditor_id,
                r.kind,
                names.text(r.case_ref),
                r.item_ref,
                names.data(r.data),
            )
            for r in conn.execute(sa.select(api_event))
        ),
        "bank_entries": _sorted(
            (r.entry_key, r.status, r.match_rule, names.case(r.case_id), r.amount_cents)
            for r in conn.execute(sa.select(bank_entry))
        ),
    }


def _ledger(conn: sa.Connection, names: _Names) -> list[Any]:
    rows = conn.execute(
        sa.select(
            journal_entry.c.kind,
            journal_entry.c.case_id,
            journal_entry.c.booked_on,
            posting.c.account,
            item.c.item_ref,
            sa.func.count().label("lines"),
            sa.func.sum(posting.c.amount_cents).label("total"),
        )
        .join(posting, posting.c.entry_id == journal_entry.c.id)
        .outerjoin(item, item.c.id == posting.c.item_id)
        .group_by(
            journal_entry.c.kind,
            journal_entry.c.case_id,
            journal_entry.c.booked_on,
            posting.c.account,
            item.c.item_ref,
        )
    )
    return _sorted(
        (
            r.kind,
            names.case(r.case_id),
            str(r.booked_on),
            r.account,
            r.item_ref,
            int(r.lines),
            int(r.total),
        )
        for r in rows
    )


def _written(out: Path) -> dict[Path, bytes]:
    return {
        path.relative_to(out): path.read_bytes()
        for path in out.rglob("*")
        if path.is_file()
    }


def check_rendered(conn: sa.Connection, out: Path) -> None:
    """Check that the files in ``out`` are the renderings of the sent rows.

    Each sent row has exactly one file with the bytes the relay renders for
    it, and there is no other file.
    """
    written = _written(out)
    expected: dict[Path, bytes] = {}
    for row in conn.execute(
        sa.select(outbox, case.c.case_ref)
        .join(case, case.c.id == outbox.c.case_id)
        .where(outbox.c.status == "sent")
    ):
        path, data = message_file(row, out)
        assert path.relative_to(out) not in expected, f"two rows write {path}"
        expected[path.relative_to(out)] = data
    assert sorted(written) == sorted(expected), "files differ from sent rows"
    for path, data in expected.items():
        assert written[path] == data, f"{path} differs from its row's rendering"


def doubled_effects(url: str) -> list[str]:
    """Describe effects that happened more than once; empty when none did."""
    engine = make_engine(url)
    problems: list[str] = []
    try:
        with engine.connect() as conn:
            sent = conn.execute(
                sa.select(sa.func.count()).where(outbox.c.status == "sent")
            ).scalar_one()
            sent_events = conn.execute(
                sa.select(sa.func.count()).where(api_event.c.kind == MESSAGE_SENT)
            ).scalar_one()
            if sent_events != sent:
                problems.append(f"{sent_events} message.sent events for {sent} rows")
            cases = conn.execute(
                sa.select(sa.func.count()).select_from(case)
            ).scalar_one()
            opened = conn.execute(
                sa.select(sa.func.count()).where(api_event.c.kind == CASE_OPENED)
            ).scalar_one()
            if opened != cases:
                problems.append(f"{opened} case.opened events for {cases} cases")
            handed = conn.execute(
                sa.select(posting.c.item_id, sa.func.count().label("times"))
                .join(journal_entry, journal_entry.c.id == posting.c.entry_id)
                .where(
                    journal_entry.c.kind == "handover", posting.c.item_id.is_not(None)
                )
                .group_by(posting.c.item_id)
                .having(sa.func.count() > 2)
            ).all()
            problems.extend(
                f"item {row.item_id} has {row.times} handover lines; expected 2"
                for row in handed
            )
    finally:
        engine.dispose()
    return problems
