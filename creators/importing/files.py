"""Read creator exports one record at a time: CSV, JSON (an array, JSON lines, or an object whose
list holds the records) and XLSX. Memory stays flat whatever the file size: CSV and JSON lines are
read line by line, JSON arrays are decoded element by element from a sliding buffer, XLSX through
openpyxl's read-only mode. Nested JSON is flattened to dotted column names (`authorMeta.fans`).

Every reader yields `(row, values, error)`: `row` is 1-based (the first record after a header is
row 1; blank lines keep their number so it matches the line in the file), `values` the flattened
record, `error` why a record could not even be read (a broken JSON line), in which case values is None.
"""

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath
from typing import IO, Any

from creators.errors import CreatorError

Record = tuple[int, dict[str, Any] | None, str | None]

# Long bios and captions exceed the csv module's default 128 KiB cell limit; 16 MiB is far above any real cell.
csv.field_size_limit(16 * 1024 * 1024)


class FileFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    XLSX = "xlsx"


class ImportErrorCode(StrEnum):
    UNSUPPORTED = "unsupported_file"
    UNREADABLE = "unreadable_file"
    EMPTY = "empty_file"
    TOO_LARGE = "file_too_large"
    BAD_MAPPING = "bad_mapping"
    NOT_MAPPING = "not_waiting_for_mapping"


class ImportFileError(CreatorError):
    """The file cannot be read as a whole (wrong type, broken JSON, not a spreadsheet)."""


EXTENSIONS = {
    ".csv": FileFormat.CSV,
    ".tsv": FileFormat.CSV,
    ".txt": FileFormat.CSV,
    ".json": FileFormat.JSON,
    ".jsonl": FileFormat.JSONL,
    ".ndjson": FileFormat.JSONL,
    ".xlsx": FileFormat.XLSX,
}


def detect_format(name: str, head: bytes) -> FileFormat:
    """The format from the file name, checked against the first bytes."""
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xls":
        raise ImportFileError(
            "Old .xls workbooks are not supported; save the sheet as .xlsx or CSV.", code=ImportErrorCode.UNSUPPORTED
        )
    fmt = EXTENSIONS.get(suffix)
    if fmt is None:
        raise ImportFileError(
            f"Upload a CSV, JSON, JSON lines or XLSX file (got {suffix or 'no extension'}).",
            code=ImportErrorCode.UNSUPPORTED,
        )
    if fmt is FileFormat.XLSX:
        if not head.startswith(b"PK\x03\x04"):
            raise ImportFileError("This is not an XLSX workbook.", code=ImportErrorCode.UNREADABLE)
        return fmt
    if head.startswith(b"PK\x03\x04"):
        raise ImportFileError("This looks like a spreadsheet; name it .xlsx.", code=ImportErrorCode.UNSUPPORTED)
    if fmt is FileFormat.JSON and _looks_like_json_lines(head):
        return FileFormat.JSONL
    return fmt


def _looks_like_json_lines(head: bytes) -> bool:
    text = _decode_head(head)[0].lstrip("\ufeff \t\r\n")
    if not text.startswith("{"):
        return False
    first, _, rest = text.partition("\n")
    try:
        json.loads(first)
    except ValueError:
        return False  # a pretty-printed object spans lines
    return rest.lstrip().startswith("{")


def _decode_head(head: bytes) -> tuple[str, str]:
    """The text of the first bytes and the encoding to read the file with: UTF-8 when they decode
    as UTF-8, else Windows-1252 (what Excel writes on Windows)."""
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False), "utf-8-sig"
    except UnicodeDecodeError:
        return head.decode("cp1252", errors="replace"), "cp1252"


class _Borrowed(io.RawIOBase):
    """The caller's binary file, which a TextIOWrapper may read but must not close when it is collected."""

    def __init__(self, binary: IO[bytes]) -> None:
        super().__init__()
        self._binary = binary

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._binary.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._binary.seek(offset, whence)

    def tell(self) -> int:
        return self._binary.tell()

    def close(self) -> None:
        pass  # the caller owns the file


def _text(binary: IO[bytes]) -> io.TextIOWrapper:
    binary.seek(0)
    head = binary.read(1 << 20)
    binary.seek(0)
    encoding = _decode_head(head)[1]
    # errors="replace": one stray byte deep in a big file must not stop the import.
    buffered = io.BufferedReader(_Borrowed(binary), buffer_size=1 << 16)
    return io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="")


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"authorMeta": {"fans": 12}} -> {"authorMeta.fans": 12}; lists stay values (hashtags)."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _unique_columns(header: list[Any]) -> list[str]:
    columns: list[str] = []
    for index, cell in enumerate(header, start=1):
        name = str(cell).strip() if cell is not None else ""
        name = name or f"column_{index}"
        base, n = name, 2
        while name in columns:
            name, n = f"{base} ({n})", n + 1
        columns.append(name)
    return columns


# --- CSV --------------------------------------------------------------------------------------


def _csv_reader(binary: IO[bytes]) -> Iterator[list[str]]:
    text = _text(binary)
    sample = text.read(64 * 1024)
    text.seek(0)
    first_line = sample.splitlines()[0] if sample else ""
    # The delimiter the header uses most; Excel in many locales writes `;`.
    delimiter = max(",;\t|", key=first_line.count) if first_line else ","
    if not first_line.count(delimiter):
        delimiter = ","
    return csv.reader(text, delimiter=delimiter)


def _iter_csv(binary: IO[bytes]) -> Iterator[Record]:
    reader = _csv_reader(binary)
    try:
        header = next(reader, None)
        if not header:
            return
        columns = _unique_columns(header)
        for row_number, cells in enumerate(reader, start=1):
            if not cells or not any(cells):
                continue
            yield row_number, dict(zip(columns, cells, strict=False)), None
    except csv.Error as exc:
        raise ImportFileError(f"The CSV cannot be read: {exc}.", code=ImportErrorCode.UNREADABLE) from exc


def _csv_columns(binary: IO[bytes]) -> list[str]:
    reader = _csv_reader(binary)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ImportFileError(f"The CSV cannot be read: {exc}.", code=ImportErrorCode.UNREADABLE) from exc
    return _unique_columns(header) if header else []


# --- JSON -------------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"[ \t\r\n]*")
_DECODER = json.JSONDecoder()


class _JsonStream:
    """Decodes one value at a time from a text stream, keeping only the unread part in memory."""

    CHUNK_CHARS = 1 << 20
    MAX_RECORD_CHARS = 64 << 20  # one record bigger than this is not a creator or a video

    def __init__(self, text: IO[str]) -> None:
        self.text = text
        self.buf = ""
        self.pos = 0
        self.consumed = 0  # characters dropped from the buffer, for error positions
        self.eof = False

    def _more(self) -> bool:
        if self.eof:
            return False
        # Read at least as much as is buffered: a record spanning many chunks costs O(n), not O(n²).
        data = self.text.read(max(self.CHUNK_CHARS, len(self.buf) - self.pos))
        if not data:
            self.eof = True
            return False
        self.consumed += self.pos
        self.buf = self.buf[self.pos :] + data
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next non-blank character, not consumed; "" at the end."""
        while True:
            self.pos = _WHITESPACE.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise self.error(f"expected {char!r}, found {found or 'the end of the file'!r}")
        self.pos += 1

    def error(self, message: str, at: int | None = None) -> ImportFileError:
        position = self.consumed + (self.pos if at is None else at)
        return ImportFileError(
            f"The JSON is not valid at character {position:,}: {message}.", code=ImportErrorCode.UNREADABLE
        )

    def value(self) -> Any:
        if not self.peek():
            raise self.error("unexpected end of the file")
        while True:
            try:
                obj, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos < self.MAX_RECORD_CHARS and self._more():
                    continue  # the value runs past the buffer
                raise self.error(exc.msg, exc.pos) from exc
            if end == len(self.buf) and self._more():
                continue  # a number may have been cut at the buffer's end: decode it whole
            self.pos = end
            return obj

    def array_items(self) -> Iterator[Any]:
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            following = self.peek()
            if following == ",":
                self.pos += 1
            elif following == "]":
                self.pos += 1
                return
            else:
                raise self.error(f"expected ',' or ']', found {following or 'the end of the file'!r}")

    def _list_of_objects_ahead(self) -> bool:
        offset = 1  # past the '['
        while True:
            index = _WHITESPACE.match(self.buf, self.pos + offset).end()  # type: ignore[union-attr]
            if index < len(self.buf):
                return self.buf[index] == "{"
            offset = index - self.pos
            if not self._more():
                return False

    def records(self) -> Iterator[Any]:
        """The records of an array, or of the first list of objects in a top-level object."""
        first = self.peek()
        if first == "[":
            yield from self.array_items()
            return
        if first != "{":
            raise self.error("a JSON import is an array of records or an object holding one")
        self.pos += 1
        while self.peek() != "}":
            key = self.value()
            if not isinstance(key, str):
                raise self.error("expected a key")
            self.expect(":")
            if self.peek() == "[" and self._list_of_objects_ahead():
                yield from self.array_items()
                return  # what follows the list (paging cursors, metadata) is not records
            self.value()
            if self.peek() == ",":
                self.pos += 1
        raise ImportFileError(
            'The JSON object holds no list of records (for example {"data": [{...}, {...}]}).',
            code=ImportErrorCode.EMPTY,
        )


def _iter_json(binary: IO[bytes]) -> Iterator[Record]:
    stream = _JsonStream(_text(binary))
    for row_number, item in enumerate(stream.records(), start=1):
        if isinstance(item, dict):
            yield row_number, flatten(item), None
        else:
            yield row_number, None, "not a JSON object"


def _iter_json_lines(binary: IO[bytes]) -> Iterator[Record]:
    for row_number, line in enumerate(_text(binary), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            yield row_number, None, f"not valid JSON ({exc})"
            continue
        if isinstance(item, dict):
            yield row_number, flatten(item), None
        else:
            yield row_number, None, "not a JSON object"


# --- XLSX -------------------------------------------------------------------------------------


def _xlsx_rows(binary: IO[bytes]) -> Iterator[tuple[Any, ...]]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    binary.seek(0)
    try:
        workbook = load_workbook(binary, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise ImportFileError("This XLSX workbook cannot be opened.", code=ImportErrorCode.UNREADABLE) from exc
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def _iter_xlsx(binary: IO[bytes]) -> Iterator[Record]:
    rows = _xlsx_rows(binary)
    header = next(rows, None)
    if not header:
        return
    columns = _unique_columns(list(header))
    for row_number, cells in enumerate(rows, start=1):
        if not any(cell is not None and cell != "" for cell in cells):
            continue
        yield row_number, dict(zip(columns, cells, strict=False)), None


# --- Public -----------------------------------------------------------------------------------


def iter_records(binary: IO[bytes], fmt: FileFormat) -> Iterator[Record]:
    binary.seek(0)
    if fmt is FileFormat.CSV:
        return _iter_csv(binary)
    if fmt is FileFormat.JSON:
        return _iter_json(binary)
    if fmt is FileFormat.JSONL:
        return _iter_json_lines(binary)
    return _iter_xlsx(binary)


@dataclass(frozen=True)
class FilePreview:
    columns: list[str]
    samples: list[dict[str, Any]]  # the first records, for the mapping page

    def examples(self, column: str, limit: int = 3) -> list[str]:
        values = []
        for record in self.samples:
            value = record.get(column)
            if value not in (None, "", [], {}):
                text = json.dumps(value, default=str) if isinstance(value, list | dict) else str(value)
                values.append(text if len(text) <= 60 else text[:57] + "…")
            if len(values) == limit:
                break
        return values


def preview(binary: IO[bytes], fmt: FileFormat, *, rows: int = 20) -> FilePreview:
    """The columns (in file order) and the first records; raises ImportFileError if there are none."""
    samples: list[dict[str, Any]] = []
    columns: list[str] = _csv_columns(binary) if fmt is FileFormat.CSV else []
    seen = set(columns)
    try:
        for _row, values, _error in iter_records(binary, fmt):
            if values is None:
                continue
            samples.append(values)
            for column in values:
                if column not in seen:
                    seen.add(column)
                    columns.append(column)
            if len(samples) >= rows:
                break
    except UnicodeError as exc:  # pragma: no cover - the readers replace undecodable bytes
        raise ImportFileError("The file's text cannot be decoded.", code=ImportErrorCode.UNREADABLE) from exc
    if not columns or not samples:
        raise ImportFileError("The file holds no records.", code=ImportErrorCode.EMPTY)
    return FilePreview(columns=columns, samples=samples)


def count_rows(binary: IO[bytes], fmt: FileFormat) -> int:
    """How many rows `iter_records` will number (the last row number), for the progress bar.
    CSV and JSON lines are counted without parsing records; JSON and XLSX are walked once."""
    binary.seek(0)
    if fmt is FileFormat.CSV:
        reader = _csv_reader(binary)
        try:
            return max(sum(1 for _ in reader) - 1, 0)
        except csv.Error as exc:
            raise ImportFileError(f"The CSV cannot be read: {exc}.", code=ImportErrorCode.UNREADABLE) from exc
    if fmt is FileFormat.JSONL:
        last = 0
        for number, line in enumerate(_text(binary), start=1):
            if line.strip():
                last = number
        return last
    if fmt is FileFormat.JSON:
        return sum(1 for _ in _JsonStream(_text(binary)).records())
    rows = _xlsx_rows(binary)
    return max(sum(1 for _ in rows) - 1, 0)
