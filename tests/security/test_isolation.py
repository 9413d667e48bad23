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
from rest_framework.authtoken.models import Token

from accounts.models import AuditEvent, Invitation, Membership, Role
from campaigns.models import Campaign, Collaboration
from creators.models import (
    BrandSafetyHit,
    BrandSafetyTerm,
    CreatorList,
    CreatorListEntry,
    CreatorNote,
    CreatorTag,
    ImportJob,
    Relationship,
    SavedSearch,
    Tag,
    Video,
)
from tests.campaigns.factories import CampaignFactory, CollaborationFactory
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
    "api-schema": "public API description, no tenant data",
    "api-docs": "public API description, no tenant data",
    "login": "public",
    "logout": "public",
    "password_reset": "public",
    "password_reset_done": "public",
    "password_reset_confirm": "public; the uid+token pair is the credential",
    "password_reset_complete": "public",
    "invitation-accept": "public; the 256-bit token is the credential (tests/accounts covers misuse)",
    "brand-logo": "public by design: the logo is on open-call pages and e-mails (tests/accounts/test_branding.py)",
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
        a_collaboration = CollaborationFactory(campaign=a_campaign, creator=shared)
        video = Video.objects.create(creator=shared, platform_video_id="acme-v1", caption="a public caption")
        BrandSafetyHit.objects.create(
            workspace=a, creator=shared, video=video, term="acme-secret-term", field="caption",
            excerpt="acme-secret-excerpt", found_at=timezone.now(),
        )  # fmt: skip
    # One object of workspace A per kind a route can take (`<kind>_pk`, or a DRF basename for `pk`).
    objects = {
        "membership": alice.pk,
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
    }
    return {"a": a, "alice": alice, "bob": bob, "creator": creator, "objects": objects}


def _snapshot():
    with scopes_disabled():
        return (
            sorted(Membership.objects.values_list("pk", "workspace_id", "user_id", "role")),
            sorted(Invitation.objects.values_list("pk", "email", "accepted_at", "revoked_at", "token_sha256")),
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


@pytest.mark.parametrize("actor", ["member_of_b", "member_of_b_asking_for_a", "creator"])
def test_other_tenants_get_404_for_every_object_and_see_no_data(client, world, actor):
    user = world["creator"] if actor == "creator" else world["bob"]
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
