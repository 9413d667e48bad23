"""Chart series for the report pages, as plain data for `json_script` (reports/static/reports/reports.js
draws them with the vendored Chart.js). The PDF draws the same series with fpdf2 (reports.pdf)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reports.selectors import CampaignReport, ProgramView

BLUE, VIOLET, GREEN, AMBER, RED = "#066fd1", "#7c3aed", "#0ca678", "#f59f00", "#d63939"
PALETTE = [BLUE, VIOLET, GREEN, AMBER, RED, "#17a2b8", "#ae3ec9", "#f76707"]
TOP_CREATORS = 12  # bars stay readable up to about a dozen groups


def _num(value: Decimal | int | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _series(label: str, data: list[Any], colour: str, *, kind: str = "bar", axis: str = "y") -> dict[str, Any]:
    return {"label": label, "data": data, "color": colour, "kind": kind, "axis": axis}


def campaign_charts(report: CampaignReport) -> dict[str, Any]:
    days = [point.day.isoformat() for point in report.days]
    revenue = [_num(p.revenue) for p in report.days]
    top = sorted(report.rows, key=lambda row: (-row.spend, row.handle))[:TOP_CREATORS]
    return {
        "clicks": {
            "labels": days,
            "datasets": [
                _series("Clicks", [p.clicks for p in report.days], BLUE, kind="line"),
                _series("Unique clicks", [p.unique_clicks for p in report.days], VIOLET, kind="line"),
            ],
        },
        "orders": {
            "labels": days,
            "datasets": [
                _series("Orders", [_num(p.orders) for p in report.days], GREEN),
                _series(f"Revenue ({report.currency})", revenue, AMBER, kind="line", axis="y1"),
            ],
        },
        "creators": {
            "labels": [f"@{row.handle}" for row in top],
            "datasets": [
                _series(f"Spend ({report.currency})", [_num(row.spend) for row in top], BLUE),
                _series(f"Revenue ({report.currency})", [_num(row.revenue) for row in top], GREEN),
            ],
        },
    }


def program_charts(view: ProgramView) -> dict[str, Any]:
    partners = view.partners[:5]
    campaign_labels: list[str] = []
    for partner in partners:
        for entry in partner.campaigns:
            if entry.campaign_name not in campaign_labels:
                campaign_labels.append(entry.campaign_name)
    return {
        "campaigns": {
            "labels": [segment.label for segment in view.campaigns],
            "datasets": [
                _series(f"Spend ({view.currency})", [_num(s.figures.spend) for s in view.campaigns], BLUE),
                _series(f"Revenue ({view.currency})", [_num(s.figures.revenue) for s in view.campaigns], GREEN),
            ],
        },
        "tiers": {
            "labels": [segment.label for segment in view.tiers],
            "datasets": [_series("ROAS", [_num(s.figures.roas) for s in view.tiers], VIOLET)],
        },
        "partners": {
            "labels": campaign_labels,
            "datasets": [
                _series(
                    f"@{partner.handle}",
                    [
                        next((_num(e.figures.roas) for e in partner.campaigns if e.campaign_name == name), None)
                        for name in campaign_labels
                    ],
                    PALETTE[index % len(PALETTE)],
                    kind="line",
                )
                for index, partner in enumerate(partners)
            ],
        },
    }
