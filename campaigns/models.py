"""Campaigns and the collaboration pipeline. Every table is workspace-owned (scoped manager, fails
closed); the campaigns services keep a row's workspace equal to its parent's (`campaigns.checks.same_workspace`).

Money is django-money's MoneyField: a Decimal amount column plus a `<name>_currency` column, never a
float. The stage and status rules live in `campaigns.pipeline`."""

from django.db import models
from django.db.models import Q
from django.db.models.expressions import Combinable
from django.utils import timezone
from djmoney.models.fields import MoneyField
from djmoney.money import Money

from accounts.models import User
from campaigns.pipeline import CampaignStatus, Stage
from creators.models import Creator, Video, WorkspaceOwned

MONEY_MAX_DIGITS = 14  # up to 999,999,999,999.99: any campaign budget, in any currency
MONEY_DECIMAL_PLACES = 2


class CampaignObjective(models.TextChoices):
    """What a campaign is judged on (reports: awareness by views, CPM and reach; engagement by engagement
    rate and CPE; traffic by clicks, CPC and CTR; sales by orders, ROAS and CPA)."""

    AWARENESS = "awareness", "Awareness"
    ENGAGEMENT = "engagement", "Engagement"
    TRAFFIC = "traffic", "Traffic"
    SALES = "sales", "Sales"


class Campaign(WorkspaceOwned):
    """A brand's campaign: what it wants (objective, KPIs), for whom (target audience), and what it may
    spend (budget, in one currency).

    `target_audience` is `{"niches": [...], "countries": [...], "languages": [...], "tiers": [...],
    "age_buckets": [...], "genders": [...]}` (every part optional), matched against creators and their
    audience profiles; `kpis` is `[{"metric": ..., "target": "<decimal>", "deadline": "YYYY-MM-DD"}]`
    (deadline optional). Both are validated by the services. `status` changes only through
    `services.change_campaign_status`, which writes a `CampaignStatusChange` each time."""

    Status = CampaignStatus
    Objective = CampaignObjective

    name = models.CharField(max_length=150)
    objective = models.CharField(max_length=16, choices=Objective.choices)
    budget: "MoneyField[Money | Combinable, Money]" = MoneyField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, default_currency=None
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    target_audience = models.JSONField(default=dict, blank=True)
    kpis = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    owner = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="campaign_budget_non_negative"),
            models.CheckConstraint(
                condition=Q(objective__in=CampaignObjective.values), name="campaign_objective_known"
            ),
            models.CheckConstraint(condition=Q(status__in=CampaignStatus.values), name="campaign_status_known"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="campaign_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "status", "-created_at"], name="campaign_status_idx")]

    def __str__(self) -> str:
        return self.name


class CampaignStatusChange(WorkspaceOwned):
    """Append-only: one row per status move of a campaign (who, when, from, to), the campaign page's
    history. Nothing updates or deletes these rows; the audit log has the same move as `campaign.status_changed`."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=CampaignStatus.choices)
    to_status = models.CharField(max_length=16, choices=CampaignStatus.choices)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")), name="campaign_status_change_changes"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "-created_at"], name="campaign_status_change_idx")]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.from_status} → {self.to_status}"


class Collaboration(WorkspaceOwned):
    """One creator in one campaign, moving through the pipeline (`campaigns.pipeline`). Only
    `services.move_collaboration` changes `stage`, and it writes a `CollaborationTransition` each time.

    Compensation is blank until agreed; the check constraints keep each type's figures coherent."""

    Stage = Stage

    class Compensation(models.TextChoices):
        FIXED_FEE = "fixed_fee", "Fixed fee"
        GIFTING_ONLY = "gifting_only", "Gifting only"
        COMMISSION = "commission", "Commission (%)"
        FEE_PLUS_BONUS = "fee_plus_bonus", "Fee + bonus above a threshold"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="collaborations")
    # RESTRICT: a creator with collaborations (and so, maybe, payouts) is not deleted from the index by
    # accident; deleting the whole workspace or campaign still removes them.
    creator = models.ForeignKey(Creator, on_delete=models.RESTRICT, related_name="collaborations")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.SHORTLISTED)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    compensation_type = models.CharField(max_length=16, choices=Compensation.choices, blank=True)
    fee: "MoneyField[Money | Combinable | None, Money | None]" = MoneyField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, default_currency=None, null=True, blank=True
    )
    commission_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    bonus: "MoneyField[Money | Combinable | None, Money | None]" = MoneyField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, default_currency=None, null=True, blank=True
    )
    bonus_metric = models.CharField(max_length=32, blank=True, help_text="The KPI whose threshold earns the bonus.")
    bonus_threshold = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    shortlisted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # When the creator last opened their collaboration page, which shows every review comment: the
    # unread-messages e-mail (outreach) does not tell them about a review they have already read there.
    creator_reviews_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "creator"], name="collaboration_unique_per_campaign"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="collaboration_stage_known"),
            models.CheckConstraint(
                condition=Q(fee__isnull=True) | Q(fee__gte=0), name="collaboration_fee_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(bonus__isnull=True) | Q(bonus__gt=0), name="collaboration_bonus_positive"
            ),
            models.CheckConstraint(
                condition=Q(commission_percent__isnull=True) | Q(commission_percent__gt=0, commission_percent__lte=100),
                name="collaboration_commission_percent_range",
            ),
            models.CheckConstraint(
                condition=~Q(compensation_type="gifting_only") | Q(fee__isnull=True, bonus__isnull=True),
                name="collaboration_gifting_has_no_fee",
            ),
            models.CheckConstraint(
                condition=~Q(compensation_type__in=["fixed_fee", "fee_plus_bonus"]) | Q(fee__isnull=False),
                name="collaboration_fee_agreed",
            ),
            models.CheckConstraint(
                condition=~Q(compensation_type="commission") | Q(commission_percent__isnull=False),
                name="collaboration_commission_agreed",
            ),
            models.CheckConstraint(
                condition=~Q(compensation_type="fee_plus_bonus")
                | Q(bonus__isnull=False, bonus_threshold__isnull=False),
                name="collaboration_bonus_agreed",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "campaign", "stage"], name="collaboration_stage_idx"),
            models.Index(fields=["workspace", "creator"], name="collaboration_creator_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.creator} in {self.campaign}"


class CollaborationTransition(WorkspaceOwned):
    """Append-only: one row per stage change (who, when, from, to). `from_stage` is blank for the row
    written when the creator was shortlisted. Nothing updates or deletes these rows."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_stage=models.F("to_stage")), name="transition_changes_stage"),
        ]
        indexes = [models.Index(fields=["collaboration", "created_at"], name="transition_collab_idx")]

    def __str__(self) -> str:
        return f"{self.collaboration}: {self.from_stage or '—'} → {self.to_stage}"


class Deliverable(WorkspaceOwned):
    """Content a collaboration owes: `count` pieces of one format, due as a draft and then live."""

    class Format(models.TextChoices):
        IN_FEED_VIDEO = "in_feed_video", "In-feed video"
        STORY = "story", "Story"
        LIVE = "live", "LIVE"
        PHOTO_CAROUSEL = "photo_carousel", "Photo carousel"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a draft"
        IN_REVIEW = "in_review", "Draft in review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        LIVE = "live", "Live"

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="deliverables")
    format = models.CharField(max_length=20, choices=Format.choices)
    count = models.PositiveSmallIntegerField(default=1)
    draft_due_on = models.DateField(null=True, blank=True)
    live_due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    live_url = models.URLField(max_length=500, blank=True)
    video = models.ForeignKey(Video, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliverables")
    approved_at = models.DateTimeField(null=True, blank=True)
    live_at = models.DateTimeField(null=True, blank=True)
    # Usage rights: TikTok's Spark Ads authorization code lets the brand boost the creator's post as an ad,
    # until the expiry the creator chose when generating it.
    spark_ads_code = models.CharField(max_length=255, blank=True)
    spark_ads_code_expires_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="deliverable_count_positive"),
            models.CheckConstraint(
                condition=Q(spark_ads_code="", spark_ads_code_expires_on__isnull=True)
                | (~Q(spark_ads_code="") & Q(spark_ads_code_expires_on__isnull=False)),
                name="deliverable_spark_ads_code_has_expiry",
            ),
            models.CheckConstraint(
                condition=~Q(status="live") | (~Q(live_url="") & Q(live_at__isnull=False)),
                name="deliverable_live_has_url",
            ),
            models.CheckConstraint(
                condition=Q(draft_due_on__isnull=True)
                | Q(live_due_on__isnull=True)
                | Q(live_due_on__gte=models.F("draft_due_on")),
                name="deliverable_due_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "collaboration"], name="deliverable_collab_idx")]

    def __str__(self) -> str:
        return f"{self.count} x {self.get_format_display()} for {self.collaboration_id}"


class DeliverableSubmission(WorkspaceOwned):
    """One round of a draft: an uploaded file or a link. Rounds count from 1 per deliverable.

    The file is never served from a public media URL: views stream it after checking the workspace (or
    the creator). `content_type` is what the file's bytes are (campaigns.deliverables.uploads), not what the browser
    claimed; `file_name` is the sanitised name the creator gave it."""

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="submissions")
    round_number = models.PositiveSmallIntegerField()
    file = models.FileField(upload_to="submissions/%Y/%m/", blank=True, max_length=255)
    file_name = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=60, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    link = models.URLField(max_length=500, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["deliverable", "round_number"]
        constraints = [
            models.UniqueConstraint(fields=["deliverable", "round_number"], name="submission_round_unique"),
            models.CheckConstraint(condition=Q(round_number__gte=1), name="submission_round_positive"),
            models.CheckConstraint(condition=~Q(file="") | ~Q(link=""), name="submission_has_file_or_link"),
        ]

    def __str__(self) -> str:
        return f"Round {self.round_number} of deliverable {self.deliverable_id}"


class ReviewComment(WorkspaceOwned):
    """The brand's word on a draft round: a decision (approve, request changes) with an optional comment."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"

    submission = models.ForeignKey(DeliverableSubmission, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["submission", "created_at"], name="reviewcomment_submission_idx")]

    def __str__(self) -> str:
        return self.body[:50]


class Shipment(WorkspaceOwned):
    """Product seeding. The address is collected through the portal and is private to the workspace
    (never shown in lists, never exported with the collaboration)."""

    class Status(models.TextChoices):
        PENDING_ADDRESS = "pending_address", "Waiting for the address"
        READY = "ready", "Ready to ship"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        RETURNED = "returned", "Returned"

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="shipments")
    description = models.CharField(max_length=200, blank=True, help_text="What is sent, e.g. “Glow serum kit”.")
    address = models.JSONField(default=dict, blank=True)
    carrier = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING_ADDRESS)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "status"], name="shipment_status_idx")]

    def __str__(self) -> str:
        return f"Shipment {self.pk} for {self.collaboration_id} ({self.get_status_display()})"


class Payout(WorkspaceOwned):
    """A payment owed to or made to a creator. CreatorDesk records payments; it does not make them."""

    class Status(models.TextChoices):
        DUE = "due", "Due"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"

    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"  # recorded by hand: the fee, a bonus, a kill fee
        COMMISSION = "commission", "Commission"  # settled from attributed revenue

    # RESTRICT: a money record outlives an accidental collaboration delete; workspace deletion still cascades.
    collaboration = models.ForeignKey(Collaboration, on_delete=models.RESTRICT, related_name="payouts")
    amount: "MoneyField[Money | Combinable, Money]" = MoneyField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, default_currency=None
    )
    due_on = models.DateField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="Invoice or bank transfer reference.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DUE)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PAYMENT)
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="paid", paid_at__isnull=False) | (~Q(status="paid") & Q(paid_at__isnull=True)),
                name="payout_paid_at_iff_paid",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "collaboration", "status"], name="payout_collab_idx")]

    def __str__(self) -> str:
        return f"{self.amount} for {self.collaboration_id} ({self.get_status_display()})"


class OpenCall(WorkspaceOwned):
    """A campaign's public application page (`/apply/<slug>/`, no login). The slug is random, so a
    campaign is not found by guessing its name; closing the call keeps the page up with a notice."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="open_call")
    slug = models.SlugField(max_length=40, unique=True)
    headline = models.CharField(max_length=150)
    description = models.TextField(help_text="What the campaign is about and what creators get.")
    requirements = models.TextField(blank=True, help_text="Who should apply: niches, audience, formats.")
    is_open = models.BooleanField(default=True)
    closes_on = models.DateField(null=True, blank=True)
    published_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return f"Open call for {self.campaign}"


class OpenCallApplication(WorkspaceOwned):
    """One creator's application through an open call. It arrives as a shortlisted collaboration; the
    row keeps what the creator wrote (pitch, contact) next to it."""

    open_call = models.ForeignKey(OpenCall, on_delete=models.CASCADE, related_name="applications")
    collaboration = models.OneToOneField(Collaboration, on_delete=models.CASCADE, related_name="application")
    handle = models.CharField(max_length=64)
    email = models.EmailField()
    pitch = models.TextField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "open_call", "-created_at"], name="application_call_idx")]

    def __str__(self) -> str:
        return f"@{self.handle} for {self.open_call.campaign_id}"
