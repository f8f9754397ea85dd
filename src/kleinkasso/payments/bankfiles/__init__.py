"""Read bank files: camt.052/053/054, pain.002 and MT940.

A pure parsing layer: :func:`read_bank_file` takes the bytes of a file and
returns immutable records with amounts in integer cents, or raises
:class:`BankFileError`. :func:`returned_debits` lists the returned and
rejected direct debits of a read file. docs/bankfiles.md describes the
formats, the field mapping, the encoding rules and what is rejected.
"""

from ._model import (
    BankEntry,
    BankFile,
    BankFileError,
    ReturnedDebit,
    Statement,
    format_cents,
)
from ._read import DEFAULT_MAX_BYTES, read_bank_file
from ._returns import returned_debits

__all__ = [
    "DEFAULT_MAX_BYTES",
    "BankEntry",
    "BankFile",
    "BankFileError",
    "ReturnedDebit",
    "Statement",
    "format_cents",
    "read_bank_file",
    "returned_debits",
]
