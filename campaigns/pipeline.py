"""The collaboration pipeline and the campaign life cycle as plain tables: no database, no Django app
registry, so the rules are readable in one place and tested on their own (tests/campaigns/test_pipeline.py).

Collaboration stages (a creator's way through one campaign)::

    shortlisted        -> invited | declined | cancelled
    invited            -> negotiating | declined | cancelled
    negotiating        -> contracted | declined | cancelled
    contracted         -> content_in_review | cancelled
    content_in_review  -> approved | contracted (changes requested) | cancelled
    approved           -> live | cancelled
    live               -> paid
    paid, declined, cancelled: terminal

`declined` is the creator saying no before a contract; `cancelled` is either side ending it. Once a
video is live the work is done, so the only way on is `paid` (a dispute is handled outside the
pipeline). Staying in the same stage is never a transition.

Every stage must have a row in `ALLOWED_TRANSITIONS`; the module refuses to import otherwise, so a
stage added without rules cannot reach a service.
"""

from django.db.models import TextChoices


class Stage(TextChoices):
    SHORTLISTED = "shortlisted", "Shortlisted"
    INVITED = "invited", "Invited"
    NEGOTIATING = "negotiating", "Negotiating"
    CONTRACTED = "contracted", "Contracted"
    CONTENT_IN_REVIEW = "content_in_review", "Content in review"
    APPROVED = "approved", "Approved"
    LIVE = "live", "Live"
    PAID = "paid", "Paid"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


ALLOWED_TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.SHORTLISTED: frozenset({Stage.INVITED, Stage.DECLINED, Stage.CANCELLED}),
    Stage.INVITED: frozenset({Stage.NEGOTIATING, Stage.DECLINED, Stage.CANCELLED}),
    Stage.NEGOTIATING: frozenset({Stage.CONTRACTED, Stage.DECLINED, Stage.CANCELLED}),
    Stage.CONTRACTED: frozenset({Stage.CONTENT_IN_REVIEW, Stage.CANCELLED}),
    # Back to contracted: the brand asked for changes and the creator reworks the draft.
    Stage.CONTENT_IN_REVIEW: frozenset({Stage.APPROVED, Stage.CONTRACTED, Stage.CANCELLED}),
    Stage.APPROVED: frozenset({Stage.LIVE, Stage.CANCELLED}),
    Stage.LIVE: frozenset({Stage.PAID}),
    Stage.PAID: frozenset(),
    Stage.DECLINED: frozenset(),
    Stage.CANCELLED: frozenset(),
}

TERMINAL_STAGES: frozenset[Stage] = frozenset(stage for stage, targets in ALLOWED_TRANSITIONS.items() if not targets)

# Compensation is what was negotiated: it can change until the contract fixes it.
COMPENSATION_EDITABLE_STAGES: frozenset[Stage] = frozenset({Stage.SHORTLISTED, Stage.INVITED, Stage.NEGOTIATING})

# A payout needs something agreed: a contract, or a cancelled one that may still owe a kill fee.
PAYABLE_STAGES: frozenset[Stage] = frozenset(
    {Stage.CONTRACTED, Stage.CONTENT_IN_REVIEW, Stage.APPROVED, Stage.LIVE, Stage.PAID, Stage.CANCELLED}
)

# Collaborations that still hold (or held) a place in the campaign's budget.
COMMITTED_STAGES: frozenset[Stage] = frozenset(Stage) - {Stage.DECLINED, Stage.CANCELLED}


def allowed_next_stages(stage: str) -> frozenset[Stage]:
    """The stages a collaboration in `stage` may move to (empty for a terminal or unknown stage)."""
    return ALLOWED_TRANSITIONS.get(Stage(stage), frozenset()) if stage in Stage.values else frozenset()


def is_allowed_transition(from_stage: str, to_stage: str) -> bool:
    return to_stage in Stage.values and Stage(to_stage) in allowed_next_stages(from_stage)


class CampaignStatus(TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    ARCHIVED = "archived", "Archived"


# A campaign goes live once, may pause and resume, ends for good, and is then put away::
#
#     draft     -> active
#     active    -> paused | completed
#     paused    -> active | completed
#     completed -> archived
#     archived: terminal (read only; duplicate it to run it again)
CAMPAIGN_STATUS_TRANSITIONS: dict[CampaignStatus, frozenset[CampaignStatus]] = {
    CampaignStatus.DRAFT: frozenset({CampaignStatus.ACTIVE}),
    CampaignStatus.ACTIVE: frozenset({CampaignStatus.PAUSED, CampaignStatus.COMPLETED}),
    CampaignStatus.PAUSED: frozenset({CampaignStatus.ACTIVE, CampaignStatus.COMPLETED}),
    CampaignStatus.COMPLETED: frozenset({CampaignStatus.ARCHIVED}),
    CampaignStatus.ARCHIVED: frozenset(),
}

# Settings (name, budget, dates, KPIs, audience) stay editable until the campaign is archived.
CAMPAIGN_EDITABLE_STATUSES: frozenset[CampaignStatus] = frozenset(CampaignStatus) - {CampaignStatus.ARCHIVED}

# What the button of each move says; "active" reads differently from a draft and from a pause.
_STATUS_MOVE_LABELS: dict[tuple[CampaignStatus, CampaignStatus], str] = {
    (CampaignStatus.DRAFT, CampaignStatus.ACTIVE): "Activate",
    (CampaignStatus.PAUSED, CampaignStatus.ACTIVE): "Resume",
}
_STATUS_TARGET_LABELS: dict[CampaignStatus, str] = {
    CampaignStatus.PAUSED: "Pause",
    CampaignStatus.COMPLETED: "Complete",
    CampaignStatus.ARCHIVED: "Archive",
}


def allowed_next_statuses(status: str) -> list[CampaignStatus]:
    """The statuses a campaign in `status` may move to, in life-cycle order (empty when archived or unknown)."""
    if status not in CampaignStatus.values:
        return []
    order = list(CampaignStatus)
    return sorted(CAMPAIGN_STATUS_TRANSITIONS[CampaignStatus(status)], key=order.index)


def is_allowed_status_change(from_status: str, to_status: str) -> bool:
    if from_status not in CampaignStatus.values or to_status not in CampaignStatus.values:
        return False
    return CampaignStatus(to_status) in CAMPAIGN_STATUS_TRANSITIONS[CampaignStatus(from_status)]


def status_move_label(from_status: str, to_status: str) -> str:
    """The verb on the button of an allowed move: Activate, Pause, Resume, Complete, Archive."""
    source, target = CampaignStatus(from_status), CampaignStatus(to_status)
    return _STATUS_MOVE_LABELS.get((source, target)) or _STATUS_TARGET_LABELS.get(target) or target.label


def _check_tables_are_complete() -> None:
    missing_stages = set(Stage) - set(ALLOWED_TRANSITIONS)
    missing_statuses = set(CampaignStatus) - set(CAMPAIGN_STATUS_TRANSITIONS)
    if missing_stages or missing_statuses:
        missing = sorted(str(value) for value in missing_stages | missing_statuses)
        raise RuntimeError(f"Pipeline rules missing for: {', '.join(missing)}")


_check_tables_are_complete()
