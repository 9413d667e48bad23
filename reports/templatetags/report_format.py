"""Number formats for report pages: money with two decimals, fractions as percentages, ROAS as a
multiple, and an em dash wherever a figure is unknown (a ratio over zero)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()

DASH = "—"


@register.filter
def money(value: Decimal | int | None) -> str:
    if value is None or value == "":
        return DASH
    return str(intcomma(f"{Decimal(value):.2f}"))


@register.filter
def pct(value: Decimal | None) -> str:
    """A fraction (0.0123) as a percentage (1.23 %)."""
    if value is None or value == "":
        return DASH
    return f"{Decimal(value) * 100:.2f} %"


@register.filter
def multiple(value: Decimal | None) -> str:
    """ROAS 2.5 as "2.50" followed by the multiplication sign."""
    if value is None or value == "":
        return DASH
    return f"{Decimal(value):.2f}\u00d7"


@register.filter
def count(value: Decimal | int | None) -> str:
    """Whole counts with separators; fractional counts (split order credit) keep two decimals."""
    if value is None or value == "":
        return DASH
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return str(intcomma(f"{value:.2f}"))
    return str(intcomma(int(value)))


@register.filter
def cell(value: object, kind: str) -> str:
    """A table cell by its column kind (reports.tables.Column.kind)."""
    if kind == "money":
        return money(value)  # type: ignore[arg-type]
    if kind == "ratio":
        return pct(value)  # type: ignore[arg-type]
    if kind == "number":
        return count(value)  # type: ignore[arg-type]
    return DASH if value in (None, "") else str(value)


@register.filter
def sort_value(value: object) -> str:
    """What a sortable column sorts on: the raw number (unknown sorts last), or the text."""
    if value is None or value == "":
        return ""
    return str(value)


@register.filter
def column_cells(table: object, row: object) -> list[tuple[object, object]]:
    """[(column, value)] of one row, for templates that loop over a table's columns."""
    return [(column, column.value(row)) for column in table.columns]  # type: ignore[attr-defined]
