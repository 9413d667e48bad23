"""Playwright driving the system Chromium against pytest-django's live server."""

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
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


# --- Accessibility: axe-core on every page a test visits ------------------------------------------------
# axe-core is vendored (static/vendor/axe-core/, VERSIONS.md) but no product page loads it; the tests put it
# into the page. Not with `add_script_tag(path=...)`: that inserts an inline <script>, which the
# Content-Security-Policy (script-src 'self') refuses, and the refusal would fail the CSP check above. The
# file's source is evaluated through the DevTools protocol instead (`page.evaluate`), which a page's CSP does
# not govern, so the policy under test stays exactly the production one.
AXE_SOURCE = (ROOT / "static" / "vendor" / "axe-core" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa"]  # WCAG 2.0 levels A and AA, as issue 15 asks
AXE_FAILING_IMPACTS = {"serious", "critical"}
# Pages we do not write and cannot theme: the Swagger UI bundle (/api/docs/), DRF's browsable API and the
# Django admin. Every other page, including error pages and the portal, is always checked: no opt-out.
AXE_THIRD_PARTY_PREFIXES = ("/api/", "/admin/")
AXE_LOG = ROOT / "var" / "axe" / "violations.jsonl"  # every finding of the run, all impacts, for counting


@pytest.fixture(autouse=True)
def axe_violations() -> Iterator[list[str]]:
    """Every browser test fails on a serious or critical axe-core finding on any page it visited.

    Pages are checked on each `load` event (full navigations), whenever a test takes a screenshot (the
    states htmx built without a navigation) and once more when the page fixture closes. Checked in teardown,
    like the CSP check, so one run lists every page's findings rather than stopping at the first."""
    violations: list[str] = []
    yield violations
    if violations:
        pytest.fail(
            "axe-core found serious or critical accessibility violations:\n" + "\n".join(violations), pytrace=False
        )


def _is_third_party(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in ("http", "https") or parts.path.startswith(AXE_THIRD_PARTY_PREFIXES)


def audit_accessibility(page, violations: list[str], seen: set[tuple[str, str, str]]) -> None:
    """Run axe-core (WCAG 2 A + AA) on the page as it is now; add one line per new serious/critical rule."""
    url = page.url
    if _is_third_party(url):
        return
    results = page.evaluate(
        """async ([source, tags]) => {
          if (!window.axe) { (0, eval)(source); }
          // One run at a time: a load event's audit may arrive while a screenshot's is still running.
          const run = () => window.axe.run(document, {runOnly: {type: "tag", values: tags},
                                                      resultTypes: ["violations"]});
          window.__cdAxeRun = (window.__cdAxeRun || Promise.resolve()).catch(() => null).then(run);
          const results = await window.__cdAxeRun;
          return results.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                                 targets: v.nodes.map((n) => n.target.join(" "))}));
        }""",
        [AXE_SOURCE, AXE_TAGS],
    )
    path = urlsplit(url).path
    AXE_LOG.parent.mkdir(parents=True, exist_ok=True)
    with AXE_LOG.open("a") as log:
        for found in results:
            log.write(json.dumps({"path": path, **found}) + "\n")
    for found in results:
        new_targets = [target for target in found["targets"] if (path, found["id"], target) not in seen]
        if found["impact"] not in AXE_FAILING_IMPACTS or not new_targets:
            continue
        seen.update((path, found["id"], target) for target in new_targets)
        shown = ", ".join(new_targets[:4]) + (" …" if len(new_targets) > 4 else "")
        violations.append(
            f"{path}: {found['id']} ({found['impact']}, {len(new_targets)} elements): {found['help']}: {shown}"
        )


def _watch_accessibility(page, violations: list[str]) -> None:
    from playwright.sync_api import Error as PlaywrightError

    seen: set[tuple[str, str, str]] = set()
    page._axe = lambda: audit_accessibility(page, violations, seen)  # the screenshot helper calls it

    def on_load(_page) -> None:
        try:
            page._axe()
        except PlaywrightError as error:
            # The test moved on to the next page before axe finished; that page's own load checks it.
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise

    page.on("load", on_load)


def _close_audited(page, context) -> None:
    try:
        page._axe()
    finally:
        context.close()


@pytest.fixture
def page(browser, csp_violations, axe_violations):
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    _watch_csp(context, csp_violations)
    page = context.new_page()
    page.set_default_timeout(15_000)
    _watch_accessibility(page, axe_violations)
    yield page
    _close_audited(page, context)


@pytest.fixture
def phone(browser, csp_violations, axe_violations):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    _watch_csp(context, csp_violations)
    page = context.new_page()
    page.set_default_timeout(15_000)
    _watch_accessibility(page, axe_violations)
    yield page
    _close_audited(page, context)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if hasattr(page, "_axe"):
        page._axe()
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
