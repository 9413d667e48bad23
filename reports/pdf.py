"""The printable campaign report as a PDF, drawn with fpdf2 from the same report the page shows.

Charts are drawn with fpdf2's own lines and rectangles from the same daily series and creator rows as
the page's Chart.js charts, so the PDF needs no browser, no JavaScript and no system package (a
headless browser to print the page would be a heavy dependency for `make run` on a bare machine)."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from decimal import Decimal

from fpdf import FPDF

from core.pdf_fonts import printable, use_unicode_font
from reports.figures import Headline
from reports.selectors import CampaignReport, ProgramView
from reports.tables import Table, creator_table, program_tables

PRODUCER = "CreatorDesk"
INK = (17, 24, 39)
MUTED = (107, 114, 128)
GRID = (229, 231, 235)
BLUE = (6, 111, 209)
VIOLET = (124, 58, 237)
GREEN = (12, 166, 120)
VERDICT_COLOURS = {"scale": (12, 166, 120), "keep": (107, 114, 128), "stop": (214, 57, 57)}
# Columns of the creator table that fit a landscape A4 page at 7 pt, with their widths in mm.
PDF_COLUMNS = {
    "handle": 34,
    "tier": 13,
    "spend": 20,
    "views": 20,
    "engagement_rate": 15,
    "clicks": 14,
    "ctr": 13,
    "orders": 14,
    "revenue": 20,
    "cpm": 15,
    "cpc": 14,
    "cpa": 15,
    "roas": 12,
    "emv": 20,
    "verdict": 14,
}
SHORT_HEADERS = {"engagement_rate": "ER", "unique_clicks": "Uniques"}


def _clip(pdf: FPDF, text: str, width: float) -> str:
    """`text`, cut with a trailing '.' if it is wider than `width` in the current font. Measured rather
    than counted: glyph widths differ between scripts (a Cyrillic or Greek label is wider than a Latin one)."""
    if pdf.get_string_width(text) <= width:
        return text
    while len(text) > 2 and pdf.get_string_width(text + ".") > width:
        text = text[:-1]
    return text + "."


def _cell(value: object, kind: str) -> str:
    if value is None or value == "":
        return "-"
    if kind == "ratio" and isinstance(value, Decimal):
        return f"{value * 100:.2f} %"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return printable(str(value))


def _count(value: Decimal | int) -> str:
    """Whole counts without decimals; a fractional count (a linear split's share) keeps two."""
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def _money(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def _tiles(pdf: FPDF, tiles: Sequence[tuple[str, str]]) -> None:
    width = (pdf.w - pdf.l_margin - pdf.r_margin - 4 * (len(tiles) - 1)) / len(tiles)
    top = pdf.get_y()
    for index, (label, value) in enumerate(tiles):
        x = pdf.l_margin + index * (width + 4)
        pdf.set_draw_color(*GRID)
        pdf.set_fill_color(249, 250, 251)
        pdf.rect(x, top, width, 17, style="DF", round_corners=True, corner_radius=2)
        pdf.set_xy(x + 3, top + 2.5)
        pdf.set_font(style="B", size=6.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(width - 6, 4, printable(label.upper()))
        pdf.set_xy(x + 3, top + 8)
        text = printable(value)
        pdf.set_font(style="B", size=12)
        if pdf.get_string_width(text) > width - 6:  # long amounts drop a size to stay inside the tile
            pdf.set_font(style="B", size=9)
        pdf.set_text_color(*INK)
        pdf.cell(width - 6, 6, text)
    pdf.set_y(top + 21)


def _axes(pdf: FPDF, x: float, y: float, w: float, h: float, top: float, title: str) -> None:
    pdf.set_font(style="B", size=9)
    pdf.set_text_color(*INK)
    pdf.set_xy(x, y - 7)
    pdf.cell(w, 5, printable(title))
    pdf.set_font(style="", size=6)
    pdf.set_text_color(*MUTED)
    pdf.set_line_width(0.2)
    for step in range(5):
        line_y = y + h - h * step / 4
        pdf.set_draw_color(*GRID)
        pdf.line(x, line_y, x + w, line_y)
        pdf.set_xy(x - 14, line_y - 2)
        pdf.cell(13, 4, f"{top * step / 4:,.0f}", align="R")


def _line_chart(
    pdf: FPDF, *, x: float, y: float, w: float, h: float, title: str, labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], tuple[int, int, int]]],
) -> None:  # fmt: skip
    top = max([max(values, default=0) for _name, values, _colour in series] + [1]) * 1.1
    _axes(pdf, x, y, w, h, top, title)
    count = len(labels)
    for _name, values, colour in series:
        pdf.set_draw_color(*colour)
        pdf.set_line_width(0.6)
        points = [(x + (w * i / max(count - 1, 1)), y + h - h * v / top) for i, v in enumerate(values)]
        for start, end in itertools.pairwise(points):
            pdf.line(*start, *end)
        if len(points) == 1:
            pdf.circle(x=points[0][0], y=points[0][1], radius=0.8, style="F")
    pdf.set_font(style="", size=6)
    pdf.set_text_color(*MUTED)
    for index in sorted({0, count // 2, count - 1}) if count else []:
        pdf.set_xy(x + w * index / max(count - 1, 1) - 10, y + h + 1)
        pdf.cell(20, 3, printable(labels[index]), align="C")
    legend_x = x
    for name, _values, colour in series:
        pdf.set_fill_color(*colour)
        pdf.rect(legend_x, y + h + 6, 3, 2, style="F")
        pdf.set_xy(legend_x + 4, y + h + 5.4)
        pdf.cell(30, 3, printable(name))
        legend_x += 32


def _bar_chart(
    pdf: FPDF, *, x: float, y: float, w: float, h: float, title: str, labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], tuple[int, int, int]]],
) -> None:  # fmt: skip
    top = max([max(values, default=0) for _name, values, _colour in series] + [1]) * 1.1
    _axes(pdf, x, y, w, h, top, title)
    groups = max(len(labels), 1)
    group_w = w / groups
    bar_w = min(group_w * 0.8 / max(len(series), 1), 8)
    for s_index, (_name, values, colour) in enumerate(series):
        pdf.set_fill_color(*colour)
        for index, value in enumerate(values):
            bar_h = h * value / top
            bar_x = x + group_w * index + (group_w - bar_w * len(series)) / 2 + s_index * bar_w
            if bar_h > 0:
                pdf.rect(bar_x, y + h - bar_h, bar_w * 0.9, bar_h, style="F")
    pdf.set_font(style="", size=5.5)
    pdf.set_text_color(*MUTED)
    for index, label in enumerate(labels):
        pdf.set_xy(x + group_w * index, y + h + 1)
        pdf.cell(group_w, 3, _clip(pdf, printable(label), group_w - 1), align="C")
    legend_x = x
    for name, _values, colour in series:
        pdf.set_fill_color(*colour)
        pdf.rect(legend_x, y + h + 6, 3, 2, style="F")
        pdf.set_xy(legend_x + 4, y + h + 5.4)
        pdf.cell(30, 3, printable(name))
        legend_x += 32


def _table(pdf: FPDF, report: CampaignReport) -> None:
    table = creator_table(report)
    columns = [column for column in table.columns if column.key in PDF_COLUMNS]
    pdf.set_font(style="B", size=10)
    pdf.set_text_color(*INK)
    pdf.cell(0, 7, "Creators", new_x="LMARGIN", new_y="NEXT")

    def header() -> None:
        pdf.set_font(style="B", size=6.5)
        pdf.set_fill_color(243, 244, 246)
        pdf.set_text_color(*MUTED)
        for column in columns:
            label = SHORT_HEADERS.get(column.key, column.header.replace(f" ({report.currency})", ""))
            pdf.cell(
                PDF_COLUMNS[column.key], 6, printable(label), fill=True, align="L" if column.kind == "text" else "R"
            )
        pdf.ln()

    header()
    pdf.set_font(style="", size=7)
    for row_index, row in enumerate(table.rows):
        if pdf.get_y() > pdf.h - 22:
            pdf.add_page()
            header()
            pdf.set_font(style="", size=7)
        fill = row_index % 2 == 1
        pdf.set_fill_color(249, 250, 251)
        for column in columns:
            value = column.value(row)
            if column.key == "verdict" and value:
                pdf.set_text_color(*VERDICT_COLOURS.get(str(value), MUTED))
                pdf.set_font(style="B", size=7)
            else:
                pdf.set_text_color(*INK)
                pdf.set_font(style="", size=7)
            align = "L" if column.kind == "text" else "R"
            pdf.cell(PDF_COLUMNS[column.key], 5.5, _cell(value, column.kind), fill=fill, align=align)
        pdf.ln()
    pdf.ln(3)
    pdf.set_font(style="", size=7)
    pdf.set_text_color(*MUTED)
    for row in table.rows:
        if row.verdict is not None:
            line = printable(f"@{row.handle}: {row.verdict.verdict.value} - {row.verdict.reason}")
            pdf.multi_cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")


def _headline_text(headline: Headline) -> str:
    value = headline.value
    if value is None:
        return "-"
    if headline.kind == "money":
        return _money(Decimal(value))
    if headline.kind == "ratio":
        return f"{Decimal(value) * 100:.2f} %"
    if headline.kind == "multiple":
        return f"{Decimal(value):.2f}x"
    return _count(value)


def _headline_tiles(pdf: FPDF, headlines: Sequence[Headline], *, compared: bool) -> None:
    """The headline figures as tiles; with a previous period, each label carries the change."""
    tiles = []
    for headline in headlines:
        label = headline.label
        if compared:
            change = "new" if headline.change is None else f"{headline.change * 100:+.0f} %"
            label = f"{label} ({change} vs previous)"
        tiles.append((label, _headline_text(headline)))
    _tiles(pdf, tiles)


def _start(title: str, generated_at: datetime.datetime) -> FPDF:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_creation_date(generated_at.astimezone(datetime.UTC))
    pdf.set_producer(PRODUCER)
    pdf.set_creator(PRODUCER)
    pdf.set_title(printable(title))
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_margins(14, 14, 14)
    use_unicode_font(pdf)
    pdf.add_page()
    return pdf


def _segment_table(pdf: FPDF, table: Table) -> None:
    """A program table (campaigns, tiers, niches) with the columns that fit a landscape page."""
    keys = ("label", "creators", "spend", "views", "clicks", "orders", "revenue", "cpm", "cpc", "cpa", "roas")
    columns = [column for column in table.columns if column.key in keys]
    widths = {column.key: (60 if column.key == "label" else 19) for column in columns}
    pdf.set_font(style="B", size=10)
    pdf.set_text_color(*INK)
    pdf.cell(0, 7, printable(table.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="B", size=6.5)
    pdf.set_fill_color(243, 244, 246)
    pdf.set_text_color(*MUTED)
    for column in columns:
        align = "L" if column.kind == "text" else "R"
        pdf.cell(
            widths[column.key], 6, _clip(pdf, printable(column.header), widths[column.key]), fill=True, align=align
        )
    pdf.ln()
    pdf.set_font(style="", size=7)
    pdf.set_text_color(*INK)
    for row in table.rows:
        if pdf.get_y() > pdf.h - 22:
            pdf.add_page()
        for column in columns:
            text = _clip(pdf, _cell(column.value(row), column.kind), widths[column.key] - 1)
            pdf.cell(widths[column.key], 5.5, text, align="L" if column.kind == "text" else "R")
        pdf.ln()
    pdf.ln(4)


def render_program_pdf(view: ProgramView, *, generated_at: datetime.datetime, time_zone: str) -> bytes:
    """The program view as a PDF: its headline figures (against the previous period when it has a
    range), then campaigns, tiers and niches as tables."""
    pdf = _start("Program report", generated_at)
    pdf.set_font(style="B", size=18)
    pdf.set_text_color(*INK)
    pdf.cell(0, 9, "Program report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=8.5)
    pdf.set_text_color(*MUTED)
    period = view.report_range
    compared = f" · compared with {period.previous_label}" if view.previous_totals is not None else ""
    pdf.cell(
        0, 5,
        printable(
            f"{period.label}{compared} · attribution: {view.attribution.label} · days in {time_zone} · "
            f"money in {view.currency} · generated {generated_at:%Y-%m-%d %H:%M} UTC"
        ),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    pdf.ln(4)
    _headline_tiles(pdf, view.headlines, compared=view.previous_totals is not None)
    pdf.ln(2)
    if not view.rows:
        pdf.set_font(style="", size=9)
        pdf.cell(0, 6, "No report yet: reports fill in once a campaign has contracted creators.")
        return bytes(pdf.output())
    tables = program_tables(view)
    for name in ("campaigns", "tiers", "niches"):
        _segment_table(pdf, tables[name])
    return bytes(pdf.output())


def render_campaign_report_pdf(report: CampaignReport, *, generated_at: datetime.datetime, time_zone: str) -> bytes:
    campaign = report.campaign
    totals = report.totals
    pdf = _start(f"{campaign.name} - campaign report", generated_at)

    pdf.set_font(style="B", size=18)
    pdf.set_text_color(*INK)
    pdf.cell(0, 9, printable(campaign.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=8.5)
    pdf.set_text_color(*MUTED)
    dates = " - ".join(d.isoformat() for d in (campaign.start_date, campaign.end_date) if d)
    attribution = report.attribution.label + (
        f", {report.attribution.window_days}-day window" if report.attribution.window_days else ""
    )
    pdf.cell(
        0,
        5,
        printable(
            f"Campaign report · {campaign.get_objective_display()} · {dates or 'no dates'} · "
            f"{report.report_range.label}"
            f"{f' vs {report.report_range.previous_label}' if report.previous_totals is not None else ''} · "
            f"attribution: {attribution} · days in {time_zone} · money in {report.currency} · "
            f"generated {generated_at:%Y-%m-%d %H:%M} UTC"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    _headline_tiles(pdf, report.headlines, compared=report.previous_totals is not None)
    used = report.budget_used
    _tiles(
        pdf,
        [
            ("Spend", _money(totals.spend)),
            ("Budget", _money(report.budget)),
            ("Budget used", "-" if used is None else f"{used * 100:.0f} %"),
            ("Views", f"{totals.views:,}"),
            ("Engagements", f"{totals.engagements:,}"),
            ("Clicks", f"{totals.clicks:,}"),
            ("Unique clicks", f"{totals.unique_clicks:,}"),
        ],
    )
    _tiles(
        pdf,
        [
            ("Orders", _count(totals.orders)),
            ("Revenue", _money(totals.revenue)),
            ("New customers", _count(totals.new_customers)),
            ("ROAS", "-" if totals.roas is None else f"{totals.roas:.2f}"),
            ("CPA", _money(totals.cpa)),
            ("CTR", "-" if totals.ctr is None else f"{totals.ctr * 100:.2f} %"),
            ("EMV", _money(totals.emv) if report.emv_applies else "-"),
        ],
    )
    chart_top = pdf.get_y() + 10
    half = (pdf.w - pdf.l_margin - pdf.r_margin - 30) / 2
    labels = [point.day.strftime("%d %b") for point in report.days]
    if report.days:
        _line_chart(
            pdf, x=pdf.l_margin + 14, y=chart_top, w=half - 6, h=48, title="Clicks per day", labels=labels,
            series=[
                ("Clicks", [p.clicks for p in report.days], BLUE),
                ("Unique clicks", [p.unique_clicks for p in report.days], VIOLET),
            ],
        )  # fmt: skip
    top_rows = sorted(report.rows, key=lambda r: (-r.spend, r.handle))[:10]
    if top_rows:
        _bar_chart(
            pdf, x=pdf.l_margin + half + 30, y=chart_top, w=half - 6, h=48, title="Spend and revenue by creator",
            labels=[f"@{r.handle}" for r in top_rows],
            series=[
                ("Spend", [float(r.spend) for r in top_rows], BLUE),
                ("Revenue", [float(r.revenue) for r in top_rows], GREEN),
            ],
        )  # fmt: skip
    pdf.set_y(chart_top + 62)
    if report.rows:
        _table(pdf, report)
    else:
        pdf.set_font(style="", size=9)
        pdf.cell(0, 6, "No booked creator yet: creators appear here once contracted.")
    return bytes(pdf.output())
