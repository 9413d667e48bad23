"""The campaign pages: list with spend, creation, the pipeline board with moves, recommendations."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from campaigns.models import Campaign, Collaboration, CollaborationTransition
from creators.models import AudienceProfile
from tests.campaigns.factories import CampaignFactory, CollaborationFactory
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


def test_a_manager_creates_a_campaign_and_lands_on_its_board(client, manager, workspace):
    client.force_login(manager)

    response = client.post(
        reverse("campaigns:campaign-list"),
        {"name": "Spring glow", "objective": "awareness", "budget": "2500.00", "currency": "EUR"},
    )

    with scopes_disabled():
        campaign = Campaign.objects.get(workspace=workspace)
    assert response.status_code == 302 and response["Location"].endswith(f"/campaigns/{campaign.pk}/")
    assert (campaign.name, campaign.budget.amount, campaign.budget.currency.code) == (
        "Spring glow",
        Decimal("2500.00"),
        "EUR",
    )
    page = client.get(reverse("campaigns:campaign-list")).content.decode()
    assert "Spring glow" in page and "2,500.00" in page


def test_a_bad_campaign_is_refused_with_the_reason_and_nothing_is_written(client, manager):
    client.force_login(manager)

    response = client.post(
        reverse("campaigns:campaign-list"),
        {"name": "Late", "objective": "sales", "budget": "10", "currency": "USD", "start_date": "2026-12-10",
         "end_date": "2026-12-01"},
    )  # fmt: skip

    assert response.status_code == 400
    with scopes_disabled():
        assert not Campaign.objects.exists()


def test_an_analyst_sees_campaigns_but_cannot_create_or_move(client, analyst, workspace):
    collaboration = CollaborationFactory(campaign=CampaignFactory(workspace=workspace))
    client.force_login(analyst)

    assert 'id="campaign-form"' not in client.get(reverse("campaigns:campaign-list")).content.decode()
    move = reverse("campaigns:collaboration-move", args=[collaboration.pk])
    assert client.post(move, {"to_stage": "invited"}).status_code == 403
    collaboration.refresh_from_db()
    assert collaboration.stage == "shortlisted"


def test_the_board_moves_a_collaboration_and_refuses_a_skipped_stage(client, manager, workspace):
    campaign = CampaignFactory(workspace=workspace)
    collaboration = CollaborationFactory(campaign=campaign, creator=CreatorFactory(handle="movingmaya"))
    client.force_login(manager)
    move = reverse("campaigns:collaboration-move", args=[collaboration.pk])

    refused = client.post(move, {"to_stage": "paid"}, HTTP_HX_REQUEST="true")
    collaboration.refresh_from_db()
    assert collaboration.stage == "shortlisted"
    assert "cannot move from shortlisted to paid" in refused.content.decode()

    moved = client.post(move, {"to_stage": "invited"}, HTTP_HX_REQUEST="true")
    collaboration.refresh_from_db()
    assert collaboration.stage == "invited"
    html = moved.content.decode()
    assert 'id="board"' in html and "@movingmaya moved to invited" in html
    with scopes_disabled():
        assert CollaborationTransition.objects.filter(collaboration=collaboration, to_stage="invited").count() == 1


def test_recommendations_exclude_the_pipeline_and_rank_score_with_audience_fit(client, manager, workspace):
    campaign = CampaignFactory(
        workspace=workspace, target_audience={"countries": ["US"], "genders": ["female"], "niches": ["beauty"]}
    )
    on_board = CreatorFactory(handle="already", niches=["beauty"], country="US", score=Decimal("99"))
    CollaborationFactory(campaign=campaign, creator=on_board)
    fits = CreatorFactory(handle="fits", niches=["beauty"], country="US", score=Decimal("70"))
    AudienceProfile.objects.create(creator=fits, genders={"female": 90, "male": 10}, countries={"US": 80})
    misfit = CreatorFactory(handle="misfit", niches=["beauty"], country="US", score=Decimal("75"))
    AudienceProfile.objects.create(creator=misfit, genders={"female": 10, "male": 90}, countries={"US": 5})
    CreatorFactory(handle="otherniche", niches=["gaming"], country="US", score=Decimal("95"))
    client.force_login(manager)

    html = client.get(reverse("campaigns:campaign-detail", args=[campaign.pk])).content.decode()
    section = html[html.index('id="recommendations"') :]

    assert "@already" not in section and "@otherniche" not in section
    # fits: (70 + 85) / 2 = 77.5 beats misfit: (75 + 7.5) / 2 = 41.25
    assert section.index("@fits") < section.index("@misfit")

    client.post(reverse("campaigns:campaign-shortlist", args=[campaign.pk]), {"creator": [fits.pk, misfit.pk]})
    with scopes_disabled():
        assert set(Collaboration.objects.filter(campaign=campaign).values_list("creator__handle", flat=True)) == {
            "already",
            "fits",
            "misfit",
        }


def test_a_collaboration_page_shows_its_history_and_flags_an_undisclosed_live_post(client, manager, workspace):
    from accounts.tenancy import workspace_scope
    from campaigns.collaborations import move_collaboration
    from campaigns.payouts import add_deliverable
    from creators.models import Video

    collaboration = CollaborationFactory(campaign=CampaignFactory(workspace=workspace))
    with workspace_scope(workspace):
        move_collaboration(collaboration=collaboration, to_stage="invited", by=manager, note="Sent the deck")
        hidden = add_deliverable(collaboration=collaboration, by=manager, format="in_feed_video")
        shown = add_deliverable(collaboration=collaboration, by=manager, format="story")
    creator = collaboration.creator
    for deliverable, caption in ((hidden, "my new favourite serum"), (shown, "my new favourite serum #ad")):
        video = Video.objects.create(creator=creator, platform_video_id=caption[-3:], caption=caption)
        type(deliverable).objects.with_scopes_disabled().filter(pk=deliverable.pk).update(video=video)
    client.force_login(manager)

    html = client.get(reverse("campaigns:collaboration-detail", args=[collaboration.pk])).content.decode()

    assert "Shortlisted → Invited" in html and "Sent the deck" in html
    deliverables = html[html.index('id="deliverables"') : html.index('id="payouts"')]
    assert deliverables.count(">Missing<") == 1 and deliverables.count(">Disclosed<") == 1

    board = client.get(reverse("campaigns:campaign-detail", args=[collaboration.campaign_id])).content.decode()
    assert 'id="disclosure-flags"' in board and "no disclosure" in board
    Video.objects.filter(deliverables=hidden).update(caption="my new favourite serum #sponsored")
    board = client.get(reverse("campaigns:campaign-detail", args=[collaboration.campaign_id])).content.decode()
    assert 'id="disclosure-flags"' not in board
