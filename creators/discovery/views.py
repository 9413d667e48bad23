"""The discovery page: filters in the URL (shareable, savable), results as a table or cards, bulk actions
and the CSV export. Parsing is this package's `filters` and `forms`, reading its `selectors`, writing
through creators.workspace.services."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from core.csv_export import csv_lines
from core.errors import ApplicationError
from core.forms import add_form_errors
from creators.discovery import selectors as discovery
from creators.discovery.filters import (
    AGE_BUCKETS,
    AUTHENTICITY_CHOICES,
    BRAND_SAFETY_CHOICES,
    GENDERS,
    RELATIONSHIP_CHOICES,
    CreatorPageFilterSet,
)
from creators.discovery.forms import (
    BULK_LIMIT,
    PER_PAGE_CHOICES,
    BulkActionForm,
    DisplayForm,
    IdListField,
    SavedSearchForm,
    clean_query_string,
)
from creators.errors import CreatorError, CreatorErrorCode
from creators.models import Creator, SavedSearch
from creators.workspace import services
from creators.workspace.contacts import attach_contact_emails, with_contact_email

EXPORT_LIMIT = discovery.MAX_RESULT_ROWS  # rows per CSV: the results the pages reach
EXPORT_COLUMNS = (
    ("handle", lambda c: c.handle),
    ("display_name", lambda c: c.display_name),
    ("profile_url", lambda c: c.profile_url),
    ("tier", lambda c: discovery.tier_of(c.follower_count)),
    ("followers", lambda c: c.follower_count),
    ("engagement_rate_pct", lambda c: "" if c.engagement_rate is None else f"{c.engagement_rate * 100:.2f}"),
    ("growth_30d_pct", lambda c: "" if c.growth_30d is None else f"{c.growth_30d * 100:.2f}"),
    ("score", lambda c: "" if c.score is None else c.score),
    ("country", lambda c: c.country),
    ("city", lambda c: c.city),
    ("languages", lambda c: " ".join(c.languages)),
    ("niches", lambda c: " ".join(c.niches)),
    ("verified", lambda c: "yes" if c.is_verified else "no"),
    ("contact_email", lambda c: c.contact_email),
    ("last_posted_at", lambda c: c.last_posted_at.isoformat() if c.last_posted_at else ""),
    ("authenticity_flags", lambda c: " ".join(c.authenticity_flags)),
)
# Common creator markets first; any other ISO code still works in the URL.
COUNTRY_OPTIONS = (
    "US",
    "GB",
    "CA",
    "AU",
    "IE",
    "NZ",
    "DE",
    "FR",
    "ES",
    "IT",
    "NL",
    "BE",
    "SE",
    "NO",
    "DK",
    "FI",
    "PL",
    "PT",
    "AT",
    "CH",
    "BR",
    "MX",
    "AR",
    "CO",
    "CL",
    "PE",
    "IN",
    "ID",
    "PH",
    "TH",
    "VN",
    "MY",
    "SG",
    "JP",
    "KR",
    "TR",
    "SA",
    "AE",
    "EG",
    "NG",
    "ZA",
    "KE",
)
LANGUAGE_OPTIONS = (
    ("en", "English"),
    ("es", "Spanish"),
    ("pt", "Portuguese"),
    ("fr", "French"),
    ("de", "German"),
    ("it", "Italian"),
    ("nl", "Dutch"),
    ("pl", "Polish"),
    ("sv", "Swedish"),
    ("tr", "Turkish"),
    ("ar", "Arabic"),
    ("hi", "Hindi"),
    ("id", "Indonesian"),
    ("tl", "Tagalog"),
    ("th", "Thai"),
    ("vi", "Vietnamese"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
)


def _filterset(request: WorkspaceRequest, params: QueryDict) -> CreatorPageFilterSet:
    return CreatorPageFilterSet(params, queryset=discovery.discoverable_creators(), request=request)


def _render_list(
    request: WorkspaceRequest,
    params: QueryDict,
    *,
    bulk_form: BulkActionForm | None = None,
    saved_search_form: SavedSearchForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page for the filters in `params`: the results partial for htmx, the whole page otherwise."""
    filterset = _filterset(request, params)
    view, per_page = DisplayForm(params).options()
    page = None
    if filterset.is_valid():
        search = filterset.search()
        number = discovery.parse_page_number(params.get("page"), per_page=per_page, strict=False)
        page = discovery.results_page(search, page_number=number, per_page=per_page)
        attach_contact_emails(workspace=request.workspace, creators=page.creators)
    else:
        status = 400
    query = clean_query_string(params)
    workspace = request.workspace
    context: dict[str, Any] = {
        "filterset": filterset,
        "form": filterset.form,
        "page": page,
        "view": view,
        "per_page": per_page,
        "per_page_choices": PER_PAGE_CHOICES,
        "query": query,
        "selected": {name: params.getlist(name) for name in params},
        "query_without_view": clean_query_string(_without(params, "view", "page")),
        "query_without_page": clean_query_string(_without(params, "page")),
        "is_filtered": filterset.is_valid() and filterset.is_filtered,
        "bulk_form": bulk_form or BulkActionForm(initial={"query": query}),
        "bulk_limit": BULK_LIMIT,
        "saved_search_form": saved_search_form or SavedSearchForm(initial={"query": query}),
        "saved_searches": discovery.list_saved_searches(workspace=workspace),
        "creator_lists": discovery.list_creator_lists(workspace=workspace),
        "tags": discovery.list_tags(workspace=workspace),
        "niches": discovery.list_niches(),
        "tiers": discovery.TIER_CHOICES,
        "orderings": discovery.ORDERING_CHOICES,
        "relationships": RELATIONSHIP_CHOICES,
        "genders": GENDERS,
        "age_buckets": AGE_BUCKETS,
        "authenticity_choices": AUTHENTICITY_CHOICES,
        "brand_safety_choices": BRAND_SAFETY_CHOICES,
        "countries": COUNTRY_OPTIONS,
        "languages": LANGUAGE_OPTIONS,
        "can_write": can_write(request),
    }
    htmx = request.htmx  # type: ignore[attr-defined]
    is_partial = bool(htmx) and not htmx.history_restore_request and request.method == "GET"
    template = "creators/creator_list.html#results" if is_partial else "creators/creator_list.html"
    response = render(request, template, context, status=status)
    if is_partial:
        # The address bar gets the search without the form's empty fields: a short link worth sharing.
        push_url(response, f"{reverse('creators:creator-list')}?{query}" if query else reverse("creators:creator-list"))
    return response


def _without(params: QueryDict, *names: str) -> QueryDict:
    copy = params.copy()
    for name in names:
        copy.pop(name, None)
    return copy


@vary_on_headers("HX-Request")  # the partial and the full page must not share a cache entry
@dashboard_view()
def creator_list(request: WorkspaceRequest) -> HttpResponse:
    return _render_list(request, request.GET)


def _selected_creators(request: WorkspaceRequest, form: BulkActionForm) -> QuerySet[Creator]:
    """The creators a bulk action is about: the ticked ones, or every match of the search (at most
    BULK_LIMIT, counted exactly first, so nothing is silently cut)."""
    data = form.cleaned_data
    if not data.get("select_all"):
        return Creator.objects.filter(pk__in=data["creator"])
    filterset = _filterset(request, QueryDict(data["query"]))
    if not filterset.is_valid():
        raise CreatorError("The search behind this selection is not valid any more.", code=CreatorErrorCode.INVALID)
    matching = discovery.matching_creators(filterset.search())
    count = discovery.count_results(matching, is_filtered=True, may_estimate=False)
    if not count.is_exact:
        raise CreatorError(
            f"More than {BULK_LIMIT:,} creators match: narrow the filters, or tick the ones you want.",
            code=CreatorErrorCode.INVALID,
        )
    return matching[:BULK_LIMIT]


@dashboard_view()
@require_POST
def creator_bulk(request: WorkspaceRequest) -> HttpResponse:
    """Add the selected creators to a list (existing or new) or tag them; back to the same results."""
    form = BulkActionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            message = _run_bulk_action(request, form, data)
        except ApplicationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect(f"{reverse('creators:creator-list')}?{data['query']}")
    params = QueryDict(clean_query_string(request.POST.get("query", "")))
    return _render_list(request, params, bulk_form=form, status=400)


def _run_bulk_action(request: WorkspaceRequest, form: BulkActionForm, data: dict[str, Any]) -> str:
    workspace, user = request.workspace, request.user
    creators = _selected_creators(request, form)
    if data["action"] == BulkActionForm.TAG:
        tag = services.tag_creators(workspace=workspace, tag_name=data["tag_name"], creators=creators, by=user)
        return f"Tagged “{tag.name}”."
    if data.get("creator_list"):
        creator_list = discovery.list_creator_lists(workspace=workspace).filter(pk=data["creator_list"]).first()
        if creator_list is None:
            raise CreatorError(
                "Choose one of your workspace's lists.",
                code=CreatorErrorCode.NOT_FOUND,
                fields={"creator_list": ["Not a list of this workspace."]},
            )
        added = services.add_creators_to_list(creator_list=creator_list, creators=creators, by=user)
        return f"Added {added:,} creator{'' if added == 1 else 's'} to “{creator_list.name}”."
    creator_list = services.add_creators_to_new_list(
        workspace=workspace, name=data["new_list_name"], creators=creators, by=user
    )
    return f"Created the list “{creator_list.name}”."


@dashboard_view()
def creator_export(request: WorkspaceRequest) -> HttpResponse:
    """The current results as CSV (the first EXPORT_LIMIT in the page's order), or only the ticked ones. The
    search comes from the URL's filters, or from `query` when the bulk form's Export button sends it."""
    params = QueryDict(clean_query_string(request.GET["query"])) if "query" in request.GET else request.GET
    filterset = _filterset(request, params)
    if not filterset.is_valid():
        return HttpResponse(
            "Some filters are not valid: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    try:
        ticked = IdListField(required=False).clean(request.GET.getlist("creator"))
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")
    creators = with_contact_email(discovery.matching_creators(filterset.search()), workspace=request.workspace)
    if ticked:
        creators = creators.filter(pk__in=ticked[:BULK_LIMIT])
    rows = ([value(c) for _, value in EXPORT_COLUMNS] for c in creators[:EXPORT_LIMIT].iterator(chunk_size=2000))
    response = HttpResponse(
        "".join(csv_lines([name for name, _ in EXPORT_COLUMNS], rows)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="creators-{stamp}.csv"'
    return response


@dashboard_view()
@require_POST
def saved_search_create(request: WorkspaceRequest) -> HttpResponse:
    form = SavedSearchForm(request.POST)
    if form.is_valid():
        try:
            saved = services.save_search(
                workspace=request.workspace,
                name=form.cleaned_data["name"],
                query_string=form.cleaned_data["query"],
                by=request.user,
            )
        except ApplicationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, f"Saved the search “{saved.name}”.")
            return redirect(f"{reverse('creators:creator-list')}?{saved.query_string}")
    params = QueryDict(clean_query_string(request.POST.get("query", "")))
    return _render_list(request, params, saved_search_form=form, status=400)


@dashboard_view()
@require_POST
def saved_search_delete(request: WorkspaceRequest, saved_search_pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedSearch.objects.filter(workspace=request.workspace), pk=saved_search_pk)
    services.delete_saved_search(saved_search=saved, by=request.user)
    messages.success(request, f"Deleted the saved search “{saved.name}”.")
    return redirect("creators:creator-list")
