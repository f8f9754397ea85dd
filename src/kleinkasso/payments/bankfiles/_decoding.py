"""Turn the bytes of a bank file into text.

The first rule that applies decides:

1. the ``encoding`` the caller forces;
2. a byte order mark;
3. for XML, the encoding its declaration names;
4. UTF-8, when the bytes are valid UTF-8;
5. cp1252, with the five bytes cp1252 leaves undefined read as latin-1.

cp852 and other DOS code pages are never guessed, because cp852 turns the
cp1252 "ü" of "Müller" into "Ř" without any error. A caller who knows that a
file is cp852 forces it.
"""

from __future__ import annotations

import codecs
import re

from ._values import ValueProblem

_XML_DECLARED_ENCODING = re.compile(
    rb"""\A\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._:-]*)["']"""
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# cp1252 defines no character for these bytes; latin-1 maps them to the C1
# control characters of the same number.
_CP1252_UNDEFINED = {0xDC00 + byte: byte for byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_UNDEFINED_PATTERN = re.compile("[" + "".join(map(chr, _CP1252_UNDEFINED)) + "]")


def bom_encoding(data: bytes) -> str | None:
    """Return the encoding a byte order mark at the start names, if any."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def decode(data: bytes, *, encoding: str | None, is_xml: bool) -> tuple[str, list[str]]:
    """Decode ``data`` by the module's rules.

    Returns the text and warnings about the decoding. Raises
    :class:`ValueProblem` when a forced or declared encoding is unknown or
    does not fit the bytes.
    """
    if encoding is not None:
        return _decode_strict(data, encoding, "the requested encoding"), []

    from_bom = bom_encoding(data)
    if from_bom is not None:
        return _decode_strict(data, from_bom, "the byte order mark's encoding"), []

    warnings: list[str] = []
    if is_xml:
        match = _XML_DECLARED_ENCODING.match(data)
        declared = match.group(1).decode("ascii") if match else None
        if declared is not None and _codec_name(declared) != "utf-8":
            return _decode_strict(
                data, declared, "the encoding the XML declaration names"
            ), []
        if declared is not None:
            try:
                return data.decode("utf-8"), []
            except UnicodeDecodeError as error:
                warnings.append(
                    f"the XML declaration names {declared} but byte {error.start} "
                    "is not valid UTF-8; read the file as cp1252"
                )
                return _decode_cp1252(data, warnings), warnings

    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        return _decode_cp1252(data, warnings), warnings


def _codec_name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding.lower()


def _decode_strict(data: bytes, encoding: str, source: str) -> str:
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise ValueProblem(
            f"{source} {encoding!r} is unknown; expected a Python codec name "
            "such as 'utf-8', 'cp1252' or 'cp852'"
        ) from None
    try:
        return data.decode(codec.name)
    except UnicodeDecodeError as error:
        raise ValueProblem(
            f"byte {error.start} is not valid in {source} {encoding!r}"
        ) from None


def _decode_cp1252(data: bytes, warnings: list[str]) -> str:
    text = data.decode("cp1252", errors="surrogateescape")
    # One character per byte, so a character's index is its byte offset.
    first = _UNDEFINED_PATTERN.search(text)
    if first is None:
        return text
    count = len(_UNDEFINED_PATTERN.findall(text))
    warnings.append(
        f"the file is neither UTF-8 nor cp1252: {count} bytes, the first at "
        f"offset {first.start()}, are undefined in cp1252, so text may be "
        "garbled; pass encoding= (for example 'cp852') to choose the code page"
    )
    return text.translate(_CP1252_UNDEFINED)
