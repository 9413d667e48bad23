"""The campaign table's bulk actions: each row validated on its own; done rows done, others reported."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from campaigns.models import Collaboration, CollaborationTransition
from outreach import sending
from outreach.errors import OutreachError, OutreachNotFoundError, OutreachPermissionError
from tests.campaigns.factories import CampaignFactory, CollaborationFactory

pytestmark = pytest.mark.django_db


def _stages():
    with scopes_disabled():
        return dict(Collaboration.objects.values_list("creator__handle", "stage"))


def test_bulk_move_does_the_allowed_rows_and_reports_the_others(workspace, manager, make_collaboration):
    ok = make_collaboration(handle="ready", stage="invited")
    skip = make_collaboration(handle="tooearly", stage="shortlisted")
    done = make_collaboration(handle="finished", stage="paid")

    with workspace_scope(workspace):
        result = sending.bulk_move(collaborations=[ok, skip, done], to_stage="negotiating", by=manager)

    assert [(r.handle, r.ok) for r in result.rows] == [("ready", True), ("tooearly", False), ("finished", False)]
    assert "cannot move from shortlisted to negotiating" in result.rows[1].message
    assert _stages() == {"ready": "negotiating", "tooearly": "shortlisted", "finished": "paid"}
    with scopes_disabled():
        assert CollaborationTransition.objects.filter(to_stage="negotiating").count() == 1


def test_bulk_move_refuses_an_unknown_stage_or_an_analyst_before_anything(workspace, manager, analyst,
                                                                         make_collaboration):  # fmt: skip
    row = make_collaboration(handle="still", stage="invited")

    with workspace_scope(workspace):
        with pytest.raises(OutreachError):
            sending.bulk_move(collaborations=[row], to_stage="vanished", by=manager)
        with pytest.raises(OutreachPermissionError):
            sending.bulk_move(collaborations=[row], to_stage="negotiating", by=analyst)

    assert _stages() == {"still": "invited"}


def test_another_workspaces_rows_are_not_found(workspace, manager):
    foreign = CollaborationFactory(campaign=CampaignFactory(), stage="invited")

    with workspace_scope(workspace), pytest.raises(OutreachNotFoundError):
        sending.bulk_move(collaborations=[foreign], to_stage="negotiating", by=manager)

    foreign.refresh_from_db()
    assert foreign.stage == "invited"


def test_the_table_lists_filters_and_runs_bulk_actions_with_a_per_row_report(
    client, manager, campaign, make_collaboration, django_capture_on_commit_callbacks
):
    reachable = make_collaboration(handle="reachable", email="r@creator.test")
    unreachable = make_collaboration(handle="unreachable")
    make_collaboration(handle="negotiator", stage="negotiating")
    client.force_login(manager)
    table = reverse("outreach:campaign-table", args=[campaign.pk])

    everyone = client.get(table).content.decode()
    filtered = client.get(table, {"stage": "negotiating"}).content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("outreach:campaign-bulk", args=[campaign.pk]),
            {"action": "invite", "collaboration": [reachable.pk, unreachable.pk]},
            HTTP_HX_REQUEST="true",
        )

    assert "@reachable" in everyone and "@negotiator" in everyone
    assert "@negotiator" in filtered and "@reachable" not in filtered
    html = response.content.decode()
    assert response.status_code == 200 and "1 done, 1 not done" in html
    assert "@unreachable: No contact e-mail" in html
    assert _stages() == {"reachable": "invited", "unreachable": "shortlisted", "negotiator": "negotiating"}


def test_the_bulk_form_refuses_rows_of_another_campaign(client, workspace, manager, campaign, make_collaboration):
    mine = make_collaboration(handle="mine", stage="invited")
    other = CollaborationFactory(campaign=CampaignFactory(workspace=workspace), stage="invited")
    client.force_login(manager)

    response = client.post(
        reverse("outreach:campaign-bulk", args=[campaign.pk]),
        {"action": "move", "to_stage": "negotiating", "collaboration": [mine.pk, other.pk]},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.stage, other.stage) == ("invited", "invited")


def test_an_analyst_sees_the_table_without_actions_and_cannot_post(client, analyst, campaign, make_collaboration):
    row = make_collaboration(handle="readonly", stage="invited")
    client.force_login(analyst)

    html = client.get(reverse("outreach:campaign-table", args=[campaign.pk])).content.decode()
    response = client.post(
        reverse("outreach:campaign-bulk", args=[campaign.pk]),
        {"action": "move", "to_stage": "negotiating", "collaboration": [row.pk]},
    )

    assert "@readonly" in html and 'value="invite"' not in html
    assert response.status_code == 403
    assert _stages() == {"readonly": "invited"}


def test_the_campaign_page_offers_the_table_view(client, manager, campaign):
    client.force_login(manager)

    html = client.get(reverse("campaigns:campaign-detail", args=[campaign.pk])).content.decode()

    assert f'hx-get="{reverse("outreach:campaign-table", args=[campaign.pk])}"' in html


def test_a_bulk_action_that_changed_rows_tells_the_board_to_refresh(client, manager, campaign, make_collaboration):
    moved = make_collaboration(handle="mover", stage="shortlisted")
    stuck = make_collaboration(handle="stuck", stage="paid")
    client.force_login(manager)
    url = reverse("outreach:campaign-bulk", args=[campaign.pk])

    changed = client.post(
        url, {"action": "move", "to_stage": "invited", "collaboration": [moved.pk]}, HTTP_HX_REQUEST="true"
    )
    unchanged = client.post(
        url, {"action": "move", "to_stage": "invited", "collaboration": [stuck.pk]}, HTTP_HX_REQUEST="true"
    )

    assert changed["HX-Trigger"] == "pipeline-changed"
    assert "HX-Trigger" not in unchanged
    page = client.get(reverse("campaigns:campaign-detail", args=[campaign.pk])).content.decode()
    assert 'hx-trigger="pipeline-changed from:body" hx-select="#board-wrap"' in page
