"""Forms of the workspace layers: they parse input; the services decide what is allowed."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from creators.models import Creator, CreatorList, Relationship
from creators.workspace.services import (
    LIST_DESCRIPTION_MAX_CHARS,
    LIST_NAME_MAX_CHARS,
    NOTE_MAX_CHARS,
    TAG_NAME_MAX_CHARS,
)

MAX_CREATORS_PER_POST = 1_000  # a page of discovery results is at most a few hundred


class NoteForm(forms.Form):
    body = forms.CharField(
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Rates, call notes, content ideas…"}),
    )


class TagForm(forms.Form):
    name = forms.CharField(max_length=TAG_NAME_MAX_CHARS + 1)  # room for a leading # the service strips


class ContactForm(forms.Form):
    email = forms.EmailField(required=False, max_length=254)


class RelationshipForm(forms.Form):
    status = forms.ChoiceField(choices=Relationship.Status.choices)


class CreatorListForm(forms.Form):
    name = forms.CharField(max_length=LIST_NAME_MAX_CHARS)
    description = forms.CharField(max_length=LIST_DESCRIPTION_MAX_CHARS, required=False, widget=forms.Textarea)


class AddToListForm(forms.Form):
    """From a profile: pick one of the workspace's lists, or name a new one."""

    creator_list = forms.ModelChoiceField(queryset=CreatorList.objects.none(), required=False)
    new_list_name = forms.CharField(max_length=LIST_NAME_MAX_CHARS, required=False)

    def __init__(self, *args: Any, lists: QuerySet[CreatorList], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["creator_list"].queryset = lists  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_list = cleaned.get("creator_list") is not None
        has_name = bool((cleaned.get("new_list_name") or "").strip())
        if has_list == has_name and not self.errors:
            raise forms.ValidationError("Pick a list, or type the name of a new one.")
        return cleaned


class BoundedCreatorsField(forms.ModelMultipleChoiceField):
    """Creator ids, at most MAX_CREATORS_PER_POST, checked in one query."""

    def clean(self, value: Any) -> Any:
        if value and len(value) > MAX_CREATORS_PER_POST:
            raise forms.ValidationError(f"Pick at most {MAX_CREATORS_PER_POST:,} creators at a time.")
        return super().clean(value)


class CreatorSelectionForm(forms.Form):
    """Creators picked by id (`creator=1&creator=2`), e.g. the rows ticked in a table."""

    creator = BoundedCreatorsField(queryset=Creator.objects.all())
