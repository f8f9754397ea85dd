"""Render queued demands from the database on one CPU, as the outbox relay does.

``bench/run.py`` runs this as a child process::

    python bench/_render.py --db URL [--count 1000] [--cpu 0]

It pins itself to ``--cpu``, loads the first ``--count`` demand rows of the
outbox, then reads each payload with ``document_from_json`` and renders it
with ``render_letter_pdf`` or ``render_email`` by its channel. Nothing is
written to disk. It prints one JSON object: letters and e-mails rendered,
seconds spent on each (wall and CPU), bytes produced and the seconds the
rows took to load.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import sqlalchemy as sa

from kleinkasso.cases.demand import document_from_json
from kleinkasso.comms.email import render_email
from kleinkasso.comms.letter import render_letter_pdf
from kleinkasso.store.db import make_engine
from kleinkasso.store.schema import outbox

DEMAND_KINDS = ("first_demand", "updated_demand")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database URL")
    parser.add_argument("--count", type=int, default=1000, help="rows to render")
    parser.add_argument("--cpu", type=int, default=0, help="CPU to pin the process to")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})

    started = time.perf_counter()
    engine = make_engine(args.db)
    with engine.connect() as conn:
        pending = conn.execute(
            sa.select(sa.func.count())
            .select_from(outbox)
            .where(outbox.c.kind.in_(DEMAND_KINDS), outbox.c.status == "pending")
        ).scalar_one()
        query = (
            sa.select(outbox.c.channel, outbox.c.message_id, outbox.c.payload)
            .where(outbox.c.kind.in_(DEMAND_KINDS))
            .order_by(outbox.c.id)
            .limit(args.count)
        )
        # A daily run that also delivered leaves no row pending; its sent
        # rows carry the same payloads.
        if pending:
            query = query.where(outbox.c.status == "pending")
        rows = conn.execute(query).all()
    engine.dispose()
    load_seconds = time.perf_counter() - started

    totals = {
        channel: {"count": 0, "seconds": 0.0, "cpu_seconds": 0.0, "bytes": 0}
        for channel in ("letter", "email")
    }
    for channel, message_id, payload in rows:
        wall, cpu = time.perf_counter(), time.process_time()
        document = document_from_json(payload)
        if channel == "letter":
            data = render_letter_pdf(document)
        else:
            data = render_email(
                document, message_id=message_id, sender=document.collector_email
            )
        total = totals[channel]
        total["seconds"] += time.perf_counter() - wall
        total["cpu_seconds"] += time.process_time() - cpu
        total["count"] += 1
        total["bytes"] += len(data)
    print(
        json.dumps(
            {
                "rows": len(rows),
                "pending": pending,
                "load_seconds": load_seconds,
                "letters": totals["letter"],
                "emails": totals["email"],
            }
        )
    )


if __name__ == "__main__":
    main()
