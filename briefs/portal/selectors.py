"""What the portal home's "Your work" card counts: collaborations, briefs to read, contracts to sign and
signed, payments due and paid. Everything is read through the portal's one scope,
`campaigns.portal.services.creator_collaborations`, so the brands' grants decide what a creator sees.

It lives here, above campaigns in the layers, because it reads contracts and briefs (this app) and
payouts (campaigns); creators, below both, loads the card by htmx."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, QuerySet, Sum

from accounts.models import User
from briefs.contracts.signing import creator_contract_versions
from briefs.models import ContractVersion
from campaigns.deliverables.services import creator_payouts
from campaigns.models import Collaboration, Payout
from campaigns.pipeline import Stage
from campaigns.portal.services import creator_collaborations

# Links per row: the card stays short on a phone; the full lists are one tap away.
LINK_LIMIT = 5
# A brief is still to read while its collaboration is under way: not once it was declined, cancelled or paid.
FINISHED_STAGES = (Stage.DECLINED, Stage.CANCELLED, Stage.PAID)


@dataclass(frozen=True)
class Payments:
    count: int
    totals: list[tuple[Decimal, str]]  # (amount, currency), one per currency: money is never summed across


@dataclass(frozen=True)
class PortalWork:
    collaboration_count: int
    invitation_count: int  # waiting for the creator's answer
    brief_count: int
    briefs: list[Collaboration]  # annotated with brief_version, the latest published
    to_sign_count: int
    to_sign: list[ContractVersion]
    signed_count: int  # signed by the creator: countersigned, or waiting for the brand
    due: Payments
    paid: Payments
    with_payments: list[Collaboration]  # where the payments due and paid are listed, newest first


def portal_work_for(*, user: User) -> PortalWork:
    """The "Your work" figures of a creator's portal account, with the first few rows of each to link to."""
    collaborations = creator_collaborations(user=user)
    stages = dict(collaborations.values_list("stage").annotate(n=Count("pk")).order_by())
    briefs = (
        collaborations.exclude(stage__in=FINISHED_STAGES)
        .annotate(brief_version=Max("campaign__briefs__version"))
        .filter(brief_version__isnull=False)
        .select_related("campaign", "workspace")
        .order_by("-stage_changed_at", "-pk")
    )
    versions = creator_contract_versions(user=user).exclude(status=ContractVersion.Status.SUPERSEDED)
    to_sign = versions.filter(status=ContractVersion.Status.SENT).select_related(
        "contract__collaboration__campaign", "workspace"
    )
    signed = versions.filter(status__in=[ContractVersion.Status.CREATOR_SIGNED, ContractVersion.Status.FULLY_SIGNED])
    payouts = creator_payouts(user=user)
    with_payments = (
        collaborations.filter(pk__in=payouts.exclude(status=Payout.Status.CANCELLED).values("collaboration_id"))
        .select_related("campaign", "workspace")
        .order_by("-stage_changed_at", "-pk")
    )
    return PortalWork(
        collaboration_count=sum(stages.values()),
        invitation_count=stages.get(Stage.INVITED, 0),
        brief_count=briefs.count(),
        briefs=list(briefs[:LINK_LIMIT]),
        to_sign_count=to_sign.count(),
        to_sign=list(to_sign.order_by("-sent_at", "-pk")[:LINK_LIMIT]),
        signed_count=signed.count(),
        due=_payments(payouts.filter(status=Payout.Status.DUE)),
        paid=_payments(payouts.filter(status=Payout.Status.PAID)),
        with_payments=list(with_payments[:LINK_LIMIT]),
    )


def _payments(payouts: QuerySet[Payout]) -> Payments:
    per_currency = list(
        payouts.values("amount_currency").annotate(n=Count("pk"), total=Sum("amount")).order_by("amount_currency")
    )
    return Payments(
        count=sum(row["n"] for row in per_currency),
        totals=[(row["total"], row["amount_currency"]) for row in per_currency],
    )
