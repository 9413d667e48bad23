"""Outreach templates: merge fields from a fixed list, checked when saved; never template code."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from outreach import merge, services
from outreach.errors import OutreachError, OutreachPermissionError
from outreach.models import OutreachTemplate

pytestmark = pytest.mark.django_db


def _save(workspace, by, **fields):
    values = {"kind": "invitation", "name": "Warm", "subject": "Hi {{ creator_name }}", "body": "Join {{ claim_link }}"}
    with workspace_scope(workspace):
        return services.save_template(workspace=workspace, by=by, **{**values, **fields})


def test_merge_fields_are_substituted_in_one_pass():
    text = "Hi {{creator_name}}, {{ campaign_name }}!"

    assert merge.render(text, {"creator_name": "{{ claim_link }}", "campaign_name": "Glow"}) == (
        "Hi {{ claim_link }}, Glow!"
    )


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ("Hi {{ creator_nmae }}", "Unknown merge field: {{ creator_nmae }}"),
        ("Hi {{ creator_name|upper }}", "is not a merge field"),
        ("{% load static %}Hi", "is not a merge field"),
        ("Hi {{ settings.SECRET_KEY }}", "is not a merge field"),
        ("Hi {{ creator_name", "is not a merge field"),
    ],
)
def test_an_unknown_placeholder_or_template_syntax_is_refused_when_saved(workspace, manager, body, complaint):
    with pytest.raises(OutreachError) as excinfo:
        _save(workspace, manager, body=body)

    assert any(complaint in message for message in excinfo.value.fields["body"])
    with scopes_disabled():
        assert not OutreachTemplate.objects.exists()


def test_a_bad_subject_is_named_as_the_subject(workspace, manager):
    with pytest.raises(OutreachError) as excinfo:
        _save(workspace, manager, subject="For {{ you }}")

    assert excinfo.value.code == "unknown_merge_field" and "subject" in excinfo.value.fields


def test_one_default_per_kind(workspace, manager):
    first = _save(workspace, manager, name="First", is_default=True)
    second = _save(workspace, manager, name="Second", is_default=True)
    reminder = _save(workspace, manager, name="Nudge", kind="reminder", is_default=True)

    with scopes_disabled():
        defaults = set(OutreachTemplate.objects.filter(is_default=True).values_list("pk", flat=True))
    assert defaults == {second.pk, reminder.pk} and first.pk not in defaults


def test_names_are_unique_per_kind_ignoring_case(workspace, manager):
    _save(workspace, manager, name="Warm")

    with pytest.raises(OutreachError) as excinfo:
        _save(workspace, manager, name="WARM")

    assert "name" in excinfo.value.fields
    with scopes_disabled():
        assert OutreachTemplate.objects.count() == 1


def test_an_analyst_cannot_save_a_template(workspace, analyst, client):
    with pytest.raises(OutreachPermissionError):
        _save(workspace, analyst)
    client.force_login(analyst)

    assert client.get(reverse("outreach:template-list")).status_code == 403
    assert client.post(reverse("outreach:template-list"), {"kind": "invitation", "name": "x", "subject": "x",
                                                          "body": "x"}).status_code == 403  # fmt: skip
    with scopes_disabled():
        assert not OutreachTemplate.objects.exists()


def test_the_page_saves_edits_and_refuses_an_unknown_field_beside_it(workspace, manager, client):
    client.force_login(manager)

    created = client.post(
        reverse("outreach:template-list"),
        {"kind": "reminder", "name": "Nudge", "subject": "About {{ campaign_name }}", "body": "See {{ claim_link }}"},
    )
    with scopes_disabled():
        template = OutreachTemplate.objects.get()
    refused = client.post(
        reverse("outreach:template-edit", args=[template.pk]),
        {"kind": "reminder", "name": "Nudge", "subject": "About {{ campaign_name }}", "body": "See {{ link }}"},
    )

    assert created.status_code == 302 and (template.kind, template.body) == ("reminder", "See {{ claim_link }}")
    assert refused.status_code == 400 and "Unknown merge field: {{ link }}" in refused.content.decode()
    template.refresh_from_db()
    assert template.body == "See {{ claim_link }}"


def test_the_live_preview_fills_in_sample_values_and_flags_unknown_fields(manager, client):
    client.force_login(manager)
    url = reverse("outreach:template-preview")

    good = client.post(url, {"subject": "Hi {{ creator_name }}", "body": "{{ campaign_name }}"}).content.decode()
    bad = client.post(url, {"subject": "Hi", "body": "{{ nope }}"}).content.decode()

    assert "Hi Maya Lopez" in good and "Spring glow launch" in good and "preview-errors" not in good
    assert "Unknown merge field: {{ nope }}" in bad


def test_the_page_starts_a_new_template_from_the_default_text_and_lists_the_merge_fields(manager, client):
    client.force_login(manager)

    html = client.get(reverse("outreach:template-list"), {"kind": "reminder"}).content.decode()

    assert "A reminder about {{ campaign_name }}" in html  # the reminder's default subject, ready to edit
    assert "{{ portal_link }}" in html and "{{ sender_name }}" in html
