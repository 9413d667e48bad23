"""The tables of the reports as plain columns (header, value of a row): the pages, the CSV and XLSX
exports and the PDF read the same definitions, so an export always has the columns the page shows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reports.figures import SUMMARY_KEYS, Headline, headlines
from reports.selectors import CampaignReport, CreatorRow, Figures, ProgramView, RepeatPartner, Segment

Cell = str | int | Decimal | None


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    value: Callable[[Any], Cell]
    kind: str = "number"  # number, money, ratio (a fraction shown as %), text


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: Sequence[Column]
    rows: Sequence[Any]

    def header(self) -> list[str]:
        return [column.header for column in self.columns]

    def values(self) -> list[list[Cell]]:
        return [[column.value(row) for column in self.columns] for row in self.rows]


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


def _ratio(value: Decimal | None, places: str = "0.0001") -> Decimal | None:
    return None if value is None else value.quantize(Decimal(places))


def figure_columns(currency: str) -> list[Column]:
    """What every table says about a creator, campaign, tier or niche."""
    return [
        Column("spend", f"Spend ({currency})", lambda f: _money(f.spend), "money"),
        Column("views", "Views", lambda f: f.views),
        Column("reach", "Reach", lambda f: f.reach),
        Column("engagements", "Engagements", lambda f: f.engagements),
        Column("engagement_rate", "Engagement rate", lambda f: _ratio(f.engagement_rate), "ratio"),
        Column("clicks", "Clicks", lambda f: f.clicks),
        Column("unique_clicks", "Unique clicks", lambda f: f.unique_clicks),
        Column("ctr", "CTR", lambda f: _ratio(f.ctr), "ratio"),
        Column("orders", "Orders", lambda f: _ratio(f.orders, "0.01")),
        Column("revenue", f"Revenue ({currency})", lambda f: _money(f.revenue), "money"),
        Column("new_customers", "New customers", lambda f: _ratio(f.new_customers, "0.01")),
        Column("cpm", f"CPM ({currency})", lambda f: _money(f.cpm), "money"),
        Column("cpe", f"CPE ({currency})", lambda f: _money(f.cpe), "money"),
        Column("cpc", f"CPC ({currency})", lambda f: _money(f.cpc), "money"),
        Column("cpa", f"CPA ({currency})", lambda f: _money(f.cpa), "money"),
        Column("roas", "ROAS", lambda f: _ratio(f.roas, "0.01")),
        Column("emv", f"EMV ({currency})", lambda f: _money(f.emv), "money"),
    ]


def _verdict(row: CreatorRow) -> str:
    return row.verdict.verdict.value if row.verdict else ""


def _reason(row: CreatorRow) -> str:
    return row.verdict.reason if row.verdict else ""


def creator_table(report: CampaignReport) -> Table:
    columns = [
        Column("handle", "Creator", lambda r: r.handle, "text"),
        Column("verdict", "Verdict", _verdict, "text"),
        Column("reason", "Reason", _reason, "text"),
        Column("tier", "Tier", lambda r: r.tier, "text"),
        Column("stage", "Stage", lambda r: r.stage_label, "text"),
        Column("shipments", "Shipments", lambda r: r.shipments),
        *figure_columns(report.currency),
    ]
    return Table("creators", "Creators", columns, report.rows)


def totals_cells(table: Table, totals: Figures) -> list[tuple[Column, Cell]]:
    """The table's footer: the figure columns over `totals`, "" (blank) elsewhere."""
    keys = {column.key for column in figure_columns("")}
    return [(column, column.value(totals) if column.key in keys else "") for column in table.columns]


def daily_table(report: CampaignReport) -> Table:
    columns: list[Column] = [
        Column("day", "Day", lambda d: d.day.isoformat(), "text"),
        Column("clicks", "Clicks", lambda d: d.clicks),
        Column("unique_clicks", "Unique clicks", lambda d: d.unique_clicks),
        Column("orders", "Orders", lambda d: _ratio(d.orders, "0.01")),
        Column("revenue", f"Revenue ({report.currency})", lambda d: _money(d.revenue), "money"),
    ]
    return Table("daily", "Day by day", columns, report.days)


def _headline_value(kind: str, value: Decimal | int | None) -> Cell:
    if value is None:
        return None
    if kind == "money":
        return _money(Decimal(value))
    if kind == "ratio":
        return _ratio(Decimal(value))
    if kind == "multiple" or isinstance(value, Decimal):
        return _ratio(Decimal(value), "0.01")
    return value


def summary_table(totals: Figures, previous: Figures | None, currency: str, period: str, previous_period: str) -> Table:
    """Every headline figure over the period, over the previous one, and the change (a fraction)."""
    columns = [
        Column("figure", "Figure", lambda h: f"{h.label} ({currency})" if h.kind == "money" else h.label, "text"),
        Column("current", period or "All time", lambda h: _headline_value(h.kind, h.value)),
        Column("previous", previous_period or "Previous period", lambda h: _headline_value(h.kind, h.previous)),
        Column("change", "Change", lambda h: _ratio(h.change), "ratio"),
    ]
    rows: list[Headline] = headlines(SUMMARY_KEYS, totals, previous)
    return Table("summary", "Summary", columns, rows)


def campaign_summary(report: CampaignReport) -> Table:
    period = report.report_range
    return summary_table(report.totals, report.previous_totals, report.currency, period.label, period.previous_label)


CAMPAIGN_TABLES: dict[str, Callable[[CampaignReport], Table]] = {
    "creators": creator_table,
    "daily": daily_table,
    "summary": campaign_summary,
}


def _segment_table(name: str, title: str, label: str, segments: list[Segment], currency: str) -> Table:
    columns = [
        Column("label", label, lambda s: s.label, "text"),
        Column("creators", "Creators", lambda s: s.creators),
        *[_on_figures(column) for column in figure_columns(currency)],
    ]
    return Table(name, title, columns, segments)


def _on_figures(column: Column) -> Column:
    def value(row: Any) -> Cell:
        return column.value(row.figures)

    return Column(column.key, column.header, value, column.kind)


@dataclass(frozen=True)
class PartnerCampaignRow:
    """One repeat partner in one campaign, flattened for a table."""

    partner: RepeatPartner
    campaign_name: str
    campaign_date: str
    figures: Figures
    verdict: str


def partner_rows(view: ProgramView) -> list[PartnerCampaignRow]:
    return [
        PartnerCampaignRow(
            partner,
            entry.campaign_name,
            entry.campaign_date.isoformat() if entry.campaign_date else "",
            entry.figures,
            entry.verdict.verdict.value if entry.verdict else "",
        )
        for partner in view.partners
        for entry in partner.campaigns
    ]


def partners_table(view: ProgramView) -> Table:
    columns = [
        Column("handle", "Creator", lambda r: r.partner.handle, "text"),
        Column("tier", "Tier", lambda r: r.partner.tier, "text"),
        Column("campaign", "Campaign", lambda r: r.campaign_name, "text"),
        Column("date", "Campaign start", lambda r: r.campaign_date, "text"),
        *[_on_figures(column) for column in figure_columns(view.currency)],
        Column("verdict", "Verdict", lambda r: r.verdict, "text"),
    ]
    return Table("partners", "Repeat partners", columns, partner_rows(view))


def program_tables(view: ProgramView) -> dict[str, Table]:
    period = view.report_range
    return {
        "summary": summary_table(view.totals, view.previous_totals, view.currency, period.label, period.previous_label),
        "campaigns": _segment_table("campaigns", "Campaigns", "Campaign", view.campaigns, view.currency),
        "partners": partners_table(view),
        "tiers": _segment_table("tiers", "By tier", "Tier", view.tiers, view.currency),
        "niches": _segment_table("niches", "By niche", "Niche", view.niches, view.currency),
    }


PROGRAM_TABLES = ("summary", "campaigns", "partners", "tiers", "niches")
