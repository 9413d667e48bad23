"""Open calls: the brand publishes a public application page; creators apply without an account and
arrive as shortlisted collaborations; bad or repeated applications write nothing."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from accounts.tenancy import workspace_scope
from campaigns.errors import CampaignError, CampaignPermissionError
from campaigns.models import Collaboration, CollaborationTransition, OpenCall, OpenCallApplication
from campaigns.open_calls import services
from creators.models import Creator, WorkspaceCreatorContact
from tests.campaigns.factories import CampaignFactory, CollaborationFactory
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

PITCH = "My audience is 80% skincare fans aged 18-24 and my last routine video had 40k saves."


@pytest.fixture
def campaign(workspace):
    return CampaignFactory(workspace=workspace, name="Glow Serum Launch")


@pytest.fixture
def open_call(campaign, manager):
    with workspace_scope(campaign.workspace):
        return services.publish_open_call(
            campaign=campaign, by=manager, headline="Glow with us", description="Three videos, paid."
        )


def _rows():
    with scopes_disabled():
        return (
            Collaboration.objects.count(),
            CollaborationTransition.objects.count(),
            OpenCallApplication.objects.count(),
            Creator.objects.count(),
        )


def test_the_slug_is_readable_but_not_guessable_and_stays_across_edits(campaign, manager, open_call):
    assert open_call.slug.startswith("glow-serum-launch-")
    assert len(open_call.slug.rsplit("-", 1)[1]) == 2 * services.SLUG_RANDOM_BYTES
    with workspace_scope(campaign.workspace):
        again = services.publish_open_call(campaign=campaign, by=manager, headline="New", description="Updated")
    assert again.pk == open_call.pk and again.slug == open_call.slug and again.headline == "New"


def test_an_application_arrives_as_a_shortlisted_collaboration_with_the_known_profile(open_call, campaign):
    known = CreatorFactory(handle="glow.by.maya")
    application = services.apply_to_open_call(
        slug=open_call.slug, handle="https://www.tiktok.com/@Glow.By.Maya", email=" Maya@Example.com ", pitch=PITCH
    )
    with scopes_disabled():
        collaboration = application.collaboration
        assert collaboration.creator_id == known.pk
        assert collaboration.campaign_id == campaign.pk and collaboration.stage == "shortlisted"
        assert collaboration.workspace_id == campaign.workspace_id == application.workspace_id
        transition = collaboration.transitions.get()
        assert (transition.from_stage, transition.to_stage, transition.by) == ("", "shortlisted", None)
        assert AuditEvent.objects.filter(action="open_call.applied", workspace=campaign.workspace).count() == 1
    assert application.email == "maya@example.com" and application.handle == "glow.by.maya"


def test_the_applicant_s_address_becomes_this_workspace_s_contact_only_when_it_has_none(open_call, campaign):
    first, second = CreatorFactory(handle="fresh_face"), CreatorFactory(handle="known_face")
    with scopes_disabled():
        WorkspaceCreatorContact.objects.create(workspace=campaign.workspace, creator=second, email="kept@brand.test")
        other = CampaignFactory().workspace
        WorkspaceCreatorContact.objects.create(workspace=other, creator=first, email="theirs@other.test")

    for handle in ("fresh_face", "known_face"):
        services.apply_to_open_call(slug=open_call.slug, handle=handle, email=f"{handle}@apply.test", pitch=PITCH)

    with scopes_disabled():
        rows = WorkspaceCreatorContact.objects.values_list("workspace_id", "creator__handle", "email", "source")
        contacts = set(rows)
    assert contacts == {
        (campaign.workspace_id, "fresh_face", "fresh_face@apply.test", "application"),
        (campaign.workspace_id, "known_face", "kept@brand.test", "manual"),  # never overwritten by an applicant
        (other.pk, "fresh_face", "theirs@other.test", "manual"),  # another workspace's row is its own
    }


def test_an_unknown_handle_is_added_to_the_index_for_the_next_metrics_sweep(open_call):
    application = services.apply_to_open_call(slug=open_call.slug, handle="@new_face", email="n@f.test", pitch=PITCH)
    creator = Creator.objects.get(handle="new_face")
    assert creator.sync_status == Creator.SyncStatus.NEVER
    with scopes_disabled():
        assert application.collaboration.creator_id == creator.pk


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("handle", {"handle": "not a handle!"}),
        ("handle", {"handle": ""}),
        ("email", {"email": "not-an-email"}),
        ("pitch", {"pitch": "pick me"}),
        ("pitch", {"pitch": "x" * (services.PITCH_MAX_CHARS + 1)}),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(open_call, field, values):
    before = _rows()
    arguments = {"handle": "good_handle", "email": "a@b.test", "pitch": PITCH, **values}
    with pytest.raises(CampaignError) as excinfo:
        services.apply_to_open_call(slug=open_call.slug, **arguments)
    assert field in excinfo.value.fields
    assert _rows() == before


def test_a_creator_already_in_the_campaign_is_told_so_and_nothing_is_written(open_call, campaign):
    CollaborationFactory(campaign=campaign, creator=CreatorFactory(handle="already_in"), stage="invited")
    before = _rows()
    with pytest.raises(CampaignError, match="already part of this campaign"):
        services.apply_to_open_call(slug=open_call.slug, handle="already_in", email="a@b.test", pitch=PITCH)
    assert _rows() == before


def test_applying_twice_is_refused_the_second_time(open_call):
    services.apply_to_open_call(slug=open_call.slug, handle="twice", email="a@b.test", pitch=PITCH)
    before = _rows()
    with pytest.raises(CampaignError):
        services.apply_to_open_call(slug=open_call.slug, handle="@TWICE", email="a@b.test", pitch=PITCH)
    assert _rows() == before


def test_a_closed_or_expired_call_takes_no_application(open_call, campaign, manager):
    with workspace_scope(campaign.workspace):
        services.publish_open_call(
            campaign=campaign, by=manager, headline="h", description="d", closes_on=datetime.date(2031, 1, 31)
        )
    with (
        time_machine.travel(datetime.datetime(2031, 2, 1, 9, tzinfo=datetime.UTC)),
        pytest.raises(CampaignError, match="closed"),
    ):
        services.apply_to_open_call(slug=open_call.slug, handle="late", email="a@b.test", pitch=PITCH)
    with workspace_scope(campaign.workspace):
        services.close_open_call(open_call=open_call, by=manager)
    with pytest.raises(CampaignError, match="closed"):
        services.apply_to_open_call(slug=open_call.slug, handle="late", email="a@b.test", pitch=PITCH)
    assert not Creator.objects.filter(handle="late").exists()


def test_analysts_cannot_publish_or_close(campaign, analyst, open_call):
    with workspace_scope(campaign.workspace):
        with pytest.raises(CampaignPermissionError):
            services.publish_open_call(campaign=campaign, by=analyst, headline="h", description="d")
        with pytest.raises(CampaignPermissionError):
            services.close_open_call(open_call=open_call, by=analyst)
    with scopes_disabled():
        assert OpenCall.objects.get(pk=open_call.pk).is_open


def test_the_public_page_applies_without_login_in_the_brands_colours(client, open_call, campaign):
    campaign.workspace.brand_color = "#FFEB3B"
    campaign.workspace.save()
    url = reverse("apply:apply", kwargs={"slug": open_call.slug})
    page = client.get(url).content.decode()
    assert "Glow with us" in page and "--cd-ws-brand: #FFEB3B" in page and "--cd-ws-brand-text: #000000" in page

    bad = client.post(url, {"handle": "bad handle!", "email": "a@b.test", "pitch": PITCH})
    assert bad.status_code == 400 and "is not a TikTok handle" in bad.content.decode()

    good = client.post(url, {"handle": "@page_applicant", "email": "a@b.test", "pitch": PITCH})
    assert good.status_code == 200 and 'id="applied"' in good.content.decode()
    with scopes_disabled():
        assert OpenCallApplication.objects.filter(handle="page_applicant", open_call=open_call).exists()


def test_a_bot_filling_the_hidden_field_is_thanked_and_nothing_is_written(client, open_call):
    before = _rows()
    response = client.post(
        reverse("apply:apply", kwargs={"slug": open_call.slug}),
        {"handle": "spam_bot", "email": "a@b.test", "pitch": PITCH, "website": "http://spam.test"},
    )
    assert 'id="applied"' in response.content.decode()
    assert _rows() == before


def test_an_unknown_slug_is_404(client):
    assert client.get(reverse("apply:apply", kwargs={"slug": "no-such-call"})).status_code == 404


def test_the_campaign_panel_publishes_and_lists_applications(client, manager, campaign):
    client.force_login(manager)
    url = reverse("open-calls:panel", kwargs={"campaign_pk": campaign.pk})
    assert 'id="no-open-call"' in client.get(url).content.decode()
    refused = client.post(url, {"headline": "", "description": "d"})
    assert refused.status_code == 400
    with scopes_disabled():
        assert not OpenCall.objects.exists()
    client.post(url, {"headline": "Glow with us", "description": "Three videos, paid."})
    with scopes_disabled():
        open_call = OpenCall.objects.get(campaign=campaign)
    services.apply_to_open_call(slug=open_call.slug, handle="from_panel", email="a@b.test", pitch=PITCH)
    panel = client.get(url).content.decode()
    assert f"/apply/{open_call.slug}/" in panel and "@from_panel" in panel


def test_a_client_is_held_back_after_its_hourly_tries_and_nothing_is_written(client, open_call, settings):
    settings.OPEN_CALL_TRIES_PER_HOUR = 2
    url = reverse("apply:apply", kwargs={"slug": open_call.slug})
    ip = {"REMOTE_ADDR": "198.51.100.77"}
    client.post(url, {"handle": "first_try", "email": "a@b.test", "pitch": PITCH}, **ip)
    client.post(url, {"handle": "bad handle!", "email": "a@b.test", "pitch": PITCH}, **ip)
    before = _rows()

    held = client.post(url, {"handle": "third_try", "email": "a@b.test", "pitch": PITCH}, **ip)

    assert held.status_code == 429 and "Too many tries" in held.content.decode()
    assert _rows() == before
    other = client.post(url, {"handle": "other_ip", "email": "a@b.test", "pitch": PITCH}, REMOTE_ADDR="198.51.100.78")
    assert other.status_code == 200
