"""Reading export files record by record: CSV, JSON array, JSON lines, object-with-list, XLSX."""

import io
import json

import pytest
from openpyxl import Workbook

from creators.importing import files as import_files
from creators.importing.files import FileFormat, ImportFileError, count_rows, detect_format, iter_records, preview


def _records(payload: bytes, fmt: FileFormat):
    return list(iter_records(io.BytesIO(payload), fmt))


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_csv_rows_are_numbered_from_the_first_record():
    payload = b"username,followers\nmaya,12.3K\n\nbob,5\n"

    assert _records(payload, FileFormat.CSV) == [
        (1, {"username": "maya", "followers": "12.3K"}, None),
        (3, {"username": "bob", "followers": "5"}, None),  # the blank line keeps its number
    ]


def test_csv_with_semicolons_a_bom_and_windows_line_endings():
    payload = "\ufeffusername;followers\r\nmaya;1\r\n".encode()

    assert _records(payload, FileFormat.CSV) == [(1, {"username": "maya", "followers": "1"}, None)]


def test_csv_written_by_excel_on_windows_is_read_as_cp1252():
    payload = "username,bio\nmaya,Café owner\n".encode("cp1252")

    assert _records(payload, FileFormat.CSV)[0][1]["bio"] == "Café owner"


def test_a_json_array_of_nested_records_is_flattened_by_dotted_path():
    payload = json.dumps([{"id": "1", "authorMeta": {"name": "maya", "fans": 10}, "hashtags": [{"name": "a"}]}])

    assert _records(payload.encode(), FileFormat.JSON) == [
        (1, {"id": "1", "authorMeta.name": "maya", "authorMeta.fans": 10, "hashtags": [{"name": "a"}]}, None)
    ]


def test_an_object_whose_list_holds_the_records():
    payload = json.dumps({"meta": {"count": 2}, "tags": ["x"], "data": [{"u": "a"}, {"u": "b"}], "cursor": 5})

    assert [values for _row, values, _error in _records(payload.encode(), FileFormat.JSON)] == [{"u": "a"}, {"u": "b"}]


def test_an_object_without_a_list_of_records_is_refused():
    with pytest.raises(ImportFileError, match="no list of records"):
        _records(b'{"a": 1, "b": [1, 2]}', FileFormat.JSON)


def test_a_big_json_array_is_read_without_holding_it_whole(monkeypatch):
    # A 5-character buffer forces every record across buffer edges, numbers included.
    monkeypatch.setattr(import_files._JsonStream, "CHUNK_CHARS", 5)
    records = [{"u": f"user{i}", "n": 10**12 + i} for i in range(50)]

    result = _records(json.dumps(records).encode(), FileFormat.JSON)

    assert [values for _row, values, _error in result] == records


def test_a_non_object_element_is_a_bad_row_not_a_bad_file():
    assert _records(b'[{"u": "a"}, 3]', FileFormat.JSON)[1] == (2, None, "not a JSON object")


def test_broken_json_is_refused_with_its_position():
    with pytest.raises(ImportFileError, match="not valid at character"):
        _records(b'[{"u": "a"}, {"u": }]', FileFormat.JSON)


def test_json_lines_with_a_broken_line():
    payload = b'{"u": "a"}\n{"u": \n\n{"u": "c"}\n'

    result = _records(payload, FileFormat.JSONL)

    assert result[0] == (1, {"u": "a"}, None)
    assert result[1][0] == 2 and result[1][1] is None and result[1][2].startswith("not valid JSON")
    assert result[2] == (4, {"u": "c"}, None)


def test_xlsx_rows_keep_their_cell_types():
    payload = xlsx_bytes(
        [["username", "followers", "verified"], ["maya", 12300, True], [None, None, None], ["bob", 5, False]]
    )

    assert _records(payload, FileFormat.XLSX) == [
        (1, {"username": "maya", "followers": 12300, "verified": True}, None),
        (3, {"username": "bob", "followers": 5, "verified": False}, None),
    ]


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.csv", b"u,f\n", FileFormat.CSV),
        ("a.json", b'[{"u": 1}]', FileFormat.JSON),
        ("a.json", b'{"u": 1}\n{"u": 2}\n', FileFormat.JSONL),
        ("a.json", b'{\n  "data": [\n', FileFormat.JSON),
        ("a.ndjson", b'{"u": 1}\n', FileFormat.JSONL),
        ("a.XLSX", b"PK\x03\x04rest", FileFormat.XLSX),
    ],
)
def test_the_format_comes_from_the_name_and_the_first_bytes(name, head, expected):
    assert detect_format(name, head) is expected


@pytest.mark.parametrize(
    ("name", "head", "message"),
    [
        ("a.pdf", b"%PDF", "Upload a CSV, JSON"),
        ("a.xls", b"\xd0\xcf", "Old .xls"),
        ("a.xlsx", b"u,f\n", "not an XLSX"),
    ],
)
def test_unsupported_files_are_refused(name, head, message):
    with pytest.raises(ImportFileError, match=message):
        detect_format(name, head)


def test_preview_lists_columns_in_file_order_and_the_first_records():
    payload = json.dumps([{"a": 1}, {"b": 2, "a": 3}]).encode()

    result = preview(io.BytesIO(payload), FileFormat.JSON)

    assert result.columns == ["a", "b"]
    assert result.examples("a") == ["1", "3"]


def test_a_file_without_records_is_refused():
    with pytest.raises(ImportFileError, match="no records"):
        preview(io.BytesIO(b"username,followers\n"), FileFormat.CSV)


@pytest.mark.parametrize(
    ("payload", "fmt", "expected"),
    [
        (b"u\na\nb\n\nc\n", FileFormat.CSV, 4),
        (b'{"u": 1}\n{"u": 2}\n\n', FileFormat.JSONL, 2),
        (b'{"x": [{"u": 1}, {"u": 2}, {"u": 3}]}', FileFormat.JSON, 3),
    ],
)
def test_rows_are_counted_for_the_progress_bar(payload, fmt, expected):
    assert count_rows(io.BytesIO(payload), fmt) == expected


def test_reading_does_not_close_the_callers_file():
    binary = io.BytesIO(b"u\na\n")

    _records_list = list(iter_records(binary, FileFormat.CSV))
    count_rows(binary, FileFormat.CSV)

    assert _records_list and not binary.closed
