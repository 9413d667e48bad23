"""The "contract signed" e-mail to the creator: queued once when the brand countersigns, with the
creator's tracking link and promo code (analytics' merge sources), or where they will appear."""

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Role
from accounts.tenancy import workspace_scope
from analytics.tracking import promo_codes
from briefs.contracts.emails import HOW_TO_USE_CODE, HOW_TO_USE_LINK, send_contract_signed_email
from briefs.contracts.signing import sign_as_brand, sign_as_creator
from tests.analytics.tracking_support import SHOP, verify
from tests.briefs.factories import negotiating_collaboration, send
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://cd.example.test"
TASK = "briefs.tasks.send_contract_signed_email_task"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def brand(workspace):
    with scopes_disabled():
        return MembershipFactory(
            workspace=workspace, user=UserFactory(email="olivia@glow.test", full_name="Olivia Owner"), role=Role.OWNER
        ).user


@pytest.fixture
def collaboration(workspace):
    return negotiating_collaboration(workspace=workspace)


def creator_signs(version):
    return sign_as_creator(
        version_id=version.pk, user=version.contract.collaboration.creator.user, typed_name="Maya Lopez",
        consent=True, ip="203.0.113.9", user_agent="Safari",
    )  # fmt: skip


def brand_signs(version, by):
    with workspace_scope(version.workspace):
        return sign_as_brand(
            version=version, by=by, typed_name=by.full_name, consent=True, ip="198.51.100.7", user_agent="Firefox"
        )


def queued(callbacks):
    return [callback.args for callback in callbacks if callback.keywords.get("task_name") == TASK]


def test_the_brands_countersignature_queues_the_e_mail_once_with_the_version_id(
    collaboration, brand, django_capture_on_commit_callbacks
):
    version = send(collaboration, brand)
    with django_capture_on_commit_callbacks(execute=False) as creator_callbacks:
        creator_signs(version)
    with django_capture_on_commit_callbacks(execute=False) as brand_callbacks:
        brand_signs(version, brand)

    assert queued(creator_callbacks) == []  # one signature is not a signed contract
    assert queued(brand_callbacks) == [(version.pk,)]


def test_the_e_mail_says_where_the_link_and_code_will_appear_before_they_exist(collaboration, brand):
    version = send(collaboration, brand)
    creator_signs(version)
    brand_signs(version, brand)

    assert send_contract_signed_email(version_id=version.pk) == 1

    (sent,) = mail.outbox
    page = f"{SITE}{reverse('portal-campaigns:collaboration', args=[collaboration.pk])}"
    assert sent.to == ["maya@creator.test"]
    assert sent.subject == "Your contract for Night serum is signed"
    assert sent.body == (
        "Your contract for Night serum with Glow Test (version 1) is now signed by you and Glow Test.\n\n"
        f"The signed PDF is on your collaboration page: {page}\n\n"
        "Your tracking link and promo code will appear on the same page once Glow Test creates them; "
        "we will tell you."
    )


def test_the_e_mail_carries_the_link_and_code_once_generated(collaboration, brand):
    version = send(collaboration, brand)
    creator_signs(version)
    brand_signs(version, brand)  # now contracted: links and codes can be made
    verify(collaboration.workspace)
    with workspace_scope(collaboration.workspace):
        ((link,), (code,)) = promo_codes.create_links_and_codes_for_campaign(
            campaign=collaboration.campaign, by=brand, destination=f"https://{SHOP}/serum"
        )

    send_contract_signed_email(version_id=version.pk)

    body = mail.outbox[-1].body
    assert f"Your tracking link: {SITE}/r/{link.token}\n{HOW_TO_USE_LINK}" in body
    assert f"Your promo code: {code.code}\n{HOW_TO_USE_CODE}" in body
    assert "will appear" not in body
    assert f"https://{SHOP}" not in body  # the short link, never the destination


def test_no_e_mail_for_a_version_not_signed_by_both(collaboration, brand):
    version = send(collaboration, brand)
    creator_signs(version)

    assert send_contract_signed_email(version_id=version.pk) == 0
    assert send_contract_signed_email(version_id=version.pk + 10_000) == 0
    assert mail.outbox == []
