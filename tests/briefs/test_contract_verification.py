"""Verification: the SHA-256 of an uploaded PDF says whether it is exactly a signed version."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Role
from accounts.tenancy import workspace_scope
from briefs.contracts.signing import sign_as_brand, sign_as_creator
from briefs.contracts.verification import VERIFY_MAX_BYTES, verify_document
from tests.briefs.factories import negotiating_collaboration, send
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand(workspace):
    with scopes_disabled():
        return MembershipFactory(workspace=workspace, user=UserFactory(full_name="Olivia Owner"), role=Role.OWNER).user


def _sign_both(version, brand):
    sign_as_creator(
        version_id=version.pk, user=version.contract.collaboration.creator.user, typed_name="Maya Lopez",
        consent=True, ip="203.0.113.9", user_agent="Safari",
    )  # fmt: skip
    with workspace_scope(version.workspace):
        sign_as_brand(version=version, by=brand, typed_name="Olivia Owner", consent=True, ip="", user_agent="")
    with scopes_disabled():
        version.refresh_from_db()
    return version


def _bytes(field):
    with field.open("rb") as stored:
        return stored.read()


def test_the_final_signed_pdf_and_the_signed_document_both_verify(workspace, brand):
    version = _sign_both(send(negotiating_collaboration(workspace=workspace), brand), brand)

    final = verify_document(file=io.BytesIO(_bytes(version.signed_pdf)))
    as_sent = verify_document(file=io.BytesIO(_bytes(version.pdf)))

    assert final.matches and final.is_final and final.version.pk == version.pk
    assert [s.role for s in final.signatures] == ["creator", "brand"]
    assert as_sent.matches and not as_sent.is_final and as_sent.version.pk == version.pk


def test_a_tampered_pdf_does_not_verify(workspace, brand):
    version = _sign_both(send(negotiating_collaboration(workspace=workspace), brand), brand)
    data = bytearray(_bytes(version.signed_pdf))
    data[len(data) // 2] ^= 0x01  # one bit

    result = verify_document(file=io.BytesIO(bytes(data)))

    assert not result.matches and result.version is None


def test_a_sent_but_unsigned_draft_proves_nothing(workspace, brand):
    version = send(negotiating_collaboration(workspace=workspace), brand)

    assert not verify_document(file=io.BytesIO(_bytes(version.pdf))).matches


def test_the_public_page_verifies_an_upload_without_signing_in(client, workspace, brand):
    version = _sign_both(send(negotiating_collaboration(workspace=workspace), brand), brand)
    url = reverse("contracts:contract-verify")
    good = SimpleUploadedFile("contract.pdf", _bytes(version.signed_pdf), content_type="application/pdf")
    bad = SimpleUploadedFile("contract.pdf", _bytes(version.signed_pdf) + b"\n", content_type="application/pdf")

    assert client.get(url).status_code == 200
    matched = client.post(url, {"file": good}).content.decode()
    unmatched = client.post(url, {"file": bad}).content.decode()

    assert 'id="verify-match"' in matched and "Maya Lopez" in matched and version.signed_sha256 in matched
    assert 'id="verify-no-match"' in unmatched and "Maya Lopez" not in unmatched
    assert workspace.name not in matched  # only what the file already says


def test_the_public_page_refuses_a_client_over_its_hourly_checks(client, settings):
    settings.VERIFY_TRIES_PER_HOUR = 2
    url = reverse("contracts:contract-verify")
    ip = {"REMOTE_ADDR": "203.0.113.41"}  # its own counter, whatever other tests sent from 127.0.0.1

    def check(**meta):
        return client.post(url, {"file": SimpleUploadedFile("c.pdf", b"%PDF-1.4 x", "application/pdf")}, **meta)

    assert [check(**ip).status_code for _ in range(3)] == [200, 200, 429]
    assert "Too many checks" in check(**ip).content.decode()
    assert check(REMOTE_ADDR="203.0.113.42").status_code == 200  # another client is not held back


@pytest.fixture
def csrf_client():
    """The browser's view: CSRF enforced, as in production (the test client skips it otherwise)."""
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("contracts:contract-verify"))
    return client, client.cookies["csrftoken"].value


def test_an_upload_declared_over_the_limit_is_refused_before_its_body_is_read(csrf_client, settings):
    settings.VERIFY_TRIES_PER_HOUR = 1
    client, token = csrf_client
    url = reverse("contracts:contract-verify")
    meta = {"REMOTE_ADDR": "203.0.113.43"}
    small = {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile("c.pdf", b"%PDF-1.4 x", "application/pdf")}

    # The body is a few bytes; the declared length is not. Reading it (request.POST, as the CSRF
    # middleware does) would fail the test client's "Cannot read more than the available bytes".
    refused = client.post(url, small, CONTENT_LENGTH=str(VERIFY_MAX_BYTES + 1024 * 1024), **meta)

    assert refused.status_code == 413
    assert "larger than 20 MB" in refused.content.decode()
    small["file"].seek(0)
    assert client.post(url, small, **meta).status_code == 200  # the refusal used none of the hour's tries


def test_under_the_limit_the_page_still_checks_csrf(csrf_client):
    client, token = csrf_client
    url = reverse("contracts:contract-verify")

    def post(**data):
        upload = SimpleUploadedFile("c.pdf", b"%PDF-1.4 x", "application/pdf")
        return client.post(url, {"file": upload, **data}, REMOTE_ADDR="203.0.113.44")

    assert post().status_code == 403
    assert post(csrfmiddlewaretoken=token).status_code == 200
