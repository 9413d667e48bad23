"""A campaign's KPIs against what its report measured: each target (`Campaign.kpis`, a list of
{metric, target, deadline?}) with its actual from the same rollups as the campaign report, the progress
toward it and a straight-line projection to the KPI's deadline or the campaign's end date
(docs/metrics.md, "KPIs"). No database here: the caller passes the report's totals."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from reports import metrics
from reports.figures import Figures

# How each KPI metric is read from a report's figures, and which way is good:
# "count" accumulates (projected on a straight line), "rate" is higher-is-better and "cost" lower-is-better
# (both projected as they stand: a ratio does not grow with time).
KPI_KINDS: dict[str, tuple[str, str, str]] = {  # metric: (label, kind, format)
    "views": ("Views", "count", "count"),
    "reach": ("Reach", "count", "count"),
    "engagement_rate": ("Engagement rate", "rate", "ratio"),
    "clicks": ("Clicks", "count", "count"),
    "cpc": ("CPC", "cost", "money"),
    "ctr": ("CTR", "rate", "ratio"),
    "orders": ("Orders", "count", "count"),
    "revenue": ("Revenue", "count", "money"),
    "cpe": ("CPE", "cost", "money"),
    "cpm": ("CPM", "cost", "money"),
    "cpa": ("CPA", "cost", "money"),
    "roas": ("ROAS", "rate", "multiple"),
    "emv": ("EMV", "count", "money"),
    "videos_live": ("Videos live", "count", "count"),
}
# Figures' attribute per KPI metric where the names differ.
FIGURE_OF = {"videos_live": "posts"}


@dataclass(frozen=True)
class KpiLine:
    metric: str
    label: str
    kind: str  # count, rate, cost
    format: str  # count, money, ratio, multiple (how the page shows the numbers)
    target: Decimal
    actual: Decimal | None  # None: not measured, or a ratio over nothing yet
    projection: Decimal | None  # at `ends_on`; None without an end date or before the start
    ends_on: datetime.date | None
    is_deadline: bool  # ends_on is the KPI's own deadline, not the campaign's end date

    @property
    def progress(self) -> Decimal | None:
        """How far toward the target, as a fraction (1 = met): actual / target, or target / actual for a
        cost (a CPA of 20 against a target of 10 is half-way)."""
        if self.actual is None:
            return None
        if self.kind == "cost":
            return Decimal(1) if self.actual == 0 else metrics.ratio(self.target, self.actual)
        return metrics.ratio(self.actual, self.target)

    @property
    def progress_percent(self) -> int:
        """For the bar's width: 0-100."""
        progress = self.progress
        return 0 if progress is None else int(min(progress, Decimal(1)) * 100)

    @property
    def is_met(self) -> bool:
        return self.progress is not None and self.progress >= 1

    @property
    def status(self) -> str:
        """met, on track (the projection reaches the target), behind, or unknown."""
        if self.actual is None:
            return "unknown"
        if self.is_met:
            return "met"
        if self.projection is None:
            return "unknown"
        reaches = self.projection <= self.target if self.kind == "cost" else self.projection >= self.target
        return "on track" if reaches else "behind"


def _date(raw: Any) -> datetime.date | None:
    if isinstance(raw, datetime.date):
        return raw
    try:
        return datetime.date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def kpi_lines(
    *,
    kpis: list[Mapping[str, Any]],
    totals: Figures,
    start: datetime.date,
    end: datetime.date | None,
    today: datetime.date,
) -> list[KpiLine]:
    """Each KPI of a campaign that ran from `start` to `end` (None: no end date), measured by `totals`
    (campaign to date). A count is projected as actual / days elapsed x days from start to the deadline
    (metrics.linear_projection); a rate or cost is projected as it stands. Unknown metrics are skipped."""
    lines = []
    for kpi in kpis:
        metric = str(kpi.get("metric", ""))
        if metric not in KPI_KINDS:
            continue
        try:
            target = Decimal(str(kpi.get("target")))
        except InvalidOperation:
            continue
        label, kind, shown = KPI_KINDS[metric]
        value = getattr(totals, FIGURE_OF.get(metric, metric))
        actual = None if value is None else Decimal(value)
        deadline = _date(kpi.get("deadline"))
        ends_on = deadline or end
        projection = None
        if actual is not None and ends_on is not None:
            if kind == "count":
                projection = metrics.linear_projection(actual=actual, start=start, today=today, end=ends_on)
            elif today >= start:
                projection = actual
        lines.append(KpiLine(metric, label, kind, shown, target, actual, projection, ends_on, deadline is not None))
    return lines
