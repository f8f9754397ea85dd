"""Open items from CSV exports of German ERP and billing systems.

The file has a header row naming the columns (see COLUMNS) in any order and
case. A creditor's own header names are mapped with `column_map`. Fields are
separated by ";", "," or tab, detected from the header line, and quoted as in
RFC 4180, so a quoted value may span lines. The encoding is UTF-8 (with or
without a byte order mark) or Windows-1252; UTF-8 is tried strictly first.
Files with a UTF-16 byte order mark, as some spreadsheet programs save
"Unicode text", are read as UTF-16.

A bad value rejects its row with one Problem per bad field and never stops the
other rows. UnusableInput is raised only when the whole file cannot be read.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import date
from typing import Any, BinaryIO

from kleinkasso.intake.records import (
    DuplicateRefs,
    FieldValueError,
    OpenItemRecord,
    ParseResult,
    Problem,
    record_from_values,
)

__all__ = [
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "ColumnMapError",
    "UnusableInput",
    "iter_open_items_csv",
    "parse_amount_cents",
    "parse_bool",
    "parse_date",
    "parse_open_items_csv",
]

logger = logging.getLogger(__name__)

COLUMNS = (
    "item_ref",
    "customer_ref",
    "name",
    "street",
    "postal_code",
    "city",
    "country",
    "email",
    "consumer",
    "subject",
    "contract_date",
    "invoice_date",
    "due_date",
    "amount",
    "currency",
    "reminder_date",
    "return_charges",
    "disputed",
    "category",
    "return_reason",
)
REQUIRED_COLUMNS = ("item_ref", "customer_ref", "name", "due_date", "amount")

DEFAULT_MAX_BYTES = 200_000_000
_CHUNK_BYTES = 1 << 20
_MAX_HEADER_CHARS = 65_536
_DELIMITERS = (";", "\t", ",")  # on a tie, the earlier one wins
_WHOLE_ROW = "(whole row)"

# Windows-1252 leaves these five bytes undefined, so a file containing one of
# them is neither UTF-8 nor Windows-1252.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
# Control bytes other than tab, line feed, form feed and carriage return. A
# text export has next to none of them.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.05
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class UnusableInput(Exception):
    """The whole file cannot be read: empty, binary, undecodable, too large, or
    a header without a required column."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ColumnMapError(ValueError):
    """A column map that names an unknown field or maps two fields to one
    column."""

    def __init__(self, column_map: Mapping[str, str], reason: str) -> None:
        super().__init__(f"invalid column map {dict(column_map)!r}: {reason}")
        self.reason = reason


# --- Value parsers, shared with other text formats. ---

_AMOUNT_EXPECTED = "an amount in euros such as 4,99 or 1.234,56"
_EXPONENT = re.compile(r"[0-9.,]*[eE][+-]?[0-9]+")
_SPACE_GROUPED = re.compile(r"[0-9]{1,3}(?:[ '\u00a0\u202f][0-9]{3})+(?:[.,][0-9]*)?")
_AMOUNT_CHARS = re.compile(r"[0-9.,]+")
_MAX_EURO_DIGITS = 12


def parse_amount_cents(text: str) -> int:
    """Convert an amount in euros to signed integer cents.

    Accepts a decimal comma or point with optional thousands separators
    ("12,50", "1.234,56", "12.50", "1,234.56", "1 234,56", "7"), a sign in
    front or a trailing minus as SAP writes it ("4,99-"), and "EUR" or "€"
    before or after the number. Rejects with FieldValueError (a ValueError)
    more than two decimals (the value is never rounded), exponent notation,
    and a single separator followed by exactly three digits ("1,234"), which
    could mean either 1234 or 1.234.
    """
    number = text.strip()
    for mark in ("EUR", "€"):
        if number.upper().startswith(mark):
            number = number[len(mark) :].strip()
        elif number.upper().endswith(mark):
            number = number[: -len(mark)].strip()

    negative = False
    if number[:1] in ("-", "+"):
        negative = number[0] == "-"
        number = number[1:].strip()
    elif number.endswith("-"):
        negative = True
        number = number[:-1].strip()

    if _EXPONENT.fullmatch(number):
        raise FieldValueError("is in exponent notation", _AMOUNT_EXPECTED)
    if _SPACE_GROUPED.fullmatch(number):
        for separator in " '\u00a0\u202f":
            number = number.replace(separator, "")
    if not _AMOUNT_CHARS.fullmatch(number) or not any(c.isdigit() for c in number):
        raise FieldValueError("is not an amount", _AMOUNT_EXPECTED)

    euros, fraction = _split_amount(number)
    if len(euros) > _MAX_EURO_DIGITS:
        raise FieldValueError("is too large", f"at most {_MAX_EURO_DIGITS} euro digits")
    cents = int(euros or "0") * 100 + int(fraction.ljust(2, "0"))
    return -cents if negative else cents


def _split_amount(number: str) -> tuple[str, str]:
    """Split digits and separators into euro digits and up to two decimals."""
    last = max(number.rfind(","), number.rfind("."))
    if last < 0:
        return number, ""
    separator = number[last]
    if number.count(separator) > 1:
        if "," in number and "." in number:
            raise FieldValueError("has misplaced separators", _AMOUNT_EXPECTED)
        # "1.234.567": only thousands separators, no decimals.
        return _ungroup(number, separator), ""

    euros, fraction = number[:last], number[last + 1 :]
    grouping = "." if separator == "," else ","
    if not fraction:
        raise FieldValueError(
            "has no digits after its decimal separator", _AMOUNT_EXPECTED
        )
    if (
        len(fraction) == 3
        and 1 <= len(euros) <= 3
        and euros.isdigit()
        and not euros.startswith("0")
    ):
        raise FieldValueError(
            "is ambiguous: a thousands separator or three decimals",
            "at most two decimals, such as 1234 or 1.234,00",
        )
    if len(fraction) > 2:
        raise FieldValueError(
            "has more than two decimals",
            "at most two decimals (amounts are never rounded)",
        )
    return _ungroup(euros, grouping), fraction


def _ungroup(digits: str, separator: str) -> str:
    """Remove thousands separators after checking they stand every 3 digits."""
    if separator not in digits:
        return digits
    groups = digits.split(separator)
    if not 1 <= len(groups[0]) <= 3 or any(len(group) != 3 for group in groups[1:]):
        raise FieldValueError("has misplaced thousands separators", _AMOUNT_EXPECTED)
    return "".join(groups)


_GERMAN_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATE_EXPECTED = "DD.MM.YYYY or YYYY-MM-DD"


def parse_date(text: str) -> date:
    """Convert "15.10.2026" or "2026-10-15" to a date.

    Raises FieldValueError (a ValueError) for other shapes, two-digit years and
    days that do not exist, such as 31.02.2026.
    """
    stripped = text.strip()
    if match := _GERMAN_DATE.fullmatch(stripped):
        day, month, year = match.groups()
    elif match := _ISO_DATE.fullmatch(stripped):
        year, month, day = match.groups()
    else:
        raise FieldValueError("is not a date", _DATE_EXPECTED)
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise FieldValueError("is not a valid date", _DATE_EXPECTED) from None


_TRUE_WORDS = frozenset({"ja", "j", "yes", "y", "true", "wahr", "1", "x"})
_FALSE_WORDS = frozenset({"nein", "n", "no", "false", "falsch", "0", ""})


def parse_bool(text: str) -> bool:
    """Convert a yes/no cell, case-insensitively.

    True: ja, j, yes, y, true, wahr, 1, x. False: nein, n, no, false, falsch,
    0 and the empty cell, as a checkbox column exports it. Anything else
    raises FieldValueError (a ValueError).
    """
    word = text.strip().casefold()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise FieldValueError(
        "is not a yes/no value", "ja/nein, yes/no, true/false, 1/0 or x"
    )


class _CsvValues:
    """The ValueReader for CSV cells, which are always strings."""

    def text(self, raw: Any) -> str:
        return str(raw)

    def date(self, raw: Any) -> date:
        return parse_date(str(raw))

    def cents(self, raw: Any) -> int:
        return parse_amount_cents(str(raw))

    def flag(self, raw: Any) -> bool:
        return parse_bool(str(raw))


# --- Bytes to text: size limit, binary check, encoding detection. ---


class _LimitedReader(io.RawIOBase):
    """A raw stream over `prefix` and then `stream` that counts bytes and
    rejects a file above `max_bytes` or with NUL bytes."""

    def __init__(
        self,
        stream: BinaryIO,
        prefix: bytes,
        *,
        source: str,
        max_bytes: int,
        allow_nul: bool,
    ) -> None:
        super().__init__()
        self._stream = stream
        self._prefix = prefix
        self._source = source
        self._max_bytes = max_bytes
        self._allow_nul = allow_nul
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._prefix:
            data = self._prefix[: len(view)]
            self._prefix = self._prefix[len(data) :]
        else:
            data = self._stream.read(len(view))
        self._count += len(data)
        if self._count > self._max_bytes:
            raise UnusableInput(self._source, _too_large(self._max_bytes))
        if not self._allow_nul and b"\x00" in data:
            raise UnusableInput(self._source, _BINARY)
        view[: len(data)] = data
        return len(data)


_BINARY = "the file is binary, not text (it contains NUL bytes)"


def _too_large(max_bytes: int) -> str:
    return f"the file is larger than the limit of {max_bytes} bytes"


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    return len(_CONTROL_BYTES.findall(head)) > _MAX_CONTROL_SHARE * len(head)


def _choose_encoding(
    stream: BinaryIO, source: str, max_bytes: int, forced: str | None
) -> tuple[str, bytes]:
    """Return the text encoding of the stream and the bytes already read from
    a stream that cannot seek.

    A seekable stream is read once to the end (in chunks, so memory stays
    bounded) and rewound, so that size, binary content and encoding are known
    before the first record. A stream that cannot seek is judged by its first
    megabyte, and a later problem raises UnusableInput while iterating.
    """
    if forced is not None:
        name = codecs.lookup(forced).name
        return ("utf-8-sig" if name == "utf-8" else name), b""

    seekable = _is_seekable(stream)
    start = stream.tell() if seekable else 0
    head = stream.read(_CHUNK_BYTES)
    if len(head) > max_bytes:
        raise UnusableInput(source, _too_large(max_bytes))
    if head.startswith(_UTF16_BOMS):
        return _rewind(stream, start, head, seekable, "utf-16")
    if _looks_binary(head):
        raise UnusableInput(source, _BINARY)

    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_valid = _decodes(utf8, head, final=False)
    cp1252_valid = not _CP1252_UNDEFINED.search(head)
    if seekable:
        total = len(head)
        while chunk := stream.read(_CHUNK_BYTES):
            total += len(chunk)
            if total > max_bytes:
                raise UnusableInput(source, _too_large(max_bytes))
            if b"\x00" in chunk:
                raise UnusableInput(source, _BINARY)
            utf8_valid = utf8_valid and _decodes(utf8, chunk, final=False)
            cp1252_valid = cp1252_valid and not _CP1252_UNDEFINED.search(chunk)
        utf8_valid = utf8_valid and _decodes(utf8, b"", final=True)

    if utf8_valid:
        return _rewind(stream, start, head, seekable, "utf-8-sig")
    if cp1252_valid:
        return _rewind(stream, start, head, seekable, "cp1252")
    raise UnusableInput(
        source,
        "unknown encoding: the file is neither UTF-8 nor Windows-1252; "
        "pass the encoding explicitly",
    )


def _is_seekable(stream: BinaryIO) -> bool:
    try:
        return stream.seekable()
    except (AttributeError, OSError, ValueError):
        return False


def _decodes(decoder: codecs.IncrementalDecoder, data: bytes, *, final: bool) -> bool:
    try:
        decoder.decode(data, final)
    except UnicodeDecodeError:
        return False
    return True


def _rewind(
    stream: BinaryIO, start: int, head: bytes, seekable: bool, encoding: str
) -> tuple[str, bytes]:
    if seekable:
        stream.seek(start)
        return encoding, b""
    return encoding, head


def _open_text(
    stream: BinaryIO, source: str, encoding: str | None, max_bytes: int
) -> tuple[io.TextIOWrapper, str]:
    chosen, prefix = _choose_encoding(stream, source, max_bytes, encoding)
    raw = _LimitedReader(
        stream,
        prefix,
        source=source,
        max_bytes=max_bytes,
        allow_nul=chosen.startswith("utf-16") or encoding is not None,
    )
    buffered = io.BufferedReader(raw, _CHUNK_BYTES)
    # newline="" hands line breaks inside quoted values to the csv module.
    return io.TextIOWrapper(buffered, encoding=chosen, newline=""), chosen


# --- Header: delimiter, column positions. ---


def _is_blank_line(line: str) -> bool:
    return not line.strip(" \t\r\n;,\"'")


def _detect_delimiter(line: str, source: str) -> str:
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    delimiter = max(_DELIMITERS, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        raise UnusableInput(
            source,
            "the header line has no ';', ',' or tab between column names",
        )
    return delimiter


def _header_key(name: str) -> str:
    return name.strip().casefold()


def _effective_names(column_map: Mapping[str, str] | None) -> dict[str, str]:
    """Return, for each field, the header name under which it appears."""
    names = {field: field for field in COLUMNS}
    if not column_map:
        return names
    unknown = sorted(set(column_map) - set(COLUMNS))
    if unknown:
        raise ColumnMapError(
            column_map,
            f"unknown field(s) {', '.join(unknown)}; known: {', '.join(COLUMNS)}",
        )
    for field, name in column_map.items():
        if not isinstance(name, str) or not name.strip():
            raise ColumnMapError(column_map, f"empty column name for {field}")
        names[field] = name.strip()
    seen: dict[str, str] = {}
    for field, name in names.items():
        other = seen.setdefault(_header_key(name), field)
        if other != field:
            raise ColumnMapError(
                column_map, f"{other} and {field} both read column {name!r}"
            )
    return names


def _locate_columns(
    header: list[str], names: Mapping[str, str], source: str
) -> dict[str, int]:
    """Return the position of each field present in the header."""
    keys = [_header_key(cell) for cell in header]
    if keys:
        # A UTF-8 byte order mark read as Windows-1252 shows as "ï»¿".
        keys[0] = keys[0].removeprefix("\ufeff").removeprefix("ï»¿")
    positions: dict[str, int] = {}
    for field, name in names.items():
        found = [index for index, key in enumerate(keys) if key == _header_key(name)]
        if len(found) > 1:
            raise UnusableInput(
                source, f"the header has column {name!r} {len(found)} times"
            )
        if found:
            positions[field] = found[0]
    missing = [names[field] for field in REQUIRED_COLUMNS if field not in positions]
    if missing:
        missing_names = ", ".join(repr(name) for name in missing)
        header_names = ", ".join(repr(cell.strip()) for cell in header[:40])
        raise UnusableInput(
            source,
            f"missing required column(s) {missing_names}; "
            f"the header has {header_names}",
        )
    return positions


def _read_header(text: io.TextIOWrapper, source: str) -> tuple[str, list[str], int]:
    """Read up to and including the header line.

    Returns the delimiter, the header cells and the number of lines read.
    Blank lines and an Excel "sep=;" line may precede the header.
    """
    delimiter: str | None = None
    lines_read = 0
    while True:
        line = text.readline(_MAX_HEADER_CHARS)
        if not line:
            raise UnusableInput(source, "the file has no header line")
        if len(line) == _MAX_HEADER_CHARS and not line.endswith(("\n", "\r")):
            raise UnusableInput(
                source, f"the first line is longer than {_MAX_HEADER_CHARS} characters"
            )
        lines_read += 1
        stripped = line.strip()
        if delimiter is None and len(stripped) == 5 and stripped.lower()[:4] == "sep=":
            delimiter = stripped[4]
            if delimiter not in _DELIMITERS:
                raise UnusableInput(
                    source,
                    f"the line {stripped!r} names an unsupported delimiter; "
                    "expected ';', ',' or tab",
                )
            continue
        if not _is_blank_line(line):
            break
    if delimiter is None:
        delimiter = _detect_delimiter(line, source)
    header = next(csv.reader([line], delimiter=delimiter), [])
    return delimiter, header, lines_read


# --- Rows. ---


def _width_problem(
    cells: list[str], width: int, delimiter: str, row: int, item_position: int
) -> Problem:
    item_ref = None
    if item_position < len(cells) and cells[item_position].strip():
        item_ref = cells[item_position].strip()[:64]
    return Problem(
        row=row,
        item_ref=item_ref,
        field=_WHOLE_ROW,
        value=delimiter.join(cells),
        expected=(
            f"{width} fields as in the header "
            f"(a value containing {delimiter!r} must be quoted)"
        ),
        reason=f"has {len(cells)} fields",
    )


def iter_open_items_csv(
    stream: BinaryIO,
    *,
    source: str,
    column_map: Mapping[str, str] | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[OpenItemRecord | Problem]:
    """Yield each valid record and each Problem of a CSV export, in file order.

    Reads the stream row by row, so memory stays bounded except for the set of
    item references used to find duplicates. `source` names the file in
    messages. `column_map` maps our field names to the creditor's header
    names. `encoding` forces a text encoding instead of detecting it.

    Raises UnusableInput when the file as a whole cannot be read; for a
    seekable stream that happens before the first item. Raises
    ColumnMapError for a column map that cannot apply to any file, and
    LookupError for an unknown `encoding` name.
    """
    names = _effective_names(column_map)
    text, chosen = _open_text(stream, source, encoding, max_bytes)
    try:
        yield from _iter_rows(text, source, names, chosen)
    except UnicodeDecodeError:
        encoding_name = chosen.removesuffix("-sig")
        raise UnusableInput(
            source,
            f"the file contains bytes that are not valid {encoding_name}; "
            "pass the encoding explicitly",
        ) from None
    finally:
        # Closes only the wrappers; the caller's stream stays open.
        text.close()


def _iter_rows(
    text: io.TextIOWrapper, source: str, names: Mapping[str, str], encoding: str
) -> Iterator[OpenItemRecord | Problem]:
    delimiter, header, lines_before = _read_header(text, source)
    positions = _locate_columns(header, names, source)
    labels = {field: header[index].strip() for field, index in positions.items()}
    width = len(header)
    column_order = {labels[field]: index for field, index in positions.items()}
    logger.debug(
        "%s: encoding %s, delimiter %r, %d columns", source, encoding, delimiter, width
    )

    values_reader = _CsvValues()
    duplicates = DuplicateRefs()
    reader = csv.reader(text, delimiter=delimiter, strict=False)
    previous_line = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # The reader goes on with the next line after an error, so one bad
            # row (a field over the csv module's size limit, say) costs only
            # that row.
            row = lines_before + previous_line + 1
            previous_line = reader.line_num
            yield Problem(
                row=row,
                item_ref=None,
                field=_WHOLE_ROW,
                value="",
                expected=(
                    f"fields of at most {csv.field_size_limit()} characters "
                    "and no NUL bytes"
                ),
                reason=f"cannot be read as CSV ({error})",
            )
            continue
        row = lines_before + previous_line + 1
        span = reader.line_num - previous_line
        previous_line = reader.line_num

        if all(not cell.strip() for cell in cells):
            continue
        if len(cells) > width and all(not cell.strip() for cell in cells[width:]):
            cells = cells[:width]
        if len(cells) != width:
            problem = _width_problem(
                cells, width, delimiter, row, positions["item_ref"]
            )
            if span > 1:
                # A quote opened and never closed joins every following line
                # into this one row, so the problem names the lines it joined.
                problem = replace(
                    problem,
                    reason=(
                        f"{problem.reason} across lines {row} to {row + span - 1} "
                        "(is a quote left open?)"
                    ),
                )
            yield problem
            continue

        values = {field: cells[index] for field, index in positions.items()}
        result = record_from_values(values, labels, row, values_reader)
        if isinstance(result, list):
            yield from sorted(result, key=lambda p: column_order.get(p.field, width))
            continue
        duplicate = duplicates.check(result, labels["item_ref"])
        yield result if duplicate is None else duplicate


def parse_open_items_csv(
    data: bytes,
    *,
    source: str,
    column_map: Mapping[str, str] | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ParseResult:
    """Parse a whole CSV export held in memory, as iter_open_items_csv does."""
    if len(data) > max_bytes:
        raise UnusableInput(source, _too_large(max_bytes))
    records: list[OpenItemRecord] = []
    problems: list[Problem] = []
    for entry in iter_open_items_csv(
        io.BytesIO(data),
        source=source,
        column_map=column_map,
        encoding=encoding,
        max_bytes=max_bytes,
    ):
        if isinstance(entry, Problem):
            problems.append(entry)
        else:
            records.append(entry)
    logger.info(
        "%s: %d open items accepted, %d problems", source, len(records), len(problems)
    )
    return ParseResult(records=tuple(records), problems=tuple(problems))
