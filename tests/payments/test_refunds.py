"""Refund transfer files and the notice about a small credit.

Case SW000001 of Erika Muster owes 23.92 EUR in the early window (see
test_apply). A payment above that is an overpayment: from 1.00 EUR on it is
transferred back, below it the debtor receives a notice about a credit.
"""

from __future__ import annotations

import email
import email.policy
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kleinkasso import creditors
from kleinkasso.cases.refs import creditor_reference
from kleinkasso.cases.service import RunReport, evaluate_items, open_cases
from kleinkasso.comms.document import PostalAddress
from kleinkasso.comms.formatting import format_amount
from kleinkasso.comms.notice import (
    CreditNotice,
    IncompleteNoticeAddressError,
    notice_from_json,
    notice_to_json,
    render_notice_email,
    render_notice_pdf,
)
from kleinkasso.comms.outbox import relay
from kleinkasso.intake.service import import_items
from kleinkasso.payments.refund_file import (
    RefundFileConflict,
    refund_message_id,
    write_refund_file,
)
from kleinkasso.payments.statements import StatementReport, import_statement
from kleinkasso.policy.creditor_config import CreditorConfig, load_creditor_config
from kleinkasso.store.check import check_invariants
from kleinkasso.store.db import make_engine, migrate
from kleinkasso.store.payment_tables import refund
from kleinkasso.store.schema import outbox
from tests.comms.pdftools import collapse, pdf_text
from tests.conftest import EXAMPLES, Cli
from tests.payments.camtgen import Line, camt053
from tests.payments.test_apply import EARLY_TOTAL, RECORD

NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
OPENED = date(2026, 11, 16)
PAID = date(2026, 11, 20)
AS_OF = date(2026, 11, 25)
RF = creditor_reference("SW000001")
PAYER_IBAN = "DE02120300000000202051"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}


@dataclass
class Books:
    """A database with case SW000001 open and a way to import statements."""

    engine: sa.Engine
    config: CreditorConfig
    count: int = 0

    def statement(self, *lines: Line) -> StatementReport:
        self.count += 1
        data = camt053(f"RF-{self.count}", list(lines))
        return import_statement(self.engine, data, source="gen.xml", now=NOW)

    def refunds(self) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(refund).order_by(refund.c.id)))

    def notices(self) -> list[Any]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    sa.select(outbox)
                    .where(outbox.c.kind == "credit_notice")
                    .order_by(outbox.c.id)
                )
            )


def _books(db_url: str, *, language: str = "de", email: bool = True) -> Books:
    engine = make_engine(db_url)
    migrate(engine)
    config = load_creditor_config((EXAMPLES / "creditor.toml").read_bytes(), source="c")
    config = replace(config, dunning=replace(config.dunning, language=language))
    creditors.register(engine, config, NOW)
    record = RECORD if email else replace(RECORD, email=None)
    import_items(engine, config.id, [record], source="t", origin="csv", now=NOW)
    report = RunReport(config.id)
    evaluate_items(engine, config, OPENED, NOW, report)
    open_cases(engine, config, OPENED, NOW, report)
    return Books(engine, config)


def _close(books: Books) -> None:
    assert check_invariants(books.engine) == []
    books.engine.dispose()


@pytest.fixture
def books(db_url: str) -> Iterator[Books]:
    result = _books(db_url)
    yield result
    _close(result)


def _tree(path: Path) -> ET.Element:
    return ET.fromstring(path.read_bytes())


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_refund_file_pays_transfer(books: Books, tmp_path: Path) -> None:
    books.statement(Line(5000, PAID, RF, iban=PAYER_IBAN))
    (row,) = books.refunds()
    result = write_refund_file(books.engine, books.config, tmp_path / "out", AS_OF)
    assert result.path == tmp_path / "out" / "refunds-spielwiese-20261125.xml"
    assert result.refunds == 1
    assert result.total_cents == 5000 - EARLY_TOTAL
    assert result.skipped == []
    tree = _tree(result.path)
    assert (
        tree.findtext(".//p:GrpHdr/p:MsgId", namespaces=NS)
        == "KK-RF-spielwiese-20261125"
    )
    assert (
        tree.findtext(".//p:GrpHdr/p:CreDtTm", namespaces=NS) == "2026-11-25T00:00:00"
    )
    assert tree.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == (
        books.config.collector.iban
    )
    (payment,) = tree.findall(".//p:CdtTrfTxInf", NS)
    assert payment.findtext(".//p:EndToEndId", namespaces=NS) == f"KK-REFUND-{row.id}"
    assert payment.findtext(".//p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == PAYER_IBAN
    assert payment.findtext(".//p:InstdAmt", namespaces=NS) == "26.08"
    assert "SW000001" in (payment.findtext(".//p:Ustrd", namespaces=NS) or "")
    (after,) = books.refunds()
    assert after.status == "sent"


def test_refund_file_rerun_writes_nothing(books: Books, tmp_path: Path) -> None:
    books.statement(Line(5000, PAID, RF, iban=PAYER_IBAN))
    first = write_refund_file(books.engine, books.config, tmp_path / "out", AS_OF)
    assert first.path is not None
    written = first.path.read_bytes()
    second = write_refund_file(books.engine, books.config, tmp_path / "out", AS_OF)
    assert second.path is None
    assert second.refunds == 0
    assert _files(tmp_path / "out") == {first.path.name: written}


def test_refund_without_iban_stays_pending(books: Books, tmp_path: Path) -> None:
    books.statement(Line(5000, PAID, RF))
    result = write_refund_file(books.engine, books.config, tmp_path / "out", AS_OF)
    (row,) = books.refunds()
    assert result.path is None
    assert [skipped.refund_id for skipped in result.skipped] == [row.id]
    assert "no IBAN" in result.skipped[0].reason
    assert row.status == "pending"
    assert _files(tmp_path / "out") == {}


def test_refund_file_skips_credits(books: Books, tmp_path: Path) -> None:
    books.statement(Line(EARLY_TOTAL + 60, PAID, RF, iban=PAYER_IBAN))
    result = write_refund_file(books.engine, books.config, tmp_path / "out", AS_OF)
    (row,) = books.refunds()
    assert result.path is None
    assert result.skipped == []
    assert row.kind == "credit"
    assert row.status == "pending"


def test_refund_file_conflict(books: Books, tmp_path: Path) -> None:
    books.statement(Line(5000, PAID, RF, iban=PAYER_IBAN))
    first = write_refund_file(books.engine, books.config, tmp_path / "out", AS_OF)
    assert first.path is not None
    written = first.path.read_bytes()
    # A payment on the paid case is refunded in full as a second transfer.
    books.statement(Line(1500, PAID, RF, iban=PAYER_IBAN))
    with pytest.raises(RefundFileConflict, match=r"refunds-spielwiese-20261125\.xml"):
        write_refund_file(books.engine, books.config, tmp_path / "out", AS_OF)
    assert first.path.read_bytes() == written
    assert [row.status for row in books.refunds()] == ["sent", "pending"]


def test_refund_message_id_short() -> None:
    message_id = refund_message_id("a-very-long-creditor-id-of-many-chars", AS_OF)
    assert len(message_id) == 35
    assert message_id.startswith("KK-RF-a-very-long")


def test_refunds_cli_json(books: Books, cli: Cli, tmp_path: Path) -> None:
    books.statement(Line(5000, PAID, RF, iban=PAYER_IBAN))
    books.statement(Line(1500, PAID, RF))
    out = tmp_path / "out"
    args = ["payments", "refunds", "--creditor", "spielwiese", "--out", out]
    result = cli(*args, "--as-of", "2026-11-25", "--json")
    assert result.exit_code == 0
    data = result.json()
    assert data["file"] == "refunds-spielwiese-20261125.xml"
    assert data["refunds"] == 1
    assert data["total_cents"] == 5000 - EARLY_TOTAL
    assert [skipped["amount_cents"] for skipped in data["skipped"]] == [1500]
    assert (out / data["file"]).is_file()


def test_refunds_cli_unknown_creditor(books: Books, cli: Cli, tmp_path: Path) -> None:
    result = cli("payments", "refunds", "--creditor", "nobody", "--out", tmp_path)
    assert result.exit_code != 0
    assert "nobody" in result.stderr


def test_credit_queues_one_notice(books: Books) -> None:
    books.statement(Line(EARLY_TOTAL + 60, PAID, RF))
    (row,) = books.notices()
    assert row.channel == "email"
    assert row.status == "pending"
    notice = notice_from_json(row.payload)
    assert notice.amount_cents == 60
    assert notice.case_ref == "SW000001"
    assert notice.notice_date == PAID
    assert notice.creditor_name == "Spielwiese Games GmbH"
    assert notice.debtor.street == "Hauptstraße 1"


def test_transfer_queues_no_notice(books: Books) -> None:
    books.statement(Line(5000, PAID, RF, iban=PAYER_IBAN))
    assert books.notices() == []


def test_reversal_cancels_notice(books: Books) -> None:
    books.statement(Line(EARLY_TOTAL + 60, PAID, RF, end_to_end_id="E2E-9"))
    books.statement(
        Line(
            -(EARLY_TOTAL + 60),
            date(2026, 11, 23),
            RF,
            end_to_end_id="E2E-9",
            reversal=True,
        )
    )
    (row,) = books.notices()
    assert row.status == "cancelled"


@pytest.mark.parametrize(
    ("language", "has_email", "greeting"),
    [
        pytest.param("de", True, "Guten Tag Erika Muster", id="de-email"),
        pytest.param("de", False, "Guten Tag Erika Muster", id="de-letter"),
        pytest.param("en", True, "Dear Erika Muster", id="en-email"),
        pytest.param("en", False, "Dear Erika Muster", id="en-letter"),
    ],
)
def test_relay_delivers_notice_once(
    db_url: str, tmp_path: Path, language: str, has_email: bool, greeting: str
) -> None:
    books = _books(db_url, language=language, email=has_email)
    books.statement(Line(EARLY_TOTAL + 60, PAID, RF))
    (row,) = books.notices()
    out = tmp_path / "out"
    report = relay(books.engine, out, NOW, creditor_id="spielwiese")
    amount = format_amount(60, language)
    files = _files(out)
    (name,) = files
    if has_email:
        assert report.emails == 1
        assert name.startswith("emails/SW000001-credit_notice-20261120-")
        message = email.message_from_bytes(files[name], policy=email.policy.default)
        assert message["Message-ID"] == row.message_id
        assert message["To"].addresses[0].addr_spec == "erika@example.org"
        plain = message.get_body(("plain",))
        markup = message.get_body(("html",))
        assert plain is not None
        assert markup is not None
        assert amount in plain.get_content()
        assert greeting in plain.get_content()
        assert amount in markup.get_content()
    else:
        assert report.letters == 1
        assert name.startswith("letters/SW000001-credit_notice-20261120-")
        text = pdf_text(files[name])
        assert collapse(amount) in text
        assert greeting in text
        assert "Hauptstraße 1" in text
    (sent,) = books.notices()
    assert sent.status == "sent"

    again = relay(books.engine, out, NOW, creditor_id="spielwiese")
    assert again.emails + again.letters + again.failed == 0
    assert _files(out) == files
    _close(books)


def _notice(**changes: Any) -> CreditNotice:
    notice = CreditNotice(
        case_ref="SW000042",
        language="de",
        notice_date=date(2026, 11, 20),
        amount_cents=37,
        creditor_name="Müller & Söhne <GmbH>",
        collector=PostalAddress(
            "Kleinkasso Inkasso GmbH", "Hafenstraße 5", "20457", "Hamburg"
        ),
        collector_email="service@kleinkasso.example",
        debtor=PostalAddress("Jürgen Groß", "Weg 2", "01067", "Dresden"),
        debtor_email="juergen@example.org",
    )
    return replace(notice, **changes)


def test_notice_json_round_trip() -> None:
    notice = _notice()
    assert notice_from_json(notice_to_json(notice)) == notice


def test_notice_renderings_repeat_bytes() -> None:
    notice = _notice()
    first = render_notice_email(
        notice, message_id="<a@b.example>", sender="k@b.example"
    )
    second = render_notice_email(
        notice, message_id="<a@b.example>", sender="k@b.example"
    )
    assert first == second
    assert render_notice_pdf(notice) == render_notice_pdf(notice)


def test_notice_html_escapes_names() -> None:
    data = render_notice_email(
        _notice(), message_id="a@b.example", sender="k@b.example"
    )
    message = email.message_from_bytes(data, policy=email.policy.default)
    markup = message.get_body(("html",))
    assert markup is not None
    assert "Müller &amp; Söhne &lt;GmbH&gt;" in markup.get_content()
    assert "<GmbH>" not in markup.get_content()


def test_notice_letter_needs_address() -> None:
    notice = _notice(debtor=PostalAddress("Jürgen Groß", "", "01067", "Dresden"))
    with pytest.raises(IncompleteNoticeAddressError, match="SW000042"):
        render_notice_pdf(notice)
