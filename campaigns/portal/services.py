"""What a creator does from the portal. The creator acts only on collaborations tied to their own
creator profile, and only the moves the pipeline gives them: accept an invitation (invited ->
negotiating) or decline it (invited -> declined). Everything else stays with the brand."""

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User
from campaigns import pipeline
from campaigns.collaborations import record_move
from campaigns.errors import CampaignError, CampaignErrorCode, CampaignNotFoundError
from campaigns.models import Collaboration
from campaigns.pipeline import Stage
from creators.portal.access import grant_condition

# The creator's answers to an invitation, as pipeline moves, and how the history says them.
RESPONSES = {"accept": Stage.NEGOTIATING, "decline": Stage.DECLINED}
DONE = {"accept": "accepted", "decline": "declined"}


def creator_collaborations(*, user: User) -> QuerySet[Collaboration]:
    """The collaborations a creator may see: their creator's, in the workspaces their portal grants
    reach (creators.portal.access), past the brand's private shortlist. Unscoped on purpose (a creator
    belongs to no workspace); the grant is the scope."""
    return (
        Collaboration.objects.with_scopes_disabled().filter(grant_condition(user=user)).exclude(stage=Stage.SHORTLISTED)
    )


@transaction.atomic
def respond_to_invitation(*, collaboration_id: int, user: User, response: str) -> Collaboration:
    """Accept or decline an invitation as its creator. Another creator's collaboration, or a brand's
    private shortlist, is not found; a collaboration past `invited` cannot be answered again."""
    collaboration = (
        creator_collaborations(user=user)
        .select_for_update(of=("self",))
        .select_related("workspace", "campaign", "creator")
        .filter(pk=collaboration_id)
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
    return record_move(
        collaboration=collaboration,
        to_stage=to_stage,
        by=user,
        note=f"{DONE[response].capitalize()} by the creator in the portal",
        action=f"collaboration.{DONE[response]}",
    )
