"""Mutated sample bytes make read_bank_file raise BankFileError or nothing else."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kleinkasso.payments.bankfiles import BankFileError, read_bank_file

DATA = Path(__file__).resolve().parents[2] / "data" / "bank"
SAMPLES = [path.read_bytes() for path in sorted(DATA.rglob("*")) if path.is_file()]
# Bytes that change a file's structure rather than its text.
STRUCTURAL = [
    *b"0123456789,.:?+-/<>CDR \n",
    *b"\x00\x01\x03\x81\xc3\xff",
]
FRAGMENTS = [
    b":20:",
    b":61:",
    b":86:",
    b"?2",
    b"\r\n-\r\n",
    b"<Ntry>",
    b"</Ntry>",
    b"<TxDtls>",
    b"</TxDtls>",
    b"<RvslInd>true</RvslInd>",
    b"DBIT",
    b"2024-02-30",
    b"99999999999999999999",
    b"&#0;",
]


@st.composite
def mutated_samples(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        action = draw(st.sampled_from(["byte", "fragment", "delete", "copy", "cut"]))
        position = draw(st.integers(min_value=0, max_value=len(data)))
        if action == "byte" and position < len(data):
            data[position] = draw(st.sampled_from(STRUCTURAL))
        elif action == "fragment":
            data[position:position] = draw(st.sampled_from(FRAGMENTS))
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 60))]
        elif action == "copy":
            start = draw(st.integers(min_value=0, max_value=len(data)))
            data[position:position] = data[start : start + 200]
        else:
            del data[position:]
    return bytes(data)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_samples())
def test_mutated_samples_raise_only_bank_file_error(data: bytes) -> None:
    try:
        bank_file = read_bank_file(data, filename="mutated")
    except BankFileError as error:
        assert error.filename == "mutated"
        return
    for statement in bank_file.statements:
        keys = [entry.entry_key for entry in statement.entries]
        assert len(keys) == len(set(keys))
