"""The rejected rows of an import as a CSV file, for the job page's download and `import_creators
--rejects`. Everything in it comes from the uploaded file, the column names included, so every cell and
every header name passes through `core.csv_export.csv_cell` (CSV injection)."""

from typing import Any, TextIO

from core.csv_export import csv_lines


def write_rejects_csv(rejects: list[dict[str, Any]], out: TextIO) -> None:
    """One line per rejected row: its number, the reason, and the mapped cells as the file had them."""
    columns: list[str] = []
    for reject in rejects:
        for column, _value in reject.get("cells") or ():
            if column not in columns:
                columns.append(column)
    rows = (
        [reject["row"], reject["reason"], *(dict(reject.get("cells") or ()).get(column, "") for column in columns)]
        for reject in rejects
    )
    out.writelines(csv_lines(["row", "reason", *columns], rows))
