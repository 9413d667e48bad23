from typing import TYPE_CHECKING, ClassVar, Self

from django.db import models
from django.db.models.functions import Lower

from accounts.managers import workspace_scoped_manager
from accounts.models import User, Workspace
from analytics.crypto import EncryptedTextField
from campaigns.models import Collaboration
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
    analytics.scoring.DEFAULT_OBJECTIVE_WEIGHTS) and the audience it wants to reach."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="+")
    objective = models.CharField(max_length=40, default="consideration")
    weights = models.JSONField(default=dict, blank=True)  # {"awareness": {"reach_rate": 3.0, ...}, ...}
    # {"age_buckets": ["18-24", "25-34"], "genders": ["female"], "countries": ["US", "GB"]}: wanted keys
    target_audience = models.JSONField(default=dict, blank=True)

    objects: ClassVar["WorkspaceScopedManager[Self]"] = workspace_scoped_manager()

    def __str__(self) -> str:
        return f"Scoring of workspace {self.workspace_id}"


# --- Tracking links and clicks (docs/metrics.md, "Tracking links and clicks") ---------------------------


class VerifiedDomain(WorkspaceOwned):
    """A host the workspace proved it controls; tracking links may only send people to these.

    Proof is `https://<domain>/.well-known/creatordesk-verify.txt` containing `verification_token`
    (`analytics.domains.verify_domain`), or an admin marking it verified for a self-hosted install.
    `domain` is stored lower-case ASCII (IDNA, so `bücher.example` is `xn--bcher-kva.example`)."""

    domain = models.CharField(max_length=253)
    verification_token = models.CharField(max_length=64)
    verified_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
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
    """Append-only, one row per request to `/r/<token>`, written in batches by `analytics.click_ingest`.

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
