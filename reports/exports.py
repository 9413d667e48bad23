"""CSV and XLSX files of a report table. Cells pass through core.csv_export.csv_cell in both formats,
so a creator handle or campaign name starting with = + - @ is text in any spreadsheet, never a formula."""

from __future__ import annotations

import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook

from core.csv_export import csv_cell, csv_lines
from reports.tables import Table

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(table: Table, *, filename: str) -> HttpResponse:
    body = "".join(csv_lines(table.header(), table.values()))
    return _attachment(HttpResponse(body, content_type="text/csv; charset=utf-8"), f"{filename}.csv")


def xlsx_bytes(table: Table) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.title[:31])  # Excel's limit on a sheet name
    sheet.append(table.header())
    for row in table.values():
        # Numbers stay numbers (Decimal as float is exact enough for a cell showing 2-4 places).
        sheet.append([float(v) if isinstance(v, Decimal) else csv_cell(v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(table: Table, *, filename: str) -> HttpResponse:
    return _attachment(HttpResponse(xlsx_bytes(table), content_type=XLSX_TYPE), f"{filename}.xlsx")


def table_response(table: Table, *, export_format: str, filename: str) -> HttpResponse:
    if export_format == "xlsx":
        return xlsx_response(table, filename=filename)
    return csv_response(table, filename=filename)
