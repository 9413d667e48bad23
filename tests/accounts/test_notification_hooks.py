"""Each event notifies the right people where it happens: the brand's kinds reach the workspace's
managers and owners (never its analysts, never another workspace's members), the creator's kinds reach
the creator's portal accounts for that workspace (never an account only another brand granted)."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from djmoney.money import Money

from accounts.models import AuditEvent, Notification, NotificationKind, Role
from accounts.tenancy import workspace_scope
from briefs.services import publish_brief
from campaigns import payouts
from campaigns.deliverables import services as ds
from campaigns.deliverables.disclosure import flag_undisclosed_live_posts
from campaigns.errors import CampaignError
from campaigns.open_calls import services as open_calls
from campaigns.pipeline import Stage
from creators.models import PortalGrant, Video
from outreach import sending
from outreach.services import post_message
from tests.briefs.factories import negotiating_collaboration, send
from tests.briefs.test_contract_signing import creator_signs
from tests.campaigns.factories import CampaignFactory, CollaborationFactory, DeliverableFactory
from tests.campaigns.test_deliverables import ADDRESS, _approved
from tests.factories import CreatorUserFactory, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db
K = NotificationKind


@pytest.fixture
def people(workspace, owner, manager, analyst, creator_user):
    """Workspace Glow (owner, manager, analyst), workspace Other (its owner), and the creator's proven
    portal account plus an account that only Other granted for the same creator."""
    with scopes_disabled():
        other = WorkspaceFactory(name="Other")
        stranger = MembershipFactory(workspace=other, user=UserFactory(email="stranger@other.test"), role=Role.OWNER)
        other_only = CreatorUserFactory(email="other-only@creator.test")
        PortalGrant.objects.create(user=other_only, creator=creator_user.creator_profile, workspace=other,
                                   method="claim_link")  # fmt: skip
    return {"owner": owner, "manager": manager, "analyst": analyst, "stranger": stranger.user,
            "creator": creator_user, "other_only": other_only}  # fmt: skip


def _told(kind) -> list[str]:
    with scopes_disabled():
        return sorted(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


BRAND = ["manager@glow.test", "owner@glow.test"]
CREATOR = ["creator@example.test"]


def _collaboration(workspace, creator_user, stage=Stage.CONTRACTED):
    with scopes_disabled():
        collaboration = CollaborationFactory(campaign__workspace=workspace, campaign__name="Glow launch",
                                             creator=creator_user.creator_profile, stage=stage)  # fmt: skip
        deliverable = DeliverableFactory(collaboration=collaboration)
    return collaboration, deliverable


def test_a_draft_tells_the_brands_managers_and_owners_only(workspace, people):
    _, deliverable = _collaboration(workspace, people["creator"])

    submission = ds.submit_draft(deliverable_id=deliverable.pk, user=people["creator"], link="https://drive.test/a")

    assert _told(K.DRAFT_SUBMITTED) == BRAND
    with scopes_disabled():
        notification = Notification.objects.get(kind=K.DRAFT_SUBMITTED, recipient=people["manager"])
    assert notification.event_key == f"submission:{submission.pk}" and notification.workspace == workspace
    assert notification.url == f"/campaigns/collaborations/{deliverable.collaboration_id}/"


def test_a_review_decision_tells_the_creators_account_for_this_brand_only(workspace, people):
    _approved(workspace, people["creator"], people["manager"])

    assert _told(K.REVIEW_DECISION) == CREATOR
    with scopes_disabled():
        assert Notification.objects.get(kind=K.REVIEW_DECISION).title == "Draft round 1 approved"


def test_the_address_and_the_live_link_tell_the_brand(workspace, people):
    collaboration, (deliverable,) = _approved(workspace, people["creator"], people["manager"])
    with workspace_scope(workspace):
        shipment = payouts.create_shipment(collaboration=collaboration, by=people["manager"], description="Serum kit")
    assert _told(K.ADDRESS_NEEDED) == CREATOR

    ds.save_shipping_address(shipment_id=shipment.pk, user=people["creator"], address=ADDRESS)
    ds.submit_live_link(deliverable_id=deliverable.pk, user=people["creator"],
                        url="https://www.tiktok.com/@linkedcreator/video/777")  # fmt: skip

    assert _told(K.SHIPPING_ADDRESS_GIVEN) == BRAND
    assert _told(K.LIVE_LINK_POSTED) == BRAND
    assert _told(K.DISCLOSURE_MISSING) == []  # the caption is not read yet: nothing to judge


def test_a_missing_disclosure_is_stored_and_alerted_once_at_the_live_link(workspace, people):
    _, (deliverable,) = _approved(workspace, people["creator"], people["manager"])
    Video.objects.create(creator=people["creator"].creator_profile, platform_video_id="222", caption="My routine")

    ds.submit_live_link(deliverable_id=deliverable.pk, user=people["creator"],
                        url="https://www.tiktok.com/@linkedcreator/video/222")  # fmt: skip
    again = flag_undisclosed_live_posts(creator_ids=[people["creator"].creator_profile.pk])

    assert again == 0
    assert _told(K.DISCLOSURE_MISSING) == BRAND
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="deliverable.disclosure_missing").count() == 1


def test_a_later_pull_that_reads_an_undisclosed_caption_stores_and_alerts_it_once(workspace, people):
    _, (deliverable,) = _approved(workspace, people["creator"], people["manager"])
    ds.submit_live_link(deliverable_id=deliverable.pk, user=people["creator"],
                        url="https://www.tiktok.com/@linkedcreator/video/333")  # fmt: skip
    # The pull reads the caption (creators.index stores it); no #ad in it.
    Video.objects.filter(platform_video_id="333").update(caption="Morning routine", stats_captured_at=timezone.now())

    first = flag_undisclosed_live_posts(creator_ids=[people["creator"].creator_profile.pk])
    second = flag_undisclosed_live_posts(creator_ids=[people["creator"].creator_profile.pk])

    assert (first, second) == (1, 0)
    assert _told(K.DISCLOSURE_MISSING) == BRAND
    with scopes_disabled():
        finding = AuditEvent.objects.get(action="deliverable.disclosure_missing")
    assert finding.workspace == workspace and finding.data["deliverable_id"] == deliverable.pk


def test_a_disclosed_post_found_by_a_pull_is_not_flagged(workspace, people):
    _, (deliverable,) = _approved(workspace, people["creator"], people["manager"])
    ds.submit_live_link(deliverable_id=deliverable.pk, user=people["creator"],
                        url="https://www.tiktok.com/@linkedcreator/video/444")  # fmt: skip
    Video.objects.filter(platform_video_id="444").update(caption="Morning routine #ad", is_sponsored=True)

    assert flag_undisclosed_live_posts(creator_ids=[people["creator"].creator_profile.pk]) == 0
    assert _told(K.DISCLOSURE_MISSING) == []


def test_a_creators_message_tells_the_brand_and_the_brands_does_not(workspace, people):
    collaboration, _ = _collaboration(workspace, people["creator"])

    post_message(collaboration=collaboration, by=people["manager"], body="Welcome aboard")
    assert _told(K.MESSAGE_RECEIVED) == []
    post_message(collaboration=collaboration, by=people["creator"], body="Thanks! Question about the brief")

    assert _told(K.MESSAGE_RECEIVED) == BRAND


def test_a_payout_tells_the_creator(workspace, people):
    collaboration, _ = _collaboration(workspace, people["creator"])
    with scopes_disabled():
        collaboration.compensation_type, collaboration.fee = "fixed_fee", Money(Decimal("500.00"), "USD")
        collaboration.save()

    with workspace_scope(workspace):
        payouts.record_payout(collaboration=collaboration, by=people["manager"], amount=Decimal("200.00"),
                              currency="USD")  # fmt: skip

    assert _told(K.PAYOUT_RECORDED) == CREATOR
    with scopes_disabled():
        assert Notification.objects.get(kind=K.PAYOUT_RECORDED).title == "Payment of 200.00 USD recorded as due"


def test_an_open_call_application_tells_the_brand(workspace, people):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=workspace, name="Glow open call")
    with workspace_scope(workspace):
        call = open_calls.publish_open_call(campaign=campaign, by=people["manager"], headline="Join us",
                                            description="Tell us about you")  # fmt: skip

    open_calls.apply_to_open_call(slug=call.slug, handle="@newface", email="new@face.test",
                                  pitch="I make skincare videos every week for 40k followers.")  # fmt: skip

    assert _told(K.OPEN_CALL_APPLICATION) == BRAND


def test_an_invitation_tells_a_creator_who_has_a_portal_account(workspace, people):
    collaboration, _ = _collaboration(workspace, people["creator"], stage=Stage.SHORTLISTED)
    with scopes_disabled():
        PortalGrant.objects.create(user=people["creator"], creator=people["creator"].creator_profile,
                                   workspace=workspace, method="claim_link")  # fmt: skip

    with workspace_scope(workspace):
        sending.invite(collaborations=[collaboration], by=people["manager"])

    assert _told(K.INVITATION) == CREATOR


def test_a_contract_to_sign_then_signed(workspace, people):
    with scopes_disabled():
        collaboration = negotiating_collaboration(workspace=workspace)
    version = send(collaboration, people["manager"])
    assert _told(K.CONTRACT_TO_SIGN) == ["maya@creator.test"]

    creator_signs(version)

    assert _told(K.CONTRACT_SIGNED) == BRAND


def test_a_brief_change_tells_the_creators_following_the_campaign(workspace, people):
    collaboration, _ = _collaboration(workspace, people["creator"])

    with workspace_scope(workspace):
        publish_brief(campaign=collaboration.campaign, by=people["manager"], content={"objective": "Show the glow"})

    assert _told(K.BRIEF_CHANGED) == CREATOR


def test_nothing_is_notified_when_the_event_is_refused(workspace, people):
    _, deliverable = _collaboration(workspace, people["creator"], stage=Stage.NEGOTIATING)

    with pytest.raises(CampaignError), transaction.atomic():
        ds.submit_draft(deliverable_id=deliverable.pk, user=people["creator"], link="https://drive.test/a")

    assert _told(K.DRAFT_SUBMITTED) == []


def test_rights_expiring_tell_the_brand(workspace, people):
    from briefs.library.rights_alerts import warn_expiring_rights
    from tests.briefs.test_content_library import _deliverable, _signed

    collaboration = _signed(workspace, people["manager"])
    _deliverable(collaboration, spark_ads_code="#SparkCode123", spark_ads_code_expires_on=datetime.date(2026, 7, 1))

    warn_expiring_rights(workspace_id=workspace.pk, today=datetime.date(2026, 6, 20))
    warn_expiring_rights(workspace_id=workspace.pk, today=datetime.date(2026, 6, 21))

    assert _told(K.USAGE_RIGHTS_EXPIRING) == sorted(BRAND * 2)  # the rights and the Spark Ads code, once each
