"""The campaign life cycle through its services: every status move (allowed and refused) against the
issue's table written out again in tests/campaigns/test_pipeline.py, who may move, edit and duplicate a
campaign, and edits with bad input that write nothing."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled
from djmoney.money import Money

from accounts.models import AuditEvent
from accounts.tenancy import workspace_scope
from campaigns import services
from campaigns.errors import CampaignError, CampaignNotFoundError
from campaigns.models import Campaign, CampaignStatusChange, Collaboration
from campaigns.pipeline import CampaignStatus
from core.errors import PermissionDeniedError
from tests.campaigns.factories import CampaignFactory, CollaborationFactory
from tests.campaigns.test_pipeline import CAMPAIGN_SPECIFICATION
from tests.factories import WorkspaceFactory

pytestmark = pytest.mark.django_db

STATUS_PAIRS = list(itertools.product(CampaignStatus.values, CampaignStatus.values))


@pytest.fixture
def in_workspace(workspace):
    with workspace_scope(workspace):
        yield workspace


def _audit(action):
    with scopes_disabled():
        return list(AuditEvent.objects.filter(action=action).values_list("actor_id", "data"))


def _reloaded(campaign):
    with scopes_disabled():
        return Campaign.objects.get(pk=campaign.pk)


def _history():
    with scopes_disabled():
        return list(CampaignStatusChange.objects.order_by("pk").values_list("from_status", "to_status", "by_id"))


def _campaign(workspace, **fields):
    with scopes_disabled():
        return CampaignFactory(workspace=workspace, **fields)


# --- Status moves ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("from_status", "to_status"), STATUS_PAIRS, ids=[f"{a}->{b}" for a, b in STATUS_PAIRS])
def test_every_status_move_is_allowed_exactly_when_the_issue_says_so(in_workspace, manager, from_status, to_status):
    campaign = _campaign(in_workspace, status=from_status)
    allowed = to_status in CAMPAIGN_SPECIFICATION[from_status]

    if allowed:
        services.change_campaign_status(campaign=campaign, by=manager, to_status=to_status)
    else:
        with pytest.raises(CampaignError) as refusal:
            services.change_campaign_status(campaign=campaign, by=manager, to_status=to_status)
        assert refusal.value.code == "transition_not_allowed"

    assert _reloaded(campaign).status == (to_status if allowed else from_status)
    assert _history() == ([(from_status, to_status, manager.pk)] if allowed else [])
    expected_audit = [(manager.pk, {"campaign_id": campaign.pk, "from": from_status, "to": to_status})]
    assert _audit("campaign.status_changed") == (expected_audit if allowed else [])


def test_the_whole_life_cycle_is_recorded_in_order(in_workspace, owner):
    campaign = _campaign(in_workspace)

    for step in ["active", "paused", "active", "completed", "archived"]:
        services.change_campaign_status(campaign=campaign, by=owner, to_status=step)

    assert [(a, b) for a, b, _ in _history()] == [
        ("draft", "active"),
        ("active", "paused"),
        ("paused", "active"),
        ("active", "completed"),
        ("completed", "archived"),
    ]
    assert _reloaded(campaign).status == "archived"


@pytest.mark.parametrize("to_status", ["launched", "", "ACTIVE"])
def test_an_unknown_status_is_refused_with_a_clear_message(in_workspace, manager, to_status):
    campaign = _campaign(in_workspace)

    with pytest.raises(CampaignError) as refusal:
        services.change_campaign_status(campaign=campaign, by=manager, to_status=to_status)

    assert "A draft campaign cannot become" in refusal.value.message
    assert refusal.value.fields == {"to_status": ["Allowed: active."]}
    assert _reloaded(campaign).status == "draft"
    assert _history() == []


def test_the_move_is_decided_on_the_locked_row_not_on_a_stale_copy(in_workspace, manager):
    campaign = _campaign(in_workspace)
    stale = _reloaded(campaign)
    services.change_campaign_status(campaign=campaign, by=manager, to_status="active")

    # The stale object still says draft; draft -> active again would be a second "activation".
    with pytest.raises(CampaignError):
        services.change_campaign_status(campaign=stale, by=manager, to_status="active")

    assert len(_history()) == 1


def test_an_analyst_cannot_move_a_campaign(in_workspace, analyst):
    campaign = _campaign(in_workspace)

    with pytest.raises(PermissionDeniedError):
        services.change_campaign_status(campaign=campaign, by=analyst, to_status="active")

    assert _reloaded(campaign).status == "draft"
    assert _history() == []
    assert _audit("campaign.status_changed") == []


def test_another_workspaces_campaign_is_not_found(in_workspace, manager):
    with scopes_disabled():
        elsewhere = CampaignFactory(workspace=WorkspaceFactory())

    with pytest.raises(CampaignNotFoundError):
        services.change_campaign_status(campaign=elsewhere, by=manager, to_status="active")

    assert _reloaded(elsewhere).status == "draft"
    assert _history() == []


# --- Editing --------------------------------------------------------------------------------------


def test_an_edit_keeps_kpi_deadlines_and_the_whole_target_audience(in_workspace, manager):
    campaign = _campaign(in_workspace)

    services.update_campaign(
        campaign=campaign,
        by=manager,
        name="Spring glow, second wave",
        objective="traffic",
        budget=Decimal("4200.50"),
        currency="EUR",
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2026, 4, 30),
        kpis=[
            {"metric": "clicks", "target": Decimal(4000), "deadline": datetime.date(2026, 3, 31)},
            {"metric": "cpc", "target": "0.75", "deadline": ""},
            {"metric": "ctr", "target": "0.012", "deadline": "2026-04-15"},
        ],
        target_audience={
            "niches": ["skincare"],
            "countries": ["us", "GB"],
            "languages": ["EN", "es", "en"],
            "tiers": ["micro", "Nano"],
            "age_buckets": ["18-24"],
            "genders": ["female"],
        },
    )

    saved = _reloaded(campaign)
    assert (saved.name, saved.objective, saved.budget) == (
        "Spring glow, second wave",
        "traffic",
        Money(Decimal("4200.50"), "EUR"),
    )
    assert (saved.start_date, saved.end_date) == (datetime.date(2026, 3, 1), datetime.date(2026, 4, 30))
    assert saved.kpis == [
        {"metric": "clicks", "target": "4000", "deadline": "2026-03-31"},
        {"metric": "cpc", "target": "0.75"},
        {"metric": "ctr", "target": "0.012", "deadline": "2026-04-15"},
    ]
    assert saved.target_audience == {
        "niches": ["skincare"],
        "countries": ["US", "GB"],
        "languages": ["en", "es"],
        "tiers": ["micro", "nano"],
        "age_buckets": ["18-24"],
        "genders": ["female"],
    }
    [(actor, data)] = _audit("campaign.updated")
    assert actor == manager.pk
    assert data["changed"] == [
        "budget",
        "end_date",
        "kpis",
        "name",
        "objective",
        "start_date",
        "target_audience",
    ]


BAD_EDITS = [
    pytest.param({"target_audience": {"languages": ["english"]}}, "languages", id="language-not-iso-639-1"),
    pytest.param({"target_audience": {"tiers": ["giga"]}}, "tiers", id="unknown-tier"),
    pytest.param({"target_audience": {"age_buckets": ["18-29"]}}, "age_buckets", id="unknown-age-bucket"),
    pytest.param({"target_audience": {"genders": ["robots"]}}, "genders", id="unknown-gender"),
    pytest.param({"target_audience": {"countries": ["USA"]}}, "countries", id="country-not-alpha-2"),
    pytest.param({"target_audience": {"niches": ["no-such-niche"]}}, "niches", id="unknown-niche"),
    pytest.param({"kpis": [{"metric": "signups", "target": 10}]}, "kpis", id="signups-is-no-metric-now"),
    pytest.param({"kpis": [{"metric": "views", "target": 1, "deadline": "31/12/2026"}]}, "kpis", id="bad-deadline"),
    pytest.param({"kpis": [{"metric": "views", "target": 1, "due": "2026-12-31"}]}, "kpis", id="unknown-kpi-key"),
    pytest.param({"kpis": [{"metric": "views", "target": "-5"}]}, "kpis", id="negative-target"),
    pytest.param({"objective": "signups"}, "objective", id="old-objective"),
    pytest.param({"budget": Decimal("-1"), "currency": "USD"}, "budget", id="negative-budget"),
    pytest.param({"budget": Decimal(10), "currency": "XYZ"}, "budget_currency", id="unknown-currency"),
    pytest.param({"start_date": datetime.date(2026, 5, 2), "end_date": datetime.date(2026, 5, 1)}, "end_date",
                 id="ends-before-it-starts"),
]  # fmt: skip


@pytest.mark.parametrize(("bad", "field"), BAD_EDITS)
def test_an_edit_with_bad_input_is_refused_and_writes_nothing(in_workspace, manager, bad, field):
    campaign = _campaign(in_workspace, name="Before", kpis=[{"metric": "views", "target": "1000"}])
    # A valid change beside the bad one: it must not be written either.
    with pytest.raises(CampaignError) as refusal:
        services.update_campaign(campaign=campaign, by=manager, name="After", **bad)

    assert field in refusal.value.fields
    saved = _reloaded(campaign)
    assert (saved.name, saved.kpis, saved.target_audience) == ("Before", [{"metric": "views", "target": "1000"}], {})
    assert _audit("campaign.updated") == []


def test_an_archived_campaign_cannot_be_edited(in_workspace, manager):
    campaign = _campaign(in_workspace, name="Old", status="archived")

    with pytest.raises(CampaignError) as refusal:
        services.update_campaign(campaign=campaign, by=manager, name="New")

    assert refusal.value.code == "archived"
    assert _reloaded(campaign).name == "Old"
    assert _audit("campaign.updated") == []


def test_a_completed_campaign_can_still_be_corrected(in_workspace, manager):
    campaign = _campaign(in_workspace, name="Typo", status="completed")

    services.update_campaign(campaign=campaign, by=manager, name="Fixed")

    assert _reloaded(campaign).name == "Fixed"


# --- Duplicating ----------------------------------------------------------------------------------


def test_a_duplicate_is_a_draft_with_the_settings_but_no_dates_deadlines_or_creators(in_workspace, manager, owner):
    source = _campaign(
        in_workspace,
        name="Night serum pilot",
        objective="engagement",
        budget=Money(Decimal("2500.00"), "GBP"),
        status="archived",
        owner=owner,
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 2, 5),
        kpis=[
            {"metric": "engagement_rate", "target": "0.06", "deadline": "2026-01-31"},
            {"metric": "cpe", "target": "0.1"},
        ],
        target_audience={"countries": ["GB"], "tiers": ["micro"]},
    )
    with scopes_disabled():
        CollaborationFactory(campaign=source)

    copy = services.duplicate_campaign(campaign=source, by=manager)

    saved = _reloaded(copy)
    assert saved.pk != source.pk
    assert (saved.name, saved.status, saved.objective, saved.budget, saved.owner_id) == (
        "Copy of Night serum pilot",
        "draft",
        "engagement",
        Money(Decimal("2500.00"), "GBP"),
        manager.pk,
    )
    assert (saved.start_date, saved.end_date) == (None, None)
    assert saved.kpis == [{"metric": "engagement_rate", "target": "0.06"}, {"metric": "cpe", "target": "0.1"}]
    assert saved.target_audience == {"countries": ["GB"], "tiers": ["micro"]}
    with scopes_disabled():
        assert not Collaboration.objects.filter(campaign=saved).exists()
        assert Collaboration.objects.filter(campaign=source).count() == 1
    assert _reloaded(source).status == "archived"  # the source is untouched
    assert _audit("campaign.duplicated") == [(manager.pk, {"campaign_id": copy.pk, "source_campaign_id": source.pk})]


def test_a_duplicate_of_a_long_name_still_fits_the_column(in_workspace, manager):
    source = _campaign(in_workspace, name="x" * 150)

    copy = services.duplicate_campaign(campaign=source, by=manager)

    assert copy.name == ("Copy of " + "x" * 150)[:150]


def test_an_analyst_cannot_duplicate(in_workspace, analyst):
    source = _campaign(in_workspace)

    with pytest.raises(PermissionDeniedError):
        services.duplicate_campaign(campaign=source, by=analyst)

    with scopes_disabled():
        assert Campaign.objects.count() == 1
    assert _audit("campaign.duplicated") == []


def test_every_campaign_objective_has_the_scoring_objective_its_recommendations_use():
    from campaigns.models import Campaign
    from campaigns.recommendations import SCORING_OBJECTIVES

    assert set(SCORING_OBJECTIVES) == set(Campaign.Objective.values)
