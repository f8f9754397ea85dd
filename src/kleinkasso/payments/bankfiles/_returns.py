"""Collect returned and rejected direct debits from a read bank file."""

from __future__ import annotations

from ._model import BankFile, ReturnedDebit


def returned_debits(bank_file: BankFile) -> list[ReturnedDebit]:
    """List every returned or rejected direct debit, in file order.

    These are the entries with ``is_return``: returns in camt.052/053/054 and
    MT940 statements and rejects (RJCT) in pain.002 reports. The bank charge
    contained in a booked return is split from the original amount. When the
    file states no original amount, it is the booked amount less the charge;
    a pain.002 reject without one gives 0.
    """
    returned: list[ReturnedDebit] = []
    for statement in bank_file.statements:
        for entry in statement.entries:
            if not entry.is_return:
                continue
            original = entry.original_amount_cents
            if original is None:
                original = abs(entry.amount_cents) - entry.charges_cents
            returned.append(
                ReturnedDebit(
                    entry_key=entry.entry_key,
                    statement_id=statement.statement_id,
                    booking_date=entry.booking_date,
                    original_amount_cents=original,
                    charges_cents=entry.charges_cents,
                    currency=entry.currency,
                    reason_code=entry.return_reason,
                    end_to_end_id=entry.end_to_end_id,
                    mandate_id=entry.mandate_id,
                    debtor_name=entry.counterparty_name,
                    debtor_iban=entry.counterparty_iban,
                    reference=entry.reference,
                    separate_charges_cents=entry.separate_charges_cents,
                )
            )
    return returned
