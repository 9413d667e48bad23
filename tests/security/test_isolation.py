"""Tenant isolation, walked over every route the URL resolver knows.

A member of workspace B and a creator must get 404 for every object of workspace A, by every
method, and the routes that take no object must show none of A's data. Routes are discovered
from the resolver, so a route added later is covered without editing this file; a route whose
object kind this test does not know fails until it is taught here.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from djmoney.money import Money
from rest_framework.authtoken.models import Token

from accounts.models import AuditEvent, Invitation, Membership, Notification, Role
from analytics.models import AttributionSettings, Order, OrderSource, PromoCode, TrackingLink, VerifiedDomain
from briefs.models import Contract, ContractTemplate, ContractVersion, SignatureEvent
from campaigns.models import (
    Campaign,
    Collaboration,
    Deliverable,
    DeliverableSubmission,
    OpenCall,
    Payout,
    ReviewComment,
    Shipment,
)
from creators.models import (
    BrandSafetyHit,
    BrandSafetyTerm,
    CreatorList,
    CreatorListEntry,
    CreatorNote,
    CreatorTag,
    ImportJob,
    PortalGrant,
    Relationship,
    SavedSearch,
    Tag,
    Video,
)
from outreach.models import ClaimLink, Message, OutreachEmail, OutreachTemplate, Thread
from reports.models import ReportSettings
from tests.campaigns.factories import (
    CampaignFactory,
    CollaborationFactory,
    DeliverableFactory,
    PayoutFactory,
    ShipmentFactory,
    SubmissionFactory,
)
from tests.factories import (
    CreatorFactory,
    CreatorUserFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db

# Routes that are not workspace surfaces, each with the reason.
EXCLUDED_NAMESPACES = {"admin": "staff only; covered by test_creator_never_reaches_admin"}
EXCLUDED_NAMES = {
    "healthz": "public infrastructure probe, no tenant data",
    "healthz-live": "public infrastructure probe, no tenant data",
    "api-schema": "API description for any signed-in user, no tenant data (tests/api/test_schema_access.py)",
    "api-docs": "API description for any signed-in user, no tenant data (tests/api/test_schema_access.py)",
    "login": "public",
    "logout": "public",
    "password_reset": "public",
    "password_reset_done": "public",
    "password_reset_confirm": "public; the uid+token pair is the credential",
    "password_reset_complete": "public",
    "invitation-accept": "public; the 256-bit token is the credential (tests/accounts covers misuse)",
    "claim-accept": "public; the 256-bit claim token is the credential (tests/outreach/test_claim.py covers misuse)",
    "apply": "public by design: an open call's page, addressed by its random slug (tests/campaigns/test_open_calls.py)",
    "brand-logo": "public by design: the logo is on open-call pages and e-mails (tests/accounts/test_branding.py)",
    "tracking-redirect": "public by design: the click redirect; the 128-bit token is the address and it only ever "
    "302s to the link's stored destination (tests/analytics/test_tracking_redirect.py)",
    "order-webhook": "public by design: stores post orders here; nothing is read or written unless the body's "
    "HMAC-SHA256 matches a secret of that workspace's sources (tests/analytics/test_orders_webhooks.py)",
    "calendar-feed": "public by design: the 256-bit feed token is the credential, checked by hash; another user's or "
    "a revoked token is a 404 (tests/briefs/test_calendar_feed.py)",
    "contract-verify": "public by design: shows only what an uploaded PDF already says, on an exact SHA-256 match "
    "(tests/briefs/test_contract_verification.py)",
}
# Objects of the shared creator index are visible to every workspace by design.
SHARED_KINDS = {"creator"}
MARKERS = (
    "Acme Secret Workspace",
    "alice-secret@acme.test",
    "invitee-secret@acme.test",
    "Acme secret shortlist",
    "acme-secret-tag",
    "Acme secret note",
    "acme-secret-import.csv",
    "Acme secret search",
    "acme-secret-term",
    "acme-secret-excerpt",
    "Acme secret campaign",
    "Acme secret message",
    "Acme secret template",
    "acme-secret-draft",
    "Acme secret review",
    "Acme secret seeding kit",
    "Acme Secret Recipient",
    "acme-secret-invoice",
    "Acme secret open call",
    "Acme secret contract clause",
    "Acme secret contract template",
    "acme-secret-domain.test",
    "0.0777",  # workspace A's EMV value per view (report settings)
    "Acme secret store",
    "ACMESECRETCODE",
)
WRITE_METHODS = ("post", "put", "patch", "delete")


def _routes(patterns=None, namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _routes(entry.url_patterns, f"{namespace}:{ns}".strip(":") if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), list(entry.pattern.regex.groupindex)


def _kind(route_name: str, kwarg: str) -> str:
    if kwarg.endswith("_pk"):
        return kwarg[: -len("_pk")]
    if kwarg == "pk":  # DRF router: the basename names the model, e.g. api:membership-detail
        return route_name.split(":")[-1].rsplit("-", 1)[0]
    return kwarg


@pytest.fixture
def world():
    with scopes_disabled():
        a = WorkspaceFactory(name="Acme Secret Workspace", slug="acme-secret")
        alice = MembershipFactory(workspace=a, user=UserFactory(email="alice-secret@acme.test"), role=Role.OWNER)
        a_invitation = InvitationFactory(workspace=a, email="invitee-secret@acme.test")
        AuditEvent.objects.create(
            workspace=a, actor=alice.user, action="invitation.created", target="invitee-secret@acme.test"
        )
        a_notification = Notification.objects.create(
            workspace=a, recipient=alice.user, kind="draft_submitted", event_key="submission:acme",
            title="Acme secret campaign: a draft arrived", url="/campaigns/",
        )  # fmt: skip
        b = WorkspaceFactory(name="Bravo", slug="bravo")
        bob = MembershipFactory(workspace=b, user=UserFactory(email="bob@bravo.test"), role=Role.OWNER).user
        creator = CreatorUserFactory(email="maker@creator.test")
        CreatorFactory(user=creator)
        shared = CreatorFactory()
        a_list = CreatorList.objects.create(workspace=a, name="Acme secret shortlist", created_by=alice.user)
        CreatorListEntry.objects.create(workspace=a, creator_list=a_list, creator=shared)
        a_tag = Tag.objects.create(workspace=a, name="acme-secret-tag")
        CreatorTag.objects.create(workspace=a, tag=a_tag, creator=shared)
        a_note = CreatorNote.objects.create(workspace=a, creator=shared, author=alice.user, body="Acme secret note")
        Relationship.objects.create(workspace=a, creator=shared, status=Relationship.Status.IN_TALKS)
        a_import = ImportJob.objects.create(
            workspace=a, original_name="acme-secret-import.csv", file_format="csv", file="imports/acme.csv"
        )
        a_search = SavedSearch.objects.create(workspace=a, name="Acme secret search", query_string="q=acme")
        a_term = BrandSafetyTerm.objects.create(workspace=a, term="acme-secret-term")
        a_campaign = CampaignFactory(workspace=a, name="Acme secret campaign")
        # Contracted: past the private shortlist, so a creator account that A granted would see it.
        a_collaboration = CollaborationFactory(campaign=a_campaign, creator=shared, stage="contracted")
        # The same handle works with B too, and this account was granted by B's claim link only.
        b_collaboration = CollaborationFactory(
            campaign=CampaignFactory(workspace=b, name="Bravo campaign"), creator=shared, stage="contracted"
        )
        granted_by_b = CreatorUserFactory(email="granted-by-b@creator.test")
        PortalGrant.objects.create(user=granted_by_b, creator=shared, workspace=b, method="claim_link")
        a_thread = Thread.objects.create(workspace=a, collaboration=a_collaboration)
        Message.objects.create(workspace=a, thread=a_thread, collaboration=a_collaboration, sender_side="brand",
                               author=alice.user, body="Acme secret message")  # fmt: skip
        a_template = OutreachTemplate.objects.create(
            workspace=a, kind="invitation", name="Acme secret template", subject="Hi", body="Hi {{ creator_name }}"
        )
        a_deliverable = DeliverableFactory(collaboration=a_collaboration)
        a_submission = SubmissionFactory(deliverable=a_deliverable, link="https://drafts.test/acme-secret-draft")
        ReviewComment.objects.create(workspace=a, submission=a_submission, body="Acme secret review")
        a_shipment = ShipmentFactory(
            collaboration=a_collaboration, description="Acme secret seeding kit", status=Shipment.Status.READY,
            address={"name": "Acme Secret Recipient", "line1": "1 Main St", "city": "Austin", "postal_code": "78701",
                     "country": "US"},
        )  # fmt: skip
        a_payout = PayoutFactory(collaboration=a_collaboration, reference="acme-secret-invoice")
        OpenCall.objects.create(
            workspace=a, campaign=a_campaign, slug="acme-secret-call", headline="Acme secret open call", description="x"
        )
        a_contract_template = ContractTemplate.objects.create(
            workspace=a, name="Acme secret contract template", body="{{ creator_name }}"
        )
        a_contract = Contract.objects.create(workspace=a, collaboration=a_collaboration, payment_terms="Net 30")
        a_contract_version = ContractVersion.objects.create(
            workspace=a, contract=a_contract, number=1, body="Acme secret contract clause", terms={},
            pdf="contracts/acme.pdf", sha256="a" * 64, sent_at=timezone.now(), status="creator_signed",
        )  # fmt: skip
        SignatureEvent.objects.create(
            workspace=a, version=a_contract_version, role="creator", signer=alice.user, typed_name="Acme Signer",
            consent_text="I agree", signed_at=timezone.now(), document_sha256="a" * 64,
        )  # fmt: skip
        a_domain = VerifiedDomain.objects.create(
            workspace=a, domain="acme-secret-domain.test", verification_token="t", verified_at=timezone.now()
        )
        a_link = TrackingLink.objects.create(
            workspace=a, collaboration=a_collaboration, token="acmeSecretToken0123456789",
            destination="https://acme-secret-domain.test/?utm_source=tiktok", utm_source="tiktok",
            utm_medium="influencer", utm_campaign="acme", utm_content="acme",
        )  # fmt: skip
        a_source = OrderSource.objects.create(workspace=a, name="Acme secret store", kind="shopify",
                                              webhook_secret="acme-secret-webhook-secret")  # fmt: skip
        PromoCode.objects.create(workspace=a, collaboration=a_collaboration, code="ACMESECRETCODE")
        Order.objects.create(workspace=a, source=a_source, external_id="acme-secret-order", placed_at=timezone.now(),
                             total=Money("10.00", "USD"), refunded=Money("0.00", "USD"))  # fmt: skip
        AttributionSettings.objects.create(workspace=a, window_days=3)
        ReportSettings.objects.create(workspace=a, currency="USD", emv_per_view="0.0777", min_spend="777.00")
        video = Video.objects.create(creator=shared, platform_video_id="acme-v1", caption="a public caption")
        BrandSafetyHit.objects.create(
            workspace=a, creator=shared, video=video, term="acme-secret-term", field="caption",
            excerpt="acme-secret-excerpt", found_at=timezone.now(),
        )  # fmt: skip
    # One object of workspace A per kind a route can take (`<kind>_pk`, or a DRF basename for `pk`).
    objects = {
        "membership": alice.pk,
        "notification": a_notification.pk,
        "invitation": a_invitation.pk,
        "creator": shared.pk,
        "creator_list": a_list.pk,
        "creator_note": a_note.pk,
        "tag": a_tag.pk,
        "import_job": a_import.pk,
        "saved_search": a_search.pk,
        "brand_safety_term": a_term.pk,
        "campaign": a_campaign.pk,
        "collaboration": a_collaboration.pk,
        "outreach_template": a_template.pk,
        "deliverable": a_deliverable.pk,
        "submission": a_submission.pk,
        "shipment": a_shipment.pk,
        "payout": a_payout.pk,
        "contract_version": a_contract_version.pk,
        "contract_template": a_contract_template.pk,
        "verified_domain": a_domain.pk,
        "tracking_link": a_link.pk,
        "order_source": a_source.pk,
    }
    return {
        "a": a, "alice": alice, "bob": bob, "creator": creator, "granted_by_b": granted_by_b,
        "b_collaboration": b_collaboration, "objects": objects,
    }  # fmt: skip


def _snapshot():
    with scopes_disabled():
        return (
            sorted(Membership.objects.values_list("pk", "workspace_id", "user_id", "role")),
            sorted(Invitation.objects.values_list("pk", "email", "accepted_at", "revoked_at", "token_sha256")),
            sorted(Notification.objects.values_list("pk", "read_at")),
            sorted(CreatorList.objects.values_list("pk", "name", "description")),
            sorted(CreatorListEntry.objects.values_list("pk", "creator_list_id", "creator_id")),
            sorted(Tag.objects.values_list("pk", "name")),
            sorted(CreatorTag.objects.values_list("pk", "tag_id", "creator_id")),
            sorted(CreatorNote.objects.values_list("pk", "body")),
            sorted(Relationship.objects.values_list("pk", "status")),
            sorted(ImportJob.objects.values_list("pk", "status", "mapping")),
            sorted(SavedSearch.objects.values_list("pk", "name", "query_string")),
            sorted(BrandSafetyTerm.objects.values_list("pk", "term")),
            sorted(BrandSafetyHit.objects.values_list("pk", "term", "excerpt")),
            sorted(Campaign.objects.values_list("pk", "name", "status")),
            sorted(Collaboration.objects.values_list("pk", "stage")),
            sorted(Thread.objects.values_list("pk", "brand_read_at", "creator_read_at", "last_message_at")),
            sorted(Message.objects.values_list("pk", "body")),
            sorted(OutreachTemplate.objects.values_list("pk", "name", "subject", "body", "is_default")),
            sorted(OutreachEmail.objects.values_list("pk", "to_email")),
            sorted(ClaimLink.objects.values_list("pk", "used_at")),
            sorted(Deliverable.objects.values_list("pk", "status", "live_url", "spark_ads_code")),
            sorted(DeliverableSubmission.objects.values_list("pk", "round_number", "file", "link")),
            sorted(ReviewComment.objects.values_list("pk", "decision", "body")),
            sorted(Shipment.objects.values_list("pk", "status", "address", "carrier", "tracking_number")),
            sorted(Payout.objects.values_list("pk", "status", "reference")),
            sorted(OpenCall.objects.values_list("pk", "headline", "is_open")),
            sorted(ContractTemplate.objects.values_list("pk", "name", "body", "is_default")),
            sorted(Contract.objects.values_list("pk", "payment_terms", "brand_signer_id")),
            sorted(ContractVersion.objects.values_list("pk", "number", "status", "sha256", "signed_sha256")),
            sorted(SignatureEvent.objects.values_list("pk", "version_id", "role")),
            sorted(VerifiedDomain.objects.values_list("pk", "domain", "verified_at", "last_checked_at")),
            sorted(TrackingLink.objects.values_list("pk", "destination", "is_active")),
            sorted(ReportSettings.objects.values_list("pk", "emv_per_view", "min_spend", "min_days_live")),
            sorted(OrderSource.objects.values_list("pk", "name", "webhook_secret", "is_active")),
            sorted(PromoCode.objects.values_list("pk", "code", "is_active")),
            sorted(Order.objects.values_list("pk", "external_id", "status")),
            sorted(AttributionSettings.objects.values_list("pk", "rule", "window_days")),
        )


def _surface_routes():
    for name, kwargs in _routes():
        namespace = name.split(":")[0] if ":" in name else ""
        if namespace in EXCLUDED_NAMESPACES or name.split(":")[-1] in EXCLUDED_NAMES:
            continue
        if "format" in kwargs:  # DRF's .json suffix twins of routes already walked
            continue
        yield name, kwargs


def test_the_walk_covers_dashboard_portal_and_api_routes():
    names = {name for name, _ in _surface_routes()}
    assert {"settings", "member-role", "portal:home", "api:membership-detail", "api:invitation-list"} <= names


ACTORS = {
    "member_of_b": "bob",
    "member_of_b_asking_for_a": "bob",
    "creator": "creator",
    # The same creator as A's collaboration, whose portal account only B's claim link granted.
    "creator_granted_by_b_only": "granted_by_b",
}


@pytest.mark.parametrize("actor", list(ACTORS))
def test_other_tenants_get_404_for_every_object_and_see_no_data(client, world, actor):
    user = world[ACTORS[actor]]
    client.force_login(user)
    token = Token.objects.create(user=user)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    if actor == "member_of_b_asking_for_a":
        headers["HTTP_X_WORKSPACE"] = world["a"].slug
    before = _snapshot()
    failures = []
    for name, kwargs in _surface_routes():
        kinds = {kwarg: _kind(name, kwarg) for kwarg in kwargs}
        unknown = [kind for kind in kinds.values() if kind not in world["objects"]]
        assert not unknown, f"{name} takes {unknown}: add an object of workspace A for it to the world fixture"
        url = reverse(name, kwargs={kwarg: world["objects"][kind] for kwarg, kind in kinds.items()})
        is_api = name.startswith("api:")
        owned = [kind for kind in kinds.values() if kind not in SHARED_KINDS]
        for method in ("get", *WRITE_METHODS) if owned else ("get",):
            request_headers = headers if is_api else {}
            response = getattr(client, method)(url, **request_headers)
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = raw.decode(errors="replace")
            leaked = [marker for marker in MARKERS if marker in body]
            if leaked:
                failures.append(f"{method.upper()} {url}: shows {leaked}")
            if owned and response.status_code != 404:
                if response.status_code == 405 and _method_not_allowed_for_owner(url, method, world, is_api):
                    continue  # the route never accepts this method, whoever owns the object
                failures.append(f"{method.upper()} {url}: {response.status_code}, expected 404")
    assert not failures, "\n".join(failures)
    assert _snapshot() == before, "a request from another tenant changed workspace A's data"


def _method_not_allowed_for_owner(url, method, world, is_api):
    """A 405 reveals nothing only if A's own owner gets it too (the method is never accepted)."""
    owner = Client()
    owner.force_login(world["alice"].user)
    return getattr(owner, method)(url).status_code == 405


def test_the_grant_is_what_closes_the_portal_walk(client, world):
    """The positive control of the walk above: B's grant opens B's collaboration with the same handle,
    and a grant from A opens A's; so the 404s there come from the missing grant, not from the stage."""
    account, a_collaboration = world["granted_by_b"], world["objects"]["collaboration"]
    client.force_login(account)
    own = reverse("portal-campaigns:collaboration", args=[world["b_collaboration"].pk])
    theirs = reverse("portal-campaigns:collaboration", args=[a_collaboration])
    assert client.get(own).status_code == 200
    assert client.get(theirs).status_code == 404
    with scopes_disabled():
        PortalGrant.objects.create(user=account, creator_id=world["b_collaboration"].creator_id,
                                   workspace=world["a"], method="claim_link")  # fmt: skip
    assert client.get(theirs).status_code == 200
