"""The deliverable journey's pages: the creator's collaboration page in the portal (drafts with an upload
progress bar, review comments, the live link, the address, payments) and the brand's review panel on the
collaboration page. Files are streamed through views that check who asks, never from a media URL."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse
from django_scopes import scopes_disabled
from djmoney.money import Money

from accounts.models import Role
from accounts.tenancy import workspace_scope
from campaigns.deliverables import services as ds
from campaigns.models import Deliverable, DeliverableSubmission, ReviewComment, Shipment
from campaigns.pipeline import Stage
from tests.campaigns.factories import CollaborationFactory, DeliverableFactory, PayoutFactory, ShipmentFactory
from tests.campaigns.test_deliverables import ADDRESS
from tests.campaigns.test_uploads import _mp4, _zip
from tests.factories import CreatorFactory, CreatorUserFactory, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def journey(workspace, creator_user, media):
    """Creator A's contracted collaboration: a deliverable with a file round, a shipment, a payout."""
    with scopes_disabled():
        collaboration = CollaborationFactory(
            campaign__workspace=workspace, campaign__name="Glow serum launch", creator=creator_user.creator_profile,
            stage=Stage.CONTRACTED,
        )  # fmt: skip
        deliverable = DeliverableFactory(
            collaboration=collaboration, draft_due_on=datetime.date(2027, 3, 4), live_due_on=datetime.date(2027, 3, 11)
        )
        shipment = ShipmentFactory(collaboration=collaboration, description="Glow serum kit")
        payout = PayoutFactory(collaboration=collaboration, amount=Money(Decimal("350.00"), "EUR"))
    submission = ds.submit_draft(
        deliverable_id=deliverable.pk, user=creator_user, file=SimpleUploadedFile("cut.mp4", _mp4(), "video/mp4")
    )
    return {
        "collaboration": collaboration,
        "deliverable": deliverable,
        "submission": submission,
        "shipment": shipment,
        "payout": payout,
    }


def _page(client, collaboration) -> str:
    return client.get(reverse("portal-campaigns:collaboration", args=[collaboration.pk])).content.decode()


# --- The creator's page -------------------------------------------------------------------------


def test_the_portal_page_shows_the_deliverables_shipment_and_payments(client, creator_user, journey):
    client.force_login(creator_user)

    card = client.get(reverse("portal-campaigns:card")).content.decode()
    html = _page(client, journey["collaboration"])

    assert reverse("portal-campaigns:collaboration", args=[journey["collaboration"].pk]) in card
    assert "Glow serum launch" in html and "Draft due Mar 4" in html and "Live by Mar 11" in html
    assert "Round 1" in html and reverse("portal-campaigns:submission-file", args=[journey["submission"].pk]) in html
    assert "350.00 EUR" in html and ">Due<" in html
    assert "Glow serum kit" in html and 'name="postal_code"' in html
    # The brief and contract panels come from the briefs app, by htmx, with links as the fallback.
    pk = journey["collaboration"].pk
    brief_panel = reverse("portal-briefs:collaboration-panel", kwargs={"collaboration_pk": pk})
    contract_panel = reverse("portal-contracts:collaboration-panel", kwargs={"collaboration_pk": pk})
    assert f'id="brief-panel" class="mb-3" hx-get="{brief_panel}" hx-trigger="load"' in html
    assert f'id="contract-panel" class="mb-3" hx-get="{contract_panel}" hx-trigger="load"' in html
    assert "/media/" not in html


def test_the_upload_form_reports_its_progress(client, creator_user, journey):
    client.force_login(creator_user)

    html = _page(client, journey["collaboration"])

    form = html[html.index('hx-encoding="multipart/form-data"') - 400 : html.index("Send for review")]
    assert "data-upload-progress" in form and "<progress" in form and 'type="file"' in form


def test_a_draft_uploaded_through_the_page_is_stored_and_shown(client, creator_user, journey, media):
    client.force_login(creator_user)
    url = reverse("portal-campaigns:deliverable-draft", args=[journey["deliverable"].pk])

    response = client.post(
        url, {"file": SimpleUploadedFile("take two.mp4", _mp4(), "video/mp4")}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Round 2" in html and "take two.mp4" in html and "Draft round 2 sent for review" in html
    with scopes_disabled():
        assert DeliverableSubmission.objects.filter(deliverable=journey["deliverable"]).count() == 2


def test_a_refused_upload_shows_why_beside_the_form_and_stores_nothing(client, creator_user, journey, media):
    client.force_login(creator_user)
    files_before = sorted(media.rglob("*"))

    response = client.post(
        reverse("portal-campaigns:deliverable-draft", args=[journey["deliverable"].pk]),
        {"file": SimpleUploadedFile("draft.mp4", _zip(), "video/mp4")},
    )

    assert response.status_code == 400
    assert f'id="draft-error-{journey["deliverable"].pk}"' in response.content.decode()
    assert "application/zip" in response.content.decode()
    assert sorted(media.rglob("*")) == files_before
    with scopes_disabled():
        assert DeliverableSubmission.objects.count() == 1


def test_the_creator_downloads_their_own_draft_through_the_portal(client, creator_user, journey):
    client.force_login(creator_user)

    response = client.get(reverse("portal-campaigns:submission-file", args=[journey["submission"].pk]))

    assert response.status_code == 200 and b"".join(response.streaming_content) == _mp4()
    assert response["Content-Type"] == "video/mp4"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_address_form_saves_and_refuses_with_the_reason_beside_the_field(client, creator_user, journey):
    client.force_login(creator_user)
    url = reverse("portal-campaigns:shipment-address", args=[journey["shipment"].pk])

    refused = client.post(url, {**ADDRESS, "country": "XX"}, HTTP_HX_REQUEST="true")
    unchanged = _status(journey["shipment"])
    saved = client.post(url, {**ADDRESS, "country": "GB"})

    assert refused.status_code == 400 and "Choose a country" in refused.content.decode()
    assert 'value="221 Baker Street"' in refused.content.decode()  # what was typed stays
    assert unchanged == Shipment.Status.PENDING_ADDRESS
    assert saved.status_code == 302 and _status(journey["shipment"]) == Shipment.Status.READY


def _status(shipment):
    with scopes_disabled():
        return Shipment.objects.get(pk=shipment.pk).status


def test_review_comments_and_the_live_link_form_appear_once_approved(client, creator_user, journey, manager):
    with workspace_scope(journey["collaboration"].workspace):
        ds.review_submission(
            submission_id=journey["submission"].pk, by=manager, decision="approve", comment="Perfect pacing"
        )
    client.force_login(creator_user)

    html = _page(client, journey["collaboration"])
    response = client.post(
        reverse("portal-campaigns:deliverable-live", args=[journey["deliverable"].pk]),
        {"url": "https://www.tiktok.com/@linkedcreator/video/7301234567890123456"},
        HTTP_HX_REQUEST="true",
    )

    assert "Perfect pacing" in html and "Submit live link" in html and "Send for review" not in html
    assert response.status_code == 200 and "once we read it" in response.content.decode()  # caption not read yet
    with scopes_disabled():
        assert Deliverable.objects.get(pk=journey["deliverable"].pk).status == Deliverable.Status.LIVE


# --- Creator isolation --------------------------------------------------------------------------


def _portal_campaign_routes():
    # Found by namespace wherever the URL tree mounts it (config/urls.py includes the portal as an area).
    _prefix, portal_campaigns = get_resolver().namespace_dict["portal-campaigns"]
    for pattern in portal_campaigns.url_patterns:
        if isinstance(pattern, URLPattern) and pattern.pattern.regex.groupindex:
            yield f"portal-campaigns:{pattern.name}", list(pattern.pattern.regex.groupindex)


def _snapshot():
    with scopes_disabled():
        return (
            sorted(DeliverableSubmission.objects.values_list("pk", "round_number", "file")),
            sorted(Deliverable.objects.values_list("pk", "status", "live_url")),
            sorted(Shipment.objects.values_list("pk", "status", "address")),
            sorted(ReviewComment.objects.values_list("pk", "body")),
        )


def test_creator_b_gets_404_on_every_portal_route_for_creator_as_objects(creator_user, journey):
    other = CreatorUserFactory(email="creator-b@example.test")
    CreatorFactory(handle="creatorb", user=other)
    owner, intruder = Client(), Client()
    owner.force_login(creator_user)
    intruder.force_login(other)
    objects = {f"{kind}_pk": journey[kind].pk for kind in ("collaboration", "deliverable", "submission", "shipment")}
    before = _snapshot()
    routes = list(_portal_campaign_routes())
    failures = []
    for name, kwargs in routes:
        url = reverse(name, kwargs={kwarg: objects[kwarg] for kwarg in kwargs})
        for method in ("get", "post", "put", "patch", "delete"):
            status = getattr(intruder, method)(url, {"link": "https://x.test/a", **ADDRESS}).status_code
            if status != 404:
                failures.append(f"{method.upper()} {url}: {status}")
    assert {name for name, _ in routes} >= {
        "portal-campaigns:collaboration",
        "portal-campaigns:deliverable-draft",
        "portal-campaigns:deliverable-live",
        "portal-campaigns:shipment-address",
        "portal-campaigns:submission-file",
    }
    assert not failures, "\n".join(failures)
    assert _snapshot() == before
    # The twin: the same routes answer creator A (so the 404s above are about ownership, not the route).
    for name in ("collaboration", "submission-file"):
        kwargs = {"collaboration_pk": objects["collaboration_pk"]} if name == "collaboration" else {}
        kwargs = kwargs or {"submission_pk": objects["submission_pk"]}
        assert owner.get(reverse(f"portal-campaigns:{name}", kwargs=kwargs)).status_code == 200


# --- The brand's review panel -------------------------------------------------------------------


def test_the_brand_previews_the_draft_through_the_dashboard_and_approves_it(client, manager, journey):
    client.force_login(manager)
    page = reverse("campaigns:collaboration-detail", args=[journey["collaboration"].pk])
    file_url = reverse("campaigns:submission-file", args=[journey["submission"].pk])

    html = client.get(page).content.decode()
    download = client.get(file_url)
    response = client.post(
        reverse("campaigns:submission-review", args=[journey["submission"].pk]),
        {"decision": "approve", "comment": "Ship it"},
        HTTP_HX_REQUEST="true",
    )

    assert file_url in html and "/media/" not in html and "cut.mp4" in html
    assert download.status_code == 200 and b"".join(download.streaming_content) == _mp4()
    assert response.status_code == 200 and 'id="review-panel"' in response.content.decode()
    assert "Ship it" in response.content.decode() and "Spark Ads code" in response.content.decode()
    # The stage badge and the deliverables table outside the panel are refreshed out of band.
    assert 'id="stage" hx-swap-oob="true">Approved</span>' in response.content.decode()
    assert 'id="deliverables" hx-swap-oob="true"' in response.content.decode()
    with scopes_disabled():
        assert Deliverable.objects.get(pk=journey["deliverable"].pk).status == Deliverable.Status.APPROVED


def test_requesting_changes_without_a_comment_is_refused_beside_the_form(client, manager, journey):
    client.force_login(manager)

    response = client.post(
        reverse("campaigns:submission-review", args=[journey["submission"].pk]),
        {"decision": "request_changes", "comment": ""},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert f'id="review-error-{journey["submission"].pk}"' in response.content.decode()
    with scopes_disabled():
        assert ReviewComment.objects.count() == 0


def test_another_workspace_cannot_download_the_draft(client, journey):
    bob = UserFactory(email="bob@other.test")
    with scopes_disabled():
        MembershipFactory(workspace=WorkspaceFactory(), user=bob, role=Role.OWNER)
    client.force_login(bob)

    response = client.get(reverse("campaigns:submission-file", args=[journey["submission"].pk]))

    assert response.status_code == 404


def test_an_analyst_sees_the_drafts_but_no_review_forms(client, analyst, journey):
    client.force_login(analyst)

    html = client.get(reverse("campaigns:collaboration-detail", args=[journey["collaboration"].pk])).content.decode()

    assert "Round 1" in html
    assert reverse("campaigns:submission-review", args=[journey["submission"].pk]) not in html


def test_the_address_is_shown_on_the_collaboration_page_only(client, manager, creator_user, journey):
    ds.save_shipping_address(shipment_id=journey["shipment"].pk, user=creator_user, address=ADDRESS)
    client.force_login(manager)

    detail = client.get(reverse("campaigns:collaboration-detail", args=[journey["collaboration"].pk])).content.decode()
    board = client.get(
        reverse("campaigns:campaign-detail", args=[journey["collaboration"].campaign_id])
    ).content.decode()
    response = client.post(
        reverse("campaigns:shipment-ship", args=[journey["shipment"].pk]),
        {"carrier": "Royal Mail", "tracking_number": "RM123456789GB"},
        HTTP_HX_REQUEST="true",
    )

    assert "221 Baker Street" in detail and "221 Baker Street" not in board
    assert response.status_code == 200 and "RM123456789GB" in response.content.decode()
    assert _status(journey["shipment"]) == Shipment.Status.SHIPPED


def test_the_spark_ads_code_form_records_the_code(client, manager, journey):
    with workspace_scope(journey["collaboration"].workspace):
        ds.review_submission(submission_id=journey["submission"].pk, by=manager, decision="approve")
    client.force_login(manager)

    response = client.post(
        reverse("campaigns:deliverable-spark-ads", args=[journey["deliverable"].pk]),
        {"code": "#SparkCode123=", "expires_on": "2099-01-31"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200 and "#SparkCode123=" in response.content.decode()
    with scopes_disabled():
        stored = Deliverable.objects.get(pk=journey["deliverable"].pk)
    assert (stored.spark_ads_code, stored.spark_ads_code_expires_on) == ("#SparkCode123=", datetime.date(2099, 1, 31))
