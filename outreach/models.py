"""Messages between a workspace and a creator, outreach e-mails from editable templates, and the links
that let an invited creator claim a portal account.

One `Thread` per collaboration holds each side's read state and notification stamp; its `Message`
rows are the timeline (messages, invitations, reminders, brief changes, review comments) and are
append-only: no service updates or deletes them. Every table is workspace-owned (scoped manager,
fails closed)."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from accounts.models import User
from campaigns.models import Collaboration
from creators.models import Creator, WorkspaceOwned

MESSAGE_MAX_CHARS = 5_000  # a long reply fits; a pasted contract does not


class Side(models.TextChoices):
    BRAND = "brand", "Brand"
    CREATOR = "creator", "Creator"
    SYSTEM = "system", "CreatorDesk"


class Thread(WorkspaceOwned):
    """The conversation of one collaboration. `<side>_read_at`: when that side last opened it;
    `<side>_notified_through`: the newest message already covered by an unread-messages e-mail to that
    side, so the sweep never sends the same messages twice."""

    collaboration = models.OneToOneField(Collaboration, on_delete=models.CASCADE, related_name="thread")
    brand_read_at = models.DateTimeField(null=True, blank=True)
    creator_read_at = models.DateTimeField(null=True, blank=True)
    brand_notified_through = models.DateTimeField(null=True, blank=True)
    creator_notified_through = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["last_message_at"], name="thread_last_message_idx")]

    def __str__(self) -> str:
        return f"Thread of collaboration {self.collaboration_id}"


class MessageKind(models.TextChoices):
    MESSAGE = "message", "Message"
    INVITATION = "invitation", "Invitation"
    REMINDER = "reminder", "Reminder"
    BRIEF_CHANGE = "brief_change", "Brief change"
    REVIEW_COMMENT = "review_comment", "Review comment"
    SYSTEM = "system", "Update"


class Message(WorkspaceOwned):
    """One entry of a collaboration's timeline. Append-only."""

    Kind = MessageKind

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=MessageKind.choices, default=MessageKind.MESSAGE)
    sender_side = models.CharField(max_length=10, choices=Side.choices)
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    body = models.TextField()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MessageKind.values), name="message_kind_known"),
            models.CheckConstraint(condition=Q(sender_side__in=Side.values), name="message_side_known"),
            models.CheckConstraint(condition=~Q(body=""), name="message_body_not_empty"),
        ]
        indexes = [models.Index(fields=["thread", "created_at"], name="message_thread_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in {self.collaboration_id}: {self.body[:40]}"


class OutreachTemplate(WorkspaceOwned):
    """An editable invitation or reminder e-mail. Subject and body take `{{ merge_field }}` placeholders
    from `outreach.merge.MERGE_FIELDS` only (checked when saved); they are never run through Django's
    template engine. At most one default per kind and workspace."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        REMINDER = "reminder", "Reminder"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=100)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    is_default = models.BooleanField(default=False)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint("workspace", "kind", Lower("name"), name="outreachtemplate_name_ci_unique"),
            models.UniqueConstraint(
                fields=["workspace", "kind"], condition=Q(is_default=True), name="outreachtemplate_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClaimLink(WorkspaceOwned):
    """A single-use, expiring link that lets a creator without a portal account create one and claim
    their creator profile. Only the token's SHA-256 is stored; the raw token travels in the e-mail."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="+")
    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(help_text="Where the link was sent; the new account's login.")
    token_sha256 = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["workspace", "creator"], name="claimlink_creator_idx")]

    def __str__(self) -> str:
        return f"Claim link for creator {self.creator_id}"


class OutreachEmail(WorkspaceOwned):
    """The log of every outreach e-mail: what was sent, to whom, from which template, by whom. `body`
    keeps the claim link as the `{{ claim_link }}` placeholder (the raw token is never stored);
    `sent_at` is set once, when the e-mail is handed to the mail server."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        REMINDER = "reminder", "Reminder"
        UNREAD = "unread", "Unread messages"

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    template = models.ForeignKey(OutreachTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    claim_link = models.ForeignKey(ClaimLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Empty: sent to the creator's portal account(s) that reach this workspace; their login address is
    # never shown to the brand (it may be one the creator gave another brand).
    to_email = models.EmailField(blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["workspace", "collaboration", "-created_at"], name="outreachemail_collab_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_email or 'the portal account'}"
