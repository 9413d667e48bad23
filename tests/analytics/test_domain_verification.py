"""Verifying a domain without letting the fetch hurt us: it runs in the worker, under one total deadline
and a size cap, only from public addresses (resolved once, then connected to exactly), and a workspace
gets a limited number of tries."""

import ipaddress
import time

import httpcore
import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Role
from accounts.tenancy import workspace_scope
from analytics.models import VerifiedDomain
from analytics.tasks import verify_domain_task
from analytics.tracking import domains, proof_fetch
from analytics.tracking.errors import TrackingErrorCode, TrackingRateLimitedError
from tests.analytics.tracking_support import SHOP
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def connects(monkeypatch):
    """Every TCP connection the verifier opens, by address (the real connect still happens)."""
    seen: list[str] = []
    real = httpcore.SyncBackend.connect_tcp

    def spy(self, host, port, *args, **kwargs):
        seen.append(host)
        return real(self, host, port, *args, **kwargs)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", spy)
    return seen


def _add(workspace, by, domain=SHOP) -> VerifiedDomain:
    with workspace_scope(workspace):
        return domains.add_verified_domain(workspace=workspace, by=by, domain=domain)


def _request(row, by) -> VerifiedDomain:
    with workspace_scope(row.workspace):
        return domains.request_domain_verification(domain=row, by=by)


def _reload(row) -> VerifiedDomain:
    with scopes_disabled():
        return VerifiedDomain.objects.get(pk=row.pk)


def _check(row, by) -> VerifiedDomain:
    """Press Verify, then run the queued task's function in place of the worker."""
    _request(row, by)
    verify_domain_task(row.pk, by.pk)
    return _reload(row)


def _pretend_dns(monkeypatch, answers: list[str]) -> list[str]:
    """The system resolver answers `answers` for any name; returns the names asked, in order."""
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers

    monkeypatch.setattr(proof_fetch, "resolve_host", resolve)
    return asked


# --- In the worker, with a "checking…" page ------------------------------------------------------------


def test_verify_queues_the_fetch_on_commit_and_the_page_polls_until_the_worker_is_done(
    client, workspace, manager, proofs, django_capture_on_commit_callbacks
):
    row = _add(workspace, manager)
    proofs.publish(SHOP, row.verification_token)
    client.force_login(manager)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("tracking:verified-domain-verify", args=[row.pk]), follow=True)

    assert len(callbacks) == 1  # verify_domain_task, sent once the transaction commits
    assert proofs.requests == []  # nothing fetched inside the web request
    assert _reload(row).is_checking
    page = response.content.decode()
    assert "checking…" in page and 'hx-trigger="every 2s"' in page

    verify_domain_task(row.pk, manager.pk)  # what the worker runs

    assert _reload(row).is_verified
    panel = client.get(reverse("tracking:verified-domain-list"), headers={"HX-Request": "true"}).content.decode()
    assert "verified" in panel and "checking…" not in panel and "hx-trigger" not in panel
    assert "<html" not in panel  # htmx gets the table alone


def test_pressing_verify_again_while_checking_queues_nothing(
    workspace, manager, proofs, django_capture_on_commit_callbacks
):
    row = _add(workspace, manager)
    _request(row, manager)
    requested_at = _reload(row).check_requested_at

    with django_capture_on_commit_callbacks() as callbacks:
        _request(row, manager)

    assert callbacks == []
    assert _reload(row).check_requested_at == requested_at


def test_a_redelivered_task_fetches_nothing_twice(workspace, manager, proofs):
    row = _add(workspace, manager)
    proofs.publish(SHOP, row.verification_token)
    _request(row, manager)

    assert verify_domain_task(row.pk, manager.pk) == "verified"
    assert verify_domain_task(row.pk, manager.pk) == "not-requested"
    assert len(proofs.requests) == 1


# --- Which addresses may be fetched --------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # the cloud metadata service
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - the address under test, not a bind
        "224.0.0.1",
        "::1",
        "::",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "fd00::1",
        "fe80::1",
        "ff02::1",
    ],
)
def test_with_the_default_settings_a_domain_on_a_private_address_is_refused_and_nothing_fetched(
    workspace, manager, proofs, settings, monkeypatch, connects, address
):
    settings.DOMAIN_VERIFICATION_ALLOWED_NETWORKS = []  # the default
    settings.DOMAIN_VERIFICATION_URL = proofs.named_url_template
    _pretend_dns(monkeypatch, [address])
    row = _add(workspace, manager)
    proofs.publish(SHOP, row.verification_token)

    row = _check(row, manager)

    assert not row.is_verified and not row.is_checking
    assert f"resolves to {ipaddress.ip_address(address)}, which is not a public internet address" in row.last_error
    assert connects == [] and proofs.requests == []


def test_one_private_address_among_public_ones_is_enough_to_refuse(
    workspace, manager, proofs, settings, monkeypatch, connects
):
    settings.DOMAIN_VERIFICATION_ALLOWED_NETWORKS = []
    settings.DOMAIN_VERIFICATION_URL = proofs.named_url_template
    _pretend_dns(monkeypatch, ["93.184.216.34", "10.0.0.7"])
    row = _check(_add(workspace, manager), manager)
    assert "10.0.0.7" in row.last_error and connects == []


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34"])
def test_public_addresses_are_allowed(address):
    assert proof_fetch.is_public_address(ipaddress.ip_address(address))


def test_the_name_is_resolved_once_and_the_checked_address_is_connected_to_with_the_original_host(
    workspace, manager, proofs, settings, monkeypatch, connects
):
    settings.DOMAIN_VERIFICATION_URL = proofs.named_url_template
    asked = _pretend_dns(monkeypatch, ["127.0.0.1"])  # allowed here: the fake server's network
    row = _add(workspace, manager)
    proofs.publish(SHOP, row.verification_token)

    row = _check(row, manager)

    assert row.is_verified
    assert asked == [SHOP]  # once: a second answer (DNS rebinding) is never asked for
    assert connects == ["127.0.0.1"]  # the checked address, not the name
    port = proofs.named_url_template.split(":")[2].split("/")[0]
    assert proofs.hosts == [f"{SHOP}:{port}"]


def test_a_redirect_is_not_followed(workspace, manager, proofs):
    row = _add(workspace, manager)
    proofs.publish(SHOP, "", status=302)
    row = _check(row, manager)
    assert not row.is_verified and "HTTP 302: redirects are not followed" in row.last_error
    assert len(proofs.requests) == 1


# --- Deadline and size cap -----------------------------------------------------------------------------


def test_a_server_trickling_bytes_is_cut_at_the_total_deadline(workspace, manager, proofs, settings):
    settings.DOMAIN_VERIFICATION_TIMEOUT_S = 1.0
    row = _add(workspace, manager)
    # One byte every 0.2 s: each read succeeds long before a per-read timeout, the whole takes ~10 s.
    proofs.publish(SHOP, row.verification_token, trickle_s=0.2)

    started = time.monotonic()
    row = _check(row, manager)
    elapsed = time.monotonic() - started

    assert elapsed < 2.0
    assert not row.is_verified and "did not send the proof within 1 s" in row.last_error


@pytest.mark.parametrize("is_sized", [True, False], ids=["with-content-length", "read-until-close"])
def test_a_large_body_is_cut_at_the_cap(workspace, manager, proofs, is_sized):
    row = _add(workspace, manager)
    proofs.publish(SHOP, row.verification_token + "x" * 1_000_000, is_sized=is_sized)

    row = _check(row, manager)

    assert not row.is_verified and "is larger than 4,096 bytes" in row.last_error


def test_the_fetch_keeps_at_most_the_cap_of_a_large_body(proofs):
    proofs.publish(SHOP, "y" * 1_000_000, is_sized=False)

    response = proof_fetch.fetch_proof_url(
        proofs.url_template.format(domain=SHOP), deadline_s=2.0, max_bytes=4096, allowed_networks=["127.0.0.0/8"]
    )

    assert response.is_truncated and len(response.body) == 4096


# --- Tries per workspace -------------------------------------------------------------------------------


def test_a_workspace_past_its_tries_for_the_hour_is_told_when_to_try_again_and_nothing_is_queued(
    client, workspace, manager, proofs, settings, django_capture_on_commit_callbacks
):
    settings.DOMAIN_VERIFICATION_TRIES_PER_HOUR = 2
    row = _add(workspace, manager)  # nothing published: each try fails and may be tried again
    _check(row, manager)
    _check(row, manager)
    fetched = len(proofs.requests)
    client.force_login(manager)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("tracking:verified-domain-verify", args=[row.pk]), follow=True)

    assert callbacks == []
    assert "used its 2 verification tries for this hour; try again in" in response.content.decode()
    assert not _reload(row).is_checking and len(proofs.requests) == fetched
    with pytest.raises(TrackingRateLimitedError) as caught:
        _request(row, manager)
    assert caught.value.code == TrackingErrorCode.RATE_LIMITED and caught.value.http_status == 429
    assert 0 < caught.value.extra["retry_after_s"] <= 3600


def test_tries_are_counted_per_workspace(workspace, manager, proofs, settings, django_capture_on_commit_callbacks):
    settings.DOMAIN_VERIFICATION_TRIES_PER_HOUR = 1
    _check(_add(workspace, manager), manager)
    with scopes_disabled():
        other = WorkspaceFactory(slug="other-shop")
        other_manager = MembershipFactory(workspace=other, user=UserFactory(), role=Role.MANAGER).user

    with django_capture_on_commit_callbacks() as callbacks:
        assert _request(_add(other, other_manager), other_manager).is_checking

    assert len(callbacks) == 1
