"""CSV exports: cells a spreadsheet cannot run, and rows streamed without building the file in memory."""

import csv
from collections.abc import Iterable, Iterator, Sequence

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """Spreadsheets run text cells that start with = + - @ as formulas: quote them as text (CSV
    injection). Numbers stay numbers, negative ones included."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
        return f"'{value}"
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The header, then each row, every cell passed through csv_cell, as CSV text lines. The header
    too: some headers are names from an uploaded file (an import's columns)."""
    writer = csv.writer(_Echo())
    yield writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])
