"""Query results as pandas columns through `COPY (query) TO STDOUT (FORMAT binary)`.

When every column has a fixed width (bigint, double precision, boolean, timestamptz) and no NULL, each
row of PostgreSQL's binary COPY format has the same layout, so numpy reads the whole result in one
`frombuffer` with a structured dtype: no text to parse and no Python object per value. For the 3M
video rows of a scoring run this is about twice as fast as CSV through `pandas.read_csv`.

Format: https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4 — an 11-byte signature,
int32 flags, int32 header-extension length (+ extension), then per row an int16 field count and, per
field, an int32 length (-1 for NULL) and the big-endian value; an int16 -1 ends the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
# PostgreSQL's binary timestamps count microseconds from 2000-01-01 UTC.
_POSTGRES_EPOCH_US = 946_684_800_000_000

# SQL type -> numpy dtype of its big-endian value on the wire; timestamptz becomes datetime64 UTC.
KINDS: dict[str, str] = {"bigint": ">i8", "float8": ">f8", "boolean": "?", "timestamptz": ">i8"}


class BinaryFrameError(ValueError):
    """The COPY data is not what the columns promised (a NULL, another width, another layout)."""


def _row_dtype(kinds: Sequence[str]) -> np.dtype[Any]:
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for n, kind in enumerate(kinds):
        fields += [(f"len{n}", ">i4"), (f"val{n}", KINDS[kind])]
    return np.dtype(fields)


def parse_binary_copy(data: bytes | bytearray | memoryview, columns: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """The rows of a binary COPY as a frame of `columns` (name, kind of KINDS), in order."""
    names = [name for name, _kind in columns]
    kinds = [kind for _name, kind in columns]
    view = memoryview(data)
    if len(view) < 21 or bytes(view[:11]) != SIGNATURE:
        raise BinaryFrameError("Not PostgreSQL binary COPY data.")
    extension = int.from_bytes(view[15:19], "big")
    start = 19 + extension
    if bytes(view[-2:]) != b"\xff\xff":
        raise BinaryFrameError("The binary COPY data has no trailer.")
    dtype = _row_dtype(kinds)
    body = len(view) - 2 - start
    if body % dtype.itemsize:
        _raise_first_misfit(view, start, columns)
    rows = np.frombuffer(view, dtype=dtype, count=body // dtype.itemsize, offset=start)
    if len(rows) and (rows["count"] != len(kinds)).any():
        _raise_first_misfit(view, start, columns)
    frame: dict[str, Any] = {}
    for n, (name, kind) in enumerate(zip(names, kinds, strict=True)):
        wire = np.dtype(KINDS[kind])
        if len(rows) and (rows[f"len{n}"] != wire.itemsize).any():
            _raise_first_misfit(view, start, columns)
        values = rows[f"val{n}"].astype(wire.newbyteorder("="))
        if kind == "timestamptz":
            values = pd.to_datetime(values + _POSTGRES_EPOCH_US, unit="us", utc=True)
        frame[name] = values
    return pd.DataFrame(frame, columns=names)


def _raise_first_misfit(view: memoryview, offset: int, columns: Sequence[tuple[str, str]]) -> None:
    """Walk the rows one by one (only on the way to an error) and name the first field that breaks the
    layout: a NULL, or a value of another width than its column's kind."""
    row = 0
    while offset + 2 <= len(view):
        count = int.from_bytes(view[offset : offset + 2], "big", signed=True)
        offset += 2
        if count == -1:
            break
        if count != len(columns):
            raise BinaryFrameError(f"Row {row + 1} has {count} fields, not {len(columns)}.")
        for name, kind in columns:
            length = int.from_bytes(view[offset : offset + 4], "big", signed=True)
            offset += 4
            if length == -1:
                raise BinaryFrameError(f"Column {name!r} is NULL in row {row + 1}.")
            if length != np.dtype(KINDS[kind]).itemsize:
                raise BinaryFrameError(f"Column {name!r} is not {kind} in row {row + 1} ({length} bytes).")
            offset += length
        row += 1
    raise BinaryFrameError("The binary COPY data does not have the layout of the columns.")


def copy_binary_frame(sql: str, params: Any, columns: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """Run `sql` (its select list cast to exactly `columns`' kinds, NULLs coalesced) into a frame."""
    buffer = bytearray()
    with connection.cursor() as cursor:
        query = cursor.mogrify(sql, params) if params else sql
        with cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT binary)") as copy:
            for block in copy:
                buffer += block
    return parse_binary_copy(buffer, columns)
