import datetime as dt
from typing import TYPE_CHECKING, ClassVar, Self

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.expressions import Combinable
from django.db.models.functions import Lower
from django.utils import timezone
from djmoney.models.fields import MoneyField
from djmoney.money import Money

from accounts.managers import workspace_scoped_manager
from accounts.models import User, Workspace
from analytics.crypto import EncryptedTextField
from campaigns.models import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, Collaboration
from core.models import TimeStampedModel
from creators.models import Creator, WorkspaceOwned

if TYPE_CHECKING:
    from accounts.managers import WorkspaceScopedManager


class TikTokConnection(TimeStampedModel):
    """A creator's authorization for CreatorDesk to read their TikTok account (Login Kit, OAuth 2.0).

    One row per creator, kept after a disconnect (revoked, tokens wiped) so the portal can say when it
    ended. Tokens are Fernet-encrypted in their columns (`analytics.crypto`); the admin never shows them."""

    creator = models.OneToOneField(Creator, on_delete=models.CASCADE, related_name="tiktok_connection")
    open_id = models.CharField(max_length=128, blank=True, help_text="TikTok's id of the user for this app.")
    scope = models.CharField(max_length=255, blank=True, help_text="Scopes the creator granted, comma-separated.")
    access_token = EncryptedTextField(blank=True)
    refresh_token = EncryptedTextField(blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_log_id = models.CharField(max_length=128, blank=True, help_text="TikTok's log_id of the last failed call.")

    class Meta:
        constraints = [
            # One TikTok account feeds one creator profile at a time.
            models.UniqueConstraint(
                fields=["open_id"],
                condition=models.Q(revoked_at__isnull=True) & ~models.Q(open_id=""),
                name="tiktok_connection_active_open_id_unique",
            ),
            # A revoked connection keeps no secret.
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | (models.Q(access_token="") & models.Q(refresh_token="")),
                name="tiktok_connection_revoked_has_no_tokens",
            ),
        ]

    def __str__(self) -> str:
        return f"TikTok connection of creator {self.creator_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ScoringProfile(TimeStampedModel):
    """How a workspace reads scores: the objective it scores for, its own weights per objective (over
    analytics.scoring.composite.DEFAULT_OBJECTIVE_WEIGHTS) and the audience it wants to reach."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="+")
    objective = models.CharField(max_length=40, default="consideration")
    weights = models.JSONField(default=dict, blank=True)  # {"awareness": {"reach_rate": 3.0, ...}, ...}
    # {"age_buckets": ["18-24", "25-34"], "genders": ["female"], "countries": ["US", "GB"]}: wanted keys
    target_audience = models.JSONField(default=dict, blank=True)

    objects: ClassVar["WorkspaceScopedManager[Self]"] = workspace_scoped_manager()

    def __str__(self) -> str:
        return f"Scoring of workspace {self.workspace_id}"


# --- Tracking links and clicks (docs/metrics.md, "Tracking links and clicks") ---------------------------


CHECK_LOST_AFTER = dt.timedelta(minutes=5)


class VerifiedDomain(WorkspaceOwned):
    """A host the workspace proved it controls; tracking links may only send people to these.

    Proof is `https://<domain>/.well-known/creatordesk-verify.txt` containing `verification_token`
    (`analytics.tracking.domains.check_domain_proof`, run by the worker), or an admin marking it verified for a
    self-hosted install.
    `domain` is stored lower-case ASCII (IDNA, so `bücher.example` is `xn--bcher-kva.example`)."""

    domain = models.CharField(max_length=253)
    verification_token = models.CharField(max_length=64)
    verified_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # Set when "Verify" queues the fetch, cleared by the worker when it has recorded the outcome.
    check_requested_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "domain"], name="verified_domain_unique_per_workspace"),
            models.CheckConstraint(condition=models.Q(domain=Lower("domain")), name="verified_domain_lower_case"),
        ]

    def __str__(self) -> str:
        return self.domain

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_checking(self) -> bool:
        """A fetch is queued or running. One not finished after CHECK_LOST_AFTER (the fetch itself stops
        after DOMAIN_VERIFICATION_TIMEOUT_S, 10 s) was lost with a worker, so Verify may be pressed again."""
        return self.check_requested_at is not None and timezone.now() - self.check_requested_at < CHECK_LOST_AFTER


class TrackingLink(WorkspaceOwned):
    """A collaboration's short link `/r/<token>`. `destination` is the final URL with its UTM parameters,
    validated and frozen at creation: the redirect sends everyone there and nowhere else.

    The token is not a secret (it is printed in captions and bios) but it must not be guessable, so
    links cannot be enumerated: 16 random bytes (128 bits) from `secrets`, URL-safe base64."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="tracking_links")
    token = models.CharField(max_length=64, unique=True)
    destination = models.URLField(max_length=2048)
    utm_source = models.CharField(max_length=100)
    utm_medium = models.CharField(max_length=100)
    utm_campaign = models.CharField(max_length=100)
    utm_content = models.CharField(max_length=100)
    # The query parameter that carries the click's id to the shop, so an order can name its click.
    click_id_param = models.CharField(max_length=40, default="cd_click")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(destination__startswith="https://"), name="tracking_link_https"),
            models.CheckConstraint(
                condition=models.Q(token__regex=r"^[A-Za-z0-9_-]{22,64}$"),  # noqa: S106 - a pattern, not a secret
                name="tracking_link_token",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "collaboration"], name="tracking_link_collab_idx")]

    def __str__(self) -> str:
        return f"/r/{self.token}"


class ClickVerdict(models.TextChoices):
    HUMAN = "human", "Human"
    BOT = "bot", "Bot or link preview"
    DUPLICATE = "duplicate", "Same visitor again"


class ClickEvent(WorkspaceOwned):
    """Append-only, one row per request to `/r/<token>`, written in batches by `analytics.tracking.click_ingest`.

    `click_id` is generated by the redirect and is the idempotency key: a batch flushed twice inserts
    nothing the second time (`ON CONFLICT (click_id) DO NOTHING`). No raw IP is stored, only an HMAC of
    it under CLICK_IP_SALT, enough to tell the same visitor apart within a day.

    Indexes are the unique key and (link, clicked_at), which serves both the rollup and the duplicate
    check; nothing else, since every index is paid on each of millions of inserts. Not partitioned yet:
    PostgreSQL requires a partitioned table's unique keys to include the partition key, so monthly
    partitions need the key (click_id, clicked_at) and a migration that swaps the table
    (ARCHITECTURE.md, "append-only tables"); the writer already sends both columns."""

    Verdict = ClickVerdict

    # Overrides TimeStampedModel's indexed column: when a row was written needs no index here.
    created_at = models.DateTimeField(auto_now_add=True)
    click_id = models.UUIDField()
    link = models.ForeignKey(TrackingLink, on_delete=models.CASCADE, related_name="clicks")
    clicked_at = models.DateTimeField()
    ip_hash = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=512, blank=True)
    referrer = models.CharField(max_length=1024, blank=True)
    country = models.CharField(max_length=2, blank=True)
    method = models.CharField(max_length=8, default="GET")
    verdict = models.CharField(max_length=12, choices=ClickVerdict.choices)
    verdict_reason = models.CharField(max_length=80, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["click_id"], name="click_event_click_id_unique"),
            models.CheckConstraint(condition=models.Q(verdict__in=ClickVerdict.values), name="click_event_verdict"),
        ]
        indexes = [models.Index(fields=["link", "clicked_at"], name="click_event_link_time_idx")]

    def __str__(self) -> str:
        return f"click {self.click_id} on link {self.link_id}"


class ClickDailyRollup(WorkspaceOwned):
    """Clicks of one link on one day of the workspace's time zone, recomputed from `ClickEvent` for every
    (link, day) a flush touched, never incremented, so a repeated flush cannot double a count.

    `total` counts human clicks (duplicates included), `uniques` the human clicks that were not the same
    visitor again within CLICK_DUPLICATE_WINDOW_S, `bots` crawlers, link previews and HEAD requests."""

    link = models.ForeignKey(TrackingLink, on_delete=models.CASCADE, related_name="daily_rollups")
    day = models.DateField()
    total = models.PositiveIntegerField(default=0)
    uniques = models.PositiveIntegerField(default=0)
    bots = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["link", "day"], name="click_rollup_link_day_unique"),
            models.CheckConstraint(
                condition=models.Q(uniques__lte=models.F("total")), name="click_rollup_uniques_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.link} on {self.day}"


# --- Orders and attribution (docs/metrics.md, "Orders and attribution") ----------------------------------

SHARE_DECIMAL_PLACES = 6  # a linear split of 1/3 is 0.333333; rollups sum shares, so 7 touches still read 1.0


class AttributionRule(models.TextChoices):
    """Every rule lets a promo code used on the order win (`analytics.orders.attribution_rules`); they differ only
    in how an order without a code is credited from its clicks."""

    LAST_CLICK = "last_click", "Promo code, else last click"
    FIRST_CLICK = "first_click", "Promo code, else first click"
    LINEAR = "linear", "Promo code, else linear split of clicks"


class OrderStatus(models.TextChoices):
    PAID = "paid", "Paid"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"
    CANCELLED = "cancelled", "Cancelled"


class ReportingZone(models.Model):
    """The time zone a workspace's daily figures (click and attribution rollups) were last counted in.

    An owner may change the workspace's zone (accounts), which cannot call up into analytics: a periodic
    task (`analytics.reporting_zone`) compares the two and counts the days again in the new zone."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, primary_key=True, related_name="+")
    time_zone = models.CharField(max_length=64)
    counted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.workspace_id}: {self.time_zone}"


class AttributionSettings(TimeStampedModel):
    """How a workspace credits orders: the rule its reports show and the click window in days."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=16, choices=AttributionRule.choices, default=AttributionRule.LAST_CLICK)
    window_days = models.PositiveSmallIntegerField(default=7)

    objects: ClassVar["WorkspaceScopedManager[Self]"] = workspace_scoped_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_days__gte=1) & models.Q(window_days__lte=90), name="attribution_window_days"
            ),
            models.CheckConstraint(condition=models.Q(rule__in=AttributionRule.values), name="attribution_rule"),
        ]

    def __str__(self) -> str:
        return f"Attribution of workspace {self.workspace_id}: {self.rule}, {self.window_days} days"


class PromoCode(WorkspaceOwned):
    """A collaboration's discount code. Stored upper-case and unique per workspace, so `maya15` typed
    at checkout is `MAYA15`; generated codes avoid look-alike characters (`analytics.tracking.promo_codes`)."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="promo_codes")
    code = models.CharField(max_length=40)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "code"], name="promo_code_unique_per_workspace"),
            models.CheckConstraint(condition=models.Q(code__regex=r"^[A-Z0-9_-]{3,40}$"), name="promo_code_upper"),
        ]
        indexes = [models.Index(fields=["workspace", "collaboration"], name="promo_code_collab_idx")]

    def __str__(self) -> str:
        return self.code


class OrderSource(WorkspaceOwned):
    """A store that sends orders: its kind decides the signature header and the body format. The
    webhook secret is Fernet-encrypted at rest and shown once, when created or rotated."""

    class Kind(models.TextChoices):
        SHOPIFY = "shopify", "Shopify"
        WOOCOMMERCE = "woocommerce", "WooCommerce"
        GENERIC = "generic", "Other store (generic JSON)"

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    webhook_secret = EncryptedTextField()
    is_active = models.BooleanField(default=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    last_delivery_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="order_source_name_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["shopify", "woocommerce", "generic"]), name="order_source_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(WorkspaceOwned):
    """One accepted (signature-checked) webhook request. `(source, event_id)` is unique, so a store
    retrying a delivery writes nothing the second time. The body is kept for the worker and wiped by
    `purge_webhook_bodies` after WEBHOOK_BODY_RETENTION_DAYS; its SHA-256 stays."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored (not an order)"
        FAILED = "failed", "Failed"

    source = models.ForeignKey(OrderSource, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(max_length=200)
    topic = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField()
    body = models.BinaryField(null=True, blank=True)
    body_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    error = models.CharField(max_length=500, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "event_id"], name="webhook_delivery_event_unique"),
        ]

    def __str__(self) -> str:
        return f"delivery {self.event_id} of source {self.source_id}"


class Order(WorkspaceOwned):
    """An order a store reported, upserted by `(source, external_id)`: the same order delivered again,
    or created/paid/updated as separate events, is one row. No raw e-mail or IP is stored: the customer
    is an HMAC of the lower-cased e-mail under ORDER_EMAIL_SALT, the visitor the same HMAC of the IP the
    redirect uses for clicks (`analytics.tracking.redirect.hash_ip`), so the two can be matched."""

    Status = OrderStatus

    source = models.ForeignKey(OrderSource, on_delete=models.PROTECT, related_name="orders", null=True, blank=True)
    external_id = models.CharField(max_length=100)
    name = models.CharField(max_length=100, blank=True)
    placed_at = models.DateTimeField()
    source_updated_at = models.DateTimeField(null=True, blank=True)
    total: "MoneyField[Money | Combinable, Money]" = MoneyField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, default_currency=None
    )
    refunded: "MoneyField[Money | Combinable, Money]" = MoneyField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, default_currency=None
    )
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PAID)
    promo_codes = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    click_id = models.UUIDField(null=True, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    customer_hash = models.CharField(max_length=64, blank=True)
    is_new_customer = models.BooleanField(default=False)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            # The CSV import has no source row: one order id per workspace there (source null).
            models.UniqueConstraint(fields=["source", "external_id"], name="order_external_id_unique_per_source"),
            models.UniqueConstraint(
                fields=["workspace", "external_id"],
                condition=models.Q(source__isnull=True),
                name="order_external_id_unique_unsourced",
            ),
            models.CheckConstraint(condition=models.Q(status__in=OrderStatus.values), name="order_status"),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=models.Q(refunded__gte=0) & models.Q(refunded__lte=models.F("total")),
                name="order_refund_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_currency=models.F("total_currency")), name="order_one_currency"
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "placed_at"], name="order_workspace_time_idx"),
            models.Index(fields=["workspace", "customer_hash", "placed_at"], name="order_customer_idx"),
        ]

    def __str__(self) -> str:
        return self.name or self.external_id


class Attribution(WorkspaceOwned):
    """The credit one rule gives one collaboration for one order. Every rule is stored for every order
    (`analytics.orders.attribution`), so switching the workspace's rule is instant and reports can compare
    rules; rows are replaced whenever the order or the window changes, never edited by hand.

    `revenue` is `share` of the order's net amount (total minus refunds; nothing once cancelled)."""

    Rule = AttributionRule

    # Derived rows, written a million at a time by one INSERT ... SELECT that joins the very rows these keys
    # point to: no foreign-key triggers (three lookups per row, over half the bulk insert's time in
    # bench/attribution) and no index beyond the two below. Deletes still cascade, through Django's
    # collector; the SQL path deletes an order's rows before writing them again.
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+", db_index=False,
                                  db_constraint=False)  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="attributions", db_index=False, db_constraint=False
    )
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="attributions", db_index=False, db_constraint=False
    )
    rule = models.CharField(max_length=16, choices=AttributionRule.choices)
    reason = models.CharField(max_length=16)  # "promo_code" or "click"
    # The order's day in the workspace's time zone, stored so the rollup recount is one indexed GROUP BY.
    day = models.DateField()
    share = models.DecimalField(max_digits=7, decimal_places=SHARE_DECIMAL_PLACES)
    revenue: "MoneyField[Money | Combinable, Money]" = MoneyField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, default_currency=None
    )
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "rule", "collaboration"], name="attribution_unique"),
            models.CheckConstraint(condition=models.Q(share__gt=0) & models.Q(share__lte=1), name="attribution_share"),
        ]
        indexes = [models.Index(fields=["collaboration", "rule", "day"], name="attribution_rollup_idx")]

    def __str__(self) -> str:
        return f"{self.share} of order {self.order_id} to collaboration {self.collaboration_id} ({self.rule})"


class AttributionDailyRollup(WorkspaceOwned):
    """Attributed orders of one collaboration, one rule, one day of the workspace's time zone, one
    currency; recomputed from `Attribution` for every (collaboration, rule, day) an order touched, never
    incremented. `orders` and `new_customers` are Decimal because a linear split credits fractions;
    cancelled and fully refunded orders count 0 orders and 0 revenue, their refunds stay visible."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="attribution_rollups")
    rule = models.CharField(max_length=16, choices=AttributionRule.choices)
    day = models.DateField()
    orders = models.DecimalField(max_digits=14, decimal_places=SHARE_DECIMAL_PLACES, default=0)
    new_customers = models.DecimalField(max_digits=14, decimal_places=SHARE_DECIMAL_PLACES, default=0)
    revenue: "MoneyField[Money | Combinable, Money]" = MoneyField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, default_currency=None
    )
    refunds: "MoneyField[Money | Combinable, Money]" = MoneyField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, default_currency=None
    )

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "rule", "day", "revenue_currency"], name="attribution_rollup_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"collaboration {self.collaboration_id} {self.rule} on {self.day}"
