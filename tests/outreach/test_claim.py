"""Claim links: a creator invited by e-mail claims a portal account with the link, once, before it
expires, and only for their own creator profile. A claim grants the inviting workspace only."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import User
from accounts.tenancy import workspace_scope
from creators.models import Creator, PortalGrant
from outreach import claims, sending
from outreach.errors import OutreachError, OutreachNotFoundError
from outreach.models import ClaimLink
from tests.factories import PASSWORD, CreatorFactory, CreatorUserFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "glow-in-the-dark-2026"


@pytest.fixture
def invited(workspace, manager, make_collaboration, django_capture_on_commit_callbacks):
    """An invitation e-mailed to a creator without a portal account; returns (collaboration, raw token)."""
    row = make_collaboration(handle="mayamakes", email="Maya@Creator.test", display_name="Maya Lopez")
    with django_capture_on_commit_callbacks(execute=False) as callbacks, workspace_scope(workspace):
        sending.invite(collaborations=[row], by=manager)
    (email_id,) = callbacks[0].args  # the task takes the id only: the token is derived when sending
    sending.send_outreach_email(email_id=email_id)
    token = re.search(r"/portal/claim/([A-Za-z0-9_-]+)/", mail.outbox[0].body).group(1)
    return row, token


def _creator(row):
    return Creator.objects.get(pk=row.creator_id)


def _grantees(row) -> list:
    """Who the claim let in, to which workspace (never every workspace: that takes a TikTok sign-in)."""
    grants = PortalGrant.objects.filter(creator_id=row.creator_id, revoked_at__isnull=True)
    return [(grant.user, grant.workspace_id, grant.method) for grant in grants.select_related("user")]


def test_the_link_creates_a_creator_account_and_links_the_profile(client, invited):
    row, token = invited
    url = reverse("portal-outreach:claim-accept", args=[token])

    page = client.get(url)
    response = client.post(url, {"full_name": "Maya L.", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

    assert page.status_code == 200 and "@mayamakes" in page.content.decode()
    assert response.status_code == 302 and response["Location"] == reverse("portal-outreach:thread", args=[row.pk])
    account = User.objects.get(email="maya@creator.test")
    assert account.is_creator and account.check_password(NEW_PASSWORD) and account.full_name == "Maya L."
    assert _grantees(row) == [(account, row.workspace_id, "claim_link")]
    assert _creator(row).user_id is None  # granted this brand; the handle itself is not proven
    assert client.get(response["Location"]).status_code == 200  # signed in, in their own thread
    with scopes_disabled():
        link = ClaimLink.objects.get()
    assert link.used_by == account and link.used_at is not None


def test_the_link_works_once(client, invited):
    _, token = invited
    account = claims.claim(token=token, password=NEW_PASSWORD)

    with pytest.raises(OutreachError) as excinfo:
        claims.claim(token=token, user=account)  # even its own account cannot use it twice
    response = client.get(reverse("portal-outreach:claim-accept", args=[token]))

    assert excinfo.value.code == "claim_invalid" and "already used" in excinfo.value.message
    assert response.status_code == 410 and 'id="claim-form"' not in response.content.decode()
    assert User.objects.filter(kind="creator").count() == 1


def test_the_link_expires(client, invited):
    row, token = invited
    url = reverse("portal-outreach:claim-accept", args=[token])

    with time_machine.travel(timezone.now() + datetime.timedelta(days=14, minutes=1)):
        with pytest.raises(OutreachError) as excinfo:
            claims.claim(token=token, password=NEW_PASSWORD)
        response = client.post(url, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

    assert "expired" in excinfo.value.message and response.status_code == 410
    assert not User.objects.filter(email="maya@creator.test").exists()
    assert _grantees(row) == []


def test_the_link_still_works_just_before_it_expires(invited):
    row, token = invited

    with time_machine.travel(timezone.now() + datetime.timedelta(days=13, hours=23)):
        account = claims.claim(token=token, password=NEW_PASSWORD)

    assert _grantees(row) == [(account, row.workspace_id, "claim_link")]


def test_a_creator_signed_in_as_another_creator_is_refused(client, invited):
    row, token = invited
    someone = CreatorUserFactory(email="someone@creator.test")
    CreatorFactory(handle="someoneelse", user=someone)
    client.force_login(someone)

    response = client.post(reverse("portal-outreach:claim-accept", args=[token]))

    assert response.status_code == 400
    assert "This invitation is for @mayamakes, and you are signed in as @someoneelse." in response.content.decode()
    assert _grantees(row) == []
    with scopes_disabled():
        assert ClaimLink.objects.get().used_at is None


def test_a_signed_in_creator_without_a_profile_links_it(client, invited):
    row, token = invited
    fresh = CreatorUserFactory(email="maya.other@creator.test")
    client.force_login(fresh)

    response = client.post(reverse("portal-outreach:claim-accept", args=[token]))

    assert response.status_code == 302
    assert _grantees(row) == [(fresh, row.workspace_id, "claim_link")]


def test_a_claim_leaves_the_proven_account_as_it_was(invited):
    """The handle's proven owner (TikTok sign-in) keeps every workspace; whoever holds this brand's link
    reaches this brand's collaboration only, and never becomes the creator's account."""
    row, token = invited
    owner = CreatorUserFactory(email="first@creator.test")
    Creator.objects.filter(pk=row.creator_id).update(user=owner)

    account = claims.claim(token=token, password=NEW_PASSWORD)

    assert _creator(row).user == owner
    assert _grantees(row) == [(account, row.workspace_id, "claim_link")]


def test_a_brand_account_cannot_claim_a_creator_profile(invited):
    row, token = invited
    marketer = UserFactory(email="marketer@brand.test")

    with pytest.raises(OutreachError) as excinfo:
        claims.claim(token=token, user=marketer)

    assert excinfo.value.code == "claim_wrong_creator"
    assert _grantees(row) == []


def test_an_existing_account_for_the_e_mail_must_sign_in_first(invited):
    row, token = invited
    UserFactory(email="maya@creator.test", kind="creator")

    with pytest.raises(OutreachError) as excinfo:
        claims.claim(token=token, password=NEW_PASSWORD)

    assert excinfo.value.code == "account_exists"
    assert _grantees(row) == []


def test_a_weak_password_is_refused_with_the_reason(client, invited):
    _, token = invited

    response = client.post(
        reverse("portal-outreach:claim-accept", args=[token]), {"password": "123", "password_again": "123"}
    )

    assert response.status_code == 400 and "too short" in response.content.decode()
    assert not User.objects.filter(email="maya@creator.test").exists()


def test_an_unknown_token_is_404(client):
    assert client.get(reverse("portal-outreach:claim-accept", args=["not-a-token"])).status_code == 404
    with pytest.raises(OutreachNotFoundError):
        claims.claim(token="not-a-token", password=PASSWORD)
