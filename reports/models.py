"""A workspace's report settings: what an action is worth (earned media value), what a shipped product
costs, and the thresholds behind each creator's verdict (docs/metrics.md, "Reports")."""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from creators.models import WorkspaceOwned


class ReportSettings(WorkspaceOwned):
    """One row per workspace (absent until first saved: `reports.settings.report_settings_for` gives
    the defaults). Every amount is a Decimal in `currency`; reports only apply them to campaigns whose
    budget is in that currency, since money is never converted or summed across currencies."""

    currency = models.CharField(max_length=3, default="USD")
    # Earned media value: what the brand would have paid for each action as media (docs/metrics.md).
    emv_per_view = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal("0.0100"))
    emv_per_like = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal("0.1000"))
    emv_per_comment = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal("0.5000"))
    emv_per_share = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal("1.0000"))
    emv_per_save = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal("0.5000"))
    # Cost of the product sent with each shipment, added to the collaboration's spend.
    product_value_per_shipment = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    # Verdicts: scale at ROAS >= scale_roas_at_least; stop below stop_roas_below or above stop_cpa_above;
    # no verdict before min_spend has been spent and the first video has been live min_days_live days.
    scale_roas_at_least = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("3.00"))
    stop_roas_below = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("1.00"))
    stop_cpa_above = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    min_spend = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("100.00"))
    min_days_live = models.PositiveSmallIntegerField(default=7)
    # The other objectives' lines, on a cost per unit (docs/metrics.md, "Verdicts"): scale at or under the
    # first, stop above the second. Defaults are a typical TikTok micro-creator program's costs.
    awareness_scale_cpm_at_most = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("5.00"))
    awareness_stop_cpm_above = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("15.00"))
    engagement_scale_cpe_at_most = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.10"))
    engagement_stop_cpe_above = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.50"))
    traffic_scale_cpc_at_most = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.50"))
    traffic_stop_cpc_above = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("2.00"))

    class Meta:
        verbose_name_plural = "report settings"
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="report_settings_one_per_workspace"),
            models.CheckConstraint(
                condition=Q(
                    emv_per_view__gte=0,
                    emv_per_like__gte=0,
                    emv_per_comment__gte=0,
                    emv_per_share__gte=0,
                    emv_per_save__gte=0,
                    product_value_per_shipment__gte=0,
                    min_spend__gte=0,
                    stop_roas_below__gte=0,
                ),
                name="report_settings_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(scale_roas_at_least__gte=models.F("stop_roas_below")),
                name="report_settings_scale_above_stop",
            ),
            models.CheckConstraint(
                condition=Q(stop_cpa_above__isnull=True) | Q(stop_cpa_above__gt=0),
                name="report_settings_stop_cpa_positive",
            ),
            models.CheckConstraint(
                condition=Q(
                    awareness_scale_cpm_at_most__gt=0,
                    engagement_scale_cpe_at_most__gt=0,
                    traffic_scale_cpc_at_most__gt=0,
                    awareness_stop_cpm_above__gte=models.F("awareness_scale_cpm_at_most"),
                    engagement_stop_cpe_above__gte=models.F("engagement_scale_cpe_at_most"),
                    traffic_stop_cpc_above__gte=models.F("traffic_scale_cpc_at_most"),
                ),
                name="report_settings_cost_lines_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Report settings of workspace {self.workspace_id}"
