from typing import TYPE_CHECKING, ClassVar, Self

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models.functions import Lower, Upper

from accounts.managers import workspace_scoped_manager
from accounts.models import User, Workspace
from core.models import TimeStampedModel
from creators.audience.index import AudienceShareTags

if TYPE_CHECKING:
    from accounts.managers import WorkspaceScopedManager


class Platform(models.TextChoices):
    TIKTOK = "tiktok", "TikTok"


class Niche(models.Model):
    """The curated niche taxonomy (beauty, skincare, thrifting, …), editable in admin."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Creator(TimeStampedModel):
    """A creator in the public index, shared by every workspace. Workspace-private layers (notes,
    tags, relationship, lists) live in their own scoped tables.

    Discovery reads one table: niches are slugs of `Niche` in an array (GIN-indexed), and the latest
    scoring figures are copied here by the scoring service, so a filtered, sorted page of a million
    creators needs no join."""

    class SyncStatus(models.TextChoices):
        NEVER = "never", "Never synced"
        PENDING = "pending", "Sync queued"
        OK = "ok", "Up to date"
        ERROR = "error", "Last sync failed"

    platform = models.CharField(max_length=16, choices=Platform.choices, default=Platform.TIKTOK)
    handle = models.CharField(max_length=64, help_text="Without the leading @, lower-cased.")
    display_name = models.CharField(max_length=150, blank=True)
    bio = models.TextField(blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    region = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    languages = ArrayField(models.CharField(max_length=8), default=list, blank=True, help_text="ISO 639-1 codes.")
    niches = ArrayField(models.SlugField(max_length=40), default=list, blank=True)
    hashtags = ArrayField(
        models.CharField(max_length=100),
        default=list,
        blank=True,
        help_text="The creator's most used hashtags, without #.",
    )
    # NULL is "unknown", never 0: a file without a followers column, a creator not synced yet. Unknown
    # counts sort last, fall in no tier and are left out of averages (docs/import.md, "Unknown is not zero").
    follower_count = models.BigIntegerField(null=True, blank=True)
    following_count = models.BigIntegerField(null=True, blank=True)
    likes_count = models.BigIntegerField(null=True, blank=True)
    video_count = models.IntegerField(null=True, blank=True)
    is_verified = models.BooleanField(default=False)
    first_seen_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    sync_status = models.CharField(max_length=16, choices=SyncStatus.choices, default=SyncStatus.NEVER)
    sync_error = models.TextField(blank=True)
    synced_at = models.DateTimeField(null=True, blank=True, help_text="When metrics were last pulled.")
    # Set when new metrics landed and the score is out of date; the scoring batch clears it.
    score_stale = models.BooleanField(default=False, db_default=False)  # raw-SQL inserts (import) leave it out
    # Copied from the latest scoring run (analytics), for one-table discovery queries.
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    engagement_rate = models.DecimalField(
        max_digits=7,
        decimal_places=5,
        null=True,
        blank=True,
        help_text="Interactions / views over recent videos (0.05 = 5 %).",
    )
    growth_30d = models.DecimalField(
        max_digits=9, decimal_places=5, null=True, blank=True, help_text="Follower change over 30 days, as a fraction."
    )
    last_posted_at = models.DateTimeField(null=True, blank=True)
    authenticity_flags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    # Unaccented, lower-cased handle, name, bio and hashtags, written by the services; full-text indexed.
    search_document = models.TextField(blank=True, default="")
    # Where each public value came from: field -> {"source": platform|creator|staff|import, "workspace": id
    # (imports only), "at": ISO time}; "videos" names who wrote the creator's videos. Imports consult it
    # before overwriting anything (creators.index.provenance, docs/security.md).
    provenance = models.JSONField(default=dict, blank=True, db_default={})
    # The portal account that proved it holds this handle by signing in with TikTok; it reaches every
    # workspace's collaborations with the creator. Claim links grant one workspace only (PortalGrant).
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
            models.CheckConstraint(
                condition=models.Q(
                    follower_count__gte=0, following_count__gte=0, likes_count__gte=0, video_count__gte=0
                ),
                name="creator_counts_non_negative",
            ),
        ]
        indexes = [
            # NULLS LAST, like every sort of discovery: unknown counts after every known one.
            models.Index(models.F("follower_count").desc(nulls_last=True), "id", name="creator_followers_idx"),
            models.Index(models.F("score").desc(nulls_last=True), "id", name="creator_score_idx"),
            models.Index(models.F("engagement_rate").desc(nulls_last=True), "id", name="creator_er_idx"),
            models.Index(models.F("growth_30d").desc(nulls_last=True), "id", name="creator_growth_idx"),
            models.Index(models.F("last_posted_at").desc(nulls_last=True), "id", name="creator_recent_idx"),
            # Ascending sorts, so "lowest engagement first" is as fast as the default.
            models.Index(models.F("score").asc(nulls_last=True), "id", name="creator_score_asc_idx"),
            models.Index(models.F("engagement_rate").asc(nulls_last=True), "id", name="creator_er_asc_idx"),
            models.Index(models.F("growth_30d").asc(nulls_last=True), "id", name="creator_growth_asc_idx"),
            models.Index(models.F("last_posted_at").asc(nulls_last=True), "id", name="creator_recent_asc_idx"),
            models.Index(models.F("follower_count").asc(nulls_last=True), "id", name="creator_followers_asc_idx"),
            models.Index(
                models.F("country"), models.F("follower_count").desc(nulls_last=True), name="creator_country_idx"
            ),
            models.Index(fields=["id"], condition=models.Q(score_stale=True), name="creator_score_stale_idx"),
            models.Index(Upper("city"), name="creator_city_upper_idx"),  # the city filter is case-insensitive
            GinIndex(fields=["niches"], name="creator_niches_gin"),
            GinIndex(fields=["languages"], name="creator_languages_gin"),
            GinIndex(OpClass("handle", name="gin_trgm_ops"), name="creator_handle_trgm"),
            GinIndex(SearchVector("search_document", config="simple"), name="creator_search_gin"),
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"

    @property
    def profile_url(self) -> str:
        return f"https://www.tiktok.com/@{self.handle}"


class AudienceProfile(TimeStampedModel):
    """Who watches a creator, when known. Each mapping is label -> percent; shares sum to ≤ 100."""

    creator = models.OneToOneField(Creator, on_delete=models.CASCADE, related_name="audience")
    age_buckets = models.JSONField(default=dict, blank=True)  # {"18-24": 41.0, ...}
    genders = models.JSONField(default=dict, blank=True)  # {"female": 62.0, "male": 36.0, "other": 2.0}
    countries = models.JSONField(default=dict, blank=True)  # {"US": 48.0, ...}
    cities = models.JSONField(default=dict, blank=True)

    class Meta:
        # "At least X % of the audience in ..." without reading every profile's JSON (creators.audience.index).
        indexes = [GinIndex(AudienceShareTags(), name="audience_share_tags_gin")]

    def __str__(self) -> str:
        return f"Audience of {self.creator}"


class Video(TimeStampedModel):
    # No index of its own: the unique (creator, platform id) key and the (creator, -posted_at) index both
    # lead with it. The table is created with fillfactor 85 (migration 0009), so the update each metrics
    # pull makes to a video's latest-stats copy stays on its page (a HOT update, no index writes).
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="videos", db_index=False)
    platform_video_id = models.CharField(max_length=64)
    caption = models.TextField(blank=True)
    hashtags = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    sound = models.CharField(max_length=200, blank=True)
    duration_s = models.PositiveIntegerField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    share_url = models.URLField(max_length=500, blank=True)
    is_paid_partnership = models.BooleanField(default=False)
    # Paid partnership or a disclosure hashtag (creators.disclosure), decided when the video is written.
    is_sponsored = models.BooleanField(default=False, db_default=False)
    # Who wrote this video's public facts and stats: {"source": ..., "workspace": id (imports), "at": ...}.
    provenance = models.JSONField(default=dict, blank=True, db_default={})
    # The latest stats snapshot, copied here by every writer of VideoStats, so scoring reads one table
    # instead of picking each video's latest row out of millions of snapshots (bench/scoring).
    stats_captured_at = models.DateTimeField(null=True, blank=True)
    views = models.BigIntegerField(null=True, blank=True)
    likes = models.BigIntegerField(null=True, blank=True)
    comments = models.BigIntegerField(null=True, blank=True)
    shares = models.BigIntegerField(null=True, blank=True)
    saves = models.BigIntegerField(null=True, blank=True)
    completion_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["creator", "platform_video_id"], name="video_unique")]
        indexes = [models.Index(fields=["creator", "-posted_at"], name="video_creator_recent_idx")]

    def __str__(self) -> str:
        return f"{self.creator} video {self.platform_video_id}"


class VideoStats(models.Model):
    """A time-stamped snapshot of one video's public counts; append-only, one per capture time."""

    # No index of its own: the unique (video, captured_at) key leads with the video and, scanned
    # backwards, gives its latest snapshot first; each extra index would slow every metrics pull.
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="stats", db_index=False)
    captured_at = models.DateTimeField()
    views = models.BigIntegerField(default=0)
    likes = models.BigIntegerField(default=0)
    comments = models.BigIntegerField(default=0)
    shares = models.BigIntegerField(default=0)
    saves = models.BigIntegerField(null=True, blank=True)
    avg_watch_time_s = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    completion_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name_plural = "video stats"
        constraints = [
            models.UniqueConstraint(fields=["video", "captured_at"], name="videostats_unique"),
            models.CheckConstraint(
                condition=models.Q(views__gte=0, likes__gte=0, comments__gte=0, shares__gte=0),
                name="videostats_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.video} @ {self.captured_at:%Y-%m-%d %H:%M}"


class FollowerSnapshot(models.Model):
    """Daily follower counts, for growth."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="follower_snapshots")
    captured_on = models.DateField()
    follower_count = models.BigIntegerField()
    following_count = models.BigIntegerField(null=True, blank=True)
    likes_count = models.BigIntegerField(null=True, blank=True)
    video_count = models.IntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["creator", "captured_on"], name="followersnapshot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.creator} on {self.captured_on}: {self.follower_count}"


class CreatorScore(TimeStampedModel):
    """The latest score of a creator with its components, written by analytics' scoring.

    `components` holds each component's value, its percentile in the tier, the objective scores and the
    authenticity flags with their evidence (docs/scoring.md)."""

    creator = models.OneToOneField(Creator, on_delete=models.CASCADE, related_name="latest_score")
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    components = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.creator}: {self.score}"


class CreatorScoreHistory(models.Model):
    """One score per creator and day, for the trend: re-scoring the same day replaces the day's row."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="score_history", db_index=False)
    scored_on = models.DateField()
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    score_awareness = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    score_consideration = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    score_conversions = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    engagement_rate = models.DecimalField(max_digits=7, decimal_places=5, null=True, blank=True)

    class Meta:
        verbose_name_plural = "creator score history"
        constraints = [models.UniqueConstraint(fields=["creator", "scored_on"], name="creatorscorehistory_unique")]

    def __str__(self) -> str:
        return f"{self.creator} on {self.scored_on}: {self.score}"


class TierBenchmark(models.Model):
    """The median of each scoring component within a tier, from the latest scoring run: the profile page
    shows them beside a creator's own values."""

    tier = models.CharField(max_length=8, unique=True)
    medians = models.JSONField(default=dict)
    creators = models.IntegerField(default=0)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.tier} medians ({self.creators} creators)"


# --- Workspace-private layers -------------------------------------------------------------------


class WorkspaceOwned(TimeStampedModel):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")

    objects: ClassVar["WorkspaceScopedManager[Self]"] = workspace_scoped_manager()

    class Meta:
        abstract = True


class WorkspaceScoring(WorkspaceOwned):
    """The weights a workspace's own scores (WorkspaceCreatorScore) are computed with, copied from its
    scoring settings by analytics, and how far the chunked recompute has got (creators.index.workspace_scores)."""

    objective = models.CharField(max_length=40)
    weights = models.JSONField(default=dict)  # every objective's effective weights: {"awareness": {...}, ...}
    done_through_id = models.BigIntegerField(default=0)  # creators up to this id are computed with `weights`
    finished_at = models.DateTimeField(null=True, blank=True)  # the last complete recompute

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace"], name="workspacescoring_unique")]


class WorkspaceCreatorScore(models.Model):
    """A creator's score under its workspace's objective and weights, for discovery's "Your score" sort:
    one row per scored creator, walked by (workspace, score DESC, creator) like the global score's index."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+", db_index=False)
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="workspace_scores")
    score = models.DecimalField(max_digits=5, decimal_places=2)

    objects: ClassVar["WorkspaceScopedManager[Self]"] = workspace_scoped_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "creator"], name="workspacecreatorscore_unique")]
        indexes = [models.Index("workspace", models.F("score").desc(), "creator", name="workspacescore_rank_idx")]

    def __str__(self) -> str:
        return f"{self.creator_id} in workspace {self.workspace_id}: {self.score}"


class CreatorNote(WorkspaceOwned):
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "creator", "-created_at"], name="creatornote_idx")]

    def __str__(self) -> str:
        return self.body[:50]


class Tag(WorkspaceOwned):
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint("workspace", Lower("name"), name="tag_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class CreatorTag(WorkspaceOwned):
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="workspace_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="creator_tags")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tag", "creator"], name="creatortag_unique")]
        indexes = [models.Index(fields=["workspace", "creator"], name="creatortag_creator_idx")]

    def __str__(self) -> str:
        return f"{self.creator} #{self.tag}"


class Relationship(WorkspaceOwned):
    """Where a workspace stands with a creator."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        IN_TALKS = "in_talks", "In talks"
        ACTIVE_PARTNER = "active_partner", "Active partner"
        DO_NOT_CONTACT = "do_not_contact", "Do not contact"

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="relationships")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "creator"], name="relationship_unique")]

    def __str__(self) -> str:
        return f"{self.creator}: {self.get_status_display()}"


class CreatorList(WorkspaceOwned):
    """A shortlist."""

    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint("workspace", Lower("name"), name="creatorlist_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class CreatorListEntry(WorkspaceOwned):
    creator_list = models.ForeignKey(CreatorList, on_delete=models.CASCADE, related_name="entries")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="list_entries")
    added_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name_plural = "creator list entries"
        constraints = [models.UniqueConstraint(fields=["creator_list", "creator"], name="creatorlistentry_unique")]
        indexes = [models.Index(fields=["workspace", "creator"], name="creatorlistentry_creator_idx")]

    def __str__(self) -> str:
        return f"{self.creator} in {self.creator_list}"


class SavedSearch(WorkspaceOwned):
    """A named discovery filter; the query string is the shareable URL's."""

    name = models.CharField(max_length=100)
    query_string = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name_plural = "saved searches"
        ordering = ["name"]
        constraints = [models.UniqueConstraint("workspace", Lower("name"), name="savedsearch_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class ImportJob(WorkspaceOwned):
    """One upload of a creator file: its mapping, progress and summary."""

    class Status(models.TextChoices):
        MAPPING = "mapping", "Waiting for the column mapping"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=8)  # csv, json, jsonl, xlsx
    mapping = models.JSONField(default=dict, blank=True)  # target field -> source column
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.MAPPING)
    total_rows = models.IntegerField(null=True, blank=True)
    processed_rows = models.IntegerField(default=0)
    created_count = models.IntegerField(default=0)
    updated_count = models.IntegerField(default=0)
    unchanged_count = models.IntegerField(default=0)
    rejected_count = models.IntegerField(default=0)
    warnings_count = models.IntegerField(default=0)
    # Values in the file that differ from what another source wrote, left as they were (docs/security.md).
    kept_count = models.IntegerField(default=0)
    # Files with one row per video also write videos and their stats snapshots.
    videos_created_count = models.IntegerField(default=0)
    videos_updated_count = models.IntegerField(default=0)
    videos_unchanged_count = models.IntegerField(default=0)
    snapshots_created_count = models.IntegerField(default=0)
    rejects = models.JSONField(default=list, blank=True)  # [{"row": 12, "reason": "..."}], first 10,000
    # Columns left out of the mapping that look like numbers or dates (creators.importing.unmapped):
    # [{"column": "Avg. views", "kind": "numbers", "suggestion": ""}], for the mapping and job pages.
    unmapped_columns = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class BrandSafetyTerm(WorkspaceOwned):
    """A word, phrase or hashtag a workspace must not be associated with; recent captions and hashtags are
    scanned for it and each hit is kept as a vetting record."""

    term = models.CharField(max_length=100)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("term"), "workspace", name="brandsafetyterm_unique_per_workspace"),
        ]
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term


class BrandSafetyHit(WorkspaceOwned):
    """One must-avoid term found in one video's caption or hashtags."""

    class Field(models.TextChoices):
        CAPTION = "caption", "Caption"
        HASHTAGS = "hashtags", "Hashtags"

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="brand_safety_hits")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=100)
    field = models.CharField(max_length=10, choices=Field.choices)
    excerpt = models.CharField(max_length=300, blank=True)
    found_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "video", "term", "field"], name="brandsafetyhit_unique_per_workspace"
            ),
        ]
        indexes = [models.Index(fields=["workspace", "creator"], name="brandsafetyhit_creator_idx")]

    def __str__(self) -> str:
        return f"{self.creator}: {self.term}"


class WorkspaceCreatorContact(WorkspaceOwned):
    """How one workspace reaches a creator: the contact e-mail its file or its marketers gave. Never
    shared: another workspace's invitations and claim links use their own row (docs/security.md)."""

    class Source(models.TextChoices):
        IMPORT = "import", "Imported from a file"
        MANUAL = "manual", "Entered by a marketer"
        APPLICATION = "application", "Given in an open-call application"

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="workspace_contacts")
    email = models.EmailField(blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "creator"], name="workspacecreatorcontact_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.creator} contact"


class PortalGrant(TimeStampedModel):
    """A portal account's access to a creator's collaborations: one workspace's (by that workspace's claim
    link, or staff), or every workspace's (`workspace` empty) once the account proved the handle by signing
    in with TikTok. The portal's one scope (campaigns.portal.services.creator_collaborations) reads these.

    Not workspace-scoped on purpose: the creator's account reads its own grants across workspaces."""

    class Method(models.TextChoices):
        CLAIM_LINK = "claim_link", "Claim link from the brand's invitation"
        TIKTOK = "tiktok", "Signed in with TikTok as the handle"
        STAFF = "staff", "Linked by staff"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="portal_grants")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="portal_grants")
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        help_text="Empty: every workspace (the handle was proven).",
    )  # fmt: skip
    method = models.CharField(max_length=16, choices=Method.choices)
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reference = models.CharField(max_length=100, blank=True, help_text="e.g. the claim link's id.")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "creator", "workspace"], nulls_distinct=False, name="portalgrant_unique"
            ),
        ]
        indexes = [models.Index(fields=["creator", "workspace"], name="portalgrant_creator_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.creator} ({self.workspace_id or 'every workspace'})"
