"""The deliverable journey's services: drafts and their review rounds, the live link with its disclosure
check, Spark Ads usage rights, the shipping address and the parcel. The creator side runs unscoped, as
the portal does; the brand side runs in the workspace's scope. Each refusal asserts nothing was written."""

import datetime
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from accounts.tenancy import workspace_scope
from campaigns.deliverables import services as ds
from campaigns.deliverables.disclosure import DisclosureStatus
from campaigns.deliverables.uploads import UploadError, UploadErrorCode
from campaigns.errors import CampaignError, CampaignErrorCode, CampaignNotFoundError
from campaigns.models import (
    Collaboration,
    CollaborationTransition,
    Deliverable,
    DeliverableSubmission,
    ReviewComment,
    Shipment,
)
from campaigns.pipeline import Stage
from core.errors import PermissionDeniedError
from creators.models import Video
from tests.campaigns.factories import CollaborationFactory, DeliverableFactory, ShipmentFactory
from tests.campaigns.test_uploads import _mp4, _zip
from tests.factories import CreatorFactory, CreatorUserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

ADDRESS = {
    "name": "Lena Park",
    "line1": "221 Baker Street",
    "line2": "",
    "city": "London",
    "postal_code": "NW1 6XE",
    "region": "",
    "country": "gb",
    "phone": "+44 20 7946 0000",
}


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def _reloaded(obj):
    with scopes_disabled():
        return type(obj).objects.get(pk=obj.pk)


def _count(model, **filters) -> int:
    with scopes_disabled():
        return model.objects.filter(**filters).count()


def _actions() -> list[str]:
    with scopes_disabled():
        return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def _collaboration(workspace, creator_user, *, stage=Stage.CONTRACTED, deliverables=1):
    with scopes_disabled():
        collaboration = CollaborationFactory(
            campaign__workspace=workspace, creator=creator_user.creator_profile, stage=stage
        )
        items = [DeliverableFactory(collaboration=collaboration) for _ in range(deliverables)]
    return collaboration, items


def _mp4_upload(name: str = "draft.mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _mp4(), content_type="video/mp4")


def _approved(workspace, creator_user, manager, *, deliverables=1):
    collaboration, items = _collaboration(workspace, creator_user, deliverables=deliverables)
    for item in items:
        submission = ds.submit_draft(deliverable_id=item.pk, user=creator_user, link="https://drive.test/cut")
        with workspace_scope(workspace):
            ds.review_submission(submission_id=submission.pk, by=manager, decision="approve")
    return collaboration, items


# --- Drafts -------------------------------------------------------------------------------------


def test_an_uploaded_draft_opens_a_review_round_and_puts_the_collaboration_in_review(media, workspace, creator_user):
    collaboration, (deliverable,) = _collaboration(workspace, creator_user)

    submission = ds.submit_draft(deliverable_id=deliverable.pk, user=creator_user, file=_mp4_upload("My cut.mp4"))

    stored = _reloaded(submission)
    assert (stored.round_number, stored.file_name, stored.content_type, stored.file_size) == (
        1,
        "My cut.mp4",
        "video/mp4",
        len(_mp4()),
    )
    assert [path.read_bytes() for path in _stored_files(media)] == [_mp4()]
    assert _reloaded(deliverable).status == Deliverable.Status.IN_REVIEW
    assert _reloaded(collaboration).stage == Stage.CONTENT_IN_REVIEW
    with scopes_disabled():
        move = CollaborationTransition.objects.get(collaboration=collaboration)
    assert (move.from_stage, move.to_stage, move.by) == (Stage.CONTRACTED, Stage.CONTENT_IN_REVIEW, creator_user)
    assert "deliverable.draft_submitted" in _actions()


def test_a_new_draft_while_one_waits_is_the_next_round(workspace, creator_user):
    collaboration, (deliverable,) = _collaboration(workspace, creator_user)

    ds.submit_draft(deliverable_id=deliverable.pk, user=creator_user, link="https://drive.test/v1")
    second = ds.submit_draft(deliverable_id=deliverable.pk, user=creator_user, link="https://drive.test/v2")

    assert (second.round_number, second.link) == (2, "https://drive.test/v2")
    assert _count(CollaborationTransition, collaboration=collaboration) == 1  # moved to review once


def test_a_refused_upload_stores_no_file_and_no_round(media, workspace, creator_user):
    collaboration, (deliverable,) = _collaboration(workspace, creator_user)
    disguised = SimpleUploadedFile("draft.mp4", _zip(), content_type="video/mp4")

    with pytest.raises(UploadError) as refused:
        ds.submit_draft(deliverable_id=deliverable.pk, user=creator_user, file=disguised)

    assert refused.value.code == UploadErrorCode.TYPE_NOT_ALLOWED
    assert _stored_files(media) == []
    assert _count(DeliverableSubmission) == 0
    assert (_reloaded(deliverable).status, _reloaded(collaboration).stage) == ("pending", Stage.CONTRACTED)
    assert _actions() == []


@pytest.mark.parametrize("stage", [Stage.NEGOTIATING, Stage.APPROVED, Stage.CANCELLED])
def test_a_draft_needs_a_signed_contract_and_an_open_review(media, workspace, creator_user, stage):
    _, (deliverable,) = _collaboration(workspace, creator_user, stage=stage)

    with pytest.raises(CampaignError) as refused:
        ds.submit_draft(deliverable_id=deliverable.pk, user=creator_user, file=_mp4_upload())

    assert refused.value.code == CampaignErrorCode.STAGE_LOCKED
    assert _count(DeliverableSubmission) == 0 and _stored_files(media) == []


@pytest.mark.parametrize(
    ("file", "link"),
    [(None, ""), ("upload", "https://drive.test/cut"), (None, "http://drive.test/cut"), (None, "not a link")],
)
def test_a_draft_is_one_file_or_one_https_link(workspace, creator_user, file, link):
    _, (deliverable,) = _collaboration(workspace, creator_user)

    with pytest.raises(CampaignError) as refused:
        ds.submit_draft(
            deliverable_id=deliverable.pk, user=creator_user, file=_mp4_upload() if file else None, link=link
        )

    assert refused.value.code == CampaignErrorCode.INVALID
    assert _count(DeliverableSubmission) == 0


def test_another_creators_deliverable_or_a_shortlist_is_not_found(workspace, creator_user):
    _, (theirs,) = _collaboration(workspace, _other_creator_user())
    _, (shortlisted,) = _collaboration(workspace, creator_user, stage=Stage.SHORTLISTED)

    for deliverable in (theirs, shortlisted):
        with pytest.raises(CampaignNotFoundError):
            ds.submit_draft(deliverable_id=deliverable.pk, user=creator_user, link="https://drive.test/cut")

    assert _count(DeliverableSubmission) == 0


def _other_creator_user():
    user = CreatorUserFactory(email="someone-else@example.test")
    CreatorFactory(handle="someoneelse", user=user)
    return user


# --- Reviews ------------------------------------------------------------------------------------


def test_approving_the_last_deliverable_approves_the_collaboration(workspace, creator_user, manager):
    collaboration, (first, second) = _collaboration(workspace, creator_user, deliverables=2)
    rounds = [
        ds.submit_draft(deliverable_id=item.pk, user=creator_user, link="https://drive.test/cut")
        for item in (first, second)
    ]

    with workspace_scope(workspace):
        ds.review_submission(submission_id=rounds[0].pk, by=manager, decision="approve")
        after_one = _reloaded(collaboration).stage
        review = ds.review_submission(submission_id=rounds[1].pk, by=manager, decision="approve", comment="Lovely")

    assert after_one == Stage.CONTENT_IN_REVIEW
    assert _reloaded(collaboration).stage == Stage.APPROVED
    assert (review.decision, review.body, review.author) == ("approved", "Lovely", manager)
    assert _reloaded(second).approved_at is not None


def test_requesting_changes_sends_the_collaboration_back_until_a_new_round(workspace, creator_user, manager):
    collaboration, (deliverable,) = _collaboration(workspace, creator_user)
    first = ds.submit_draft(deliverable_id=deliverable.pk, user=creator_user, link="https://drive.test/v1")

    with workspace_scope(workspace):
        ds.review_submission(
            submission_id=first.pk, by=manager, decision="request_changes", comment="Show the label at 0:03"
        )
    sent_back = (_reloaded(deliverable).status, _reloaded(collaboration).stage)
    second = ds.submit_draft(deliverable_id=deliverable.pk, user=creator_user, link="https://drive.test/v2")

    assert sent_back == (Deliverable.Status.CHANGES_REQUESTED, Stage.CONTRACTED)
    assert second.round_number == 2 and _reloaded(collaboration).stage == Stage.CONTENT_IN_REVIEW
    with scopes_disabled():
        assert list(ReviewComment.objects.values_list("submission_id", "decision", "body")) == [
            (first.pk, "changes_requested", "Show the label at 0:03")
        ]


def test_changes_need_a_comment_and_only_the_latest_round_can_be_decided(workspace, creator_user, manager):
    _, (deliverable,) = _collaboration(workspace, creator_user)
    old = ds.submit_draft(deliverable_id=deliverable.pk, user=creator_user, link="https://drive.test/v1")
    ds.submit_draft(deliverable_id=deliverable.pk, user=creator_user, link="https://drive.test/v2")

    with workspace_scope(workspace):
        with pytest.raises(CampaignError) as no_comment:
            ds.review_submission(submission_id=old.pk, by=manager, decision="request_changes", comment=" ")
        with pytest.raises(CampaignError) as stale:
            ds.review_submission(submission_id=old.pk, by=manager, decision="approve")

    assert no_comment.value.fields == {"comment": [no_comment.value.message]}
    assert stale.value.code == CampaignErrorCode.TRANSITION_NOT_ALLOWED
    assert _count(ReviewComment) == 0 and _reloaded(deliverable).status == Deliverable.Status.IN_REVIEW


def test_an_analyst_cannot_review_and_another_workspace_cannot_find_the_draft(
    workspace, creator_user, analyst, manager
):
    _, (deliverable,) = _collaboration(workspace, creator_user)
    submission = ds.submit_draft(deliverable_id=deliverable.pk, user=creator_user, link="https://drive.test/v1")

    with workspace_scope(workspace), pytest.raises(PermissionDeniedError):
        ds.review_submission(submission_id=submission.pk, by=analyst, decision="approve")
    with workspace_scope(WorkspaceFactory()), pytest.raises(CampaignNotFoundError):
        ds.review_submission(submission_id=submission.pk, by=manager, decision="approve")

    assert _count(ReviewComment) == 0 and _reloaded(deliverable).status == Deliverable.Status.IN_REVIEW


# --- Live link and disclosure -------------------------------------------------------------------


def test_the_live_link_creates_the_video_and_makes_the_collaboration_live(workspace, creator_user, manager):
    collaboration, (deliverable,) = _approved(workspace, creator_user, manager)

    result = ds.submit_live_link(
        deliverable_id=deliverable.pk,
        user=creator_user,
        url="https://www.tiktok.com/@LinkedCreator/video/7301234567890123456?is_from_webapp=1",
    )

    stored = _reloaded(deliverable)
    assert stored.status == Deliverable.Status.LIVE and stored.live_at is not None
    assert stored.live_url == "https://www.tiktok.com/@linkedcreator/video/7301234567890123456"
    assert (stored.video.creator, stored.video.platform_video_id) == (
        creator_user.creator_profile,
        "7301234567890123456",
    )
    assert _reloaded(collaboration).stage == Stage.LIVE
    # A video not yet synced has no caption: counted as missing (never passed by default), not yet flagged.
    assert (result.disclosure, result.caption_known) == (DisclosureStatus.MISSING, False)
    assert "deliverable.disclosure_missing" not in _actions()


def test_a_known_video_without_a_disclosure_is_flagged(workspace, creator_user, manager):
    _, (deliverable,) = _approved(workspace, creator_user, manager)
    Video.objects.create(creator=creator_user.creator_profile, platform_video_id="222", caption="My glow routine")

    result = ds.submit_live_link(
        deliverable_id=deliverable.pk, user=creator_user, url="https://www.tiktok.com/@linkedcreator/video/222"
    )

    assert (result.disclosure, result.caption_known) == (DisclosureStatus.MISSING, True)
    with scopes_disabled():
        flag = AuditEvent.objects.get(action="deliverable.disclosure_missing")
    assert flag.workspace == workspace and flag.data["deliverable_id"] == deliverable.pk


def test_a_known_video_with_a_disclosure_passes_the_check(workspace, creator_user, manager):
    collaboration, (first, _second) = _approved(workspace, creator_user, manager, deliverables=2)
    Video.objects.create(creator=creator_user.creator_profile, platform_video_id="111", caption="New serum routine #ad")

    result = ds.submit_live_link(
        deliverable_id=first.pk, user=creator_user, url="https://www.tiktok.com/@linkedcreator/video/111"
    )

    assert result.disclosure is DisclosureStatus.DISCLOSED
    assert _count(Video, platform_video_id="111") == 1  # linked, not duplicated
    assert _reloaded(collaboration).stage == Stage.APPROVED  # the second deliverable is not live yet
    assert "deliverable.disclosure_missing" not in _actions()


@pytest.mark.parametrize(
    "url",
    [
        "https://www.tiktok.com/@someoneelse/video/7301234567890123456",
        "https://www.tiktok.com.evil.test/@linkedcreator/video/1",
        "http://www.tiktok.com/@linkedcreator/video/1",
        "https://www.tiktok.com/@linkedcreator",
        "https://vm.tiktok.com/ZMabc/",
    ],
)
def test_a_live_link_must_be_a_video_of_the_creators_own_account(workspace, creator_user, manager, url):
    _, (deliverable,) = _approved(workspace, creator_user, manager)

    with pytest.raises(CampaignError) as refused:
        ds.submit_live_link(deliverable_id=deliverable.pk, user=creator_user, url=url)

    assert "url" in refused.value.fields
    assert _reloaded(deliverable).status == Deliverable.Status.APPROVED and _count(Video) == 0


def test_a_live_link_waits_for_the_approval(workspace, creator_user):
    _, (deliverable,) = _collaboration(workspace, creator_user)

    with pytest.raises(CampaignError) as refused:
        ds.submit_live_link(
            deliverable_id=deliverable.pk, user=creator_user, url="https://www.tiktok.com/@linkedcreator/video/1"
        )

    assert refused.value.code == CampaignErrorCode.STAGE_LOCKED and _count(Video) == 0


# --- Spark Ads usage rights ---------------------------------------------------------------------


def test_a_spark_ads_code_is_recorded_with_its_expiry_on_an_approved_deliverable(workspace, creator_user, manager):
    _, (deliverable,) = _approved(workspace, creator_user, manager)
    expires = timezone.now().date() + datetime.timedelta(days=30)

    with workspace_scope(workspace):
        ds.record_spark_ads_code(deliverable=deliverable, by=manager, code="#AbC123+xyz=", expires_on=expires)

    stored = _reloaded(deliverable)
    assert (stored.spark_ads_code, stored.spark_ads_code_expires_on) == ("#AbC123+xyz=", expires)


def test_a_spark_ads_code_is_refused_before_approval_or_when_expired(workspace, creator_user, manager):
    _, (pending,) = _collaboration(workspace, creator_user)
    _, (approved,) = _approved(workspace, creator_user, manager)
    yesterday = timezone.now().date() - datetime.timedelta(days=1)

    with workspace_scope(workspace):
        with pytest.raises(CampaignError) as early:
            ds.record_spark_ads_code(deliverable=pending, by=manager, code="#AbC", expires_on=datetime.date(2099, 1, 1))
        with pytest.raises(CampaignError) as expired:
            ds.record_spark_ads_code(deliverable=approved, by=manager, code="#AbC", expires_on=yesterday)

    assert early.value.code == CampaignErrorCode.STAGE_LOCKED
    assert "expires_on" in expired.value.fields
    assert _count(Deliverable, spark_ads_code="") == 2


# --- Shipping -----------------------------------------------------------------------------------


def test_the_creator_gives_an_address_and_the_shipment_is_ready(workspace, creator_user):
    collaboration, _ = _collaboration(workspace, creator_user)
    with scopes_disabled():
        shipment = ShipmentFactory(collaboration=collaboration)

    ds.save_shipping_address(shipment_id=shipment.pk, user=creator_user, address=ADDRESS)

    stored = _reloaded(shipment)
    assert stored.status == Shipment.Status.READY
    assert stored.address == {**ADDRESS, "country": "GB"}
    with scopes_disabled():
        event = AuditEvent.objects.get(action="shipment.address_given")
    assert "Baker" not in str(event.data)  # the audit trail never copies the address


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"city": "  "}, "city"),
        ({"country": "XX"}, "country"),
        ({"country": "EU"}, "country"),
        ({"line1": "221 Baker\x00 Street"}, "line1"),
        ({"postal_code": "NW1;DROP"}, "postal_code"),
        ({"phone": "call me"}, "phone"),
        ({"name": "x" * 101}, "name"),
        ({"notes": "leave at door"}, "address"),
    ],
)
def test_an_incomplete_or_invalid_address_is_refused_and_nothing_saved(workspace, creator_user, changes, field):
    collaboration, _ = _collaboration(workspace, creator_user)
    with scopes_disabled():
        shipment = ShipmentFactory(collaboration=collaboration)

    with pytest.raises(CampaignError) as refused:
        ds.save_shipping_address(shipment_id=shipment.pk, user=creator_user, address={**ADDRESS, **changes})

    assert field in refused.value.fields
    stored = _reloaded(shipment)
    assert (stored.status, stored.address) == (Shipment.Status.PENDING_ADDRESS, {})


def test_another_creators_shipment_is_not_found(workspace, creator_user):
    collaboration, _ = _collaboration(workspace, _other_creator_user())
    with scopes_disabled():
        shipment = ShipmentFactory(collaboration=collaboration)

    with pytest.raises(CampaignNotFoundError):
        ds.save_shipping_address(shipment_id=shipment.pk, user=creator_user, address=ADDRESS)

    assert _reloaded(shipment).address == {}


def test_a_ready_shipment_is_marked_shipped_and_then_the_address_is_frozen(workspace, creator_user, manager):
    collaboration, _ = _collaboration(workspace, creator_user)
    with scopes_disabled():
        shipment = ShipmentFactory(collaboration=collaboration)
    ds.save_shipping_address(shipment_id=shipment.pk, user=creator_user, address=ADDRESS)

    with workspace_scope(workspace):
        ds.mark_shipped(shipment=shipment, by=manager, carrier="Royal Mail", tracking_number="RM 1234 5678 GB")
    with pytest.raises(CampaignError) as frozen:
        ds.save_shipping_address(shipment_id=shipment.pk, user=creator_user, address={**ADDRESS, "city": "Leeds"})

    stored = _reloaded(shipment)
    assert (stored.status, stored.carrier, stored.tracking_number) == ("shipped", "Royal Mail", "RM 1234 5678 GB")
    assert stored.shipped_at is not None and stored.address["city"] == "London"
    assert frozen.value.code == CampaignErrorCode.STAGE_LOCKED


def test_a_shipment_without_an_address_cannot_ship(workspace, creator_user, manager):
    collaboration, _ = _collaboration(workspace, creator_user)
    with scopes_disabled():
        shipment = ShipmentFactory(collaboration=collaboration)

    with workspace_scope(workspace), pytest.raises(CampaignError) as refused:
        ds.mark_shipped(shipment=shipment, by=manager, carrier="UPS", tracking_number="1Z999AA10123456784")

    assert refused.value.code == CampaignErrorCode.STAGE_LOCKED
    assert (_reloaded(shipment).status, _reloaded(shipment).tracking_number) == ("pending_address", "")


def test_collaboration_stage_only_moves_through_the_pipeline(workspace, creator_user, manager):
    """Every move the journey made is one the pipeline allows, and each is in the history."""
    collaboration, (deliverable,) = _approved(workspace, creator_user, manager)
    ds.submit_live_link(
        deliverable_id=deliverable.pk, user=creator_user, url="https://www.tiktok.com/@linkedcreator/video/42"
    )

    with scopes_disabled():
        moves = list(
            CollaborationTransition.objects.filter(collaboration=collaboration).values_list("from_stage", "to_stage")
        )
    assert moves == [
        (Stage.CONTRACTED, Stage.CONTENT_IN_REVIEW),
        (Stage.CONTENT_IN_REVIEW, Stage.APPROVED),
        (Stage.APPROVED, Stage.LIVE),
    ]
    assert _reloaded(collaboration).stage == Collaboration.Stage.LIVE


def test_a_review_waits_for_a_new_round_being_submitted_and_is_then_refused(transactional_db, workspace, manager):
    """The race: the creator hands in round 2 while the brand approves round 1. The collaboration lock
    makes the review wait for the new round, see round 1 is no longer the latest and refuse; without it
    the brand would approve a draft the creator had just replaced."""
    creator_user = CreatorUserFactory(email="racer@example.test")
    CreatorFactory(handle="racer", user=creator_user)
    _, (deliverable,) = _collaboration(workspace, creator_user)
    first_round = ds.submit_draft(deliverable_id=deliverable.pk, user=creator_user, link="https://drive.test/v1")
    submitted, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def creator() -> None:
        try:
            with transaction.atomic():
                ds.submit_draft(deliverable_id=deliverable.pk, user=creator_user, link="https://drive.test/v2")
                submitted.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    def brand() -> None:
        submitted.wait(timeout=10)
        try:
            with workspace_scope(workspace):
                ds.review_submission(submission_id=first_round.pk, by=manager, decision="approve")
            outcome["review"] = "approved"
        except CampaignError as exc:
            outcome["review"] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=creator), threading.Thread(target=brand)]
    for thread in threads:
        thread.start()
    submitted.wait(timeout=10)
    threads[1].join(timeout=1)
    review_waited_for_the_lock = threads[1].is_alive()
    release.set()
    for thread in threads:
        thread.join(timeout=10)

    assert review_waited_for_the_lock
    assert outcome == {"review": CampaignErrorCode.TRANSITION_NOT_ALLOWED}
    assert _reloaded(deliverable).status == Deliverable.Status.IN_REVIEW and _count(ReviewComment) == 0
