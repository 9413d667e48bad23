"""Briefs: what a campaign asks of its creators, versioned. A published version is frozen; a change is
a new version, so every creator can see what they agreed to and what changed since."""

from django.db import models

from accounts.models import User
from campaigns.models import Campaign
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
