"""Contract pages: the dashboard panel (send, countersign, download), the creator portal (read, sign,
download) and the portal brief with what changed. Another creator gets 404 on every route."""

import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role
from briefs.models import Brief, ContractVersion, SignatureEvent
from campaigns.models import Collaboration
from tests.briefs.factories import TERMS, negotiating_collaboration, send
from tests.campaigns.factories import CollaborationFactory
from tests.factories import CreatorFactory, CreatorUserFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand(workspace):
    with scopes_disabled():
        return MembershipFactory(
            workspace=workspace, user=UserFactory(email="olivia@glow.test", full_name="Olivia Owner"), role=Role.OWNER
        ).user


@pytest.fixture
def collaboration(workspace):
    return negotiating_collaboration(workspace=workspace)


def _form(**overrides):
    data = {k: v for k, v in TERMS.items() if not isinstance(v, bool)}
    data |= {k: "on" for k, v in TERMS.items() if v is True}
    return data | overrides


def _versions():
    with scopes_disabled():
        return list(ContractVersion.objects.order_by("number").values_list("number", "status"))


def test_the_panel_sends_a_version_and_lists_it(client, brand, collaboration):
    client.force_login(brand)
    url = reverse("briefs:collaboration-contract", kwargs={"collaboration_pk": collaboration.pk})

    assert 'id="no-contract"' in client.get(url).content.decode()
    html = client.post(url, _form(), HTTP_HX_REQUEST="true").content.decode()

    assert _versions() == [(1, "sent")]
    with scopes_disabled():
        version = ContractVersion.objects.get()
    assert "Version 1" in html and version.sha256 in html
    assert reverse("briefs:contract-version-pdf", kwargs={"contract_version_pk": version.pk}) in html


def test_the_panel_shows_a_bad_term_beside_its_field_and_sends_nothing(client, brand, collaboration):
    client.force_login(brand)
    url = reverse("briefs:collaboration-contract", kwargs={"collaboration_pk": collaboration.pk})

    response = client.post(url, _form(exclusivity_category="", exclusivity_days="30"))

    assert response.status_code == 400
    assert "Name the category the exclusivity covers." in response.content.decode()
    assert _versions() == []


def test_an_analyst_reads_the_panel_but_cannot_send(client, analyst, collaboration):
    client.force_login(analyst)
    url = reverse("briefs:collaboration-contract", kwargs={"collaboration_pk": collaboration.pk})

    page = client.get(url).content.decode()
    response = client.post(url, _form())

    assert 'id="contract-form"' not in page
    assert response.status_code == 403
    assert _versions() == []


def test_the_creator_reads_signs_and_downloads_in_the_portal_then_the_brand_countersigns(client, brand, collaboration):
    version = send(collaboration, brand)
    creator = collaboration.creator.user
    client.force_login(creator)
    url = reverse("portal-contracts:version", kwargs={"contract_version_pk": version.pk})

    page = client.get(url).content.decode()
    assert "Net 30 after the video goes live." in page and 'id="creator-sign-form"' in page
    pdf = client.get(reverse("portal-contracts:version-pdf", kwargs={"contract_version_pk": version.pk}))
    assert hashlib.sha256(pdf.content).hexdigest() == version.sha256

    refused = client.post(url, {"typed_name": "Maya Lopez"})  # consent box left unticked
    assert refused.status_code == 400 and "Tick the box" in refused.content.decode()
    assert _versions() == [(1, "sent")]

    response = client.post(url, {"typed_name": "Maya Lopez", "consent": "on"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    with scopes_disabled():
        event = SignatureEvent.objects.get()
    assert (event.role, event.ip, event.signer) == ("creator", "203.0.113.9", creator)

    client.force_login(brand)
    sign_url = reverse("briefs:contract-version-sign", kwargs={"contract_version_pk": version.pk})
    html = client.post(sign_url, {"typed_name": "Olivia Owner", "consent": "on"}, HTTP_HX_REQUEST="true")
    assert html.status_code == 200 and "signed PDF" in html.content.decode()
    assert _versions() == [(1, "fully_signed")]
    with scopes_disabled():
        collaboration.refresh_from_db()
    assert collaboration.stage == Collaboration.Stage.CONTRACTED


def test_behind_a_proxy_both_signatures_record_the_address_the_proxy_saw(client, brand, collaboration, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    version = send(collaboration, brand)
    # The client forged the left-most entry; the proxy (REMOTE_ADDR) appended what it really saw.
    through_proxy = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.66, 203.0.113.80"}
    client.force_login(collaboration.creator.user)
    url = reverse("portal-contracts:version", kwargs={"contract_version_pk": version.pk})
    client.post(url, {"typed_name": "Maya Lopez", "consent": "on"}, **through_proxy)
    client.force_login(brand)
    sign_url = reverse("briefs:contract-version-sign", kwargs={"contract_version_pk": version.pk})
    through_proxy["HTTP_X_FORWARDED_FOR"] = "203.0.113.81"
    client.post(sign_url, {"typed_name": "Olivia Owner", "consent": "on"}, HTTP_HX_REQUEST="true", **through_proxy)

    with scopes_disabled():
        recorded = dict(SignatureEvent.objects.values_list("role", "ip"))

    assert recorded == {"creator": "203.0.113.80", "brand": "203.0.113.81"}


def test_the_portal_lists_only_the_creators_own_contracts(client, brand, collaboration, workspace):
    send(collaboration, brand)
    other = negotiating_collaboration(workspace=workspace, creator_email="sam@creator.test", full_name="Sam Other")
    send(other, brand)
    client.force_login(collaboration.creator.user)

    html = client.get(reverse("portal-contracts:list")).content.decode()

    assert html.count("Night serum") == 1


def _brief(campaign, version, **content):
    with scopes_disabled():
        return Brief.objects.create(
            workspace=campaign.workspace, campaign=campaign, version=version, published_at=timezone.now(),
            objective=content.pop("objective", "Show the serum at night"), **content,
        )  # fmt: skip


def test_the_portal_brief_shows_the_latest_version_and_what_changed(client, collaboration):
    _brief(collaboration.campaign, 1, key_messages="Fragrance free\nVegan", timeline="Drafts by May 2")
    _brief(collaboration.campaign, 2, key_messages="Fragrance free\nDermatologist tested", timeline="Drafts by May 2")
    client.force_login(collaboration.creator.user)

    html = client.get(reverse("portal-briefs:campaign-brief", kwargs={"campaign_pk": collaboration.campaign_id}))
    body = html.content.decode()

    assert html.status_code == 200 and "brief version 2" in body
    assert "What changed since version 1" in body
    assert '<div class="small text-danger text-decoration-line-through" data-change="removed">Vegan</div>' in body
    assert '<div class="small text-success" data-change="added">Dermatologist tested</div>' in body
    assert "Timeline</div>" in body and 'data-change="removed">Drafts' not in body  # unchanged field: no diff


def test_another_creator_gets_404_on_every_contract_and_brief_route(client, brand, collaboration):
    version = send(collaboration, brand)
    _brief(collaboration.campaign, 1)
    stranger = CreatorUserFactory(email="stranger@creator.test", full_name="Maya Lopez")
    CreatorFactory(user=stranger)
    client.force_login(stranger)
    urls = [
        reverse("portal-contracts:version", kwargs={"contract_version_pk": version.pk}),
        reverse("portal-contracts:version-pdf", kwargs={"contract_version_pk": version.pk}),
        reverse("portal-contracts:version-signed-pdf", kwargs={"contract_version_pk": version.pk}),
        reverse("portal-briefs:campaign-brief", kwargs={"campaign_pk": collaboration.campaign_id}),
        reverse("portal-briefs:collaboration-panel", kwargs={"collaboration_pk": collaboration.pk}),
        reverse("portal-contracts:collaboration-panel", kwargs={"collaboration_pk": collaboration.pk}),
    ]

    for url in urls:
        for method in ("get", "post", "put", "delete"):
            response = getattr(client, method)(url, {"typed_name": "Maya Lopez", "consent": "on"})
            assert response.status_code == 404, f"{method} {url}"
    assert "Night serum" not in client.get(reverse("portal-contracts:list")).content.decode()
    assert _versions() == [(1, "sent")]
    with scopes_disabled():
        assert not SignatureEvent.objects.exists()


def test_a_shortlisted_creator_sees_neither_brief_nor_contract(client, workspace, brand):
    user = CreatorUserFactory(email="listed@creator.test")
    shortlisted = CollaborationFactory(
        campaign__workspace=workspace, creator=CreatorFactory(user=user), stage=Collaboration.Stage.SHORTLISTED
    )
    _brief(shortlisted.campaign, 1)
    client.force_login(user)

    url = reverse("portal-briefs:campaign-brief", kwargs={"campaign_pk": shortlisted.campaign_id})

    assert client.get(url).status_code == 404


def test_a_marketer_gets_404_in_the_portal(client, brand, collaboration):
    version = send(collaboration, brand)
    client.force_login(brand)

    assert (
        client.get(reverse("portal-contracts:version", kwargs={"contract_version_pk": version.pk})).status_code == 404
    )


def test_managers_edit_templates_and_unknown_fields_are_shown(client, brand):
    client.force_login(brand)
    url = reverse("briefs:contract-template-list")

    assert "{{ creator_name }}" in client.get(url).content.decode()  # starts from the default text
    bad = client.post(url, {"name": "Ours", "body": "Hi {{ creator_nam }}"})
    good = client.post(url, {"name": "Ours", "body": "Hi {{ creator_name }}", "is_default": "on"})

    assert bad.status_code == 400 and "Unknown merge field(s): creator_nam" in bad.content.decode()
    assert good.status_code == 302
    assert "Ours" in client.get(url).content.decode()


def test_the_collaboration_page_cards_say_what_to_do_next(client, brand, collaboration):
    panel = reverse("portal-contracts:collaboration-panel", kwargs={"collaboration_pk": collaboration.pk})
    brief_panel = reverse("portal-briefs:collaboration-panel", kwargs={"collaboration_pk": collaboration.pk})
    client.force_login(collaboration.creator.user)
    assert 'id="no-contract"' in client.get(panel).content.decode()
    assert 'id="no-brief"' in client.get(brief_panel).content.decode()

    version = send(collaboration, brand)
    _brief(collaboration.campaign, 1, key_messages="Fragrance free")
    _brief(collaboration.campaign, 2, key_messages="Fragrance free\nVegan")

    card = client.get(panel).content.decode()
    assert 'id="read-and-sign"' in card
    assert reverse("portal-contracts:version", kwargs={"contract_version_pk": version.pk}) in card
    brief_card = client.get(brief_panel).content.decode()
    assert 'id="brief-updated"' in brief_card and "key messages" in brief_card
