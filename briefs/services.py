"""Publishing briefs. A version is never edited: publishing writes the next version, in one transaction
with the campaign locked, so two managers publishing at once get versions n and n+1, not two n."""

from collections.abc import Mapping

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import NotificationKind, User
from accounts.selectors import has_workspace_role
from accounts.services import record_audit_event
from briefs.models import Brief
from campaigns import pipeline
from campaigns.models import Campaign, Collaboration
from campaigns.notices import tell_creator
from campaigns.pipeline import Stage
from core.errors import ApplicationError, PermissionDeniedError
from outreach.models import Message
from outreach.services import record_event

FIELD_MAX_CHARS = 5000


@transaction.atomic
def publish_brief(*, campaign: Campaign, by: User, content: Mapping[str, str]) -> Brief:
    """Publish the campaign's next brief version. Refused (nothing written) for a non-manager, an empty
    objective, an unknown field, a field over FIELD_MAX_CHARS, or content equal to the latest version."""
    campaign = Campaign.objects.select_for_update().select_related("workspace").get(pk=campaign.pk)
    if not has_workspace_role(workspace_id=campaign.workspace_id, user=by):
        raise PermissionDeniedError("Only managers and owners publish briefs.", code="not_allowed")
    unknown = sorted(set(content) - set(Brief.CONTENT_FIELDS))
    if unknown:
        raise ApplicationError(f"Unknown brief field(s): {', '.join(unknown)}.", code="invalid")
    cleaned = {name: str(content.get(name, "")).strip() for name in Brief.CONTENT_FIELDS}
    too_long = [name for name, value in cleaned.items() if len(value) > FIELD_MAX_CHARS]
    errors = {name: [f"At most {FIELD_MAX_CHARS:,} characters."] for name in too_long}
    if not cleaned["objective"]:
        errors["objective"] = ["Say what the content should achieve."]
    if errors:
        raise ApplicationError("The brief is not valid.", code="invalid", fields=errors)
    latest = Brief.objects.filter(campaign=campaign).order_by("-version").first()
    if latest is not None and all(getattr(latest, name) == value for name, value in cleaned.items()):
        raise ApplicationError(f"Nothing changed since version {latest.version}.", code="unchanged")
    brief = Brief.objects.create(
        workspace=campaign.workspace,
        campaign=campaign,
        version=(latest.version + 1) if latest else 1,
        published_at=timezone.now(),
        published_by=by,
        **cleaned,
    )
    _tell_creators(brief=brief, changed=changed_fields(latest, brief), by=by)
    record_audit_event(
        workspace=campaign.workspace,
        actor=by,
        action="brief.published",
        target=str(campaign),
        data={"campaign_id": campaign.pk, "version": brief.version, "changed": changed_fields(latest, brief)},
    )
    return brief


# Creators past the brand's private shortlist and not out of the campaign: they follow the brief.
BRIEF_FOLLOWERS = pipeline.COMMITTED_STAGES - {Stage.SHORTLISTED}


def _tell_creators(*, brief: Brief, changed: list[str], by: User) -> None:
    """Each creator on the campaign gets the new version in their timeline (and so an unread-message
    e-mail if they do not open it): what changed, in the portal's words."""
    labels = [str(getattr(Brief._meta.get_field(name), "verbose_name", name)) for name in changed]
    summary = (
        f"The brief was updated to version {brief.version}: {', '.join(labels)} changed."
        if brief.version > 1
        else "The brief is published: read it before you start."
    )
    followers = Collaboration.objects.filter(campaign_id=brief.campaign_id, stage__in=BRIEF_FOLLOWERS)
    url = reverse("portal-briefs:campaign-brief", kwargs={"campaign_pk": brief.campaign_id})
    for collaboration in followers.select_related("workspace", "campaign", "creator"):
        record_event(collaboration=collaboration, kind=Message.Kind.BRIEF_CHANGE, body=summary, by=by)
        tell_creator(collaboration=collaboration, kind=NotificationKind.BRIEF_CHANGED, event_key=f"brief:{brief.pk}",
                     title=f"{collaboration.campaign.name}: brief v{brief.version}", body=summary, url=url)  # fmt: skip


def changed_fields(before: Brief | None, after: Brief) -> list[str]:
    """The content fields that differ between two versions (all of them for a first version)."""
    if before is None:
        return [name for name in Brief.CONTENT_FIELDS if getattr(after, name)]
    return [name for name in Brief.CONTENT_FIELDS if getattr(before, name) != getattr(after, name)]
