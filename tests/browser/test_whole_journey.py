"""The whole journey, from an empty install to the campaign's verdict, through the real pages.

No seed data: the setup page makes the owner and the workspace; a small creator file is imported through
the import pages; the marketer discovers and shortlists, creates a campaign with KPIs and a target
audience and activates it, sees the recommendations follow the target, invites a creator, publishes a
brief and sends a contract. The creator (a phone) claims the invitation from its e-mail, signs, sees their
tracking link and promo code and uploads a draft; the marketer is told (the bell) and approves; the
creator posts the live link; a shopper clicks the link and the shop's signed webhook reports an order;
the report over the last 7 days judges the creator in the objective's terms; the campaign is completed.

Background work runs on a real Celery worker over the devstack's Redis (imports, e-mails, domain
verification, order processing). What beat would run on its schedule (scoring new metrics, flushing
clicks) is queued to that worker by the test. The outside world is faked: the shop's web server that
serves the domain proof (tests.fakes.domain_proof_server) and the shop's order webhook
(tests.fakes.order_webhooks). Screenshots: var/screenshots/journey-NN-<step>.png."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import User, Workspace
from analytics.models import Attribution, ClickEvent
from campaigns.models import Campaign, Collaboration, Deliverable
from config.celery import app as celery_app
from creators.models import Creator
from tests.analytics.tracking_support import SHOP, click_stream  # noqa: F401 - click_stream is a fixture
from tests.browser.conftest import screenshot
from tests.campaigns.test_uploads import _mp4
from tests.creators.import_support import write_csv
from tests.fakes.domain_proof_server import FakeDomains
from tests.fakes.order_webhooks import shopify_order, shopify_request
from tests.waiting import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.worker]

OWNER_EMAIL, OWNER_PASSWORD, OWNER_NAME = "olivia@glow.test", "sea-lantern-orbit-42", "Olivia Owner"
CREATOR_EMAIL, CREATOR_PASSWORD, CREATOR_NAME = "maya@creators.test", "glow-in-the-dark-2026", "Maya Glow"
MATCH, OTHER = "maya.glow", "chef.luis"  # skincare in the US; food in Mexico
LIVE_VIDEO_ID = "7300000000000000002"
BROWSER_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"
)
SLOW = 60_000  # the machine is loaded: waits for the worker's results are long


@pytest.fixture
def worker(settings):
    """A real Celery worker in this process, consuming the devstack's Redis, writing to PostgreSQL."""
    with start_worker(
        celery_app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=15
    ):
        yield


@pytest.fixture
def shop_server(settings):
    """The shop's web server, serving the domain proof the marketer publishes (the outside world)."""
    server = FakeDomains().start()
    settings.DOMAIN_VERIFICATION_URL = server.url_template
    settings.DOMAIN_VERIFICATION_ALLOWED_NETWORKS = ["127.0.0.0/8"]  # the fake server; never in production
    yield server
    server.stop()


def shot(page, number: int, step: str) -> None:
    screenshot(page, f"journey-{number:02d}-{step}")


def _creator_file(tmp_path):
    """A scraper-style export: one row per video with its author's fields, the last days' videos."""
    now = timezone.now()
    header = ("username", "nickname", "followers", "country", "niche", "email", "video_id", "create_time",
              "caption", "views", "likes", "comments", "shares")  # fmt: skip
    rows = []
    for n, (views, likes) in enumerate(((42_000, 3_900), (51_000, 4_700), (38_000, 3_100))):
        posted = (now - dt.timedelta(days=9 - 3 * n)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append((MATCH, "Maya Glow", "24.5K", "US", "skincare", CREATOR_EMAIL, f"730000000000000000{n}",
                     posted, f"Night routine #{n} #skincare #ad", views, likes, 120 + n, 40 + n))  # fmt: skip
    for n, (views, likes) in enumerate(((90_000, 9_800), (120_000, 12_500), (80_000, 8_100))):
        posted = (now - dt.timedelta(days=8 - 3 * n)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append((OTHER, "Luis Cocina", "31K", "MX", "food", "luis@creators.test", f"740000000000000000{n}",
                     posted, f"Tacos al pastor #{n} #food", views, likes, 300 + n, 90 + n))  # fmt: skip
    return write_csv(tmp_path / "my-creators.csv", header, rows)


def _recommended_handles(page) -> list[str]:
    links = page.locator("#recommendations tbody tr td a[href^='/creators/']")
    return [text.strip().lstrip("@") for text in links.all_inner_texts()]


def test_a_brand_runs_a_campaign_from_an_empty_install_to_its_verdict(
    page,
    phone,
    live_server,
    transactional_db,
    seeded_niches,
    worker,
    shop_server,
    click_stream,  # noqa: F811 - the fixture imported above
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = live_server.url
    page.set_default_timeout(SLOW)
    phone.set_default_timeout(SLOW)
    base = live_server.url
    assert not User.objects.exists() and not Creator.objects.exists()

    # --- 1. Setup: the owner and the workspace ----------------------------------------------------------
    page.goto(f"{base}/")
    page.wait_for_url(f"{base}/setup/")
    page.fill("#id_full_name", OWNER_NAME)
    page.fill("#id_email", OWNER_EMAIL)
    page.fill("#id_password", OWNER_PASSWORD)
    page.fill("#id_password_again", OWNER_PASSWORD)
    page.fill("#id_workspace_name", "Glow Skincare")
    page.select_option("#id_time_zone", "UTC")
    shot(page, 1, "setup")
    page.click("#setup-form button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert page.locator(".cd-ws-name").inner_text() == "Glow Skincare"
    workspace = Workspace.objects.get()

    # --- 2. Import a small creator file ---------------------------------------------------------------
    page.goto(f"{base}/creators/import/")
    page.get_by_role("link", name="Import a file").first.click()
    page.set_input_files("input[type=file]", str(_creator_file(tmp_path)))
    page.get_by_role("button", name="Upload and map columns").click()
    page.wait_for_url("**/mapping/")
    assert page.locator("#id_handle").input_value() == "username"
    assert page.locator("#id_contact_email").input_value() == "email"
    page.get_by_role("button", name="Start import").click()
    page.wait_for_url("**/creators/import/*/")
    page.locator("#count-created", has_text="2").wait_for()  # the worker ran the import; the page polled
    assert page.locator("#count-rejected").inner_text() == "0"
    shot(page, 2, "import-done")
    # Beat scores creators with new metrics every ten minutes: run that task now, on the worker.
    celery_app.send_task("analytics.tasks.score_stale_creators_task")
    assert wait_for(lambda: Creator.objects.filter(score__isnull=False).count() == 2, timeout_s=120), (
        "the worker did not score the imported creators"
    )

    # --- 3. Discover and shortlist --------------------------------------------------------------------
    page.goto(f"{base}/creators/?q=maya&country=US")
    link = page.locator("a[href^='/creators/']", has_text=f"@{MATCH}").first
    link.wait_for()
    assert page.locator("a[href^='/creators/']", has_text=f"@{OTHER}").count() == 0
    link.click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/creators/\d+/$"))
    page.fill('#creator-lists input[name="new_list_name"]', "Skincare picks")
    page.click("#create-list-and-add")
    page.locator("#creator-lists a", has_text="Skincare picks").wait_for()
    shot(page, 3, "discover-shortlist")

    # --- 4. A campaign with KPIs and a target audience, activated ---------------------------------------
    today = timezone.now().date()
    page.goto(f"{base}/campaigns/")
    page.click("#new-campaign-link")
    page.wait_for_url(f"{base}/campaigns/new/")
    page.fill("input[name=name]", "Night serum launch")
    page.select_option("select[name=objective]", "sales")
    page.fill("input[name=budget]", "5000")
    page.select_option("select[name=currency]", "USD")
    # Two weeks, half of them past: the report prorates the fee over the campaign's days, so the last 7
    # days carry half of it (above the default minimum spend for a verdict).
    page.fill("input[name=start_date]", (today - dt.timedelta(days=6)).isoformat())
    page.fill("input[name=end_date]", (today + dt.timedelta(days=7)).isoformat())
    page.select_option("select[name=kpis-0-metric]", "orders")
    page.fill("input[name=kpis-0-target]", "5")
    page.select_option("select[name=kpis-1-metric]", "roas")
    page.fill("input[name=kpis-1-target]", "3")
    page.check("#field-niches input[value=skincare]")
    page.fill("input[name=countries]", "US")
    page.check("#field-tiers input[value=micro]")
    shot(page, 4, "campaign-create")
    page.click("#save-campaign")
    page.wait_for_url(re.compile(rf"{re.escape(base)}/campaigns/\d+/$"))
    campaign_url = page.url
    assert "Draft" in page.inner_text(".page-title")
    page.click("#campaign-to-active")
    page.wait_for_selector("#campaign-to-paused")
    assert "Active" in page.inner_text(".page-title")
    shot(page, 4, "campaign-active")
    with scopes_disabled():
        campaign = Campaign.objects.get()
    assert campaign.status == "active" and campaign.target_audience["niches"] == ["skincare"]

    # --- 5. The recommendations follow the target -------------------------------------------------------
    page.locator("#recommendations").scroll_into_view_if_needed()
    handles = _recommended_handles(page)
    assert MATCH in handles, handles
    assert OTHER not in handles, f"@{OTHER} (food, MX) is outside the target: {handles}"
    shot(page, 5, "recommendations")
    page.check(f"#recommendations input[aria-label='Shortlist @{MATCH}']")
    page.click("#shortlist-selected")
    page.wait_for_selector('[data-stage="shortlisted"] [id^=collaboration-]')
    with scopes_disabled():
        collaboration = Collaboration.objects.get(campaign=campaign)
    assert collaboration.creator.handle == MATCH

    # --- 6. Invite, publish a brief, send a contract ----------------------------------------------------
    page.click("#show-table")
    page.wait_for_selector("#campaign-table #campaign-bulk")
    page.check(f"#row-{collaboration.pk} input[name=collaboration]")
    page.click("#campaign-bulk button[value=invite]")
    page.wait_for_selector("#bulk-result")
    page.wait_for_selector(f'[data-stage="invited"] #collaboration-{collaboration.pk}')
    page.locator("#brief-panel summary").click()
    page.fill("#brief-form [name=objective]", "Show your honest night routine with the serum.")
    page.fill("#brief-form [name=must_avoid]", "medical claims")
    page.click("#brief-form button[type=submit]")
    page.wait_for_selector("#brief-panel .badge:has-text('v1')")
    shot(page, 6, "invited-brief")
    assert wait_for(lambda: any("/portal/claim/" in m.body for m in mail.outbox), timeout_s=60), (
        "the worker sent no invitation"
    )
    (invitation,) = [m for m in mail.outbox if "/portal/claim/" in m.body]
    assert invitation.to == [CREATOR_EMAIL]
    claim_url = re.search(r"https?://\S+/portal/claim/[A-Za-z0-9_-]+/", invitation.body).group(0)

    # --- 7a. The creator claims (phone) and accepts ------------------------------------------------------
    phone.goto(claim_url)
    phone.fill("#id_full_name", CREATOR_NAME)
    phone.fill("#id_password", CREATOR_PASSWORD)
    phone.fill("#id_password_again", CREATOR_PASSWORD)
    phone.click("#claim-form button[type=submit]")
    phone.wait_for_url(f"{base}/portal/messages/{collaboration.pk}/")
    phone.goto(f"{base}/portal/")
    phone.click(f"#accept-{collaboration.pk}")
    phone.wait_for_selector(f"#accept-{collaboration.pk}", state="detached")
    shot(phone, 7, "creator-claimed")

    # --- 6b. The marketer agrees the terms and sends the contract -------------------------------------
    page.goto(f"{base}/campaigns/collaborations/{collaboration.pk}/")
    page.select_option("#t-type", "fixed_fee")
    page.fill("#t-fee", "500.00")
    page.select_option("#t-currency", "USD")
    page.click("#terms-form button[type=submit]")
    page.wait_for_selector("#agreement :text('500.00')")
    page.locator("#add-deliverable summary").click()
    page.select_option("#d-format", "in_feed_video")
    page.click("#deliverable-form button[type=submit]")
    page.wait_for_selector("#deliverables :text('In-feed video')")
    page.locator("#contract-panel details summary").click()
    page.click("#contract-form button[type=submit]")
    page.wait_for_selector("#contract-status")
    assert "awaiting the creator" in page.inner_text("#contract-status").lower()
    screenshot(page, "journey-06-contract-sent")

    # --- 7b. The creator signs on the phone -------------------------------------------------------------
    phone.goto(f"{base}/portal/campaigns/{collaboration.pk}/")
    phone.click("#read-and-sign")
    phone.wait_for_selector("#creator-sign-form")
    phone.fill("#typed-name", CREATOR_NAME)
    phone.check("#consent")
    phone.click("#creator-sign-form button[type=submit]")
    phone.wait_for_selector("#version-status")
    assert "brand" in phone.inner_text("#version-status").lower()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "journey-07-creator-signed")

    # The marketer countersigns, verifies the shop's domain and makes the link and the code.
    page.goto(f"{base}/campaigns/collaborations/{collaboration.pk}/")
    page.fill("#brand-typed-name", OWNER_NAME)
    page.check("#brand-sign-form input[name=consent]")
    page.click("#brand-sign-form button[type=submit]")
    page.wait_for_selector("#contract-status:has-text('Fully signed')")
    page.goto(f"{base}/tracking/domains/")
    page.fill("#domain-form input[name=domain]", SHOP)
    page.click("#domain-form button[type=submit]")
    token = page.get_by_label(f"Token of {SHOP}").input_value()
    shop_server.publish(SHOP, token)  # the shop's owner serves the token on their site
    page.get_by_role("button", name="Verify").click()
    for _ in range(120):  # the worker fetches the proof; the page shows the outcome on a reload
        if "checking" not in page.inner_text(".page-body").lower():
            break
        page.wait_for_timeout(500)
        page.reload()
    assert "verified" in page.inner_text(".page-body").lower()
    page.goto(campaign_url)
    page.locator("#tracking-links-form").wait_for()
    page.fill("#tracking-links-form input[name=destination]", f"https://{SHOP}/serum")
    page.click("#tracking-links-form button[type=submit]")
    page.wait_for_selector("#tracking-notice")
    page.locator("#promo-codes-form").wait_for()
    page.fill("#promo-codes-form input[name=discount]", "15")
    page.click("#promo-codes-form button[type=submit]")
    page.wait_for_selector("#promo-notice")
    page.locator("#tracking-links-panel").scroll_into_view_if_needed()
    screenshot(page, "journey-07-links-and-codes")
    short_link = page.locator("#tracking-links input[readonly]").first.input_value()
    code = page.locator("#promo-codes td.font-monospace").first.inner_text().strip()

    # The creator sees their link and code, and uploads the draft.
    phone.goto(f"{base}/portal/campaigns/{collaboration.pk}/")
    phone.wait_for_selector("#link-code-card")
    assert phone.input_value("#kit-link") == short_link
    assert phone.input_value("#kit-code") == code
    with scopes_disabled():
        deliverable = Deliverable.objects.get(collaboration=collaboration)
    phone.set_input_files(
        f"#file-{deliverable.pk}", {"name": "draft.mp4", "mimeType": "video/mp4", "buffer": _mp4() + b"\0" * 4096}
    )
    phone.click(f"#deliverable-{deliverable.pk} button[type=submit]")
    phone.wait_for_selector(f"#deliverable-{deliverable.pk} [id^=round-]")
    phone.locator("#link-code-card").scroll_into_view_if_needed()
    screenshot(phone, "journey-07-creator-link-code-draft")

    # --- 8. The marketer is told, and approves ----------------------------------------------------------
    page.goto(f"{base}/")
    badge = page.locator("#notification-bell .badge")
    badge.wait_for()
    assert int(badge.inner_text()) >= 1
    shot(page, 8, "bell")
    page.click("#notification-bell")
    page.wait_for_url(f"{base}/notifications/")
    draft_note = page.locator("[data-notification]", has_text="draft")
    assert draft_note.count() >= 1, page.inner_text("#notification-list")
    screenshot(page, "journey-08-notifications")
    page.goto(f"{base}/campaigns/collaborations/{collaboration.pk}/")
    page.fill(f"#review-deliverable-{deliverable.pk} textarea[name=comment]", "Great hook, approved.")
    page.click(f"#review-deliverable-{deliverable.pk} button[value=approve]")
    page.wait_for_selector("#stage:has-text('Approved')")
    screenshot(page, "journey-08-approved")

    # --- 9. The live link ----------------------------------------------------------------------------
    phone.goto(f"{base}/portal/campaigns/{collaboration.pk}/")
    phone.fill(f"#url-{deliverable.pk}", f"https://www.tiktok.com/@{MATCH}/video/{LIVE_VIDEO_ID}")
    phone.click(f"#deliverable-{deliverable.pk} button:has-text('Submit live link')")
    phone.wait_for_selector(f"#deliverable-status-{deliverable.pk}:has-text('Live')")
    shot(phone, 9, "live-link")

    # --- 10. A click on the link and an order by the shop's signed webhook -------------------------------
    redirect = page.request.get(short_link, max_redirects=0, headers={"User-Agent": BROWSER_UA})
    assert redirect.status == 302, redirect.status
    landing = redirect.headers["location"]
    assert landing.startswith(f"https://{SHOP}/serum")
    click_id = uuid.UUID(parse_qs(urlsplit(landing).query)["cd_click"][0])
    celery_app.send_task("analytics.tasks.flush_clicks_task")  # beat flushes the click stream each minute
    assert wait_for(lambda: ClickEvent.objects.with_scopes_disabled().filter(click_id=click_id).exists(), 60)  # type: ignore[attr-defined]

    page.goto(f"{base}/orders/stores/")
    page.fill("#id_name", "Glow Shopify")
    page.select_option("#id_kind", "shopify")
    page.click("#order-source-form button[type=submit]")
    secret = page.locator("#revealed-secret input").input_value()
    page.goto(f"{base}/orders/attribution/")
    page.select_option("#id_rule", "last_click")
    page.click("#attribution-form button[type=submit]")
    page.wait_for_selector("#attribution-saved")
    placed = timezone.now().isoformat(timespec="seconds")
    body, headers = shopify_request(
        shopify_order(order_id=5551001, total="2000.00", created_at=placed, click_id=click_id, codes=(code,)),
        secret=secret,
    )
    http_headers = {name.removeprefix("HTTP_").replace("_", "-").title(): value for name, value in headers.items()} | {
        "Content-Type": "application/json"
    }
    hook = page.request.post(f"{base}/hooks/orders/{workspace.slug}/", data=body, headers=http_headers)
    assert hook.status == 200, hook.text()
    assert wait_for(
        lambda: Attribution.objects.with_scopes_disabled().filter(collaboration=collaboration).exists(),
        60,  # type: ignore[attr-defined]
    ), "the worker did not attribute the order"
    page.goto(campaign_url)
    page.wait_for_selector("#tracking-links")  # the panel arrives by htmx
    page.locator("#tracking-links-panel").scroll_into_view_if_needed()
    shot(page, 10, "click-and-order")

    # --- 11. The report of the last 7 days, in the objective's terms ------------------------------------
    page.goto(f"{base}/reports/settings/")
    page.fill("input[name=min_days_live]", "0")  # judge a video posted today
    page.click("#save-settings")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/reports/campaigns/{campaign.pk}/?range=7d")
    assert "Last 7 days" in page.inner_text("#range-label")
    row = page.locator(f"#creator-{collaboration.pk}")
    assert f"@{MATCH}" in row.inner_text()
    verdict = row.locator(".cd-verdict")
    assert verdict.get_attribute("data-verdict") == "scale", row.inner_text()
    assert "ROAS" in row.locator(".cd-reason").inner_text()
    assert page.locator("#objective-headlines").count() == 1
    shot(page, 11, "report-7-days")
    page.goto(campaign_url)
    page.wait_for_selector("#kpi-table")
    assert "20" in page.inner_text("#kpi-orders")  # 1 of 5 orders
    page.locator("#kpi-panel").scroll_into_view_if_needed()
    screenshot(page, "journey-11-kpi-progress")

    # --- 12. The campaign is completed ------------------------------------------------------------------
    dialogs: list[str] = []

    def confirm(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", confirm)  # "Complete …? It cannot become active again."
    page.click("#campaign-to-completed")
    page.wait_for_selector(".page-title:has-text('Completed')")
    shot(page, 12, "completed")
    with scopes_disabled():
        assert Campaign.objects.get().status == "completed"
    assert dialogs and "cannot become active again" in dialogs[0]
    assert "Active → Completed" in " ".join(page.inner_text("#campaign-history").split()), page.inner_text(
        "#campaign-history"
    )
