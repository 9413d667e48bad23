"""Forms of the discovery page: bulk actions on results, and saving a search. The filters themselves are
creators.discovery.filters.CreatorPageFilterSet."""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict

from creators.discovery import selectors as discovery
from creators.discovery.filters import CreatorPageFilterSet
from creators.workspace.services import SAVED_SEARCH_NAME_MAX_CHARS, SAVED_SEARCH_QUERY_MAX_CHARS

PER_PAGE_CHOICES = (25, 50, 100)
VIEWS = ("table", "cards")
# Query parameters a shareable discovery URL may carry besides the filters.
DISPLAY_PARAMS = ("view", "per_page")
# One bulk action touches at most this many creators: the page's exact count reaches that far.
BULK_LIMIT = discovery.COUNT_LIMIT


def clean_query_string(raw: str | QueryDict) -> str:
    """Keep the filters and display options of a discovery URL's query, drop anything else (page, csrf…)."""
    params = raw if isinstance(raw, QueryDict) else QueryDict(raw.lstrip("?")[:SAVED_SEARCH_QUERY_MAX_CHARS])
    allowed = set(CreatorPageFilterSet.base_filters) | set(DISPLAY_PARAMS)
    pairs = [(key, value) for key in params for value in params.getlist(key) if key in allowed and value != ""]
    return urlencode(pairs)


class IdListField(forms.Field):
    """Several creator ids (`creator=1&creator=2`)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        try:
            ids = sorted({int(item) for item in values})
        except (TypeError, ValueError):
            raise forms.ValidationError("Pick creators from the results.", code="invalid") from None
        if any(pk < 1 or pk > 2**63 - 1 for pk in ids):
            raise forms.ValidationError("Pick creators from the results.", code="invalid")
        return ids


class BulkActionForm(forms.Form):
    ADD_TO_LIST = "add_to_list"
    TAG = "tag"

    action = forms.ChoiceField(choices=[(ADD_TO_LIST, "Add to list"), (TAG, "Tag")])
    creator = IdListField(required=False)
    select_all = forms.BooleanField(required=False)
    query = forms.CharField(required=False, max_length=SAVED_SEARCH_QUERY_MAX_CHARS)
    creator_list = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    new_list_name = forms.CharField(required=False, max_length=100, strip=True)
    tag_name = forms.CharField(required=False, max_length=50, strip=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("select_all") and not data.get("creator"):
            self.add_error(None, "Select creators first: tick them in the results, or select all matching.")
        if len(data.get("creator") or []) > BULK_LIMIT:
            self.add_error(None, f"Select at most {BULK_LIMIT:,} creators at once.")
        if data.get("action") == self.ADD_TO_LIST and not (data.get("creator_list") or data.get("new_list_name")):
            self.add_error("creator_list", "Choose a list, or name a new one.")
        if data.get("action") == self.TAG and not data.get("tag_name"):
            self.add_error("tag_name", "Name the tag.")
        data["query"] = clean_query_string(data.get("query") or "")
        return data


class SavedSearchForm(forms.Form):
    name = forms.CharField(max_length=SAVED_SEARCH_NAME_MAX_CHARS, strip=True)
    query = forms.CharField(required=False, max_length=SAVED_SEARCH_QUERY_MAX_CHARS)

    def clean_query(self) -> str:
        return clean_query_string(self.cleaned_data.get("query") or "")


class DisplayForm(forms.Form):
    """How results are shown: a table or cards, and how many a page."""

    view = forms.ChoiceField(choices=[(v, v) for v in VIEWS], required=False)
    per_page = forms.TypedChoiceField(choices=[(n, n) for n in PER_PAGE_CHOICES], coerce=int, required=False)

    def options(self) -> tuple[str, int]:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("view") or VIEWS[0], data.get("per_page") or PER_PAGE_CHOICES[0]
