"""Pages and htmx endpoints of the workspace layers: notes, tags, relationship and shortlists.

Reads need any role; writes need a manager (analysts look, not change). The profile's cards post
here with htmx and get their card back re-rendered; without JavaScript the same forms redirect to
the profile with a message.
"""

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from accounts.models import Role, Workspace
from accounts.tenancy import workspace_scope
from core.csv_export import csv_lines
from core.errors import ApplicationError
from core.forms import add_form_errors
from creators.models import Creator, CreatorList, CreatorListEntry, CreatorNote, Relationship, Tag
from creators.selectors import tier_of
from creators.workspace import selectors, services
from creators.workspace.contacts import set_contact_email, with_contact_email
from creators.workspace.forms import (
    AddToListForm,
    ContactForm,
    CreatorListForm,
    CreatorSelectionForm,
    NoteForm,
    RelationshipForm,
    TagForm,
)

LIST_PAGE_SIZE = 50  # rows per page of a shortlist; the CSV export has them all


def _is_htmx(request: WorkspaceRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _first_error(form: Any) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "That did not work; check the form and try again."


def _back_to_profile(creator: Creator, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('creators:creator-detail', kwargs={'creator_pk': creator.pk})}#{anchor}")


def _card_response(
    request: WorkspaceRequest,
    *,
    creator: Creator,
    template: str,
    context: dict[str, Any],
    status: int,
    success: str,
    error: str = "",
) -> HttpResponse:
    """htmx gets the card re-rendered (with the form's errors and a 4xx on refusal); a plain form
    post gets the profile again with a message."""
    if _is_htmx(request):
        return render(request, template, {**context, "card_error": error}, status=status)
    if status < 400:
        messages.success(request, success)
    else:
        messages.error(request, error)
    # Back to the card that posted: its element id is "creator-<template name>".
    return _back_to_profile(creator, "creator-" + template.removeprefix("creators/_").removesuffix(".html"))


# --- Card contexts (shared with the profile page) ------------------------------------------------


def notes_context(
    request: WorkspaceRequest,
    *,
    creator: Creator,
    notes: list[CreatorNote],
    note_count: int,
    form: NoteForm | None = None,
) -> dict[str, Any]:
    return {
        "creator": creator,
        "notes": notes,
        "note_count": note_count,
        "notes_truncated": note_count > len(notes),
        "note_form": form or NoteForm(),
        "can_write": can_write(request),
        "is_owner": request.membership.has_role(Role.OWNER),
    }


def tags_context(
    request: WorkspaceRequest,
    *,
    creator: Creator,
    tags: list[Tag],
    suggestions: list[str],
    form: TagForm | None = None,
) -> dict[str, Any]:
    return {
        "creator": creator,
        "tags": tags,
        "tag_suggestions": suggestions,
        "tag_form": form or TagForm(),
        "can_write": can_write(request),
    }


def relationship_context(
    request: WorkspaceRequest, *, creator: Creator, relationship: Relationship | None
) -> dict[str, Any]:
    return {
        "creator": creator,
        "relationship": relationship,
        "relationship_status": relationship.status if relationship else Relationship.Status.NEW,
        "relationship_statuses": Relationship.Status.choices,
        "can_write": can_write(request),
    }


def lists_context(
    request: WorkspaceRequest, *, creator: Creator, lists: list[CreatorList], form: AddToListForm | None = None
) -> dict[str, Any]:
    return {
        "creator": creator,
        "lists_with_creator": [item for item in lists if item.has_creator],  # type: ignore[attr-defined]
        "lists_without_creator": [item for item in lists if not item.has_creator],  # type: ignore[attr-defined]
        "list_form": form,
        "can_write": can_write(request),
    }


def _fresh_notes(request: WorkspaceRequest, creator: Creator, form: NoteForm | None = None) -> dict[str, Any]:
    notes = list(
        selectors.notes_for_creator(workspace=request.workspace, creator=creator)[: selectors.PROFILE_NOTES + 1]
    )
    return notes_context(
        request, creator=creator, notes=notes[: selectors.PROFILE_NOTES], note_count=len(notes), form=form
    )


def _fresh_tags(request: WorkspaceRequest, creator: Creator, form: TagForm | None = None) -> dict[str, Any]:
    tags = list(selectors.tags_for_creator(workspace=request.workspace, creator=creator))
    on_creator = {tag.name for tag in tags}
    suggestions = [
        tag.name
        for tag in selectors.list_tags(workspace=request.workspace)[: selectors.TAG_SUGGESTIONS]
        if tag.name not in on_creator
    ]
    return tags_context(request, creator=creator, tags=tags, suggestions=suggestions, form=form)


def _fresh_lists(request: WorkspaceRequest, creator: Creator, form: AddToListForm | None = None) -> dict[str, Any]:
    lists = list(selectors.creator_lists_for_creator(workspace=request.workspace, creator=creator))
    return lists_context(request, creator=creator, lists=lists, form=form)


# --- Notes --------------------------------------------------------------------------------------


@dashboard_view()
@require_POST
def note_add(request: WorkspaceRequest, creator_pk: int) -> HttpResponse:
    creator = get_object_or_404(Creator, pk=creator_pk)
    form = NoteForm(request.POST)
    status, error = 200, ""
    if form.is_valid():
        try:
            services.add_note(
                workspace=request.workspace, creator=creator, body=form.cleaned_data["body"], by=request.user
            )
            form = NoteForm()
        except ApplicationError as exc:
            add_form_errors(form, exc)
            status, error = exc.http_status, exc.message
    else:
        status, error = 400, _first_error(form)
    context = _fresh_notes(request, creator, form) if _is_htmx(request) else {}
    return _card_response(
        request,
        creator=creator,
        template="creators/_notes.html",
        context=context,
        status=status,
        success="Note added.",
        error=error,
    )


@dashboard_view()
@require_POST
def note_delete(request: WorkspaceRequest, creator_note_pk: int) -> HttpResponse:
    note = get_object_or_404(CreatorNote.objects.select_related("creator"), pk=creator_note_pk)
    creator = note.creator
    status, error = 200, ""
    try:
        services.delete_note(note=note, by=request.user)
    except ApplicationError as exc:
        status, error = exc.http_status, exc.message
    context = _fresh_notes(request, creator) if _is_htmx(request) else {}
    return _card_response(
        request,
        creator=creator,
        template="creators/_notes.html",
        context=context,
        status=status,
        success="Note deleted.",
        error=error,
    )


# --- Tags ---------------------------------------------------------------------------------------


@dashboard_view()
@require_POST
def tag_add(request: WorkspaceRequest, creator_pk: int) -> HttpResponse:
    creator = get_object_or_404(Creator, pk=creator_pk)
    form = TagForm(request.POST)
    status, error, success = 200, "", ""
    if form.is_valid():
        try:
            tag = services.tag_creators(
                workspace=request.workspace, tag_name=form.cleaned_data["name"], creators=[creator], by=request.user
            )
            form, success = TagForm(), f"Tagged #{tag.name}."
        except ApplicationError as exc:
            add_form_errors(form, exc)
            status, error = exc.http_status, exc.message
    else:
        status, error = 400, _first_error(form)
    context = _fresh_tags(request, creator, form) if _is_htmx(request) else {}
    return _card_response(
        request,
        creator=creator,
        template="creators/_tags.html",
        context=context,
        status=status,
        success=success,
        error=error,
    )


@dashboard_view()
@require_POST
def tag_remove(request: WorkspaceRequest, creator_pk: int, tag_pk: int) -> HttpResponse:
    creator = get_object_or_404(Creator, pk=creator_pk)
    tag = get_object_or_404(Tag, pk=tag_pk)
    services.untag_creators(tag=tag, creators=[creator], by=request.user)
    context = _fresh_tags(request, creator) if _is_htmx(request) else {}
    return _card_response(
        request,
        creator=creator,
        template="creators/_tags.html",
        context=context,
        status=200,
        success=f"Removed #{tag.name}.",
    )


@dashboard_view()
@require_POST
def tag_apply(request: WorkspaceRequest) -> HttpResponse:
    """Tag the posted creators (`creator=<id>`, repeated; `name`), then back to `next` (bulk actions)."""
    tag_form, picked = TagForm(request.POST), CreatorSelectionForm(request.POST)
    if not (tag_form.is_valid() and picked.is_valid()):
        messages.error(request, _first_error(tag_form if tag_form.errors else picked))
        return _next_or(request, reverse("creators:list-index"))
    try:
        tag = services.tag_creators(
            workspace=request.workspace,
            tag_name=tag_form.cleaned_data["name"],
            creators=picked.cleaned_data["creator"],
            by=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        count = len(picked.cleaned_data["creator"])
        messages.success(request, f"Tagged {count} creator{'s' if count != 1 else ''} #{tag.name}.")
    return _next_or(request, reverse("creators:list-index"))


@dashboard_view()
@require_POST
def tag_delete(request: WorkspaceRequest, tag_pk: int) -> HttpResponse:
    tag = get_object_or_404(Tag, pk=tag_pk)
    services.delete_tag(tag=tag, by=request.user)
    messages.success(request, f"Tag #{tag.name} deleted from every creator.")
    return redirect(f"{reverse('creators:list-index')}#tags")


# --- Contact ------------------------------------------------------------------------------------


@dashboard_view()
@require_POST
def contact_set(request: WorkspaceRequest, creator_pk: int) -> HttpResponse:
    """This workspace's contact e-mail for the creator (never shared with other workspaces)."""
    creator = get_object_or_404(Creator, pk=creator_pk)
    form = ContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a valid e-mail address, or leave it empty to remove it.")
    else:
        try:
            contact = set_contact_email(
                workspace=request.workspace, creator=creator, email=form.cleaned_data["email"], by=request.user
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Contact e-mail saved." if contact.email else "Contact e-mail removed.")
    return redirect("creators:creator-detail", creator_pk=creator.pk)


# --- Relationship -------------------------------------------------------------------------------


@dashboard_view()
@require_POST
def relationship_set(request: WorkspaceRequest, creator_pk: int) -> HttpResponse:
    creator = get_object_or_404(Creator, pk=creator_pk)
    form = RelationshipForm(request.POST)
    status, error, relationship = 200, "", None
    if form.is_valid():
        relationship = services.set_relationship_status(
            workspace=request.workspace, creator=creator, status=form.cleaned_data["status"], by=request.user
        )
    else:
        status, error = 400, "Choose one of the listed statuses."
    if _is_htmx(request) and relationship is None:
        relationship = selectors.relationship_for(workspace=request.workspace, creator=creator)
    context = relationship_context(request, creator=creator, relationship=relationship)
    success = f"Status set to {relationship.get_status_display()}." if relationship else ""
    return _card_response(
        request,
        creator=creator,
        template="creators/_relationship.html",
        context=context,
        status=status,
        success=success,
        error=error,
    )


# --- Shortlists, from a profile ------------------------------------------------------------------


@dashboard_view()
@require_POST
def creator_list_add(request: WorkspaceRequest, creator_pk: int) -> HttpResponse:
    """Put the creator on one of the workspace's lists, or on a new list named in the form."""
    creator = get_object_or_404(Creator, pk=creator_pk)
    form = AddToListForm(request.POST, lists=selectors.list_creator_lists(workspace=request.workspace))
    status, error, success = 200, "", ""
    if form.is_valid():
        try:
            if form.cleaned_data["creator_list"] is not None:
                creator_list = form.cleaned_data["creator_list"]
                services.add_creators_to_list(creator_list=creator_list, creators=[creator], by=request.user)
            else:
                creator_list = services.add_creators_to_new_list(
                    workspace=request.workspace,
                    name=form.cleaned_data["new_list_name"],
                    creators=[creator],
                    by=request.user,
                )
            success = f"Added @{creator.handle} to {creator_list.name}."
        except ApplicationError as exc:
            add_form_errors(form, exc)
            status, error = exc.http_status, exc.message
    else:
        status, error = 400, _first_error(form)
    shown_form = form if status >= 400 else None  # after a success the card shows empty forms
    context = _fresh_lists(request, creator, shown_form) if _is_htmx(request) else {}
    return _card_response(
        request,
        creator=creator,
        template="creators/_lists.html",
        context=context,
        status=status,
        success=success,
        error=error,
    )


@dashboard_view()
@require_POST
def creator_list_remove(request: WorkspaceRequest, creator_pk: int, creator_list_pk: int) -> HttpResponse:
    creator = get_object_or_404(Creator, pk=creator_pk)
    creator_list = get_object_or_404(CreatorList, pk=creator_list_pk)
    services.remove_creators_from_list(creator_list=creator_list, creators=[creator], by=request.user)
    context = _fresh_lists(request, creator) if _is_htmx(request) else {}
    return _card_response(
        request,
        creator=creator,
        template="creators/_lists.html",
        context=context,
        status=200,
        success=f"Removed @{creator.handle} from {creator_list.name}.",
    )


# --- Shortlist pages ----------------------------------------------------------------------------


@dashboard_view()
def list_index(request: WorkspaceRequest) -> HttpResponse:
    """All shortlists and tags of the workspace; POST creates a list."""
    form = CreatorListForm()
    status = 200
    if request.method == "POST":
        form = CreatorListForm(request.POST)
        if form.is_valid():
            try:
                creator_list = services.create_creator_list(
                    workspace=request.workspace, by=request.user, **form.cleaned_data
                )
                messages.success(request, f"List {creator_list.name} created. Add creators from their profiles.")
                return redirect("creators:list-detail", creator_list_pk=creator_list.pk)
            except ApplicationError as exc:
                add_form_errors(form, exc)
        status = 400
    context = {
        "lists": selectors.list_creator_lists(workspace=request.workspace),
        "tags": selectors.list_tags(workspace=request.workspace),
        "form": form,
        "can_write": can_write(request),
    }
    return render(request, "creators/list_index.html", context, status=status)


@dashboard_view()
def list_detail(request: WorkspaceRequest, creator_list_pk: int) -> HttpResponse:
    creator_list = get_object_or_404(selectors.list_creator_lists(workspace=request.workspace), pk=creator_list_pk)
    page = Paginator(selectors.list_entries(creator_list=creator_list), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    entries = list(page.object_list)
    tags = selectors.tags_by_creator(workspace=request.workspace, creator_ids=[entry.creator_id for entry in entries])
    context = {
        "creator_list": creator_list,
        "page": page,
        "rows": [(entry, tags.get(entry.creator_id, [])) for entry in entries],
        "form": CreatorListForm(initial={"name": creator_list.name, "description": creator_list.description}),
        "can_write": can_write(request),
    }
    return render(request, "creators/list_detail.html", context)


@dashboard_view()
@require_POST
def list_update(request: WorkspaceRequest, creator_list_pk: int) -> HttpResponse:
    creator_list = get_object_or_404(CreatorList, pk=creator_list_pk)
    form = CreatorListForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
    else:
        try:
            services.update_creator_list(creator_list=creator_list, by=request.user, **form.cleaned_data)
            messages.success(request, "List saved.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return redirect("creators:list-detail", creator_list_pk=creator_list.pk)


@dashboard_view()
@require_POST
def list_delete(request: WorkspaceRequest, creator_list_pk: int) -> HttpResponse:
    creator_list = get_object_or_404(CreatorList, pk=creator_list_pk)
    services.delete_creator_list(creator_list=creator_list, by=request.user)
    messages.success(request, f"List {creator_list.name} deleted. The creators are still in the index.")
    return redirect("creators:list-index")


def _next_or(request: WorkspaceRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return redirect(target)
    return redirect(fallback)


@dashboard_view()
@require_POST
def list_add(request: WorkspaceRequest, creator_list_pk: int) -> HttpResponse:
    """Add the posted creators (`creator=<id>`, repeated) to a list; back to `next` or the list."""
    creator_list = get_object_or_404(CreatorList, pk=creator_list_pk)
    form = CreatorSelectionForm(request.POST)
    if form.is_valid():
        added = services.add_creators_to_list(
            creator_list=creator_list, creators=form.cleaned_data["creator"], by=request.user
        )
        picked = len(form.cleaned_data["creator"])
        already = f" ({picked - added} already on it)" if picked > added else ""
        messages.success(request, f"Added {added} creator{'s' if added != 1 else ''} to {creator_list.name}{already}.")
    else:
        messages.error(request, _first_error(form))
    return _next_or(request, reverse("creators:list-detail", kwargs={"creator_list_pk": creator_list.pk}))


@dashboard_view()
@require_POST
def list_remove(request: WorkspaceRequest, creator_list_pk: int) -> HttpResponse:
    """Take the posted creators off a list. htmx removes the table row (an empty 200)."""
    creator_list = get_object_or_404(CreatorList, pk=creator_list_pk)
    form = CreatorSelectionForm(request.POST)
    if not form.is_valid():
        if _is_htmx(request):
            return HttpResponse(_first_error(form), status=400)
        messages.error(request, _first_error(form))
        return redirect("creators:list-detail", creator_list_pk=creator_list.pk)
    removed = services.remove_creators_from_list(
        creator_list=creator_list, creators=form.cleaned_data["creator"], by=request.user
    )
    if _is_htmx(request):
        return HttpResponse("")
    messages.success(request, f"Removed {removed} creator{'s' if removed != 1 else ''} from {creator_list.name}.")
    return _next_or(request, reverse("creators:list-detail", kwargs={"creator_list_pk": creator_list.pk}))


CSV_COLUMNS = (
    "handle",
    "display_name",
    "profile_url",
    "country",
    "followers",
    "engagement_rate",
    "score",
    "tier",
    "contact_email",
    "added_at",
    "added_by",
)


def _csv_lines(*, workspace: Workspace, creator_list: CreatorList) -> Iterator[str]:
    # Streamed after the view returned, so after the middleware left the workspace scope: re-enter it.
    with workspace_scope(workspace):
        entries = with_contact_email(
            selectors.list_entries(creator_list=creator_list), workspace=workspace, creator_field="creator"
        )
        yield from _csv_rows(entries.iterator(chunk_size=2000))


def _csv_rows(entries: Iterator[CreatorListEntry]) -> Iterator[str]:
    rows = (
        (
            entry.creator.handle,
            entry.creator.display_name,
            entry.creator.profile_url,
            entry.creator.country,
            entry.creator.follower_count,
            entry.creator.engagement_rate,
            entry.creator.score,
            tier_of(entry.creator.follower_count),
            getattr(entry, "contact_email", ""),  # annotated: this workspace's own contact
            entry.created_at.isoformat(),
            entry.added_by.email if entry.added_by else "",
        )
        for entry in entries
    )
    yield from csv_lines(CSV_COLUMNS, rows)


@dashboard_view()
def list_export(request: WorkspaceRequest, creator_list_pk: int) -> StreamingHttpResponse:
    """The whole list as CSV, streamed (a shortlist can hold thousands of creators)."""
    creator_list = get_object_or_404(CreatorList, pk=creator_list_pk)
    filename = f"{slugify(creator_list.name) or 'list'}-{timezone.now():%Y%m%d}.csv"
    response = StreamingHttpResponse(
        _csv_lines(workspace=request.workspace, creator_list=creator_list), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
