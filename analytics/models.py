from typing import TYPE_CHECKING, ClassVar, Self

from django.db import models

from accounts.managers import workspace_scoped_manager
from accounts.models import Workspace
from analytics.crypto import EncryptedTextField
from core.models import TimeStampedModel
from creators.models import Creator

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
