"""The campaign services: campaigns, the pipeline's one writer, compensation, payouts, deliverables,
shipments. Every refusal has its twin assertion that nothing was written (rows and audit events)."""

import itertools
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from djmoney.money import Money

from accounts.models import AuditEvent, Role
from accounts.tenancy import workspace_scope
from campaigns import collaborations, payouts, selectors, services
from campaigns.errors import CampaignError, CampaignNotFoundError
from campaigns.models import Campaign, Collaboration, CollaborationTransition, Deliverable, Payout, Shipment
from campaigns.pipeline import Stage
from core.errors import PermissionDeniedError
from creators.models import Creator
from tests.campaigns.factories import CampaignFactory, CollaborationFactory, PayoutFactory
from tests.campaigns.test_pipeline import SPECIFICATION
from tests.factories import CreatorFactory, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_workspace(workspace):
    """The code under test runs in the workspace's scope, as it does inside a request."""
    with workspace_scope(workspace):
        yield workspace


def _audit(action):
    with scopes_disabled():
        return list(AuditEvent.objects.filter(action=action).values_list("workspace_id", "actor_id", "target"))


def _count(model, **filters):
    with scopes_disabled():
        return model.objects.filter(**filters).count()


def _reloaded(obj):
    with scopes_disabled():
        return type(obj).objects.get(pk=obj.pk)


def _collaboration(workspace, **fields):
    with scopes_disabled():
        return CollaborationFactory(campaign__workspace=workspace, **fields)


# --- Campaigns ----------------------------------------------------------------------------------


def test_a_campaign_keeps_its_budget_as_a_decimal_with_its_currency(in_workspace, manager):
    campaign = services.create_campaign(
        workspace=in_workspace,
        by=manager,
        name="  Glow serum launch ",
        objective="sales",
        budget=Decimal("12500.50"),
        currency="eur",
        start_date=date(2027, 3, 1),
        end_date=date(2027, 4, 30),
    )

    stored = _reloaded(campaign)
    assert stored.budget == Money(Decimal("12500.50"), "EUR")
    assert isinstance(stored.budget.amount, Decimal)
    assert (stored.name, stored.status, stored.owner, stored.workspace) == (
        "Glow serum launch",
        Campaign.Status.DRAFT,
        manager,
        in_workspace,
    )
    assert _audit("campaign.created") == [(in_workspace.pk, manager.pk, "Glow serum launch")]


@pytest.mark.parametrize(
    ("budget", "currency", "field"),
    [
        (12500.5, "EUR", "budget"),  # a float: refused even though it looks harmless
        (Decimal("0.1") + Decimal("0.2"), "BTC", "budget_currency"),  # not ISO 4217
        (Decimal("99.999"), "USD", "budget"),  # below the cent
        (Decimal("-1"), "USD", "budget"),
        (Decimal("NaN"), "USD", "budget"),
        (Decimal("1e30"), "USD", "budget"),  # beyond the column
        ("1000", "USD", "budget"),  # text is for forms to parse, not for services
        (True, "USD", "budget"),
    ],
)
def test_a_budget_that_is_not_decimal_money_is_refused_and_nothing_is_written(
    in_workspace, manager, budget, currency, field
):
    with pytest.raises(CampaignError) as refusal:
        services.create_campaign(
            workspace=in_workspace, by=manager, name="Launch", objective="sales", budget=budget, currency=currency
        )

    assert field in refusal.value.fields
    assert _count(Campaign) == 0
    assert _audit("campaign.created") == []


def test_the_target_audience_and_kpis_are_cleaned_and_targets_kept_exact(in_workspace, owner):
    campaign = services.create_campaign(
        workspace=in_workspace,
        by=owner,
        name="Launch",
        objective="awareness",
        budget=Decimal(5000),
        currency="USD",
        target_audience={"age_buckets": ["18-24", "25-34"], "countries": ["us", "GB", "us"], "niches": ["skincare"]},
        kpis=[{"metric": "views", "target": Decimal("250000")}, {"metric": "engagement_rate", "target": "0.055"}],
    )

    assert _reloaded(campaign).target_audience == {
        "age_buckets": ["18-24", "25-34"],
        "countries": ["US", "GB"],
        "niches": ["skincare"],
    }
    assert _reloaded(campaign).kpis == [
        {"metric": "views", "target": "250000"},
        {"metric": "engagement_rate", "target": "0.055"},
    ]


@pytest.mark.parametrize(
    ("audience", "kpis", "field"),
    [
        ({"niches": ["underwater-basket-weaving"]}, [], "niches"),
        ({"countries": ["USA"]}, [], "countries"),
        ({"income": ["high"]}, [], "target_audience"),
        ({}, [{"metric": "views", "target": 250000.0}], "kpis"),
        ({}, [{"metric": "vibes", "target": 1}], "kpis"),
        ({}, [{"metric": "views", "target": 1}, {"metric": "views", "target": 2}], "kpis"),
    ],
)
def test_a_bad_target_audience_or_kpi_is_refused(in_workspace, manager, audience, kpis, field):
    with pytest.raises(CampaignError) as refusal:
        services.create_campaign(
            workspace=in_workspace,
            by=manager,
            name="Launch",
            objective="sales",
            budget=Decimal(1),
            currency="USD",
            target_audience=audience,
            kpis=kpis,
        )

    assert field in refusal.value.fields
    assert _count(Campaign) == 0


def test_an_analyst_cannot_create_a_campaign(in_workspace, analyst):
    with pytest.raises(PermissionDeniedError):
        services.create_campaign(
            workspace=in_workspace, by=analyst, name="Launch", objective="sales", budget=Decimal(1), currency="USD"
        )

    assert _count(Campaign) == 0
    assert _audit("campaign.created") == []


def test_a_campaign_owner_from_outside_the_workspace_is_refused(in_workspace, manager):
    outsider = MembershipFactory(role=Role.OWNER).user

    with pytest.raises(CampaignError) as refusal:
        services.create_campaign(
            workspace=in_workspace,
            by=manager,
            owner=outsider,
            name="Launch",
            objective="sales",
            budget=Decimal(1),
            currency="USD",
        )

    assert "owner" in refusal.value.fields
    assert _count(Campaign) == 0


def test_a_campaign_goes_live_but_never_back_to_draft(in_workspace, manager):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=in_workspace)

    services.change_campaign_status(campaign=campaign, by=manager, to_status="active")
    with pytest.raises(CampaignError) as refusal:
        services.change_campaign_status(campaign=campaign, by=manager, to_status="draft")

    assert refusal.value.code == "transition_not_allowed"
    assert _reloaded(campaign).status == Campaign.Status.ACTIVE
    assert len(_audit("campaign.status_changed")) == 1


def test_a_new_budget_needs_its_currency_and_keeps_both(in_workspace, manager):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=in_workspace, budget=Money(Decimal(100), "USD"))

    with pytest.raises(CampaignError):
        services.update_campaign(campaign=campaign, by=manager, budget=Decimal(200))
    services.update_campaign(campaign=campaign, by=manager, budget=Decimal("250.25"), currency="GBP")

    assert _reloaded(campaign).budget == Money(Decimal("250.25"), "GBP")


def test_an_analyst_cannot_update_a_campaign(in_workspace, analyst):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=in_workspace, name="Before")

    with pytest.raises(PermissionDeniedError):
        services.update_campaign(campaign=campaign, by=analyst, name="After")

    assert _reloaded(campaign).name == "Before"
    assert _audit("campaign.updated") == []


# --- The pipeline: every pair of stages through the one service ---------------------------------

ALL_PAIRS = list(itertools.product(Stage, Stage))


@pytest.mark.parametrize(("from_stage", "to_stage"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
def test_moving_a_collaboration_follows_the_table_for_every_pair_of_stages(in_workspace, manager, from_stage, to_stage):
    collaboration = _collaboration(in_workspace, stage=from_stage)
    allowed = to_stage.value in SPECIFICATION[from_stage.value]

    if allowed:
        collaborations.move_collaboration(collaboration=collaboration, to_stage=to_stage, by=manager)
    else:
        with pytest.raises(CampaignError) as refusal:
            collaborations.move_collaboration(collaboration=collaboration, to_stage=to_stage, by=manager)
        assert refusal.value.code == "transition_not_allowed"

    assert _reloaded(collaboration).stage == (to_stage if allowed else from_stage)
    with scopes_disabled():
        log = list(CollaborationTransition.objects.values_list("from_stage", "to_stage", "by"))
    assert log == ([(from_stage.value, to_stage.value, manager.pk)] if allowed else [])
    assert len(_audit("collaboration.moved")) == (1 if allowed else 0)


def test_an_unknown_stage_is_refused(in_workspace, manager):
    collaboration = _collaboration(in_workspace, stage=Stage.SHORTLISTED)

    with pytest.raises(CampaignError):
        collaborations.move_collaboration(collaboration=collaboration, to_stage="promoted", by=manager)

    assert _reloaded(collaboration).stage == Stage.SHORTLISTED


def test_the_history_records_who_moved_it_when_from_where_to_where(in_workspace, manager, owner):
    creator = CreatorFactory()
    with scopes_disabled():
        campaign = CampaignFactory(workspace=in_workspace)
    [collaboration] = collaborations.shortlist_creators(campaign=campaign, creators=[creator], by=manager)
    path = [
        ("invited", manager, ""),
        ("negotiating", owner, ""),
        ("contracted", manager, ""),
        ("content_in_review", manager, ""),
        ("contracted", owner, "Show the serum's label in the first 3 seconds."),
        ("content_in_review", manager, ""),
        ("approved", owner, ""),
        ("live", manager, ""),
        ("paid", owner, ""),
    ]
    before = timezone.now()
    for to_stage, by, note in path:
        collaborations.move_collaboration(collaboration=collaboration, to_stage=to_stage, by=by, note=note)

    history = list(selectors.collaboration_history(collaboration=collaboration))
    assert [(t.from_stage, t.to_stage, t.by, t.note) for t in history] == [
        ("", "shortlisted", manager, ""),
        ("shortlisted", "invited", manager, ""),
        ("invited", "negotiating", owner, ""),
        ("negotiating", "contracted", manager, ""),
        ("contracted", "content_in_review", manager, ""),
        ("content_in_review", "contracted", owner, "Show the serum's label in the first 3 seconds."),
        ("contracted", "content_in_review", manager, ""),
        ("content_in_review", "approved", owner, ""),
        ("approved", "live", manager, ""),
        ("live", "paid", owner, ""),
    ]
    assert all(t.created_at >= before for t in history[1:])
    assert [t.created_at for t in history] == sorted(t.created_at for t in history)
    assert all(t.workspace_id == in_workspace.pk for t in history)
    assert _reloaded(collaboration).stage == Stage.PAID


def test_an_analyst_cannot_move_a_collaboration_and_nothing_is_written(in_workspace, analyst):
    collaboration = _collaboration(in_workspace, stage=Stage.SHORTLISTED)

    with pytest.raises(PermissionDeniedError) as refusal:
        collaborations.move_collaboration(collaboration=collaboration, to_stage=Stage.INVITED, by=analyst)

    assert refusal.value.http_status == 403
    assert _reloaded(collaboration).stage == Stage.SHORTLISTED
    assert _count(CollaborationTransition) == 0
    assert _audit("collaboration.moved") == []


def test_a_manager_of_another_workspace_cannot_move_a_collaboration(in_workspace):
    collaboration = _collaboration(in_workspace, stage=Stage.SHORTLISTED)
    elsewhere = MembershipFactory(role=Role.OWNER).user

    with pytest.raises(PermissionDeniedError):
        collaborations.move_collaboration(collaboration=collaboration, to_stage=Stage.INVITED, by=elsewhere)

    assert _reloaded(collaboration).stage == Stage.SHORTLISTED
    assert _count(CollaborationTransition) == 0


def test_another_workspaces_collaboration_is_not_found(in_workspace, manager):
    theirs = _collaboration(WorkspaceFactory(), stage=Stage.SHORTLISTED)

    with pytest.raises(CampaignNotFoundError) as refusal:
        collaborations.move_collaboration(collaboration=theirs, to_stage=Stage.INVITED, by=manager)

    assert refusal.value.http_status == 404
    assert _reloaded(theirs).stage == Stage.SHORTLISTED
    assert _count(CollaborationTransition) == 0


MISMATCH_CALLS = {
    "move": lambda c, by: collaborations.move_collaboration(collaboration=c, to_stage=Stage.CONTENT_IN_REVIEW, by=by),
    "compensation": lambda c, by: collaborations.set_compensation(
        collaboration=c, by=by, compensation_type="gifting_only"
    ),
    "deliverable": lambda c, by: payouts.add_deliverable(collaboration=c, by=by, format="story"),
    "shipment": lambda c, by: payouts.create_shipment(collaboration=c, by=by),
    "payout": lambda c, by: payouts.record_payout(collaboration=c, by=by, amount=Decimal(10), currency="USD"),
}


@pytest.mark.parametrize("call", MISMATCH_CALLS.values(), ids=MISMATCH_CALLS.keys())
def test_a_collaboration_whose_campaign_is_in_another_workspace_is_refused(in_workspace, manager, call):
    # A corrupt row: the collaboration says it is ours, its campaign belongs to another brand.
    stage = Stage.NEGOTIATING if call is MISMATCH_CALLS["compensation"] else Stage.CONTRACTED
    with scopes_disabled():
        foreign_campaign = CampaignFactory(workspace=WorkspaceFactory())
        collaboration = CollaborationFactory(campaign=foreign_campaign, workspace=in_workspace, stage=stage)

    with pytest.raises(CampaignError) as refusal:
        call(collaboration, manager)

    assert refusal.value.code == "workspace_mismatch"
    assert _reloaded(collaboration).stage == stage
    assert _reloaded(collaboration).compensation_type == ""
    for model in (CollaborationTransition, Deliverable, Shipment, Payout):
        assert _count(model) == 0
    with scopes_disabled():
        assert not AuditEvent.objects.exists()


def test_two_moves_from_the_same_stage_cannot_both_win(transactional_db, workspace, manager, owner):
    """The race: while one manager's move is uncommitted, a teammate moves the same collaboration from
    the stage it had. The row lock makes the second wait, then see the first's stage and be refused;
    without it both would pass the check and the log would show two moves out of `negotiating`."""
    collaboration = _collaboration(workspace, stage=Stage.NEGOTIATING)
    first_moved, release_first = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with workspace_scope(workspace), transaction.atomic():
                collaborations.move_collaboration(collaboration=collaboration, to_stage=Stage.CONTRACTED, by=manager)
                first_moved.set()
                release_first.wait(timeout=10)
        finally:
            connection.close()

    def second() -> None:
        first_moved.wait(timeout=10)
        try:
            with workspace_scope(workspace):
                collaborations.move_collaboration(collaboration=collaboration, to_stage=Stage.DECLINED, by=owner)
            outcome["second"] = "moved"
        except CampaignError as exc:
            outcome["second"] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_moved.wait(timeout=10)
    threads[1].join(timeout=1)
    second_waited_for_the_lock = threads[1].is_alive()
    release_first.set()
    for thread in threads:
        thread.join(timeout=10)

    assert second_waited_for_the_lock
    assert outcome == {"second": "transition_not_allowed"}
    assert _reloaded(collaboration).stage == Stage.CONTRACTED
    with scopes_disabled():
        assert list(CollaborationTransition.objects.values_list("from_stage", "to_stage")) == [
            ("negotiating", "contracted")
        ]


# --- Shortlisting -------------------------------------------------------------------------------


def test_shortlisting_twice_adds_only_the_new_creators_and_keeps_existing_collaborations(in_workspace, manager):
    first, second, third = CreatorFactory(), CreatorFactory(), CreatorFactory()
    with scopes_disabled():
        campaign = CampaignFactory(workspace=in_workspace)

    created = collaborations.shortlist_creators(campaign=campaign, creators=[first, second], by=manager)
    collaborations.move_collaboration(collaboration=created[0], to_stage=Stage.INVITED, by=manager)
    again = collaborations.shortlist_creators(campaign=campaign, creators=[first, second, third], by=manager)

    assert [c.creator for c in created] == [first, second]
    assert [c.creator for c in again] == [third]
    with scopes_disabled():
        stages = dict(Collaboration.objects.values_list("creator_id", "stage"))
    assert stages == {first.pk: "invited", second.pk: "shortlisted", third.pk: "shortlisted"}
    assert _count(CollaborationTransition, from_stage="", to_stage="shortlisted") == 3
    assert all(c.workspace_id == in_workspace.pk for c in [*created, *again])
    with scopes_disabled():
        counts = [e.data["count"] for e in AuditEvent.objects.filter(action="campaign.creators_shortlisted")]
    assert sorted(counts) == [1, 2]


def test_shortlisting_the_same_creators_again_writes_nothing(in_workspace, manager):
    creators = [CreatorFactory(), CreatorFactory()]
    with scopes_disabled():
        campaign = CampaignFactory(workspace=in_workspace)
    collaborations.shortlist_creators(campaign=campaign, creators=creators, by=manager)

    again = collaborations.shortlist_creators(
        campaign=campaign, creators=Creator.objects.filter(pk__in=[c.pk for c in creators]), by=manager
    )

    assert again == []
    assert _count(Collaboration) == 2
    assert _count(CollaborationTransition) == 2
    assert len(_audit("campaign.creators_shortlisted")) == 1


def test_a_creator_listed_twice_in_one_call_is_shortlisted_once(in_workspace, manager):
    creator = CreatorFactory()
    with scopes_disabled():
        campaign = CampaignFactory(workspace=in_workspace)

    created = collaborations.shortlist_creators(campaign=campaign, creators=[creator, creator], by=manager)

    assert len(created) == 1
    assert _count(Collaboration) == 1


def test_an_analyst_cannot_shortlist(in_workspace, analyst):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=in_workspace)

    with pytest.raises(PermissionDeniedError):
        collaborations.shortlist_creators(campaign=campaign, creators=[CreatorFactory()], by=analyst)

    assert _count(Collaboration) == 0
    assert _count(CollaborationTransition) == 0
    assert _audit("campaign.creators_shortlisted") == []


def test_a_completed_campaign_takes_no_new_creators(in_workspace, manager):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=in_workspace, status=Campaign.Status.COMPLETED)

    with pytest.raises(CampaignError):
        collaborations.shortlist_creators(campaign=campaign, creators=[CreatorFactory()], by=manager)

    assert _count(Collaboration) == 0


# --- Compensation -------------------------------------------------------------------------------


def test_an_agreed_fee_is_decimal_money_with_its_currency(in_workspace, manager):
    collaboration = _collaboration(in_workspace, stage=Stage.NEGOTIATING)

    collaborations.set_compensation(
        collaboration=collaboration, by=manager, compensation_type="fixed_fee", fee=Decimal("450.00"), currency="USD"
    )

    stored = _reloaded(collaboration)
    assert (stored.compensation_type, stored.fee) == ("fixed_fee", Money(Decimal("450.00"), "USD"))
    assert isinstance(stored.fee.amount, Decimal)
    assert len(_audit("collaboration.compensation_set")) == 1


def test_a_float_fee_is_refused_and_nothing_is_written(in_workspace, manager):
    collaboration = _collaboration(in_workspace, stage=Stage.NEGOTIATING)

    with pytest.raises(CampaignError) as refusal:
        collaborations.set_compensation(
            collaboration=collaboration, by=manager, compensation_type="fixed_fee", fee=450.0, currency="USD"
        )

    assert "fee" in refusal.value.fields
    assert (_reloaded(collaboration).compensation_type, _reloaded(collaboration).fee) == ("", None)
    assert _audit("collaboration.compensation_set") == []


def test_fee_plus_bonus_keeps_the_bonus_its_metric_and_threshold(in_workspace, manager):
    collaboration = _collaboration(in_workspace, stage=Stage.NEGOTIATING)

    collaborations.set_compensation(
        collaboration=collaboration,
        by=manager,
        compensation_type="fee_plus_bonus",
        fee=Decimal(300),
        currency="EUR",
        bonus=Decimal(150),
        bonus_metric="views",
        bonus_threshold=Decimal(100000),
    )

    stored = _reloaded(collaboration)
    assert (stored.fee, stored.bonus, stored.bonus_metric, stored.bonus_threshold) == (
        Money(300, "EUR"),
        Money(150, "EUR"),
        "views",
        Decimal(100000),
    )


def test_switching_to_gifting_only_clears_the_fee_and_its_currency(in_workspace, manager):
    collaboration = _collaboration(in_workspace, stage=Stage.NEGOTIATING)
    collaborations.set_compensation(
        collaboration=collaboration, by=manager, compensation_type="fixed_fee", fee=Decimal(450), currency="USD"
    )

    collaborations.set_compensation(collaboration=collaboration, by=manager, compensation_type="gifting_only")

    with scopes_disabled():
        row = Collaboration.objects.values("compensation_type", "fee", "fee_currency").get(pk=collaboration.pk)
    assert row == {"compensation_type": "gifting_only", "fee": None, "fee_currency": None}


@pytest.mark.parametrize(
    "terms",
    [
        {"compensation_type": "gifting_only", "fee": Decimal(100), "currency": "USD"},
        {"compensation_type": "fixed_fee"},
        {"compensation_type": "commission", "commission_percent": Decimal(120)},
        {"compensation_type": "fee_plus_bonus", "fee": Decimal(100), "currency": "USD", "bonus": Decimal(50)},
        {"compensation_type": "barter"},
    ],
    ids=["gifting-with-fee", "fee-missing", "percent-over-100", "bonus-without-threshold", "unknown-type"],
)
def test_incoherent_compensation_is_refused(in_workspace, manager, terms):
    collaboration = _collaboration(in_workspace, stage=Stage.NEGOTIATING)

    with pytest.raises(CampaignError):
        collaborations.set_compensation(collaboration=collaboration, by=manager, **terms)

    assert _reloaded(collaboration).compensation_type == ""


def test_compensation_is_fixed_once_contracted(in_workspace, manager):
    collaboration = _collaboration(in_workspace, stage=Stage.CONTRACTED)

    with pytest.raises(CampaignError) as refusal:
        collaborations.set_compensation(
            collaboration=collaboration, by=manager, compensation_type="fixed_fee", fee=Decimal(1), currency="USD"
        )

    assert refusal.value.code == "stage_locked"
    assert _reloaded(collaboration).fee is None


# --- Payouts, deliverables, shipments -----------------------------------------------------------


def test_a_payout_is_recorded_as_decimal_money_due_or_paid(in_workspace, manager):
    collaboration = _collaboration(in_workspace, stage=Stage.LIVE)
    paid_at = timezone.now()

    due = payouts.record_payout(
        collaboration=collaboration, by=manager, amount=Decimal("450.00"), currency="USD", due_on=date(2027, 5, 1)
    )
    paid = payouts.record_payout(
        collaboration=collaboration, by=manager, amount=Decimal(50), currency="USD", paid_at=paid_at, reference="INV-7"
    )

    assert (_reloaded(due).amount, _reloaded(due).status) == (Money(Decimal("450.00"), "USD"), "due")
    assert (_reloaded(paid).status, _reloaded(paid).paid_at, _reloaded(paid).reference) == ("paid", paid_at, "INV-7")
    assert len(_audit("payout.recorded")) == 2


def test_a_float_payout_is_refused_and_nothing_is_written(in_workspace, manager):
    collaboration = _collaboration(in_workspace, stage=Stage.LIVE)

    with pytest.raises(CampaignError) as refusal:
        payouts.record_payout(collaboration=collaboration, by=manager, amount=450.0, currency="USD")

    assert "amount" in refusal.value.fields
    assert _count(Payout) == 0
    assert _audit("payout.recorded") == []


def test_nothing_is_owed_before_a_contract(in_workspace, manager):
    collaboration = _collaboration(in_workspace, stage=Stage.NEGOTIATING)

    with pytest.raises(CampaignError) as refusal:
        payouts.record_payout(collaboration=collaboration, by=manager, amount=Decimal(10), currency="USD")

    assert refusal.value.code == "stage_locked"
    assert _count(Payout) == 0


def test_an_analyst_cannot_record_a_payout(in_workspace, analyst):
    collaboration = _collaboration(in_workspace, stage=Stage.LIVE)

    with pytest.raises(PermissionDeniedError):
        payouts.record_payout(collaboration=collaboration, by=analyst, amount=Decimal(10), currency="USD")

    assert _count(Payout) == 0


def test_a_due_payout_is_paid_or_cancelled_once(in_workspace, manager):
    with scopes_disabled():
        to_pay = PayoutFactory(collaboration=CollaborationFactory(campaign__workspace=in_workspace, stage="live"))
        to_cancel = PayoutFactory(collaboration=to_pay.collaboration)

    payouts.mark_payout_paid(payout=to_pay, by=manager, reference="SEPA-42")
    payouts.cancel_payout(payout=to_cancel, by=manager)
    with pytest.raises(CampaignError):
        payouts.cancel_payout(payout=to_pay, by=manager)

    assert (_reloaded(to_pay).status, _reloaded(to_pay).reference) == ("paid", "SEPA-42")
    assert _reloaded(to_pay).paid_at is not None
    assert (_reloaded(to_cancel).status, _reloaded(to_cancel).paid_at) == ("cancelled", None)


def test_a_deliverable_is_added_to_an_open_collaboration_only(in_workspace, manager):
    open_one = _collaboration(in_workspace, stage=Stage.CONTRACTED)
    cancelled = _collaboration(in_workspace, stage=Stage.CANCELLED)

    deliverable = payouts.add_deliverable(
        collaboration=open_one,
        by=manager,
        format="in_feed_video",
        count=2,
        draft_due_on=date(2027, 3, 10),
        live_due_on=date(2027, 3, 20),
    )
    with pytest.raises(CampaignError):
        payouts.add_deliverable(collaboration=cancelled, by=manager, format="story")

    stored = _reloaded(deliverable)
    assert (stored.collaboration, stored.workspace, stored.count, stored.status) == (
        open_one,
        in_workspace,
        2,
        Deliverable.Status.PENDING,
    )
    assert _count(Deliverable) == 1


def test_a_go_live_date_before_the_draft_is_refused(in_workspace, manager):
    collaboration = _collaboration(in_workspace, stage=Stage.CONTRACTED)

    with pytest.raises(CampaignError) as refusal:
        payouts.add_deliverable(
            collaboration=collaboration,
            by=manager,
            format="story",
            draft_due_on=date(2027, 3, 20),
            live_due_on=date(2027, 3, 10),
        )

    assert "live_due_on" in refusal.value.fields
    assert _count(Deliverable) == 0


def test_a_shipment_waits_for_the_creators_address(in_workspace, manager):
    collaboration = _collaboration(in_workspace, stage=Stage.NEGOTIATING)

    shipment = payouts.create_shipment(collaboration=collaboration, by=manager, description="Glow serum kit")

    stored = _reloaded(shipment)
    assert (stored.status, stored.address, stored.workspace) == ("pending_address", {}, in_workspace)
    assert len(_audit("shipment.created")) == 1


def test_a_user_who_is_not_a_member_cannot_do_anything(in_workspace):
    stranger = UserFactory()
    collaboration = _collaboration(in_workspace, stage=Stage.CONTRACTED)

    for call in MISMATCH_CALLS.values():
        with pytest.raises(PermissionDeniedError):
            call(collaboration, stranger)

    for model in (CollaborationTransition, Deliverable, Shipment, Payout):
        assert _count(model) == 0
