"""Tracking links made in bulk for a campaign's contracted creators, the panel that shows them, and the
verified domains they may point to."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditEvent, Role
from accounts.tenancy import workspace_scope
from analytics.admin import VerifiedDomainAdmin
from analytics.models import ClickDailyRollup, TrackingLink, VerifiedDomain
from analytics.tracking import domains
from analytics.tracking.errors import TrackingError, TrackingErrorCode, TrackingPermissionError
from analytics.tracking.services import create_links_for_campaign
from campaigns.pipeline import Stage
from tests.analytics.tracking_support import SHOP, contracted, verify
from tests.campaigns.factories import CampaignFactory
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

DESTINATION = f"https://{SHOP}/serum?ref=bio"


@pytest.fixture
def campaign(workspace):
    with scopes_disabled():
        return CampaignFactory(workspace=workspace, name="Glow Serum Launch")


def _links():
    with scopes_disabled():
        return list(TrackingLink.objects.select_related("collaboration__creator").order_by("pk"))


def _create(campaign, by, **kwargs):
    with workspace_scope(campaign.workspace):
        return create_links_for_campaign(campaign=campaign, by=by, **{"destination": DESTINATION, **kwargs})


def test_links_are_made_for_contracted_and_later_collaborations_only(workspace, campaign, manager):
    verify(workspace)
    linked = {stage: contracted(workspace, campaign=campaign, stage=stage) for stage in Stage}
    created = _create(campaign, manager)
    expected = {Stage.CONTRACTED, Stage.CONTENT_IN_REVIEW, Stage.APPROVED, Stage.LIVE, Stage.PAID}
    assert {link.collaboration_id for link in created} == {linked[s].pk for s in expected}
    assert len(_links()) == len(expected)


def test_the_destination_gets_the_utm_parameters_with_the_creators_handle(workspace, campaign, manager):
    verify(workspace)
    contracted(workspace, campaign=campaign, handle="glow.by.maya")
    (link,) = _create(campaign, manager)
    query = dict(parse_qsl(urlsplit(link.destination).query))
    assert query == {
        "ref": "bio",
        "utm_source": "tiktok",
        "utm_medium": "influencer",
        "utm_campaign": "glow-serum-launch",
        "utm_content": "glow.by.maya",
    }
    assert (link.utm_content, link.click_id_param, link.is_active) == ("glow.by.maya", "cd_click", True)
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="tracking_links.created", workspace=workspace).count() == 1


def test_the_utm_values_can_be_edited(workspace, campaign, manager):
    verify(workspace)
    contracted(workspace, campaign=campaign, handle="maya")
    (link,) = _create(campaign, manager, utm_source="tt", utm_campaign="spring", utm_content="bio-{handle}")
    query = dict(parse_qsl(urlsplit(link.destination).query))
    assert (query["utm_source"], query["utm_campaign"], query["utm_content"]) == ("tt", "spring", "bio-maya")


def test_a_second_run_makes_links_only_for_newly_contracted_creators(workspace, campaign, manager):
    verify(workspace)
    contracted(workspace, campaign=campaign)
    _create(campaign, manager)
    newcomer = contracted(workspace, campaign=campaign)
    (link,) = _create(campaign, manager)
    assert link.collaboration_id == newcomer.pk
    with pytest.raises(TrackingError) as caught:
        _create(campaign, manager)
    assert caught.value.code == TrackingErrorCode.NOTHING_TO_LINK
    assert len(_links()) == 2


def test_an_unverified_destination_host_is_refused_and_nothing_is_written(workspace, campaign, manager):
    verify(workspace)
    with scopes_disabled():
        VerifiedDomain.objects.create(workspace=workspace, domain="pending.glow.test", verification_token="t")
    contracted(workspace, campaign=campaign)
    for url in ("https://pending.glow.test/", "https://evil.test/", f"http://{SHOP}/", f"https://{SHOP}.evil.test/"):
        with pytest.raises(TrackingError) as caught:
            _create(campaign, manager, destination=url)
        assert "destination" in caught.value.fields
    assert _links() == []


def test_another_workspaces_verified_domain_does_not_count(workspace, campaign, manager):
    verify(WorkspaceFactory(slug="other-brand"))  # SHOP verified by someone else
    contracted(workspace, campaign=campaign)
    with pytest.raises(TrackingError) as caught:
        _create(campaign, manager)
    assert caught.value.code == TrackingErrorCode.DOMAIN_NOT_VERIFIED
    assert _links() == []


def test_an_analyst_cannot_create_links_and_nothing_is_written(workspace, campaign, analyst):
    verify(workspace)
    contracted(workspace, campaign=campaign)
    with pytest.raises(TrackingPermissionError):
        _create(campaign, analyst)
    assert _links() == []


def test_the_manager_twin_of_the_analyst_refusal_succeeds(workspace, campaign, manager):
    verify(workspace)
    contracted(workspace, campaign=campaign)
    assert len(_create(campaign, manager)) == 1


# --- Pages --------------------------------------------------------------------------------------


def test_the_panel_lists_links_with_short_urls_and_clicks_from_the_rollups(
    client, workspace, campaign, manager, settings
):
    settings.SITE_URL = "https://go.glow.test"
    verify(workspace)
    contracted(workspace, campaign=campaign, handle="maya")
    (link,) = _create(campaign, manager)
    with scopes_disabled():
        ClickDailyRollup.objects.create(workspace=workspace, link=link, day="2026-11-20", total=41, uniques=30, bots=7)
        ClickDailyRollup.objects.create(workspace=workspace, link=link, day="2026-11-21", total=2, uniques=2, bots=0)
    client.force_login(manager)
    response = client.get(reverse("tracking:campaign-links", kwargs={"campaign_pk": campaign.pk}))
    body = response.content.decode()
    assert response.status_code == 200
    assert f"https://go.glow.test/r/{link.token}" in body
    assert ">43<" in body and ">32<" in body and ">7<" in body


def test_the_panel_creates_links_on_post(client, workspace, campaign, manager):
    verify(workspace)
    contracted(workspace, campaign=campaign)
    client.force_login(manager)
    url = reverse("tracking:campaign-links", kwargs={"campaign_pk": campaign.pk})
    form = {
        "destination": DESTINATION,
        "utm_source": "tiktok",
        "utm_medium": "influencer",
        "utm_content": "{handle}",
        "click_id_param": "cd_click",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "1 tracking link created." in response.content.decode()
    assert len(_links()) == 1


def test_the_panel_shows_a_refusal_beside_the_field_and_writes_nothing(client, workspace, campaign, manager):
    verify(workspace)
    contracted(workspace, campaign=campaign)
    client.force_login(manager)
    url = reverse("tracking:campaign-links", kwargs={"campaign_pk": campaign.pk})
    form = {
        "destination": "https://evil.test/",
        "utm_source": "tiktok",
        "utm_medium": "influencer",
        "utm_content": "{handle}",
        "click_id_param": "cd_click",
    }
    response = client.post(url, form)
    assert response.status_code == 400
    assert "not one of this workspace" in response.content.decode()
    assert _links() == []


def test_an_analyst_posting_to_the_panel_is_refused(client, workspace, campaign, analyst):
    verify(workspace)
    contracted(workspace, campaign=campaign)
    client.force_login(analyst)
    url = reverse("tracking:campaign-links", kwargs={"campaign_pk": campaign.pk})
    assert client.post(url, {"destination": DESTINATION}).status_code == 403
    assert _links() == []


def test_another_workspaces_campaign_is_404(client, workspace, campaign):
    other = WorkspaceFactory(slug="bravo-brand")
    with scopes_disabled():
        bob = MembershipFactory(workspace=other, user=UserFactory(), role=Role.OWNER).user
    verify(workspace)
    contracted(workspace, campaign=campaign)
    client.force_login(bob)
    url = reverse("tracking:campaign-links", kwargs={"campaign_pk": campaign.pk})
    assert client.get(url).status_code == 404
    assert (
        client.post(
            url,
            {
                "destination": DESTINATION,
                "utm_source": "x",
                "utm_medium": "y",
                "utm_content": "z",
                "click_id_param": "c",
            },
        ).status_code
        == 404
    )
    assert _links() == []


# --- Verified domains ---------------------------------------------------------------------------


def _add(workspace, by, domain=SHOP):
    with workspace_scope(workspace):
        return domains.add_verified_domain(workspace=workspace, by=by, domain=domain)


def _verify(row, by):
    """Press Verify, then run the worker's half in place of the queued task."""
    with workspace_scope(row.workspace):
        domains.request_domain_verification(domain=row, by=by)
    domains.check_domain_proof(domain_id=row.pk, requested_by_id=by.pk)
    with scopes_disabled():
        row.refresh_from_db()
    return row


def test_a_domain_is_verified_when_it_serves_its_token(workspace, manager, proofs):
    row = _add(workspace, manager, "Shop.Glow.TEST")
    assert row.domain == SHOP and not row.is_verified
    proofs.publish(SHOP, f"{row.verification_token}\n")
    assert _verify(row, manager).is_verified
    assert proofs.requests == [f"/{SHOP}/.well-known/creatordesk-verify.txt"]


def test_a_domain_without_its_token_stays_unverified_with_the_reason(workspace, manager, proofs):
    row = _add(workspace, manager)
    proofs.publish(SHOP, "creatordesk-verify=someone-elses-token")
    row = _verify(row, manager)
    assert not row.is_verified and not row.is_checking and "does not contain" in row.last_error


def test_a_domain_whose_proof_is_missing_stays_unverified(workspace, manager, proofs):
    row = _add(workspace, manager)  # nothing published: the fake answers 404
    row = _verify(row, manager)
    assert not row.is_verified and "404" in row.last_error


def test_the_same_domain_cannot_be_added_twice(workspace, manager):
    _add(workspace, manager)
    with pytest.raises(TrackingError) as caught:
        _add(workspace, manager, SHOP.upper())
    assert caught.value.code == TrackingErrorCode.DOMAIN_EXISTS


def test_an_analyst_cannot_add_or_verify_a_domain(workspace, manager, analyst, proofs):
    with pytest.raises(TrackingPermissionError):
        _add(workspace, analyst)
    row = _add(workspace, manager)
    proofs.publish(SHOP, row.verification_token)
    with pytest.raises(TrackingPermissionError):
        _verify(row, analyst)
    row.refresh_from_db()
    assert not row.is_verified and proofs.requests == []


def test_the_admin_can_mark_a_domain_verified_for_self_hosters(workspace, manager, rf, admin_user):
    row = _add(workspace, manager)
    request = rf.post("/admin/")
    request.user = admin_user
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    with scopes_disabled():
        VerifiedDomainAdmin(VerifiedDomain, None).mark_verified(request, VerifiedDomain.objects.filter(pk=row.pk))
        row.refresh_from_db()
        assert row.is_verified
        assert AuditEvent.objects.filter(action="verified_domain.verified_by_admin", target=SHOP).exists()


def test_the_domains_page_adds_a_domain_and_shows_its_token(client, workspace, manager):
    client.force_login(manager)
    response = client.post(reverse("tracking:verified-domain-list"), {"domain": SHOP}, follow=True)
    with scopes_disabled():
        row = VerifiedDomain.objects.get(workspace=workspace)
    assert row.verification_token in response.content.decode()
