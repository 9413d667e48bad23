"""Signing: the creator first, then the brand; each signature is evidence; a change is a new version
that needs new signatures; the collaboration is contracted only once both have signed."""

import hashlib

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEvent, Role
from accounts.tenancy import workspace_scope
from briefs.contracts.services import send_contract
from briefs.contracts.signing import sign_as_brand, sign_as_creator
from briefs.errors import ContractError, ContractErrorCode, ContractNotFoundError, ContractPermissionError
from briefs.models import ContractVersion, SignatureEvent
from campaigns.models import Collaboration, CollaborationTransition
from tests.briefs.factories import TERMS, negotiating_collaboration, send
from tests.briefs.pdf_text import pdf_text
from tests.factories import CreatorFactory, CreatorUserFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0)"


@pytest.fixture
def brand(workspace):
    with scopes_disabled():
        return MembershipFactory(
            workspace=workspace, user=UserFactory(email="olivia@glow.test", full_name="Olivia Owner"), role=Role.OWNER
        ).user


@pytest.fixture
def collaboration(workspace):
    return negotiating_collaboration(workspace=workspace)


def creator_signs(version, *, user=None, typed_name="Maya Lopez", consent=True):
    user = user or version.contract.collaboration.creator.user
    return sign_as_creator(
        version_id=version.pk, user=user, typed_name=typed_name, consent=consent, ip="203.0.113.9", user_agent=UA
    )


def brand_signs(version, by, *, typed_name=None, consent=True):
    with workspace_scope(version.workspace):
        return sign_as_brand(
            version=version, by=by, typed_name=typed_name or by.full_name, consent=consent, ip="198.51.100.7",
            user_agent="Firefox/140",
        )  # fmt: skip


def events():
    with scopes_disabled():
        return list(SignatureEvent.objects.order_by("pk").values_list("version_id", "role"))


def reload(obj):
    with scopes_disabled():
        obj.refresh_from_db()
    return obj


def test_creator_then_brand_sign_and_the_collaboration_becomes_contracted(collaboration, brand):
    version = send(collaboration, brand)

    creator_event = creator_signs(version)
    assert reload(version).status == ContractVersion.Status.CREATOR_SIGNED
    assert reload(collaboration).stage == Collaboration.Stage.NEGOTIATING  # one signature is not a contract

    brand_signs(version, brand)

    version, collaboration = reload(version), reload(collaboration)
    assert version.status == ContractVersion.Status.FULLY_SIGNED and version.fully_signed_at is not None
    assert collaboration.stage == Collaboration.Stage.CONTRACTED
    with scopes_disabled():
        move = CollaborationTransition.objects.get(collaboration=collaboration, to_stage="contracted")
    assert (move.from_stage, move.by) == ("negotiating", brand)
    assert (creator_event.typed_name, creator_event.ip, creator_event.user_agent) == ("Maya Lopez", "203.0.113.9", UA)
    assert creator_event.document_sha256 == version.sha256
    assert (
        "I agree to sign it electronically" in creator_event.consent_text
        and version.sha256 in creator_event.consent_text
    )
    assert creator_event.signer == collaboration.creator.user


def test_the_final_pdf_carries_the_certificate_and_its_own_hash(collaboration, brand):
    version = send(collaboration, brand)
    creator_signs(version)
    brand_signs(version, brand)
    version = reload(version)

    with version.signed_pdf.open("rb") as stored:
        data = stored.read()
    text = pdf_text(data)

    assert version.signed_sha256 == hashlib.sha256(data).hexdigest() != version.sha256
    assert "Signature certificate" in text
    assert "Creator: Maya Lopez" in text and "Brand: Olivia Owner" in text
    assert "IP address: 203.0.113.9" in text and "IP address: 198.51.100.7" in text
    assert text.count(f"Document SHA-256: {version.sha256}") == 2


def test_the_brand_cannot_sign_before_the_creator(collaboration, brand):
    version = send(collaboration, brand)

    with pytest.raises(ContractError) as exc:
        brand_signs(version, brand)

    assert exc.value.code == ContractErrorCode.CREATOR_FIRST
    assert events() == []
    assert reload(version).status == ContractVersion.Status.SENT
    assert reload(collaboration).stage == Collaboration.Stage.NEGOTIATING


def test_another_creator_cannot_see_or_sign_the_contract(collaboration, brand):
    version = send(collaboration, brand)
    stranger = CreatorUserFactory(email="other@creator.test", full_name="Maya Lopez")
    CreatorFactory(user=stranger)

    with pytest.raises(ContractNotFoundError):
        creator_signs(version, user=stranger)

    assert events() == []


def test_a_marketer_cannot_sign_as_the_creator(collaboration, brand):
    version = send(collaboration, brand)

    with pytest.raises(ContractNotFoundError):
        creator_signs(version, user=brand, typed_name="Olivia Owner")

    assert events() == []


def test_an_analyst_can_neither_send_nor_countersign(collaboration, brand, analyst):
    with pytest.raises(ContractPermissionError):
        send(collaboration, analyst)
    with scopes_disabled():
        assert not ContractVersion.objects.exists()

    version = send(collaboration, brand)
    creator_signs(version)
    with pytest.raises(ContractPermissionError):
        brand_signs(version, analyst, typed_name="Anna Analyst")

    assert [role for _, role in events()] == ["creator"]
    assert reload(collaboration).stage == Collaboration.Stage.NEGOTIATING


def test_only_the_named_brand_signer_countersigns(collaboration, brand, manager):
    with workspace_scope(collaboration.workspace):
        version = send_contract(collaboration=collaboration, by=manager, terms=TERMS, brand_signer=brand)
    creator_signs(version)

    with pytest.raises(ContractPermissionError, match="names Olivia Owner"):
        brand_signs(version, manager)
    brand_signs(version, brand)

    assert [role for _, role in events()] == ["creator", "brand"]


def test_unticked_consent_is_refused_and_writes_nothing(collaboration, brand):
    version = send(collaboration, brand)
    with scopes_disabled():
        audit_before = AuditEvent.objects.count()

    with pytest.raises(ContractError) as exc:
        creator_signs(version, consent=False)

    assert exc.value.code == ContractErrorCode.CONSENT_REQUIRED and "consent" in exc.value.fields
    assert events() == []
    assert reload(version).status == ContractVersion.Status.SENT
    with scopes_disabled():
        assert AuditEvent.objects.count() == audit_before


@pytest.mark.parametrize("typed_name", ["", "  ", "M", "Someone Else"])
def test_a_missing_or_mismatched_typed_name_is_refused(collaboration, brand, typed_name):
    version = send(collaboration, brand)

    with pytest.raises(ContractError) as exc:
        creator_signs(version, typed_name=typed_name)

    assert "typed_name" in exc.value.fields
    assert events() == []


def test_the_typed_name_may_differ_in_case_accents_and_spacing(collaboration, brand):
    version = send(collaboration, brand)

    event = creator_signs(version, typed_name="  maya   LÓPEZ ")

    assert event.typed_name == "maya LÓPEZ"


def test_signing_twice_is_refused_clearly(collaboration, brand):
    version = send(collaboration, brand)
    creator_signs(version)

    with pytest.raises(ContractError, match="already signed by the creator") as exc:
        creator_signs(version)

    assert exc.value.code == ContractErrorCode.ALREADY_SIGNED
    assert len(events()) == 1


def test_a_new_version_supersedes_the_old_one_and_needs_new_signatures(collaboration, brand):
    first = send(collaboration, brand)
    creator_signs(first)

    second = send(collaboration, brand, payment_terms="Net 15 after the video goes live.")

    assert (second.number, second.status) == (2, ContractVersion.Status.SENT)
    assert reload(first).status == ContractVersion.Status.SUPERSEDED
    assert second.sha256 != first.sha256 and "Net 15" in second.body
    with pytest.raises(ContractError) as exc:
        brand_signs(first, brand)  # the creator's signature on v1 does not carry over
    assert exc.value.code == ContractErrorCode.SUPERSEDED
    with pytest.raises(ContractError, match="creator signs first"):
        brand_signs(second, brand)
    assert reload(collaboration).stage == Collaboration.Stage.NEGOTIATING


def test_a_change_after_full_signature_is_a_new_version_to_sign_again(collaboration, brand):
    first = send(collaboration, brand)
    creator_signs(first)
    brand_signs(first, brand)

    second = send(collaboration, brand, exclusivity_days=60)

    first = reload(first)
    assert first.status == ContractVersion.Status.SUPERSEDED
    assert first.signed_sha256 and first.fully_signed_at  # what was signed stays on record
    assert second.status == ContractVersion.Status.SENT and "For 60 days" in second.body
    creator_signs(second)
    brand_signs(second, brand)
    assert reload(second).status == ContractVersion.Status.FULLY_SIGNED
    assert reload(collaboration).stage == Collaboration.Stage.CONTRACTED  # an amendment stays contracted


def test_sending_the_same_terms_again_is_refused(collaboration, brand):
    send(collaboration, brand)

    with pytest.raises(ContractError, match="Nothing changed since version 1"):
        send(collaboration, brand)

    with scopes_disabled():
        assert ContractVersion.objects.count() == 1


@pytest.mark.parametrize("stage", ["shortlisted", "invited", "declined", "cancelled", "live"])
def test_a_contract_is_sent_only_while_negotiating_or_contracted(workspace, brand, stage):
    collaboration = negotiating_collaboration(workspace=workspace, stage=stage)

    with pytest.raises(ContractError) as exc:
        send(collaboration, brand)

    assert exc.value.code == ContractErrorCode.STAGE_NOT_ALLOWED
    with scopes_disabled():
        assert not ContractVersion.objects.exists()


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"usage_duration_months": 0}, "usage_duration_months"),
        ({"usage_duration_months": 1.5}, "usage_duration_months"),
        ({"exclusivity_days": 30, "exclusivity_category": ""}, "exclusivity_category"),
        ({"payment_terms": " "}, "payment_terms"),
        ({"allows_paid_ads": "yes"}, "allows_paid_ads"),
    ],
)
def test_bad_terms_are_refused_beside_their_field_and_nothing_is_written(collaboration, brand, terms, field):
    with pytest.raises(ContractError) as exc:
        send(collaboration, brand, **terms)

    assert field in exc.value.fields
    with scopes_disabled():
        assert not ContractVersion.objects.exists()


def test_another_workspaces_manager_cannot_send_or_sign(collaboration, brand):
    other = MembershipFactory(user=UserFactory(full_name="Bob Bravo"), role=Role.OWNER)
    version = send(collaboration, brand)
    creator_signs(version)

    with workspace_scope(other.workspace), pytest.raises(ContractNotFoundError):
        sign_as_brand(version=version, by=other.user, typed_name="Bob Bravo", consent=True, ip="", user_agent="")

    assert len(events()) == 1
