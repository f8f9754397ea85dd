"""Turn returned direct debits from bank files into open items.

Each return becomes one open item: the original amount is the principal and
the bank charge is a recoverable cost of its own (actual damage from the
debtor's default). The reason code is kept as the bank sent it; German banks
report AM04 (insufficient funds) and MD07 (debtor deceased) as MS03, so MS03
does not mean the debtor refused to pay.
"""

from __future__ import annotations

from collections.abc import Iterator

from kleinkasso.intake.records import OpenItemRecord, Problem
from kleinkasso.payments.bankfiles import BankFile, ReturnedDebit, returned_debits

SUBJECT = "Rücklastschrift"


def _item_ref(debit: ReturnedDebit) -> str:
    return (debit.end_to_end_id or f"{debit.statement_id}/{debit.entry_key}")[:64]


def returns_to_records(bank_file: BankFile) -> Iterator[OpenItemRecord | Problem]:
    """Yield one open item per returned debit, or a problem naming what is missing.

    The debtor is identified by the mandate reference, which creditors
    usually derive from their customer number; ``row`` is the position of
    the return in the file.

    NOTE: bank files do not carry the date the contract was concluded, which
    the first demand to a consumer must name (§ 13a Abs. 1 Nr. 2 RDG). Such
    items wait until the creditor sends the same item_ref again with its
    contract_date (and subject) in an open-items import.
    """
    for index, debit in enumerate(returned_debits(bank_file), start=1):
        ref = _item_ref(debit)
        if debit.currency != "EUR":
            yield Problem(index, ref, "currency", debit.currency, "EUR")
            continue
        if debit.original_amount_cents <= 0:
            yield Problem(
                index,
                ref,
                "amount",
                str(debit.original_amount_cents),
                "an amount above 0",
            )
            continue
        if not debit.mandate_id:
            yield Problem(
                index,
                ref,
                "mandate_id",
                "",
                "the mandate reference of the returned debit",
            )
            continue
        if not debit.debtor_name:
            yield Problem(index, ref, "debtor_name", "", "the debtor's name")
            continue
        subject = f"{SUBJECT} {debit.reference}".strip()[:200]
        yield OpenItemRecord(
            item_ref=ref,
            customer_ref=debit.mandate_id[:64],
            name=debit.debtor_name,
            street=None,
            postal_code=None,
            city=None,
            country="DE",
            email=None,
            consumer=True,
            subject=subject,
            contract_date=None,
            invoice_date=None,
            due_date=debit.booking_date,
            amount_cents=debit.original_amount_cents,
            currency="EUR",
            reminder_date=None,
            return_charges_cents=debit.charges_cents,
            disputed=False,
            category=None,
            return_reason=debit.reason_code,
            row=index,
        )
