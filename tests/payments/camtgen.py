"""Write camt.053.001.08 statements for tests, one entry per dictionary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

ACCOUNT = "DE89370400440532013000"


@dataclass(frozen=True)
class Line:
    """One booked entry of a generated statement."""

    cents: int
    booked: date
    reference: str = ""
    name: str | None = None
    iban: str | None = None
    end_to_end_id: str | None = None
    reversal: bool = False
    structured: bool = False


def _amount(cents: int) -> str:
    whole, rest = divmod(abs(cents), 100)
    return f"{whole}.{rest:02d}"


def _entry(number: int, line: Line) -> str:
    indicator = "CRDT" if line.cents > 0 else "DBIT"
    parties = ""
    if line.name or line.iban:
        name = f"<Pty><Nm>{escape(line.name)}</Nm></Pty>" if line.name else ""
        account = f"<DbtrAcct><Id><IBAN>{line.iban}</IBAN></Id></DbtrAcct>"
        parties = (
            f"<RltdPties><Dbtr>{name}</Dbtr>{account if line.iban else ''}</RltdPties>"
        )
    remittance = ""
    if line.reference and line.structured:
        remittance = (
            "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>"
            f"</Tp><Ref>{escape(line.reference)}</Ref></CdtrRefInf></Strd></RmtInf>"
        )
    elif line.reference:
        remittance = (
            "<RmtInf>"
            + "".join(
                f"<Ustrd>{escape(part)}</Ustrd>" for part in line.reference.split("\n")
            )
            + "</RmtInf>"
        )
    e2e = f"<EndToEndId>{line.end_to_end_id}</EndToEndId>" if line.end_to_end_id else ""
    reversal = "<RvslInd>true</RvslInd>" if line.reversal else ""
    return f"""
      <Ntry>
        <NtryRef>{number}</NtryRef>
        <Amt Ccy="EUR">{_amount(line.cents)}</Amt>
        <CdtDbtInd>{indicator}</CdtDbtInd>{reversal}
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{line.booked.isoformat()}</Dt></BookgDt>
        <AcctSvcrRef>GEN{number:08d}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd>
          <SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><AcctSvcrRef>GEN{number:08d}</AcctSvcrRef>{e2e}</Refs>
          <Amt Ccy="EUR">{_amount(line.cents)}</Amt>
          <CdtDbtInd>{indicator}</CdtDbtInd>
          {parties}{remittance}
        </TxDtls></NtryDtls>
      </Ntry>"""


def camt053(statement_id: str, lines: list[Line]) -> bytes:
    """Return a camt.053.001.08 statement without balances."""
    entries = "".join(_entry(number, line) for number, line in enumerate(lines, 1))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>{statement_id}</MsgId><CreDtTm>2026-12-01T00:00:00</CreDtTm>
    </GrpHdr>
    <Stmt>
      <Id>{statement_id}</Id>
      <CreDtTm>2026-12-01T00:00:00</CreDtTm>
      <Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>EUR</Ccy></Acct>{entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>
""".encode()
