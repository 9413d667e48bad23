"""The Content-Security-Policy header (django-csp) and the templates it depends on.

script-src is 'self' alone, so a page's behaviour must come from static files: these tests check the
header on each kind of page and scan the templates for the inline script the policy would block.
The browser tests (tests/browser/conftest.py) fail on any violation Chromium reports."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
# An inline event handler attribute (onclick=, onsubmit=...) or htmx's hx-on, which runs through eval.
HANDLER = re.compile(r"""\s(on[a-z]+|(data-)?hx-on[:\w-]*)\s*=""", re.IGNORECASE)


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict_policy(response) -> None:
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["img-src"][:2] == ["'self'", "data:"]
    assert policy["form-action"][0] == "'self'"


def test_the_login_page_carries_the_policy(client, owner):
    # With an account in the database: on an empty one the sign-in page sends to first-run setup.
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_strict_policy(response)


def test_a_dashboard_page_carries_the_policy(client, owner):
    client.force_login(owner)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert_strict_policy(response)


def test_a_portal_page_carries_the_policy(client, creator_user):
    client.force_login(creator_user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert_strict_policy(response)


def test_the_api_docs_load_their_start_up_script_from_the_same_origin(client, owner):
    client.force_login(owner)
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    assert_strict_policy(page)
    html = page.content.decode()
    inline = [m for m in re.finditer(r"<script(?P<attrs>[^>]*)>", html) if "src=" not in m.group("attrs")]
    assert not inline, "Swagger UI must not run inline script under script-src 'self'"
    script_url = re.search(r'<script src="(?P<url>[^"]*script=[^"]*)"', html).group("url").replace("&amp;", "&")
    script = client.get(script_url)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def _template_files() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*.html") if "emails" not in p.parts)


def test_no_template_runs_inline_script():
    offenders = []
    for path in _template_files():
        for match in re.finditer(r"<script(?P<attrs>[^>]*)>", path.read_text()):
            attrs = match.group("attrs")
            if "src=" not in attrs and 'type="application/json"' not in attrs:
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not offenders, offenders


def test_no_template_has_inline_event_handlers_or_hx_on():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _template_files()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if HANDLER.search(line)
    ]
    assert not offenders, offenders


def test_the_template_scan_finds_an_inline_handler():
    # The negative twin: the pattern above does catch what it is meant to.
    assert HANDLER.search('<input readonly onclick="this.select()">')
    assert HANDLER.search('<div hx-on::before-swap="x">')
    assert not HANDLER.search('<input readonly data-select-on-click data-confirm="Sure?">')


def test_the_periodic_task_admin_form_is_our_copy_without_inline_script():
    from django.template.loader import get_template

    # django-celery-beat's own template runs an inline script; ours (templates/ comes first) does not.
    template = get_template("admin/djcelery/change_periodictask_form.html")
    assert Path(template.origin.name).is_relative_to(TEMPLATES)


@pytest.mark.django_db
def test_the_periodic_task_admin_form_renders_with_its_script_from_a_file(client):
    from tests.factories import UserFactory
    from tests.two_factor import sign_in_verified

    sign_in_verified(client, UserFactory(email="root@creatordesk.test", is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:django_celery_beat_periodictask_add"))
    assert response.status_code == 200
    assert_strict_policy(response)
    html = response.content.decode()
    assert "js/admin_periodic_task.js" in html and 'id="readable-crontabs"' in html
    inline = [
        m.group(0)
        for m in re.finditer(r"<script(?P<attrs>[^>]*)>", html)
        if "src=" not in m.group("attrs") and 'type="application/json"' not in m.group("attrs")
    ]
    assert not inline
