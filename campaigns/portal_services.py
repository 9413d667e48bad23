"""What a creator does from the portal. The creator acts only on collaborations tied to their own
creator profile, and only the moves the pipeline gives them: accept an invitation (invited ->
negotiating) or decline it (invited -> declined). Everything else stays with the brand."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import record_audit_event
from campaigns import pipeline
from campaigns.errors import CampaignError, CampaignErrorCode, CampaignNotFoundError
from campaigns.models import Collaboration, CollaborationTransition
from campaigns.pipeline import Stage

# The creator's answers to an invitation, as pipeline moves, and how the history says them.
RESPONSES = {"accept": Stage.NEGOTIATING, "decline": Stage.DECLINED}
DONE = {"accept": "accepted", "decline": "declined"}


@transaction.atomic
def respond_to_invitation(*, collaboration_id: int, user: User, response: str) -> Collaboration:
    """Accept or decline an invitation as its creator. Another creator's collaboration, or a brand's
    private shortlist, is not found; a collaboration past `invited` cannot be answered again."""
    collaboration = (
        Collaboration.objects.with_scopes_disabled()
        .select_for_update(of=("self",))
        .select_related("workspace", "campaign", "creator")
        .filter(pk=collaboration_id, creator__user=user)
        .exclude(stage=Stage.SHORTLISTED)
        .first()
    )
    if collaboration is None:
        raise CampaignNotFoundError("No such invitation.", code=CampaignErrorCode.NOT_FOUND)
    if response not in RESPONSES:
        raise CampaignError("Answer with accept or decline.", code=CampaignErrorCode.INVALID)
    to_stage = RESPONSES[response]
    if collaboration.stage != Stage.INVITED or not pipeline.is_allowed_transition(collaboration.stage, to_stage):
        raise CampaignError(
            f"This invitation was already answered (it is {collaboration.get_stage_display().lower()}).",
            code=CampaignErrorCode.TRANSITION_NOT_ALLOWED,
        )
    from_stage = collaboration.stage
    collaboration.stage, collaboration.stage_changed_at = to_stage, timezone.now()
    collaboration.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    CollaborationTransition.objects.create(
        workspace_id=collaboration.workspace_id,
        collaboration=collaboration,
        from_stage=from_stage,
        to_stage=to_stage,
        by=user,
        note=f"{DONE[response].capitalize()} by the creator in the portal",
    )
    record_audit_event(
        workspace=collaboration.workspace,
        actor=user,
        action=f"collaboration.{DONE[response]}",
        target=str(collaboration),
        data={"collaboration_id": collaboration.pk, "from": from_stage, "to": to_stage},
    )
    return collaboration


def creator_has_collaboration(*, collaboration_id: int, user: User) -> bool:
    """Whether the collaboration is one the creator may see (theirs, past the brand's shortlist)."""
    return (
        Collaboration.objects.with_scopes_disabled()
        .filter(pk=collaboration_id, creator__user=user)
        .exclude(stage=Stage.SHORTLISTED)
        .exists()
    )
