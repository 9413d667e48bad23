"""Evidence cannot be rewritten: signature events and the frozen parts of a sent version are guarded
by PostgreSQL triggers (whatever the client: ORM, raw SQL, admin), and admin offers no way to try."""

import pytest
from django.contrib.admin.sites import site
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import RequestFactory
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Role
from accounts.tenancy import workspace_scope
from briefs.contracts.signing import sign_as_brand, sign_as_creator
from briefs.models import ContractVersion, SignatureEvent
from tests.briefs.factories import negotiating_collaboration, send
from tests.factories import MembershipFactory, UserFactory
from tests.two_factor import sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand(workspace):
    with scopes_disabled():
        return MembershipFactory(workspace=workspace, user=UserFactory(full_name="Olivia Owner"), role=Role.OWNER).user


@pytest.fixture
def signed(workspace, brand):
    """A fully signed version: (version, [creator event, brand event])."""
    version = send(negotiating_collaboration(workspace=workspace), brand)
    creator_event = sign_as_creator(
        version_id=version.pk, user=version.contract.collaboration.creator.user, typed_name="Maya Lopez",
        consent=True, ip="203.0.113.9", user_agent="Safari",
    )  # fmt: skip
    with workspace_scope(workspace):
        brand_event = sign_as_brand(
            version=version, by=brand, typed_name="Olivia Owner", consent=True, ip="198.51.100.7", user_agent="Firefox"
        )
    with scopes_disabled():
        version.refresh_from_db()
    return version, [creator_event, brand_event]


def _refused(sql, params):
    """Run one statement in a savepoint; return the database's refusal (None when it went through)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE briefs_signatureevent SET typed_name = 'Someone Else' WHERE id = %s",
        "UPDATE briefs_signatureevent SET signed_at = signed_at - interval '1 day' WHERE id = %s",
        "UPDATE briefs_signatureevent SET document_sha256 = repeat('0', 64) WHERE id = %s",
        "DELETE FROM briefs_signatureevent WHERE id = %s",
    ],
)
def test_a_signature_event_cannot_be_updated_or_deleted_even_in_raw_sql(signed, sql):
    _, (event, _) = signed

    error = _refused(sql, [event.pk])

    assert error is not None and "append-only" in error
    with scopes_disabled():
        assert SignatureEvent.objects.get(pk=event.pk).typed_name == "Maya Lopez"


def test_the_orm_cannot_delete_a_signature_event_either(signed):
    _, (event, _) = signed

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), scopes_disabled():
        SignatureEvent.objects.filter(pk=event.pk).delete()

    with scopes_disabled():
        assert SignatureEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE briefs_contractversion SET body = body || ' and a free car' WHERE id = %s",
        "UPDATE briefs_contractversion SET sha256 = repeat('0', 64) WHERE id = %s",
        "UPDATE briefs_contractversion SET pdf = 'contracts/forged.pdf' WHERE id = %s",
        "UPDATE briefs_contractversion SET terms = '{}'::jsonb WHERE id = %s",
        "UPDATE briefs_contractversion SET agreed_terms = '{}'::jsonb WHERE id = %s",
        "UPDATE briefs_contractversion SET number = 7 WHERE id = %s",
        "UPDATE briefs_contractversion SET signed_sha256 = repeat('0', 64) WHERE id = %s",
        "UPDATE briefs_contractversion SET signed_pdf = 'contracts/forged-signed.pdf' WHERE id = %s",
        "UPDATE briefs_contractversion SET fully_signed_at = now() WHERE id = %s",
        "DELETE FROM briefs_contractversion WHERE id = %s",
    ],
)
def test_a_sent_versions_frozen_columns_cannot_change(signed, sql):
    version, _ = signed

    error = _refused(sql, [version.pk])

    assert error is not None and ("frozen" in error or "cannot be deleted" in error)
    with scopes_disabled():
        stored = ContractVersion.objects.get(pk=version.pk)
    assert (stored.body, stored.sha256, stored.signed_sha256) == (version.body, version.sha256, version.signed_sha256)


def test_an_unsigned_versions_text_is_frozen_too(workspace, brand):
    version = send(negotiating_collaboration(workspace=workspace), brand)

    assert _refused("UPDATE briefs_contractversion SET body = 'other' WHERE id = %s", [version.pk]) is not None


def test_the_workflow_columns_still_move_forward(signed):
    """The negative twin: the trigger guards the document, not the status a new version sets."""
    version, _ = signed

    assert _refused("UPDATE briefs_contractversion SET status = 'superseded' WHERE id = %s", [version.pk]) is None


@pytest.mark.parametrize("back_to", ["sent", "creator_signed"])
def test_a_signed_versions_status_never_goes_back(signed, back_to):
    version, _ = signed

    error = _refused("UPDATE briefs_contractversion SET status = %s WHERE id = %s", [back_to, version.pk])

    assert error is not None and "cannot go from fully_signed back" in error


def test_a_superseded_version_stays_superseded(workspace, brand):
    first = send(negotiating_collaboration(workspace=workspace), brand)
    send(first.contract.collaboration, brand, payment_terms="Net 15.")

    assert _refused("UPDATE briefs_contractversion SET status = 'sent' WHERE id = %s", [first.pk]) is not None


@pytest.mark.parametrize("model", [SignatureEvent, ContractVersion])
def test_admin_offers_no_add_change_or_delete(signed, model):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    model_admin = site._registry[model]
    version, (event, _) = signed
    obj = event if model is SignatureEvent else version

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)


def test_a_superuser_cannot_delete_a_signature_event_through_admin(client, signed):
    _, (event, _) = signed
    sign_in_verified(client, UserFactory(is_staff=True, is_superuser=True))

    response = client.post(reverse("admin:briefs_signatureevent_delete", args=[event.pk]), {"post": "yes"})

    assert response.status_code == 403
    with scopes_disabled():
        assert SignatureEvent.objects.filter(pk=event.pk).exists()
