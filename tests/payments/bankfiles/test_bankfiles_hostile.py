"""Hostile input is rejected quickly with BankFileError."""

from __future__ import annotations

import random
import time

import pytest

from kleinkasso.payments.bankfiles import BankFileError, read_bank_file

ENTITIES = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    f"{ENTITIES}]><Document>&lol9;</Document>"
).encode()
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<Document><BkToCstmrStmt>&xxe;</BkToCstmrStmt></Document>"
)
PARAMETER_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p">'
    b"%p;]><Document/>"
)
EXTERNAL_DTD = (
    b'<?xml version="1.0"?><!DOCTYPE Document SYSTEM "camt.053.dtd"><Document/>'
)
UNDEFINED_ENTITY = b"<Document><BkToCstmrStmt>&xxe;</BkToCstmrStmt></Document>"
DEEP = b"<Document>" + b"<a>" * 200_000 + b"</a>" * 200_000 + b"</Document>"
RANDOM_BYTES = random.Random(20240502).randbytes(200_000)

CASES = [
    ("billion laughs", BILLION_LAUGHS, "forbidden construct"),
    ("external entity", EXTERNAL_ENTITY, "forbidden construct"),
    ("parameter entity", PARAMETER_ENTITY, "forbidden construct"),
    ("external dtd", EXTERNAL_DTD, "forbidden construct"),
    ("undefined entity", UNDEFINED_ENTITY, "not well-formed: undefined entity"),
    ("deep nesting", DEEP, "nests deeper than 64 elements"),
    ("random bytes", RANDOM_BYTES, "binary"),
    ("empty", b"", "empty"),
    ("whitespace", b" \r\n\t", "empty"),
    ("plain text", b"Dear customer,\nyour statement follows.", "neither XML nor MT940"),
    ("truncated xml", b"<Document><BkToCstmrStmt><Stmt>", "not well-formed"),
]


@pytest.mark.parametrize(
    ("data", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_hostile_rejected_fast(data: bytes, reason: str) -> None:
    started = time.perf_counter()
    with pytest.raises(BankFileError, match=reason):
        read_bank_file(data, filename="hostile.xml")
    assert time.perf_counter() - started < 1.0


def test_size_limit_checked_first() -> None:
    data = BILLION_LAUGHS + b" " * 1000
    started = time.perf_counter()
    with pytest.raises(BankFileError) as raised:
        read_bank_file(data, filename="big.xml", max_bytes=1000)
    assert time.perf_counter() - started < 1.0
    assert raised.value.reason == (
        f"file has {len(data)} bytes, more than the limit of 1000; pass a larger "
        "max_bytes (--max-mb on the command line) to read it"
    )


def test_default_size_limit() -> None:
    data = b" " * 50_000_001
    with pytest.raises(BankFileError, match="more than the limit of 50000000"):
        read_bank_file(data, filename="big.xml")


def test_size_limit_allows_exact() -> None:
    data = b"<Document><CstmrDrctDbtInitn/></Document>"
    with pytest.raises(BankFileError, match=r"pain\.008"):
        read_bank_file(data, filename="order.xml", max_bytes=len(data))
