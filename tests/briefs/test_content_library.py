"""The content library lists approved content with the rights of its signed contract, and the workspace
is warned once before rights or Spark Ads codes expire."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from briefs.contracts.signing import sign_as_brand, sign_as_creator
from briefs.library.rights_alerts import warn_expiring_rights
from briefs.library.selectors import LibraryFilters, content_library
from briefs.library.usage_rights import RightsStatus
from briefs.models import RightsExpiryWarning
from campaigns.models import Deliverable
from tests.briefs.factories import negotiating_collaboration, send
from tests.campaigns.factories import DeliverableFactory
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

LIVE_AT = datetime.datetime(2026, 1, 10, 12, tzinfo=datetime.UTC)  # rights run 6 months: to Jul 10, 2026


def _signed(workspace, manager, email="maya@creator.test", **terms):
    collaboration = negotiating_collaboration(workspace=workspace, creator_email=email)
    version = send(collaboration, manager, **terms)
    creator_user = collaboration.creator.user
    sign_as_creator(
        version_id=version.pk, user=creator_user, typed_name="Maya Lopez", consent=True, ip=None, user_agent="t"
    )
    with workspace_scope(workspace):
        sign_as_brand(version=version, by=manager, typed_name=manager.full_name or "Brand", consent=True, ip=None,
                      user_agent="t")  # fmt: skip
    return collaboration


def _deliverable(collaboration, **fields):
    with scopes_disabled():
        return DeliverableFactory(
            collaboration=collaboration, status=Deliverable.Status.LIVE, live_url="https://tiktok.test/v/1",
            live_at=LIVE_AT, approved_at=LIVE_AT, **fields,
        )  # fmt: skip


def _library(workspace, today, **filters):
    with workspace_scope(workspace):
        return content_library(workspace=workspace, filters=LibraryFilters(**filters), today=today)


def test_approved_content_carries_the_signed_rights_from_the_day_it_went_live(workspace, manager):
    collaboration = _signed(workspace, manager)
    live = _deliverable(collaboration)
    with scopes_disabled():
        DeliverableFactory(collaboration=collaboration, status=Deliverable.Status.PENDING)  # not approved yet

    (item,) = _library(workspace, datetime.date(2026, 3, 1))

    assert item.deliverable.pk == live.pk
    assert item.rights.ends_on == datetime.date(2026, 7, 10)
    assert item.rights.platforms == "TikTok, Instagram" and item.rights.allows_paid_ads
    assert item.rights_status == RightsStatus.ACTIVE
    assert _library(workspace, datetime.date(2026, 6, 20))[0].rights_status == RightsStatus.EXPIRING
    assert _library(workspace, datetime.date(2026, 7, 11))[0].rights_status == RightsStatus.EXPIRED


def test_content_without_a_signed_contract_has_no_rights(workspace, manager):
    collaboration = negotiating_collaboration(workspace=workspace)
    send(collaboration, manager)  # sent, never signed
    _deliverable(collaboration)

    (item,) = _library(workspace, datetime.date(2026, 3, 1))

    assert item.rights is None and item.rights_status == RightsStatus.NONE


def test_filters_by_paid_ads_platform_creator_and_status(workspace, manager):
    ads = _deliverable(_signed(workspace, manager, email="a@c.test"))
    organic = _deliverable(_signed(workspace, manager, email="b@c.test", allows_paid_ads=False,
                                   usage_platforms="TikTok"))  # fmt: skip
    today = datetime.date(2026, 3, 1)

    assert [i.deliverable.pk for i in _library(workspace, today, paid_ads=True)] == [ads.pk]
    assert [i.deliverable.pk for i in _library(workspace, today, platform="instagram")] == [ads.pk]
    assert {i.deliverable.pk for i in _library(workspace, today, status="active")} == {ads.pk, organic.pk}
    assert _library(workspace, today, status="expired") == []
    handle = organic.collaboration.creator.handle
    assert [i.deliverable.pk for i in _library(workspace, today, creator_query=f"@{handle.upper()}")] == [organic.pk]


def test_the_workspace_is_warned_once_before_rights_and_codes_expire(workspace, manager, owner):
    collaboration = _signed(workspace, manager)
    _deliverable(collaboration, spark_ads_code="#SparkCode123", spark_ads_code_expires_on=datetime.date(2026, 7, 1))
    too_early, in_window = datetime.date(2026, 5, 1), datetime.date(2026, 6, 20)

    assert warn_expiring_rights(workspace_id=workspace.pk, today=too_early) == 0
    new = warn_expiring_rights(workspace_id=workspace.pk, today=in_window)
    again = warn_expiring_rights(workspace_id=workspace.pk, today=in_window + datetime.timedelta(days=1))

    assert (new, again) == (2, 0)
    with scopes_disabled():
        kinds = set(RightsExpiryWarning.objects.values_list("kind", "expires_on"))
    assert kinds == {("usage_rights", datetime.date(2026, 7, 10)), ("spark_ads_code", datetime.date(2026, 7, 1))}


def test_the_warning_e_mail_goes_to_managers_and_owners_after_commit(
    workspace, manager, owner, analyst, django_capture_on_commit_callbacks
):
    collaboration = _signed(workspace, manager)
    _deliverable(collaboration)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        warn_expiring_rights(workspace_id=workspace.pk, today=datetime.date(2026, 6, 20))
    with django_capture_on_commit_callbacks(execute=True):
        warn_expiring_rights(workspace_id=workspace.pk, today=datetime.date(2026, 6, 21))

    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, owner.email])
    assert "usage rights expire Jul 10, 2026" in mail.outbox[0].body


def test_another_workspace_content_is_not_in_the_library_page(client, workspace, manager):
    _deliverable(_signed(workspace, manager))
    other = WorkspaceFactory()
    client.force_login(manager)

    page = client.get(reverse("library:content")).content.decode()
    assert 'id="library"' in page and "TikTok, Instagram" in page

    with scopes_disabled():
        stranger = MembershipFactory(workspace=other, user=UserFactory(), role="owner").user
    client.force_login(stranger)
    page = client.get(reverse("library:content")).content.decode()
    assert 'id="library-empty"' in page and "TikTok, Instagram" not in page


def test_the_library_counts_expiring_content_and_shows_the_warning(client, workspace, manager, time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 20, 9, tzinfo=datetime.UTC))
    _deliverable(_signed(workspace, manager))
    client.force_login(manager)

    page = client.get(reverse("library:content")).content.decode()

    assert 'id="expiry-warning"' in page
    assert 'id="count-expiring">1<' in page
