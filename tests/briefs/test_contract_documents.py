"""Contract documents: safe merge fields, deterministic PDFs, stored hashes that match stored files,
and a certificate page that lists every signature."""

import datetime
import hashlib
import logging
import os
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings
from django_scopes import scopes_disabled
from djmoney.money import Money
from hypothesis import given
from hypothesis import strategies as st

from accounts.tenancy import workspace_scope
from briefs.contracts import documents
from briefs.contracts.merge import compensation_text
from briefs.contracts.services import save_contract_template, send_contract
from briefs.errors import ContractError, ContractErrorCode
from briefs.models import ContractTemplate, ContractVersion
from campaigns.models import Collaboration
from tests.briefs.factories import TERMS, negotiating_collaboration, send
from tests.briefs.pdf_text import page_count, pdf_text

NOON = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)


# --- Merge fields ----------------------------------------------------------------------------------


def test_placeholders_are_filled_from_the_whitelist_in_one_pass():
    body = "Dear {{ creator_name }}, you get {{compensation}}"
    values = {"creator_name": "{{ compensation }}", "compensation": "500.00 USD"}

    # A value that looks like a placeholder stays text: it is not expanded a second time.
    assert documents.render_text(body, values) == "Dear {{ compensation }}, you get 500.00 USD"


@given(values=st.dictionaries(st.sampled_from(sorted(documents.MERGE_FIELDS)), st.text(max_size=40), min_size=1))
def test_any_value_is_inserted_verbatim_and_never_evaluated(values):
    body = " | ".join(f"{{{{ {name} }}}}" for name in values)

    assert documents.render_text(body, values) == " | ".join(values.values())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Hello {{ creator_nme }}", "Unknown merge field(s): creator_nme"),
        ("{{ creator.user.password }}", "Only {{ field_name }} placeholders"),
        ("{% load static %}{{ creator_name }}", "Only {{ field_name }} placeholders"),
        ("{{ creator_name|upper }}", "Only {{ field_name }} placeholders"),
    ],
)
def test_a_template_with_an_unknown_or_unsafe_placeholder_is_refused_and_not_saved(workspace, manager, body, message):
    with workspace_scope(workspace), pytest.raises(ContractError, match=re.escape(message)) as exc:
        save_contract_template(workspace=workspace, by=manager, name="Mine", body=body)

    assert exc.value.code == ContractErrorCode.UNKNOWN_MERGE_FIELD
    with scopes_disabled():
        assert not ContractTemplate.objects.exists()


def test_a_valid_template_is_saved_and_used_as_the_default(workspace, manager):
    with workspace_scope(workspace):
        save_contract_template(
            workspace=workspace,
            by=manager,
            name="Short",
            body="{{ creator_name }} gets {{ compensation }}",
            is_default=True,
        )
    collaboration = negotiating_collaboration(workspace=workspace)

    version = send(collaboration, manager)

    assert version.body == "Maya Lopez gets A fixed fee of 500.00 USD."


def test_an_analyst_cannot_save_a_template(workspace, analyst):
    with workspace_scope(workspace), pytest.raises(ContractError):
        save_contract_template(workspace=workspace, by=analyst, name="Mine", body="{{ creator_name }}")
    with scopes_disabled():
        assert not ContractTemplate.objects.exists()


def test_the_default_text_states_every_term_of_the_issue(workspace, manager):
    collaboration = negotiating_collaboration(workspace=workspace)

    body = send(collaboration, manager).body

    for expected in (
        "Maya Lopez (@",
        "Night serum",
        "A fixed fee of 500.00 USD.",
        "Net 30 after the video goes live.",
        "on TikTok, Instagram for 6 months",
        "Paid ads: Yes. Whitelisting: No. Spark Ads: Yes.",
        "Repost on brand channels: Yes.",
        "For 30 days from the first post, the Creator will not promote competing brands in this category: Skincare.",
        "Either party may cancel in writing before publication.",
        "#ad",
    ):
        assert expected in body, expected


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({"compensation_type": "fixed_fee", "fee": Money(Decimal("1250.50"), "EUR")}, "A fixed fee of 1,250.50 EUR."),
        ({"compensation_type": "gifting_only", "fee": None}, "Gifting only: the product sent is the compensation"),
        (
            {"compensation_type": "commission", "fee": None, "commission_percent": Decimal("12.50")},
            "A commission of 12.50 % of the revenue attributed to the Creator.",
        ),
        (
            {
                "compensation_type": "fee_plus_bonus",
                "fee": Money(Decimal("300.00"), "USD"),
                "bonus": Money(Decimal("150.00"), "USD"),
                "bonus_metric": "views",
                "bonus_threshold": Decimal("100000"),
            },
            "A fixed fee of 300.00 USD, plus a bonus of 150.00 USD if views reaches 100000.",
        ),
    ],
)
def test_the_contract_states_each_kind_of_compensation(fields, sentence):
    collaboration = Collaboration(**fields)

    assert sentence in compensation_text(collaboration)


def test_no_contract_without_agreed_compensation(workspace, manager):
    collaboration = negotiating_collaboration(workspace=workspace, compensation_type="", fee=None)

    with pytest.raises(ContractError) as exc:
        send(collaboration, manager)

    assert exc.value.code == ContractErrorCode.NO_COMPENSATION
    with scopes_disabled():
        assert not ContractVersion.objects.exists()


# --- PDF -------------------------------------------------------------------------------------------


def test_the_same_text_and_time_give_the_same_pdf_bytes():
    first = documents.render_contract_pdf(title="Contract v1", text="Terms\nMore terms", created_at=NOON)
    again = documents.render_contract_pdf(title="Contract v1", text="Terms\nMore terms", created_at=NOON)
    changed = documents.render_contract_pdf(title="Contract v1", text="Terms\nMore terms.", created_at=NOON)

    assert first.startswith(b"%PDF-")
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(again).hexdigest()
    assert hashlib.sha256(changed).hexdigest() != hashlib.sha256(first).hexdigest()


def test_the_stored_hash_is_the_sha256_of_the_stored_file_and_can_be_recomputed(workspace, manager):
    version = send(negotiating_collaboration(workspace=workspace), manager)

    with version.pdf.open("rb") as stored:
        data = stored.read()
    rerendered = documents.render_contract_pdf(
        title=f"{workspace.name} x {version.terms['creator_handle']} - Night serum - contract v1",
        text=version.body,
        created_at=version.sent_at,
    )

    assert len(version.sha256) == 64
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    assert rerendered == data
    assert "Net 30 after the video goes live." in pdf_text(data)


def test_the_certificate_page_lists_every_signature_event():
    creator = documents.CertificateEntry(
        role="Creator", typed_name="Maya Lopez", signer_email="maya@creator.test", signed_at=NOON,
        ip="203.0.113.9", user_agent="Mozilla/5.0 (iPhone)", document_sha256="a" * 64, consent_text="I agree, v1",
    )  # fmt: skip
    brand = documents.CertificateEntry(
        role="Brand", typed_name="Olivia Owner", signer_email="owner@glow.test",
        signed_at=NOON + datetime.timedelta(hours=1), ip="2001:db8::1", user_agent="Firefox/140",
        document_sha256="a" * 64, consent_text="I agree, v1",
    )  # fmt: skip

    data = documents.render_signed_pdf(
        title="Contract v1", text="Terms", created_at=NOON, document_sha256="a" * 64, signatures=[creator, brand]
    )
    text = pdf_text(data)

    assert page_count(data) == 2
    assert "Signature certificate" in text
    for expected in (
        "Creator: Maya Lopez", "Account: maya@creator.test", "Signed at (UTC): 2026-03-01 12:00:00",
        "IP address: 203.0.113.9", "User agent: Mozilla/5.0 (iPhone)", "Document SHA-256: " + "a" * 64,
        "Consent: I agree, v1", "Brand: Olivia Owner", "Signed at (UTC): 2026-03-01 13:00:00",
        "IP address: 2001:db8::1",
    ):  # fmt: skip
        assert expected in text, expected


def test_characters_outside_the_pdf_font_do_not_break_rendering(workspace, manager):
    with workspace_scope(workspace):
        version = send_contract(
            collaboration=negotiating_collaboration(workspace=workspace, full_name="Zoë Ærøskøbing"),
            by=manager,
            terms=TERMS | {"payment_terms": "Paid “net 30” — promptly ✨"},
        )

    assert "Paid “net 30” — promptly ✨" in version.body  # the frozen text keeps every character
    with version.pdf.open("rb") as stored:
        text = pdf_text(stored.read())
    # The embedded font has typographic quotes and dashes; only the emoji it lacks becomes '?'.
    assert "Paid “net 30” — promptly ?" in text and "Zoë Ærøskøbing" in text


def test_a_contract_for_an_international_creator_shows_every_name_as_typed(workspace, manager):
    with workspace_scope(workspace):
        version = send_contract(
            collaboration=negotiating_collaboration(workspace=workspace, full_name="Łukasz Żółć"),
            by=manager,
            terms=TERMS | {"payment_terms": "Дарья Иванова, Ελένη Παπαδοπούλου, Şükrü Çağlar, Nguyễn Thị Ánh"},
        )

    with version.pdf.open("rb") as stored:
        text = pdf_text(stored.read())
    assert "and Łukasz Żółć (@" in text  # the creator_name merge field, Polish
    assert "Payment terms: Дарья Иванова, Ελένη Παπαδοπούλου, Şükrü Çağlar, Nguyễn Thị Ánh" in text


def test_the_signature_certificate_shows_a_typed_name_in_any_script():
    signer = documents.CertificateEntry(
        role="Creator", typed_name="Дарья Żółć Ελένη", signer_email="darya@creator.test", signed_at=NOON,
        ip="203.0.113.9", user_agent="Firefox/140", document_sha256="a" * 64, consent_text="Я согласна, v1",
    )  # fmt: skip

    data = documents.render_signed_pdf(
        title="Contract v1", text="Terms", created_at=NOON, document_sha256="a" * 64, signatures=[signer]
    )

    text = pdf_text(data)
    assert "Creator: Дарья Żółć Ελένη" in text and "Consent: Я согласна, v1" in text


def test_a_character_the_font_lacks_becomes_a_question_mark_and_the_rest_is_drawn(caplog):
    with caplog.at_level(logging.WARNING):
        data = documents.render_contract_pdf(title="Contract v1", text="Дарья ✨ signs 你好", created_at=NOON)

    assert "Дарья ? signs ??" in pdf_text(data)
    # Filtered before drawing: fpdf2 did not have to draw (and warn about) a missing-glyph box.
    assert not [record for record in caplog.records if record.name.startswith("fpdf")]


def test_a_unicode_contract_embeds_the_font_and_renders_to_the_same_bytes_in_any_process():
    text = "Łukasz Żółć, Дарья, Ελένη: “terms” — agreed ✨"
    data = documents.render_contract_pdf(title="Contract v1", text=text, created_at=NOON)
    # Another interpreter with another hash seed (set and dict order of strings) must recompute the
    # stored hash: contracts are re-rendered and compared by SHA-256.
    script = (
        "import datetime, hashlib, sys; from briefs.contracts.documents import render_contract_pdf; "
        "noon = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC); "
        "print(hashlib.sha256(render_contract_pdf(title='Contract v1', text=sys.argv[1], created_at=noon)).hexdigest())"
    )
    digests = {
        subprocess.run(  # noqa: S603 - our own interpreter running a fixed script
            [sys.executable, "-c", script, text],
            cwd=settings.BASE_DIR, env=os.environ | {"PYTHONHASHSEED": seed},
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }  # fmt: skip

    assert documents.render_contract_pdf(title="Contract v1", text=text, created_at=NOON) == data
    assert digests == {hashlib.sha256(data).hexdigest()}
    assert b"/FontFile2" in data and b"/BaseFont /MPDFAA+DejaVuSansBook" in data  # embedded, not a core font


def test_a_version_freezes_the_agreed_terms_typed_for_other_features(workspace, manager):
    collaboration = negotiating_collaboration(workspace=workspace)

    agreed = send(collaboration, manager).agreed_terms

    assert agreed["usage_duration_months"] == 6 and agreed["allows_whitelisting"] is False
    assert (agreed["allows_paid_ads"], agreed["allows_spark_ads"], agreed["allows_brand_repost"]) == (True, True, True)
    assert (agreed["usage_platforms"], agreed["exclusivity_days"]) == ("TikTok, Instagram", 30)
    assert (agreed["compensation_type"], agreed["fee"], agreed["fee_currency"]) == ("fixed_fee", "500.00", "USD")
