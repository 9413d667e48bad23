"""Briefs: what a campaign asks of its creators, versioned. A published version is frozen; a change is
a new version, so every creator can see what they agreed to and what changed since."""

from django.db import models

from accounts.models import User, Workspace
from campaigns.models import Campaign, Collaboration, Deliverable
from core.models import TimeStampedModel
from creators.models import WorkspaceOwned


class Brief(WorkspaceOwned):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="briefs")
    version = models.PositiveIntegerField()
    objective = models.TextField(help_text="What the content should achieve, in the creator's words.")
    key_messages = models.TextField(blank=True)
    must_avoid = models.TextField(
        blank=True, help_text="Topics, words or hashtags to stay away from, one per line; brand safety scans for them."
    )
    formats = models.TextField(blank=True, help_text="Deliverable formats and counts.")
    timeline = models.TextField(blank=True, help_text="Dates for drafts, approvals and going live.")
    examples = models.TextField(blank=True, help_text="Hooks, sounds and styles that work in the category.")
    creative_freedom = models.TextField(blank=True)
    disclosure = models.TextField(
        blank=True, default="Use #ad and TikTok's paid-partnership label on every sponsored post."
    )
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    # The fields a version carries, in the order the portal and the diff show them.
    CONTENT_FIELDS = (
        "objective",
        "key_messages",
        "must_avoid",
        "formats",
        "timeline",
        "examples",
        "creative_freedom",
        "disclosure",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "version"], name="brief_version_unique")]
        ordering = ["campaign", "-version"]

    def __str__(self) -> str:
        return f"{self.campaign} brief v{self.version}"

    @property
    def must_avoid_terms(self) -> list[str]:
        return [line.strip() for line in self.must_avoid.splitlines() if line.strip()]


class ContractTemplate(WorkspaceOwned):
    """A workspace's contract wording with `{{ merge_field }}` placeholders (the whitelist is
    `briefs.contracts.documents.MERGE_FIELDS`; the services refuse a template naming any other).
    One template per workspace may be the default, used when a contract names none."""

    name = models.CharField(max_length=120)
    body = models.TextField()
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"], condition=models.Q(is_default=True), name="contracttemplate_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Contract(WorkspaceOwned):
    """The agreement of one collaboration: the terms being negotiated. What was agreed is never read
    from here but from a `ContractVersion`, which freezes the rendered text and a snapshot of these
    terms when it is sent."""

    collaboration = models.OneToOneField(Collaboration, on_delete=models.CASCADE, related_name="contract")
    template = models.ForeignKey(ContractTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    brand_signer = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text="Who signs for the brand."
    )
    usage_platforms = models.CharField(max_length=200, default="TikTok")
    usage_duration_months = models.PositiveSmallIntegerField(default=12)
    usage_formats = models.CharField(max_length=200, blank=True, help_text="e.g. organic posts, ads, website.")
    allows_paid_ads = models.BooleanField(default=False)
    allows_whitelisting = models.BooleanField(default=False)
    allows_spark_ads = models.BooleanField(default=False)
    allows_brand_repost = models.BooleanField(default=False)
    exclusivity_category = models.CharField(max_length=120, blank=True)
    exclusivity_days = models.PositiveSmallIntegerField(default=0)
    payment_terms = models.TextField(blank=True)
    cancellation_terms = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(usage_duration_months__lte=120), name="contract_usage_at_most_10_years"
            ),
            models.CheckConstraint(
                condition=models.Q(exclusivity_days=0) | ~models.Q(exclusivity_category=""),
                name="contract_exclusivity_has_category",
            ),
        ]

    def __str__(self) -> str:
        return f"Contract for {self.collaboration}"


class ContractVersion(WorkspaceOwned):
    """One sent version: the rendered text, the terms it was rendered from, the PDF and its SHA-256.
    Frozen: a PostgreSQL trigger (migration 0002) refuses any UPDATE of `number`, `body`, `terms`,
    `agreed_terms`, `pdf` or `sha256`, and of `signed_pdf`/`signed_sha256`/`fully_signed_at` once set.
    A change of terms is a new version, which supersedes this one and needs new signatures."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent, awaiting the creator"
        CREATOR_SIGNED = "creator_signed", "Signed by the creator, awaiting the brand"
        FULLY_SIGNED = "fully_signed", "Fully signed"
        SUPERSEDED = "superseded", "Superseded by a newer version"

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField(help_text="The rendered contract text, as sent.")
    terms = models.JSONField(default=dict, help_text="Every merge value the text was rendered from, as text.")
    agreed_terms = models.JSONField(
        default=dict,
        help_text="The agreed terms, typed: the contract's term fields (usage rights, exclusivity, payment, "
        "cancellation) and the compensation (amounts as decimal strings). What other features read.",
    )
    pdf = models.FileField(upload_to="contracts/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENT)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    signed_pdf = models.FileField(upload_to="contracts/%Y/%m/", blank=True)
    signed_sha256 = models.CharField(max_length=64, blank=True)
    fully_signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contractversion_number_unique"),
            models.CheckConstraint(condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="contractversion_sha256"),
            models.CheckConstraint(
                condition=models.Q(signed_sha256="") | models.Q(signed_sha256__regex=r"^[0-9a-f]{64}$"),
                name="contractversion_signed_sha256",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="fully_signed") | models.Q(fully_signed_at__isnull=False),
                name="contractversion_fully_signed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["sha256"], name="contractversion_sha256_idx"),
            models.Index(fields=["signed_sha256"], name="contractversion_signed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} v{self.number}"

    @property
    def is_signable(self) -> bool:
        return self.status in (self.Status.SENT, self.Status.CREATOR_SIGNED)


class SignatureEvent(WorkspaceOwned):
    """Append-only evidence of one signature: a PostgreSQL trigger (migration 0002) refuses UPDATE and
    DELETE, and admin shows it read-only. `document_sha256` is the hash of the PDF the signer was shown."""

    class Role(models.TextChoices):
        CREATOR = "creator", "Creator"
        BRAND = "brand", "Brand"

    version = models.ForeignKey(ContractVersion, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(max_length=8, choices=Role.choices)
    signer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField(max_length=150)
    consent_text = models.TextField()
    signed_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    document_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["version", "signed_at", "pk"]
        constraints = [
            # One signature per role per version: signing twice is refused by the database too.
            models.UniqueConstraint(fields=["version", "role"], name="signatureevent_one_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} signature on {self.version} by {self.typed_name}"


class RightsExpiryWarning(WorkspaceOwned):
    """The workspace was warned that a piece of content's usage rights, or its Spark Ads code, expire
    on `expires_on`. One row per (deliverable, what, date): the daily check warns once, and a renewed
    right (a new date) is warned about again when its time comes."""

    class Kind(models.TextChoices):
        USAGE_RIGHTS = "usage_rights", "Usage rights"
        SPARK_ADS_CODE = "spark_ads_code", "Spark Ads code"

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    expires_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deliverable", "kind", "expires_on"], name="rightswarning_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of deliverable {self.deliverable_id} expire {self.expires_on}"


class CalendarFeed(TimeStampedModel):
    """A user's private calendar feed: the URL carries a random token, and only its SHA-256 is stored here.

    A marketer's feed shows one workspace (the one they were in when they made it) and stops working when
    they leave it; a creator's (workspace empty) shows their own collaborations across every brand that
    granted them, through the portal's scope. One feed per user and workspace: making a new URL replaces
    the hash, so the old URL answers 404 from then on. Owned by the user, not a workspace, so it has no
    scoped manager: the feed itself is looked up by its hash across workspaces, as invitations are."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="calendar_feeds")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    token_sha256 = models.CharField(max_length=64, unique=True)

    class Meta:
        constraints = [
            # NULLS NOT DISTINCT: a creator (no workspace) has one feed too.
            models.UniqueConstraint(
                fields=["user", "workspace"], nulls_distinct=False, name="calendarfeed_one_per_user_workspace"
            ),
            models.CheckConstraint(
                condition=models.Q(token_sha256__regex=r"^[0-9a-f]{64}$"),  # noqa: S106 - a pattern, not a secret
                name="calendarfeed_token_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user} ({self.workspace or 'portal'})"
