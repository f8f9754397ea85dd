"""Generate examples/statement-camt053.xml, the demo's bank statement.

The statement pays cases that the demo's first run opens, so the script runs
the same steps as ``make demo`` (creditor, open items, returns, run on
2026-11-16) in a temporary SQLite database, reads the case references and
amounts from the queued demands, and writes a camt.053.001.08 statement
with: full payments of the early amount (the reference in the shapes banks
produce: exact, lower-case, with spaces, split over two lines), partial
payments, one payment too much, one payment naming only the case number,
credits that match nothing, and a bank fee debit.

Run from the repository root:  .venv/bin/python examples/make_statement.py
"""

from __future__ import annotations

import random
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import sqlalchemy as sa

from kleinkasso import creditors
from kleinkasso.daily import daily_run
from kleinkasso.intake.erp_csv import iter_open_items_csv
from kleinkasso.intake.returns import returns_to_records
from kleinkasso.intake.service import import_items
from kleinkasso.payments.bankfiles import read_bank_file
from kleinkasso.policy.creditor_config import load_creditor_config
from kleinkasso.store.db import make_engine, migrate
from kleinkasso.store.schema import case, outbox

EXAMPLES = Path(__file__).resolve().parent
RUN_DATE = date(2026, 11, 16)
NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)
ACCOUNT_IBAN = "DE89370400440532013000"


def demand_amounts(workdir: Path) -> list[tuple[str, str, int, int]]:
    """Return (case_ref, creditor_reference, early total, regular total) per case."""
    engine = make_engine(f"sqlite:///{workdir / 'statement.db'}")
    migrate(engine)
    config = load_creditor_config(
        (EXAMPLES / "creditor.toml").read_bytes(), source="creditor.toml"
    )
    creditors.register(engine, config, NOW)
    with (EXAMPLES / "open-items.csv").open("rb") as stream:
        entries = iter_open_items_csv(
            stream,
            source="open-items.csv",
            column_map=config.columns,
            encoding=config.csv_encoding,
        )
        import_items(engine, config.id, entries, source="csv", origin="csv", now=NOW)
    returns = read_bank_file(
        (EXAMPLES / "returns-camt054.xml").read_bytes(), filename="returns"
    )
    import_items(
        engine,
        config.id,
        returns_to_records(returns),
        source="returns",
        origin="returns",
        now=NOW,
        update_parties=False,
    )
    daily_run(engine, RUN_DATE, workdir / "out", NOW)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(case.c.case_ref, case.c.creditor_reference, outbox.c.payload)
            .join(outbox, outbox.c.case_id == case.c.id)
            .where(outbox.c.kind == "first_demand")
            .order_by(case.c.case_no, outbox.c.id)
        ).all()
    seen: dict[str, tuple[str, str, int, int]] = {}
    for ref, rf, payload in rows:
        seen.setdefault(
            ref,
            (
                ref,
                rf,
                payload["early"]["total_cents"],
                payload["regular"]["total_cents"],
            ),
        )
    return list(seen.values())


def spaced(reference: str) -> str:
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))


def amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def entry_xml(
    number: int, cents: int, booked: date, lines: list[str], name: str
) -> str:
    """Return one credit entry with unstructured remittance lines."""
    remittance = "".join(f"<Ustrd>{escape(line)}</Ustrd>" for line in lines)
    return f"""
      <Ntry>
        <NtryRef>{number}</NtryRef>
        <Amt Ccy="EUR">{amount(abs(cents))}</Amt>
        <CdtDbtInd>{"CRDT" if cents > 0 else "DBIT"}</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{booked.isoformat()}</Dt></BookgDt>
        <ValDt><Dt>{booked.isoformat()}</Dt></ValDt>
        <AcctSvcrRef>2026113000{number:04d}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{"RCDT" if cents > 0 else "CCRD"}</Cd>
          <SubFmlyCd>{"ESCT" if cents > 0 else "CHRG"}</SubFmlyCd>
        </Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><AcctSvcrRef>2026113000{number:04d}</AcctSvcrRef></Refs>
          <Amt Ccy="EUR">{amount(abs(cents))}</Amt>
          <CdtDbtInd>{"CRDT" if cents > 0 else "DBIT"}</CdtDbtInd>
          <RltdPties><Dbtr><Pty><Nm>{escape(name)}</Nm></Pty></Dbtr></RltdPties>
          <RmtInf>{remittance}</RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>"""


def build(cases: list[tuple[str, str, int, int]]) -> str:
    rng = random.Random(20261130)
    entries: list[str] = []
    total = 0
    number = 0

    def add(cents: int, booked: date, lines: list[str], name: str = "Kunde") -> None:
        nonlocal total, number
        number += 1
        total += cents
        entries.append(entry_xml(number, cents, booked, lines, name))

    for index, (ref, rf, early, _regular) in enumerate(cases):
        booked = RUN_DATE + timedelta(days=2 + index % 10)
        shape = index % 12
        if shape in (0, 4, 8):
            add(early, booked, [rf])
        elif shape == 1:
            add(early, booked, [f"Zahlung {rf.lower()} danke"])
        elif shape == 2:
            add(early, booked, [f"Ref {spaced(rf)}"])
        elif shape == 3:
            add(early, booked, [f"Rechnung {rf[:9]}", f"{rf[9:]} Gruss"])
        elif shape == 5:
            add(early // 2, booked, [rf])
        elif shape == 6 and index < 20:
            add(early + 500, booked, [rf])
        elif shape == 7:
            add(early, booked, [f"Fall {ref} bezahlt"])
        elif shape == 9:
            add(1000 if early > 1000 else early - 1, booked, [spaced(rf)])
        # Shapes 10 and 11 (and 6 after the first one) stay unpaid.
    add(799, date(2026, 11, 20), ["Gutschrift Kundennummer unbekannt"], "Max Unbekannt")
    add(1999, date(2026, 11, 24), ["RF00 FALSCHE REFERENZ"], "Erika Irrtum")
    add(-1250, date(2026, 11, 30), ["Kontofuehrungsgebuehr November"], "Bank")
    opening = rng.randrange(100_000, 500_000)
    closing = opening + total
    body = "".join(entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr>
      <MsgId>KLEINKASSO-DEMO-2026-11</MsgId>
      <CreDtTm>2026-11-30T22:00:00</CreDtTm>
    </GrpHdr>
    <Stmt>
      <Id>2026-11-30-001</Id>
      <ElctrncSeqNb>211</ElctrncSeqNb>
      <CreDtTm>2026-11-30T22:00:00</CreDtTm>
      <Acct><Id><IBAN>{ACCOUNT_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">{amount(opening)}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2026-11-16</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">{amount(closing)}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2026-11-30</Dt></Dt></Bal>{body}
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        cases = demand_amounts(Path(folder))
    target = EXAMPLES / "statement-camt053.xml"
    target.write_text(build(cases), encoding="utf-8")
    print(f"{target}: {len(cases)} cases considered")


if __name__ == "__main__":
    main()
