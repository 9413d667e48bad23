"""Browser checks of the deliverable journey. On a phone, a creator uploads a draft from the
collaboration page: htmx posts it as multipart, the <progress> bar fills from the upload's progress
events, and the new round appears without a reload. On the dashboard, a manager asks for changes and
the review panel updates in place."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from accounts.models import Role
from campaigns.deliverables import services as deliverable_services
from campaigns.models import Deliverable
from campaigns.pipeline import Stage
from tests.browser.conftest import screenshot
from tests.campaigns.factories import CollaborationFactory, DeliverableFactory
from tests.campaigns.test_uploads import _mp4
from tests.factories import (
    PASSWORD,
    CreatorFactory,
    CreatorUserFactory,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.browser


def test_a_creator_uploads_a_draft_with_a_progress_bar_on_a_phone(
    transactional_db,
    phone,
    live_server,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    user = CreatorUserFactory(email="phone-creator@example.test")
    with scopes_disabled():
        creator = CreatorFactory(handle="phonecreator", user=user)
        collaboration = CollaborationFactory(
            campaign__workspace=WorkspaceFactory(), campaign__name="Phone launch", creator=creator,
            stage=Stage.CONTRACTED,
        )  # fmt: skip
        deliverable = DeliverableFactory(collaboration=collaboration)
    base = live_server.url
    phone.goto(f"{base}/accounts/login/")
    phone.fill("#id_username", user.email)
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{base}/portal/")

    phone.goto(f"{base}/portal/campaigns/{collaboration.pk}/")
    # Big enough that the browser reports upload progress; still a real MP4 by its first bytes.
    video = _mp4() + b"\x00" * (512 * 1024)
    phone.set_input_files(f"#file-{deliverable.pk}", {"name": "cut.mp4", "mimeType": "video/mp4", "buffer": video})
    # What the bar showed: read on body, after app.js's data-upload-progress handler (capture phase) set it.
    phone.evaluate(
        """pk => {
             window.shown = 0;
             document.body.addEventListener('htmx:xhr:progress', () => {
               const bar = document.getElementById('progress-' + pk);
               if (bar) window.shown = Math.max(window.shown, bar.value);
             });
           }""",
        deliverable.pk,
    )
    phone.click(f"#deliverable-{deliverable.pk} button[type=submit]")
    phone.wait_for_selector(f"#deliverable-{deliverable.pk} [id^=round-]")

    assert phone.evaluate("window.shown") > 0
    assert "Round 1" in phone.inner_text(f"#deliverable-{deliverable.pk}")
    assert phone.inner_text(f"#deliverable-status-{deliverable.pk}") == "Draft in review"
    assert phone.inner_text("#stage") == "Content in review"  # the badge outside the panel follows
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
    assert [path.stat().st_size for path in tmp_path.rglob("*.mp4")] == [len(video)]
    screenshot(phone, "portal-collaboration-phone")


def test_the_brand_asks_for_changes_in_the_panel_without_a_reload(
    transactional_db,
    page,
    live_server,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    workspace = WorkspaceFactory()
    manager = UserFactory(email="reviewer@brand.test")
    user = CreatorUserFactory(email="desk-creator@example.test")
    with scopes_disabled():
        MembershipFactory(workspace=workspace, user=manager, role=Role.MANAGER)
        creator = CreatorFactory(handle="deskcreator", user=user)
        collaboration = CollaborationFactory(campaign__workspace=workspace, creator=creator, stage=Stage.CONTRACTED)
        deliverable = DeliverableFactory(collaboration=collaboration)
    submission = deliverable_services.submit_draft(
        deliverable_id=deliverable.pk, user=user, file=SimpleUploadedFile("cut.mp4", _mp4(), "video/mp4")
    )
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", manager.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/campaigns/collaborations/{collaboration.pk}/")
    page.fill(f"#submission-{submission.pk} textarea[name=comment]", "Say the product name at 0:02")
    page.click(f"#submission-{submission.pk} button[value=request_changes]")
    page.wait_for_selector("#review-panel .badge:has-text('Changes requested')")

    assert "Say the product name at 0:02" in page.inner_text("#review-panel")
    assert page.inner_text("#stage") == "Contracted"  # swapped out of band with the panel
    assert "Changes requested" in page.inner_text("#deliverables")
    with scopes_disabled():
        assert Deliverable.objects.get(pk=deliverable.pk).status == Deliverable.Status.CHANGES_REQUESTED
    preview = page.locator(f"#submission-{submission.pk} a", has_text="Preview").get_attribute("href")
    assert preview == f"/campaigns/submissions/{submission.pk}/file/"
    screenshot(page, "collaboration-review-panel")
