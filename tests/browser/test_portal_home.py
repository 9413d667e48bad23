"""The demo creator's portal home on a phone: the "Your work" card shows the real counts of the demo
(four collaborations, a brief, a contract to sign and two signed, a payout paid), each with its link."""

import pytest

from analytics.demo.index import DEMO_CREATOR_HANDLE
from analytics.management.commands.seed_demo import CREATOR
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_the_demo_creators_work_card_shows_real_counts_on_a_phone(phone, live_server, demo):
    base = live_server.url
    sign_in(phone, base, *CREATOR[:2], lands_on="/portal/")

    card = phone.locator("#portal-work")
    card.wait_for()  # swapped in by htmx from the briefs app
    phone.locator("#portal-collaborations").wait_for()
    counts = {
        name: int(phone.inner_text(f"#count-{name}"))
        for name in ("collaborations", "briefs", "to-sign", "signed", "due", "paid")
    }
    assert counts == {"collaborations": 4, "briefs": 1, "to-sign": 1, "signed": 2, "due": 0, "paid": 1}
    assert "800.00 USD paid" in card.inner_text()
    assert f"@{DEMO_CREATOR_HANDLE}" in phone.inner_text("main, body")
    # Nothing wider than the phone: long campaign names truncate instead of pushing the page sideways.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "portal-home-work-phone")

    # Each row leads somewhere: the contract waiting for a signature opens on its own page.
    card.locator("a", has_text="Read and sign").first.click()
    phone.wait_for_url(f"{base}/portal/contracts/*/")
    assert phone.locator("#creator-sign-form").count() == 1
