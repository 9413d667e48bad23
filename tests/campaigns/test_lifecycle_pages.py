"""The campaign life cycle's pages: the create and edit pages (basics, KPIs, target audience), the status
buttons (only the allowed moves), the history card, duplicating, and who may do what."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from djmoney.money import Money

from campaigns.models import Campaign, CampaignStatusChange
from tests.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db

KPI_MANAGEMENT = {"kpis-TOTAL_FORMS": "3", "kpis-INITIAL_FORMS": "0", "kpis-MIN_NUM_FORMS": "0",
                  "kpis-MAX_NUM_FORMS": "14"}  # fmt: skip


def _settings(**overrides):
    data = {
        "name": "Autumn glow",
        "objective": "engagement",
        "budget": "3200.00",
        "currency": "EUR",
        "start_date": "2026-09-01",
        "end_date": "2026-10-31",
        "niches": ["skincare"],
        "countries": "us, GB",
        "languages": "en es",
        "tiers": ["micro"],
        "age_buckets": ["18-24", "25-34"],
        "genders": ["female"],
        **KPI_MANAGEMENT,
        "kpis-0-metric": "engagement_rate",
        "kpis-0-target": "0.06",
        "kpis-0-deadline": "2026-10-15",
        "kpis-1-metric": "cpe",
        "kpis-1-target": "0.10",
        "kpis-1-deadline": "",
        # Row 2 left blank: no KPI.
        "kpis-2-metric": "",
        "kpis-2-target": "",
        "kpis-2-deadline": "",
    }
    data.update(overrides)
    return data


def _reloaded(campaign):
    with scopes_disabled():
        return Campaign.objects.get(pk=campaign.pk)


def _status_buttons(page: str) -> set[str]:
    return set(re.findall(r'id="campaign-to-(\w+)"', page))


def test_the_create_page_sets_everything_and_lands_on_the_campaign(client, manager, workspace):
    client.force_login(manager)
    assert client.get(reverse("campaigns:campaign-create")).status_code == 200

    response = client.post(reverse("campaigns:campaign-create"), _settings())

    with scopes_disabled():
        campaign = Campaign.objects.get(workspace=workspace)
    assert response.status_code == 302 and response["Location"] == f"/campaigns/{campaign.pk}/"
    assert (campaign.name, campaign.objective, campaign.status, campaign.budget) == (
        "Autumn glow",
        "engagement",
        "draft",
        Money(Decimal("3200.00"), "EUR"),
    )
    assert campaign.kpis == [
        {"metric": "engagement_rate", "target": "0.06", "deadline": "2026-10-15"},
        {"metric": "cpe", "target": "0.10"},
    ]
    assert campaign.target_audience == {
        "niches": ["skincare"],
        "countries": ["US", "GB"],
        "languages": ["en", "es"],
        "tiers": ["micro"],
        "age_buckets": ["18-24", "25-34"],
        "genders": ["female"],
    }


def test_the_edit_page_shows_the_campaign_and_saves_a_change(client, manager, workspace):
    campaign = CampaignFactory(
        workspace=workspace, name="Spring", kpis=[{"metric": "views", "target": "5000", "deadline": "2026-05-01"}],
        target_audience={"countries": ["FR"], "tiers": ["nano"]},
    )  # fmt: skip
    client.force_login(manager)

    page = client.get(reverse("campaigns:campaign-edit", args=[campaign.pk])).content.decode()
    assert 'value="Spring"' in page and 'value="FR"' in page and 'value="2026-05-01"' in page
    assert 'name="kpis-TOTAL_FORMS" value="4"' in page  # the campaign's KPI and three blank rows

    response = client.post(reverse("campaigns:campaign-edit", args=[campaign.pk]), _settings(name="Spring, again"))

    assert response.status_code == 302 and response["Location"] == f"/campaigns/{campaign.pk}/"
    saved = _reloaded(campaign)
    assert (saved.name, saved.start_date, saved.end_date) == (
        "Spring, again",
        datetime.date(2026, 9, 1),
        datetime.date(2026, 10, 31),
    )
    assert [kpi["metric"] for kpi in saved.kpis] == ["engagement_rate", "cpe"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"countries": "US, Germany"}, "&#x27;Germany&#x27; is not an ISO 3166-1 alpha-2 code."),
        ({"languages": "english"}, "is not an ISO 639-1 language code"),
        ({"kpis-1-metric": "engagement_rate"}, "engagement_rate has a target already."),
        ({"kpis-2-target": "12"}, "Choose the metric this target is for."),
        ({"kpis-2-metric": "views"}, "Give this KPI a target."),
        ({"start_date": "2026-11-01"}, "The campaign cannot end before it starts."),
        ({"budget": "-1"}, "greater than or equal to 0"),
    ],
)
def test_an_edit_with_bad_input_shows_why_and_writes_nothing(client, manager, workspace, bad, message):
    campaign = CampaignFactory(workspace=workspace, name="Before", kpis=[{"metric": "views", "target": "1"}])
    client.force_login(manager)

    response = client.post(reverse("campaigns:campaign-edit", args=[campaign.pk]), _settings(**bad))

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "Nothing was saved." in page
    saved = _reloaded(campaign)
    assert (saved.name, saved.kpis, saved.target_audience) == ("Before", [{"metric": "views", "target": "1"}], {})


def test_the_campaign_page_shows_only_the_allowed_moves_and_the_history(client, manager, workspace):
    campaign = CampaignFactory(workspace=workspace, name="Moves")
    client.force_login(manager)
    detail = reverse("campaigns:campaign-detail", args=[campaign.pk])
    status = reverse("campaigns:campaign-status", args=[campaign.pk])

    page = client.get(detail).content.decode()
    assert _status_buttons(page) == {"active"}
    assert 'id="no-history"' in page

    for to_status, buttons_after in [
        ("active", {"paused", "completed"}),
        ("paused", {"active", "completed"}),
        ("completed", {"archived"}),
        ("archived", set()),
    ]:
        response = client.post(status, {"to_status": to_status})
        assert response.status_code == 302
        page = client.get(detail).content.decode()
        assert _status_buttons(page) == buttons_after, to_status

    assert _reloaded(campaign).status == "archived"
    history = page[page.index('id="campaign-history"') : page.index('id="board-wrap"')]
    moves = re.findall(
        r'status-change">\s*<div><span class="badge bg-secondary-lt">(\w+)</span> → '
        r'<span class="badge bg-blue-lt">(\w+)</span></div>\s*<div class="small text-secondary">(\w+)',
        history,
    )
    # Newest first, each with who moved it (the first word of the manager's name).
    who = manager.display_name.split()[0]
    assert moves == [
        ("Completed", "Archived", who),
        ("Paused", "Completed", who),
        ("Active", "Paused", who),
        ("Draft", "Active", who),
    ]
    # Archived: no edit button, still a duplicate button.
    assert 'id="campaign-edit-link"' not in page and 'id="campaign-duplicate"' in page


def test_a_refused_move_is_a_message_and_writes_nothing(client, manager, workspace):
    campaign = CampaignFactory(workspace=workspace)
    client.force_login(manager)

    response = client.post(reverse("campaigns:campaign-status", args=[campaign.pk]), {"to_status": "completed"},
                           follow=True)  # fmt: skip

    assert "A draft campaign cannot become completed." in response.content.decode()
    assert _reloaded(campaign).status == "draft"
    with scopes_disabled():
        assert not CampaignStatusChange.objects.exists()


def test_an_analyst_reads_the_campaign_but_cannot_edit_move_or_duplicate(client, analyst, workspace):
    campaign = CampaignFactory(workspace=workspace, name="Read only")
    client.force_login(analyst)

    page = client.get(reverse("campaigns:campaign-detail", args=[campaign.pk])).content.decode()
    assert _status_buttons(page) == set()
    assert 'id="campaign-edit-link"' not in page and 'id="campaign-duplicate"' not in page
    assert 'id="campaign-history"' in page
    assert client.get(reverse("campaigns:campaign-edit", args=[campaign.pk])).status_code == 403
    assert client.get(reverse("campaigns:campaign-create")).status_code == 403
    assert client.post(reverse("campaigns:campaign-edit", args=[campaign.pk]), _settings(name="X")).status_code == 403
    assert (
        client.post(reverse("campaigns:campaign-status", args=[campaign.pk]), {"to_status": "active"}).status_code
        == 403
    )
    assert client.post(reverse("campaigns:campaign-duplicate", args=[campaign.pk])).status_code == 403
    saved = _reloaded(campaign)
    assert (saved.name, saved.status) == ("Read only", "draft")
    with scopes_disabled():
        assert Campaign.objects.count() == 1


def test_duplicating_opens_the_copys_edit_page(client, manager, workspace):
    campaign = CampaignFactory(workspace=workspace, name="Original", start_date=datetime.date(2026, 1, 1))
    client.force_login(manager)

    response = client.post(reverse("campaigns:campaign-duplicate", args=[campaign.pk]))

    with scopes_disabled():
        copy = Campaign.objects.exclude(pk=campaign.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/campaigns/{copy.pk}/edit/"
    assert (copy.name, copy.status, copy.start_date) == ("Copy of Original", "draft", None)


def test_the_edit_page_of_an_archived_campaign_says_it_is_read_only(client, manager, workspace):
    campaign = CampaignFactory(workspace=workspace, name="Gone", status="archived")
    client.force_login(manager)

    page = client.get(reverse("campaigns:campaign-edit", args=[campaign.pk])).content.decode()
    assert 'id="campaign-read-only"' in page and 'id="save-campaign"' not in page

    response = client.post(reverse("campaigns:campaign-edit", args=[campaign.pk]), _settings(name="Back"))
    assert response.status_code == 400
    assert _reloaded(campaign).name == "Gone"


def test_the_plan_card_shows_the_kpis_and_audience_or_what_to_do(client, manager, workspace):
    planned = CampaignFactory(
        workspace=workspace,
        kpis=[{"metric": "cpc", "target": "0.75", "deadline": "2026-06-30"}],
        target_audience={"languages": ["en"], "tiers": ["micro", "nano"]},
    )
    empty = CampaignFactory(workspace=workspace)
    client.force_login(manager)

    page = client.get(reverse("campaigns:campaign-detail", args=[planned.pk])).content.decode()
    assert "CPC (cost per click):" in page and "0.75" in page and "by 2026-06-30" in page
    assert "micro, nano" in page
    page = client.get(reverse("campaigns:campaign-detail", args=[empty.pk])).content.decode()
    assert 'id="no-kpis"' in page and 'id="no-audience"' in page
