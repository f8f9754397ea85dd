"""Write camt.054 returns and camt.053 statements entry by entry.

A camt file states its totals before its entries, so the writers keep the
entries in a temporary file beside the target and copy them behind the
header once the totals are known. Memory stays the same for any number of
entries.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import IO, Self
from xml.sax.saxutils import escape

CAMT054 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"
CAMT053 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
# The test creditor identifier published for SEPA test files.
SEPA_TEST_CREDITOR_ID = "DE98ZZZ09999999999"


def euros(cents: int) -> str:
    """Return ``cents`` as a camt amount such as ``4.99``."""
    return f"{cents // 100}.{cents % 100:02d}"


@dataclass(frozen=True)
class ReturnedDebit:
    """One returned SEPA core direct debit as a bank books it."""

    end_to_end_id: str
    mandate_id: str
    debtor_name: str
    debtor_iban: str
    original_cents: int
    charge_cents: int
    reason: str
    booked_on: date
    collected_on: date
    subject: str


@dataclass(frozen=True)
class Credit:
    """One booked entry of a statement; a negative amount is a debit."""

    cents: int
    booked_on: date
    remittance: tuple[str, ...]
    debtor_name: str


class _SpooledWriter:
    """Collect entries in a temporary file and write header, entries, footer.

    Use as a context manager. Leaving the block without an error writes the
    target file; an error leaves the target untouched.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self.sum_cents = 0
        self.net_cents = 0
        self._spool: IO[str] | None = None

    def __enter__(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._spool = tempfile.TemporaryFile(
            "w+", encoding="utf-8", dir=self.path.parent, prefix=".entries-"
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        spool = self._spool
        assert spool is not None
        try:
            if exc_type is None:
                with self.path.open("w", encoding="utf-8") as out:
                    out.write(self._header())
                    spool.seek(0)
                    shutil.copyfileobj(spool, out)
                    out.write(self._footer())
        finally:
            spool.close()
            self._spool = None

    def _write(self, text: str) -> None:
        if self._spool is None:
            raise RuntimeError(f"{type(self).__name__} is used outside a with block")
        self._spool.write(text)

    def _header(self) -> str:
        raise NotImplementedError

    def _footer(self) -> str:
        raise NotImplementedError


class ReturnsWriter(_SpooledWriter):
    """Write a camt.054.001.08 debit notification of returned direct debits."""

    def __init__(
        self, path: Path, *, account_iban: str, owner: str, created: str
    ) -> None:
        super().__init__(path)
        self.account_iban = account_iban
        self.owner = owner
        self.created = created

    def add(self, debit: ReturnedDebit) -> None:
        """Append one return, booked as the original amount plus the charge."""
        booked = debit.original_cents + debit.charge_cents
        remittance = escape(f"{debit.end_to_end_id} {debit.subject}")
        self.count += 1
        self.sum_cents += booked
        number = self.count
        self._write(
            f"""
      <Ntry>
        <NtryRef>{number:06d}</NtryRef>
        <Amt Ccy="EUR">{euros(booked)}</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{debit.booked_on.isoformat()}</Dt></BookgDt>
        <ValDt><Dt>{debit.booked_on.isoformat()}</Dt></ValDt>
        <AcctSvcrRef>RTN{debit.booked_on:%Y%m%d}{number:08d}</AcctSvcrRef>
        <BkTxCd>
          <Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd><SubFmlyCd>UPDD</SubFmlyCd></Fmly></Domn>
          <Prtry><Cd>NDDT+109</Cd><Issr>DK</Issr></Prtry>
        </BkTxCd>
        <NtryDtls><TxDtls>
          <Refs>
            <PmtInfId>LS-{debit.collected_on:%Y%m%d}-01</PmtInfId>
            <EndToEndId>{escape(debit.end_to_end_id)}</EndToEndId>
            <MndtId>{escape(debit.mandate_id)}</MndtId>
          </Refs>
          <Amt Ccy="EUR">{euros(booked)}</Amt>
          <CdtDbtInd>DBIT</CdtDbtInd>
          <AmtDtls>
            <InstdAmt><Amt Ccy="EUR">{euros(debit.original_cents)}</Amt></InstdAmt>
            <TxAmt><Amt Ccy="EUR">{euros(booked)}</Amt></TxAmt>
          </AmtDtls>
          <Chrgs>
            <TtlChrgsAndTaxAmt Ccy="EUR">{euros(debit.charge_cents)}</TtlChrgsAndTaxAmt>
            <Rcrd>
              <Amt Ccy="EUR">{euros(debit.charge_cents)}</Amt>
              <CdtDbtInd>DBIT</CdtDbtInd>
              <ChrgInclInd>true</ChrgInclInd>
            </Rcrd>
          </Chrgs>
          <RltdPties>
            <Dbtr><Pty><Nm>{escape(debit.debtor_name)}</Nm></Pty></Dbtr>
            <DbtrAcct><Id><IBAN>{debit.debtor_iban}</IBAN></Id></DbtrAcct>
            <Cdtr><Pty><Nm>{escape(self.owner)}</Nm><Id><PrvtId><Othr>
              <Id>{SEPA_TEST_CREDITOR_ID}</Id><SchmeNm><Prtry>SEPA</Prtry></SchmeNm>
            </Othr></PrvtId></Id></Pty></Cdtr>
            <CdtrAcct><Id><IBAN>{self.account_iban}</IBAN></Id></CdtrAcct>
          </RltdPties>
          <RmtInf><Ustrd>{remittance}</Ustrd></RmtInf>
          <RltdDts><IntrBkSttlmDt>{debit.collected_on.isoformat()}</IntrBkSttlmDt></RltdDts>
          <RtrInf><Rsn><Cd>{debit.reason}</Cd></Rsn></RtrInf>
        </TxDtls></NtryDtls>
        <AddtlNtryInf>RUECKLASTSCHRIFT</AddtlNtryInf>
      </Ntry>"""
        )

    def _header(self) -> str:
        total = euros(self.sum_cents)
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{CAMT054}">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr>
      <MsgId>BENCH-RETURNS-{self.created[:10]}</MsgId>
      <CreDtTm>{self.created}</CreDtTm>
    </GrpHdr>
    <Ntfctn>
      <Id>BENCH-RETURNS-{self.created[:10]}-1</Id>
      <CreDtTm>{self.created}</CreDtTm>
      <Acct>
        <Id><IBAN>{self.account_iban}</IBAN></Id>
        <Ccy>EUR</Ccy>
        <Ownr><Nm>{escape(self.owner)}</Nm></Ownr>
      </Acct>
      <TxsSummry>
        <TtlNtries>
          <NbOfNtries>{self.count}</NbOfNtries>
          <Sum>{total}</Sum>
          <TtlNetNtry><Amt>{total}</Amt><CdtDbtInd>DBIT</CdtDbtInd></TtlNetNtry>
        </TtlNtries>
        <TtlCdtNtries><NbOfNtries>0</NbOfNtries><Sum>0.00</Sum></TtlCdtNtries>
        <TtlDbtNtries><NbOfNtries>{self.count}</NbOfNtries><Sum>{total}</Sum></TtlDbtNtries>
      </TxsSummry>"""

    def _footer(self) -> str:
        return "\n    </Ntfctn>\n  </BkToCstmrDbtCdtNtfctn>\n</Document>\n"


class StatementWriter(_SpooledWriter):
    """Write a camt.053.001.08 account statement of credits and debits.

    The closing balance is the opening balance plus every entry, as a bank
    reports it.
    """

    def __init__(
        self,
        path: Path,
        *,
        account_iban: str,
        statement_id: str,
        created: str,
        opening_cents: int,
        opening_on: date,
        closing_on: date,
    ) -> None:
        super().__init__(path)
        self.account_iban = account_iban
        self.statement_id = statement_id
        self.created = created
        self.opening_cents = opening_cents
        self.opening_on = opening_on
        self.closing_on = closing_on

    def add(self, credit: Credit) -> None:
        """Append one booked entry with its remittance lines."""
        self.count += 1
        self.sum_cents += abs(credit.cents)
        self.net_cents += credit.cents
        number = self.count
        amount = euros(abs(credit.cents))
        incoming = credit.cents > 0
        indicator = "CRDT" if incoming else "DBIT"
        family, sub_family = ("RCDT", "ESCT") if incoming else ("CCRD", "CHRG")
        bank_ref = f"STM{credit.booked_on:%Y%m%d}{number:09d}"
        remittance = "".join(
            f"<Ustrd>{escape(line)}</Ustrd>" for line in credit.remittance
        )
        self._write(
            f"""
      <Ntry>
        <NtryRef>{number}</NtryRef>
        <Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>{indicator}</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{credit.booked_on.isoformat()}</Dt></BookgDt>
        <ValDt><Dt>{credit.booked_on.isoformat()}</Dt></ValDt>
        <AcctSvcrRef>{bank_ref}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{family}</Cd>
          <SubFmlyCd>{sub_family}</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><AcctSvcrRef>{bank_ref}</AcctSvcrRef></Refs>
          <Amt Ccy="EUR">{amount}</Amt>
          <CdtDbtInd>{indicator}</CdtDbtInd>
          <RltdPties><Dbtr><Pty><Nm>{escape(credit.debtor_name)}</Nm></Pty></Dbtr></RltdPties>
          <RmtInf>{remittance}</RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>"""
        )

    def _header(self) -> str:
        closing = self.opening_cents + self.net_cents
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{CAMT053}">
  <BkToCstmrStmt>
    <GrpHdr>
      <MsgId>{escape(self.statement_id)}</MsgId>
      <CreDtTm>{self.created}</CreDtTm>
    </GrpHdr>
    <Stmt>
      <Id>{escape(self.statement_id)}</Id>
      <CreDtTm>{self.created}</CreDtTm>
      <Acct><Id><IBAN>{self.account_iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">{euros(abs(self.opening_cents))}</Amt>
        <CdtDbtInd>{_indicator(self.opening_cents)}</CdtDbtInd>
        <Dt><Dt>{self.opening_on.isoformat()}</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">{euros(abs(closing))}</Amt>
        <CdtDbtInd>{_indicator(closing)}</CdtDbtInd>
        <Dt><Dt>{self.closing_on.isoformat()}</Dt></Dt></Bal>"""

    def _footer(self) -> str:
        return "\n    </Stmt>\n  </BkToCstmrStmt>\n</Document>\n"


def _indicator(cents: int) -> str:
    return "CRDT" if cents >= 0 else "DBIT"
