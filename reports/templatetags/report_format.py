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


@register.filter
def signed_pct(value: Decimal | None) -> str:
    """A change (0.25) as "+25.0 %", a fall as "\u221210.0 %" (a minus sign, not a hyphen)."""
    if value is None or value == "":
        return DASH
    shown = Decimal(value) * 100
    return f"+{shown:.1f} %" if shown >= 0 else f"\u2212{-shown:.1f} %"


@register.filter
def kpi_value(value: Decimal | None, kind: str) -> str:
    """A KPI figure by its format (reports.kpis.KPI_KINDS): count, money, ratio or multiple."""
    if kind == "money":
        return money(value)
    if kind == "ratio":
        return pct(value)
    if kind == "multiple":
        return multiple(value)
    return count(value.to_integral_value() if isinstance(value, Decimal) else value)  # a projection: whole units


@register.filter
def kpi_triplet(target: Decimal, line: object) -> list[str]:
    """[target, actual] of a KPI line, each in the line's format (the cells before its progress bar)."""
    shown = line.format  # type: ignore[attr-defined]
    return [kpi_value(target, shown), kpi_value(line.actual, shown)]  # type: ignore[attr-defined]
