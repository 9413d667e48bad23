"""The creator profile page: the shared index's public data, with this workspace's notes, tags,
relationship and lists around it."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.access import WorkspaceRequest, can_write, dashboard_view
from creators.index import provenance
from creators.profile import creator_profile, creators_for_profile
from creators.workspace.contacts import attach_contact_emails
from creators.workspace.views import lists_context, notes_context, relationship_context, tags_context


@dashboard_view()
def creator_detail(request: WorkspaceRequest, creator_pk: int) -> HttpResponse:
    creator = get_object_or_404(creators_for_profile(), pk=creator_pk)
    profile = creator_profile(workspace=request.workspace, creator=creator)
    attach_contact_emails(workspace=request.workspace, creators=[creator])
    context = {
        "profile": profile,
        "creator": creator,
        # Where the public values came from ("imported 3 Dec 2026", "via TikTok …"); never whose file.
        "sources": provenance.labels(creator.provenance),
        "can_write": can_write(request),
        **notes_context(request, creator=creator, notes=profile.notes, note_count=profile.note_count),
        **tags_context(request, creator=creator, tags=profile.tags, suggestions=profile.tag_suggestions),
        **relationship_context(request, creator=creator, relationship=profile.relationship),
        **lists_context(request, creator=creator, lists=profile.lists),
    }
    return render(request, "creators/creator_detail.html", context)
