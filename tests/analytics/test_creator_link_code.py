"""The creator's link and code: the portal card that shows them, the `tracking_link` and `promo_code`
merge fields of outreach e-mails, and the thread message that tells creators when they are generated."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from analytics.models import PromoCode, TrackingLink
from analytics.tracking import creator_kit, promo_codes
from analytics.tracking.errors import TrackingError, TrackingErrorCode
from analytics.tracking.services import create_links_for_campaign, deactivate_tracking_link
from campaigns.pipeline import Stage
from outreach import merge, sending, services
from outreach.models import Message
from outreach.notifications import send_unread_notifications
from tests.analytics.tracking_support import SHOP, verify
from tests.campaigns.factories import CampaignFactory, CollaborationFactory
from tests.factories import CreatorFactory, CreatorUserFactory

pytestmark = pytest.mark.django_db

SITE = "https://cd.example.test"
DESTINATION = f"https://{SHOP}/serum"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def campaign(workspace, manager):
    with scopes_disabled():
        return CampaignFactory(workspace=workspace, name="Night serum", owner=manager)


def creator_collaboration(campaign, *, handle="mayamakes", email="maya@creator.test", stage=Stage.CONTRACTED):
    """A collaboration whose creator has a portal account (the creator profile is theirs)."""
    with scopes_disabled():
        user = CreatorUserFactory(email=email)
        creator = CreatorFactory(handle=handle, user=user, display_name="Maya Lopez")
        return CollaborationFactory(campaign=campaign, creator=creator, stage=stage)


def generate(campaign, by, **kwargs):
    with workspace_scope(campaign.workspace):
        return promo_codes.create_links_and_codes_for_campaign(
            campaign=campaign, by=by, destination=DESTINATION, **kwargs
        )


def thread_messages(collaboration):
    with scopes_disabled():
        return list(Message.objects.filter(collaboration=collaboration).order_by("pk"))


# --- The portal card --------------------------------------------------------------------------------


def test_the_card_shows_the_creators_short_link_and_code_with_copy_buttons(client, workspace, manager, campaign):
    verify(workspace)
    row = creator_collaboration(campaign)
    ((link,), (code,)) = generate(campaign, manager)
    client.force_login(row.creator.user)

    response = client.get(reverse("portal-tracking:collaboration-card", args=[row.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert f">{SITE}/r/{link.token}</textarea>" in body  # absolute, as the redirect serves it
    assert f'value="{code.code}"' in body
    assert 'data-copy="kit-link"' in body and 'data-copy="kit-code"' in body
    assert "TikTok bio" in body and "voice-over" in body
    assert "destination" not in body and SHOP not in body  # the creator posts the short link, not the shop URL


def test_the_card_says_what_happens_next_before_the_brand_generates_them(client, workspace, campaign):
    row = creator_collaboration(campaign)
    client.force_login(row.creator.user)

    body = client.get(reverse("portal-tracking:collaboration-card", args=[row.pk])).content.decode()

    assert 'id="no-link-code"' in body and "Glow Test creates them once your contract is signed" in body
    assert "data-copy=" not in body


def test_a_deactivated_link_is_not_handed_out(client, workspace, manager, campaign):
    verify(workspace)
    row = creator_collaboration(campaign)
    ((link,), (code,)) = generate(campaign, manager)
    with workspace_scope(workspace):
        deactivate_tracking_link(link=link, by=manager)
    client.force_login(row.creator.user)

    body = client.get(reverse("portal-tracking:collaboration-card", args=[row.pk])).content.decode()

    assert link.token not in body and 'id="no-link"' in body
    assert f'value="{code.code}"' in body


def test_another_creators_collaboration_is_not_found_by_any_method(client, workspace, manager, campaign):
    verify(workspace)
    theirs = creator_collaboration(campaign, handle="other", email="other@creator.test")
    generate(campaign, manager)
    mine = creator_collaboration(campaign)
    client.force_login(mine.creator.user)
    url = reverse("portal-tracking:collaboration-card", args=[theirs.pk])

    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 404
        assert b"/r/" not in response.content
    assert client.get(reverse("portal-tracking:collaboration-card", args=[mine.pk])).status_code == 200


def test_a_marketer_does_not_see_the_portal_card(client, workspace, manager, campaign):
    row = creator_collaboration(campaign)
    client.force_login(manager)
    assert client.get(reverse("portal-tracking:collaboration-card", args=[row.pk])).status_code == 404


def test_the_collaboration_page_loads_the_card_with_htmx(client, campaign):
    row = creator_collaboration(campaign)
    client.force_login(row.creator.user)

    body = client.get(reverse("portal-campaigns:collaboration", args=[row.pk])).content.decode()

    assert f'hx-get="{reverse("portal-tracking:collaboration-card", args=[row.pk])}"' in body


# --- Merge fields ------------------------------------------------------------------------------------


def _remind_with(workspace, manager, row, django_capture_on_commit_callbacks):
    with workspace_scope(workspace):
        services.save_template(
            workspace=workspace, by=manager, kind="reminder", name="Kit", is_default=True,
            subject="Your code {{ promo_code }}", body="Link: [{{ tracking_link }}] Code: [{{ promo_code }}]",
        )  # fmt: skip
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            result = sending.send_reminder(collaborations=[row], by=manager)
    assert [r.ok for r in result.rows] == [True]
    for callback in callbacks:
        if callback.keywords.get("task_name") == "outreach.tasks.send_outreach_email_task":
            sending.send_outreach_email(email_id=callback.args[0])


def test_the_merge_fields_render_the_link_and_code(workspace, manager, campaign, django_capture_on_commit_callbacks):
    verify(workspace)
    row = creator_collaboration(campaign)
    ((link,), (code,)) = generate(campaign, manager)
    mail.outbox.clear()

    _remind_with(workspace, manager, row, django_capture_on_commit_callbacks)

    (sent,) = mail.outbox
    assert sent.subject == f"Your code {code.code}"
    assert sent.body == f"Link: [{SITE}/r/{link.token}] Code: [{code.code}]"


def test_the_merge_fields_render_empty_before_anything_is_generated(
    workspace, manager, campaign, django_capture_on_commit_callbacks
):
    row = creator_collaboration(campaign)

    _remind_with(workspace, manager, row, django_capture_on_commit_callbacks)

    (sent,) = mail.outbox
    assert (sent.subject, sent.body) == ("Your code", "Link: [] Code: []")


def test_the_new_fields_are_known_to_the_template_checks_and_the_preview():
    assert merge.template_errors("{{ tracking_link }} {{ promo_code }}") == []
    assert merge.render("{{ tracking_link }}|{{ promo_code }}", merge.SAMPLE_VALUES) == (
        f"{merge.SAMPLE_VALUES['tracking_link']}|{merge.SAMPLE_VALUES['promo_code']}"
    )


def test_a_merge_source_is_registered_only_for_a_known_field_and_only_once():
    with pytest.raises(ValueError, match="not a registered merge field"):
        merge.register_merge_source("creator_password", lambda collaboration: "x")
    with pytest.raises(ValueError, match="already has a source"):
        merge.register_merge_source("promo_code", lambda collaboration: "x")
    creator_kit.register_merge_sources()  # analytics' own, again (ready() may run twice): a no-op


# --- Telling creators ----------------------------------------------------------------------------------


def test_generating_links_and_codes_posts_one_message_per_creator_naming_both(workspace, manager, campaign):
    verify(workspace)
    row = creator_collaboration(campaign)

    ((link,), (code,)) = generate(campaign, manager)

    (message,) = thread_messages(row)
    assert (message.kind, message.sender_side, message.author) == ("system", "brand", manager)
    page = f"{SITE}{reverse('portal-campaigns:collaboration', args=[row.pk])}"
    assert message.body == (
        "Your tracking link and promo code for Night serum are ready.\n\n"
        f"Link: {SITE}/r/{link.token}\n{creator_kit.HOW_TO_USE_LINK}\n\n"
        f"Code: {code.code}\n{creator_kit.HOW_TO_USE_CODE}\n\n"
        f"Copy them from your collaboration page: {page}"
    )


def test_generating_again_with_nothing_new_tells_nobody(workspace, manager, campaign):
    verify(workspace)
    row = creator_collaboration(campaign)
    generate(campaign, manager)

    with pytest.raises(TrackingError) as refused:
        generate(campaign, manager)

    assert refused.value.code == TrackingErrorCode.NOTHING_TO_LINK
    assert len(thread_messages(row)) == 1


def test_a_later_generation_tells_only_the_creators_it_gave_something(workspace, manager, campaign):
    verify(workspace)
    first = creator_collaboration(campaign)
    generate(campaign, manager)
    second = creator_collaboration(campaign, handle="newcomer", email="new@creator.test")

    generate(campaign, manager)

    assert (len(thread_messages(first)), len(thread_messages(second))) == (1, 1)


def test_links_then_codes_are_two_generations_each_told_once(workspace, manager, campaign):
    verify(workspace)
    row = creator_collaboration(campaign)
    with workspace_scope(workspace):
        (link,) = create_links_for_campaign(campaign=campaign, by=manager, destination=DESTINATION)
        assert [m.body.splitlines()[0] for m in thread_messages(row)] == [
            "Your tracking link for Night serum is ready."
        ]
        (code,) = promo_codes.create_codes_for_campaign(campaign=campaign, by=manager)

    _, second = thread_messages(row)
    assert second.body.startswith("Your tracking link and promo code for Night serum are ready.")
    assert f"Code: {code.code}" in second.body and f"/r/{link.token}" in second.body


def test_a_refused_generation_writes_no_message(workspace, manager, campaign):
    row = creator_collaboration(campaign)  # no verified domain: the destination is refused

    with pytest.raises(TrackingError):
        generate(campaign, manager)

    assert thread_messages(row) == []
    with scopes_disabled():
        assert (TrackingLink.objects.count(), PromoCode.objects.count()) == (0, 0)


def test_the_creator_is_e_mailed_the_message_by_the_unread_sweep_once(workspace, manager, campaign):
    verify(workspace)
    creator_collaboration(campaign)
    ((link,), _) = generate(campaign, manager)
    later = timezone.now() + dt.timedelta(hours=1)

    sent = send_unread_notifications(now=later)
    again = send_unread_notifications(now=later)

    creator_mail = [m for m in mail.outbox if m.to == ["maya@creator.test"]]
    assert (sent, again, len(creator_mail)) == (1, 0, 1)
    assert f"{SITE}/r/{link.token}" in creator_mail[0].body
