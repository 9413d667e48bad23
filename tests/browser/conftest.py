"""Playwright driving the system Chromium against pytest-django's live server."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Playwright's sync API runs an event loop in this thread; the ORM calls in fixtures are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        shutil.which("chromium"),
        "/usr/bin/chromium",
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium()
    if path is None:
        reason = "no Chromium found (set CHROMIUM_PATH or install the chromium package)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        print(f"\nskipping browser tests: {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            # The machine has no network: keep Chromium from trying to phone home at start.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


DEMO_SYNTHETIC = 200  # enough micro-creators to search and filter; the full 3,000 only slow the tests


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", force=True, synthetic=DEMO_SYNTHETIC, verbosity=0)


@pytest.fixture(autouse=True)
def csp_violations() -> Iterator[list[str]]:
    """Every browser test runs under the Content-Security-Policy: Chromium reports each blocked inline
    script, handler, eval or resource in the console, and any such report fails the test.

    Checked after the page fixtures have closed their contexts (autouse fixtures are torn down last),
    so a report that arrives at the very end is not missed."""
    violations: list[str] = []
    yield violations
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)


def _watch_csp(context, violations: list[str]) -> None:
    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            where = (message.location or {}).get("url") or (message.page.url if message.page else "")
            violations.append(f"{where}: {message.text}")

    context.on("console", on_console)


@pytest.fixture
def page(browser, csp_violations):
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    _watch_csp(context, csp_violations)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser, csp_violations):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    _watch_csp(context, csp_violations)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, base_url: str, email: str, password: str, *, lands_on: str) -> None:
    """Sign in through the real form and wait for the page the account lands on."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}{lands_on}")


@pytest.fixture
def seeded_niches(transactional_db):
    """The niche taxonomy a fresh install has (migration creators/0004 seeds it). A transactional test
    before this one may have flushed the table, so the tests whose forms offer niches lay it down again."""
    from creators.models import Niche
    from creators.niches import DEFAULT_NICHES, niche_name

    for order, slug in enumerate(DEFAULT_NICHES):
        Niche.objects.get_or_create(slug=slug, defaults={"name": niche_name(slug), "sort_order": order})
