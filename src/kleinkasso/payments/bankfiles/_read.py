"""Detect a bank file's kind and read it."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

from ._camt import read_camt_statements
from ._decoding import bom_encoding, decode
from ._model import BankFile, BankFileError, Statement
from ._mt940 import read_mt940_statements
from ._mt942 import is_mt942, read_mt942_statements
from ._pain002 import read_pain002_statement
from ._values import ValueProblem, unique_statement_ids
from ._xmltree import parse_xml

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 50_000_000
# Warnings beyond this many per file are counted in the log, not repeated;
# the BankFile keeps them all.
_LOGGED_WARNINGS = 20

# Message element under Document: kind and the element of each statement.
_CAMT_MESSAGES = {
    "BkToCstmrAcctRpt": ("camt.052", "Rpt"),
    "BkToCstmrStmt": ("camt.053", "Stmt"),
    "BkToCstmrDbtCdtNtfctn": ("camt.054", "Ntfctn"),
}
_ORDERS = {
    "CstmrDrctDbtInitn": "a pain.008 direct debit order",
    "CstmrCdtTrfInitn": "a pain.001 credit transfer order",
}
_EXPECTED = "expected camt.052, camt.053, camt.054, pain.002 or MT940"
_VERSION = re.compile(r"(?:camt\.05[234]|pain\.002)\.(\d{3}\.\d{2})")
_TESTED_CAMT_VERSIONS = frozenset(f"001.{n:02d}" for n in range(2, 9))
_MT940_START = re.compile(rb"(?:\A(?:\xef\xbb\xbf)?|[\r\n])[\x01\s]*(?:\{1:|:20:)")


def read_bank_file(
    data: bytes,
    *,
    filename: str,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> BankFile:
    """Read a camt.052/053/054, pain.002 or MT940 file into immutable records.

    The kind is detected from the content. ``encoding`` forces a code page;
    without it the encoding is detected (see docs/bankfiles.md). Files larger
    than ``max_bytes`` are rejected before parsing. Raises
    :class:`BankFileError` for empty, binary, oversized, unknown, hostile or
    broken input, and for a pain.008 or pain.001 order.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    if max_bytes < 1:
        raise ValueError(f"max_bytes must be positive, not {max_bytes}")
    if len(data) > max_bytes:
        raise BankFileError(
            filename,
            f"file has {len(data)} bytes, more than the limit of {max_bytes}; "
            "pass a larger max_bytes (--max-mb on the command line) to read it",
        )
    data = bytes(data)
    if not data.strip():
        raise BankFileError(filename, f"file is empty; {_EXPECTED}")
    if b"\x00" in data and bom_encoding(data) is None and encoding is None:
        raise BankFileError(
            filename, f"file contains NUL bytes, so it is binary; {_EXPECTED}"
        )

    warnings: list[str] = []
    if _looks_like_xml(data):
        kind, version, statements = _read_xml(data, filename, encoding, warnings)
    elif _MT940_START.search(data):
        kind, version = "mt940", ""
        text = _decode(data, filename, encoding, is_xml=False, warnings=warnings)
        if is_mt942(text):
            kind = "mt942"
            statements = read_mt942_statements(text, filename, warnings)
        else:
            statements = read_mt940_statements(text, filename, warnings)
    else:
        raise BankFileError(
            filename, f"content is neither XML nor MT940 (no :20: field); {_EXPECTED}"
        )

    statements = _with_unique_ids(statements)
    for statement in statements:
        problem = statement.balance_problem()
        if problem is not None:
            warnings.append(problem)

    bank_file = BankFile(kind, version, tuple(statements), tuple(warnings))
    logger.info(
        "read %s: %s %s, %d statements, %d entries, %d warnings",
        filename,
        kind,
        version or "-",
        len(statements),
        sum(len(s.entries) for s in statements),
        len(warnings),
    )
    for warning in warnings[:_LOGGED_WARNINGS]:
        logger.warning("%s: %s", filename, warning)
    if len(warnings) > _LOGGED_WARNINGS:
        logger.warning(
            "%s: %d more warnings not logged",
            filename,
            len(warnings) - _LOGGED_WARNINGS,
        )
    return bank_file


def _looks_like_xml(data: bytes) -> bool:
    encoding = bom_encoding(data)
    if encoding is not None and encoding != "utf-8-sig":
        # UTF-16 and UTF-32 text is only accepted as XML.
        return True
    return data.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def _decode(
    data: bytes,
    filename: str,
    encoding: str | None,
    *,
    is_xml: bool,
    warnings: list[str],
) -> str:
    try:
        text, decode_warnings = decode(data, encoding=encoding, is_xml=is_xml)
    except ValueProblem as problem:
        raise BankFileError(filename, str(problem)) from None
    warnings.extend(decode_warnings)
    return text


def _read_xml(
    data: bytes, filename: str, encoding: str | None, warnings: list[str]
) -> tuple[str, str, list[Statement]]:
    text = _decode(data, filename, encoding, is_xml=True, warnings=warnings)
    try:
        root, namespace = parse_xml(text)
    except ValueProblem as problem:
        raise BankFileError(filename, str(problem)) from None

    message = _message_element(root)
    if message is None:
        raise BankFileError(
            filename, f"XML root element <{root.tag}> is no bank message; {_EXPECTED}"
        )
    version_match = _VERSION.search(namespace)
    version = version_match.group(1) if version_match else ""

    if message.tag in _CAMT_MESSAGES:
        kind, report_tag = _CAMT_MESSAGES[message.tag]
        if version and version not in _TESTED_CAMT_VERSIONS:
            warnings.append(
                f"{kind} version {version} is untested; read with the layout of "
                "versions 001.02 to 001.08"
            )
        statements = read_camt_statements(message, report_tag, filename, warnings)
        if not statements:
            raise BankFileError(
                filename, f"{kind} message has no <{report_tag}> element"
            )
        return kind, version, statements
    if message.tag == "CstmrPmtStsRpt":
        return (
            "pain.002",
            version,
            [read_pain002_statement(message, filename, warnings)],
        )
    if message.tag in _ORDERS:
        raise BankFileError(
            filename,
            f"file is {_ORDERS[message.tag]}, not a report from the bank; {_EXPECTED}",
        )
    raise BankFileError(
        filename, f"XML message <{message.tag}> is unknown; {_EXPECTED}"
    )


def _message_element(root: ET.Element) -> ET.Element | None:
    """Return the message element: Document's first child, or the root itself."""
    if root.tag == "Document":
        return root[0] if len(root) else None
    if (
        root.tag in _CAMT_MESSAGES
        or root.tag in _ORDERS
        or root.tag == "CstmrPmtStsRpt"
    ):
        return root
    return None


def _with_unique_ids(statements: list[Statement]) -> list[Statement]:
    ids = unique_statement_ids([s.statement_id for s in statements])
    return [
        s if s.statement_id == new_id else replace(s, statement_id=new_id)
        for s, new_id in zip(statements, ids, strict=True)
    ]
