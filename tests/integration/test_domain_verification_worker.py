"""Domain verification end to end: the page queues the check on commit and a real Celery worker (from
the real Redis) fetches the proof from a local server and records the outcome the page then shows."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from analytics.models import VerifiedDomain
from analytics.tracking import domains
from tests.analytics.tracking_support import SHOP
from tests.fakes.domain_proof_server import FakeDomains
from tests.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def proofs(settings):
    server = FakeDomains().start()
    settings.DOMAIN_VERIFICATION_URL = server.url_template
    settings.DOMAIN_VERIFICATION_ALLOWED_NETWORKS = ["127.0.0.0/8"]  # the fake server; never in production
    yield server
    server.stop()


def test_the_worker_verifies_a_domain_the_page_queued(worker, proofs, client, workspace, manager):
    with workspace_scope(workspace):
        row = domains.add_verified_domain(workspace=workspace, by=manager, domain=SHOP)
    proofs.publish(SHOP, row.verification_token)
    client.force_login(manager)

    client.post(reverse("tracking:verified-domain-verify", args=[row.pk]))

    def verified() -> bool:
        with scopes_disabled():
            return VerifiedDomain.objects.get(pk=row.pk).is_verified

    assert wait_for(verified), "the worker did not verify the domain"
    page = client.get(reverse("tracking:verified-domain-list")).content.decode()
    assert "checking…" not in page and "verified" in page
