from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from core.models import TimeStampedModel


class Platform(models.TextChoices):
    TIKTOK = "tiktok", "TikTok"


class Creator(TimeStampedModel):
    """A creator in the public index, shared by every workspace. The discovery issue extends it;
    workspace-private layers (notes, tags, lists) live in their own scoped tables."""

    platform = models.CharField(max_length=16, choices=Platform.choices, default=Platform.TIKTOK)
    handle = models.CharField(max_length=64, help_text="Without the leading @.")
    display_name = models.CharField(max_length=150, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    follower_count = models.BigIntegerField(default=0)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="creator_profile",
        limit_choices_to={"kind": "creator"},
    )

    class Meta:
        constraints = [
            # Handles are stored lower-cased (checked below), so this plain unique key is case-insensitive
            # and usable as the ON CONFLICT target of bulk upserts.
            models.UniqueConstraint(fields=["platform", "handle"], name="creator_platform_handle_unique"),
            models.CheckConstraint(condition=models.Q(handle=Lower("handle")), name="creator_handle_lowercase"),
            models.CheckConstraint(condition=models.Q(follower_count__gte=0), name="creator_followers_non_negative"),
        ]
        indexes = [models.Index(fields=["-follower_count"], name="creator_followers_idx")]

    def __str__(self) -> str:
        return f"@{self.handle}"

    @property
    def profile_url(self) -> str:
        return f"https://www.tiktok.com/@{self.handle}"
