from typing import TYPE_CHECKING, ClassVar, Self

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.managers import workspace_scoped_manager
from core.models import TimeStampedModel

if TYPE_CHECKING:
    from accounts.managers import WorkspaceScopedManager


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=email.strip().lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.update(is_staff=True, is_superuser=True, kind=User.Kind.MARKETER)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        # E-mail logins are case-insensitive; addresses are stored lower-cased.
        return self.get(email=(username or "").strip().lower())


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who logs in. Marketers work in workspaces; creators only ever see the portal."""

    class Kind(models.TextChoices):
        MARKETER = "marketer", "Marketer"
        CREATOR = "creator", "Creator"

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MARKETER)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            # A creator account can never reach admin.
            models.CheckConstraint(condition=~models.Q(kind="creator", is_staff=True), name="user_creator_not_staff"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_creator(self) -> bool:
        return self.kind == self.Kind.CREATOR

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]


class Workspace(TimeStampedModel):
    """A brand (or an agency's client): the tenant every brand-owned row belongs to."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    default_currency = models.CharField(max_length=3, default="USD")
    # The brand's look on what creators see (portal pages of its collaborations, open calls, e-mails).
    # Blank means CreatorDesk's own; `accounts.branding` validates both before they are saved.
    brand_color = models.CharField(max_length=7, blank=True, help_text="Hex colour, e.g. #E4405F.")
    logo = models.FileField(upload_to="brand/", blank=True)
    # Owners may insist every member signs in with a second factor; creators in the portal are never asked.
    requires_two_factor = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(brand_color="") | models.Q(brand_color__regex=r"^#[0-9A-F]{6}$"),
                name="workspace_brand_color_hex",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    ANALYST = "analyst", "Analyst (read-only)"

    @property
    def rank(self) -> int:
        return {"analyst": 0, "manager": 1, "owner": 2}[self.value]


class Membership(TimeStampedModel):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANALYST)

    objects: ClassVar["WorkspaceScopedManager[Self]"] = workspace_scoped_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"

    def has_role(self, at_least: Role) -> bool:
        return Role(self.role).rank >= at_least.rank


class Invitation(TimeStampedModel):
    """An e-mailed, single-use, expiring link to join a workspace. Only the token's SHA-256 is stored."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MANAGER)
    token_sha256 = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar["WorkspaceScopedManager[Self]"] = workspace_scoped_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.workspace}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "pending"


class AuditEvent(models.Model):
    """Append-only record of who changed what in a workspace."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=64)
    target = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects: ClassVar["WorkspaceScopedManager[Self]"] = workspace_scoped_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.target}"


class NotificationKind(models.TextChoices):
    """What a notification is about. The brand's kinds go to a workspace's managers and owners, the
    creator's to the portal accounts that act for the creator with that workspace."""

    # For the brand
    CONTRACT_SIGNED = "contract_signed", "Contract signed"
    DRAFT_SUBMITTED = "draft_submitted", "Draft submitted"
    LIVE_LINK_POSTED = "live_link_posted", "Live link posted"
    OPEN_CALL_APPLICATION = "open_call_application", "Open-call application"
    SHIPPING_ADDRESS_GIVEN = "shipping_address_given", "Shipping address given"
    MESSAGE_RECEIVED = "message_received", "Message received"
    DISCLOSURE_MISSING = "disclosure_missing", "Disclosure missing"
    USAGE_RIGHTS_EXPIRING = "usage_rights_expiring", "Usage rights expiring"
    # For the creator
    INVITATION = "invitation", "Invitation"
    CONTRACT_TO_SIGN = "contract_to_sign", "Contract to sign"
    REVIEW_DECISION = "review_decision", "Review decision"
    BRIEF_CHANGED = "brief_changed", "Brief changed"
    PAYOUT_RECORDED = "payout_recorded", "Payout recorded"
    ADDRESS_NEEDED = "address_needed", "Address needed"


class EmailDelivery(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately"
    DAILY_DIGEST = "daily_digest", "Daily digest"
    OFF = "off", "Off"


class NotificationDigest(models.Model):
    """One daily digest e-mail to one user: the row is claimed before the e-mail is sent, and the
    (user, day) constraint is what makes a second run of the digest task that day send nothing."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # the UTC date of the run that sent it
    sent_at = models.DateTimeField(default=timezone.now)
    notification_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="notification_digest_once_a_day")]

    def __str__(self) -> str:
        return f"digest for {self.user} on {self.day}"


class Notification(models.Model):
    """Something that happened that one user should hear of, in the workspace where it happened.

    `event_key` names the event ("submission:123"); (recipient, kind, event_key) is unique, so an event
    reported twice (a retried request, a re-run sweep) is one row and one e-mail. `email_delivery` is the
    recipient's preference for the kind when the notification was made."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    event_key = models.CharField(max_length=120)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)  # a path on this site
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_delivery = models.CharField(max_length=16, choices=EmailDelivery.choices, default=EmailDelivery.IMMEDIATELY)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(NotificationDigest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects: ClassVar["WorkspaceScopedManager[Self]"] = workspace_scoped_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "event_key"], name="notification_once_per_event"),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "workspace"], condition=models.Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["recipient"],
                condition=models.Q(email_delivery="daily_digest", digest__isnull=True),
                name="notification_digest_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient}: {self.title}"


class NotificationPreference(TimeStampedModel):
    """How one user wants to be e-mailed about one kind; a kind without a row uses its default
    (`accounts.notifications.services.DEFAULT_DELIVERY`). The in-app list shows every kind regardless."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    email_delivery = models.CharField(max_length=16, choices=EmailDelivery.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.email_delivery}"
