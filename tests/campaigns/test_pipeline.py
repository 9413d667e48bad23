"""The pipeline tables, checked against the issue's table written out again here (double entry): a stage
added to `Stage` without a row in this specification fails every pair it appears in."""

import itertools

import pytest

from campaigns import pipeline
from campaigns.pipeline import CampaignStatus, Stage

# Issue 5, word for word: which stage may follow which.
SPECIFICATION: dict[str, set[str]] = {
    "shortlisted": {"invited", "declined", "cancelled"},
    "invited": {"negotiating", "declined", "cancelled"},
    "negotiating": {"contracted", "declined", "cancelled"},
    "contracted": {"content_in_review", "cancelled"},
    "content_in_review": {"approved", "contracted", "cancelled"},
    "approved": {"live", "cancelled"},
    "live": {"paid"},
    "paid": set(),
    "declined": set(),
    "cancelled": set(),
}

ALL_PAIRS = list(itertools.product(Stage, Stage))


@pytest.mark.parametrize(("from_stage", "to_stage"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
def test_every_pair_of_stages_is_allowed_exactly_when_the_issue_says_so(from_stage, to_stage):
    assert from_stage.value in SPECIFICATION, f"{from_stage} has no rules in the specification"
    expected = to_stage.value in SPECIFICATION[from_stage.value]

    assert pipeline.is_allowed_transition(from_stage, to_stage) is expected
    assert (to_stage in pipeline.allowed_next_stages(from_stage)) is expected


def test_the_table_has_a_row_for_every_stage_and_no_other():
    assert set(pipeline.ALLOWED_TRANSITIONS) == set(Stage)
    assert set(SPECIFICATION) == set(Stage.values)


def test_paid_declined_and_cancelled_are_the_only_final_stages():
    assert {Stage.PAID, Stage.DECLINED, Stage.CANCELLED} == pipeline.TERMINAL_STAGES


@pytest.mark.parametrize("stage", list(Stage))
def test_staying_in_the_same_stage_is_never_a_transition(stage):
    assert not pipeline.is_allowed_transition(stage, stage)


def test_every_stage_is_reachable_from_shortlisted_and_every_open_stage_can_end():
    reachable, frontier = {Stage.SHORTLISTED}, [Stage.SHORTLISTED]
    while frontier:
        for target in pipeline.ALLOWED_TRANSITIONS[frontier.pop()]:
            if target not in reachable:
                reachable.add(target)
                frontier.append(target)
    assert reachable == set(Stage)

    def ends(stage: Stage, seen: frozenset[Stage] = frozenset()) -> bool:
        if stage in pipeline.TERMINAL_STAGES:
            return True
        return any(ends(nxt, seen | {stage}) for nxt in pipeline.ALLOWED_TRANSITIONS[stage] if nxt not in seen)

    assert all(ends(stage) for stage in Stage)


@pytest.mark.parametrize(
    ("from_stage", "to_stage"), [("shortlisted", "promoted"), ("promoted", "invited"), ("", "invited")]
)
def test_unknown_stages_are_refused_rather_than_crashing(from_stage, to_stage):
    assert not pipeline.is_allowed_transition(from_stage, to_stage)


def test_a_stage_without_rules_stops_the_module_from_loading(monkeypatch):
    monkeypatch.delitem(pipeline.ALLOWED_TRANSITIONS, Stage.LIVE)

    with pytest.raises(RuntimeError, match="live"):
        pipeline._check_tables_are_complete()


def test_compensation_is_editable_only_before_the_contract():
    assert {Stage.SHORTLISTED, Stage.INVITED, Stage.NEGOTIATING} == pipeline.COMPENSATION_EDITABLE_STAGES


def test_a_payout_needs_a_contract_or_a_cancelled_one_owing_a_kill_fee():
    assert Stage.NEGOTIATING not in pipeline.PAYABLE_STAGES
    assert Stage.DECLINED not in pipeline.PAYABLE_STAGES
    assert {Stage.CONTRACTED, Stage.LIVE, Stage.PAID, Stage.CANCELLED} <= pipeline.PAYABLE_STAGES


# Issue 15: draft -> active -> paused <-> active; active or paused -> completed -> archived.
CAMPAIGN_SPECIFICATION = {
    "draft": {"active"},
    "active": {"paused", "completed"},
    "paused": {"active", "completed"},
    "completed": {"archived"},
    "archived": set(),
}
STATUS_PAIRS = list(itertools.product(CampaignStatus, CampaignStatus))


@pytest.mark.parametrize(("from_status", "to_status"), STATUS_PAIRS, ids=[f"{a}->{b}" for a, b in STATUS_PAIRS])
def test_campaign_status_changes_follow_the_life_cycle(from_status, to_status):
    assert from_status.value in CAMPAIGN_SPECIFICATION, f"{from_status} has no rules in the specification"
    expected = to_status.value in CAMPAIGN_SPECIFICATION[from_status.value]

    assert pipeline.is_allowed_status_change(from_status, to_status) is expected
    assert (to_status in pipeline.allowed_next_statuses(from_status)) is expected


def test_the_status_table_has_a_row_for_every_status_and_no_other():
    assert set(pipeline.CAMPAIGN_STATUS_TRANSITIONS) == set(CampaignStatus)
    assert set(CAMPAIGN_SPECIFICATION) == set(CampaignStatus.values)


def test_only_an_archived_campaign_is_read_only():
    assert set(CampaignStatus) - pipeline.CAMPAIGN_EDITABLE_STATUSES == {CampaignStatus.ARCHIVED}


@pytest.mark.parametrize(("from_status", "to_status"), [("draft", "archived"), ("launched", "active"), ("", "active")])
def test_unknown_statuses_and_skipped_steps_are_refused_rather_than_crashing(from_status, to_status):
    assert not pipeline.is_allowed_status_change(from_status, to_status)


def test_the_next_moves_come_in_life_cycle_order_with_their_button_labels():
    assert pipeline.allowed_next_statuses("paused") == [CampaignStatus.ACTIVE, CampaignStatus.COMPLETED]
    assert pipeline.allowed_next_statuses("archived") == []
    assert pipeline.allowed_next_statuses("launched") == []
    labels = {
        (a, b): pipeline.status_move_label(a, b)
        for a, targets in CAMPAIGN_SPECIFICATION.items()
        for b in sorted(targets)
    }
    assert labels == {
        ("draft", "active"): "Activate",
        ("active", "completed"): "Complete",
        ("active", "paused"): "Pause",
        ("paused", "active"): "Resume",
        ("paused", "completed"): "Complete",
        ("completed", "archived"): "Archive",
    }


def test_a_status_without_rules_stops_the_module_from_loading(monkeypatch):
    monkeypatch.delitem(pipeline.CAMPAIGN_STATUS_TRANSITIONS, CampaignStatus.ARCHIVED)

    with pytest.raises(RuntimeError, match="archived"):
        pipeline._check_tables_are_complete()
