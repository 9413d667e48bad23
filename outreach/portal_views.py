"""The creator portal's side of outreach: the creator's message threads, and the public page where an
invited creator claims a portal account with the link from their invitation.

A thread is one of the creator's own collaborations past the shortlist
(`campaigns.portal.services.creator_collaborations`); anything else is 404, whatever the method."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.models import User
from accounts.tokens import token_sha256
from campaigns.portal.services import creator_collaborations
from core.errors import ApplicationError
from core.forms import add_form_errors
from creators.models import Creator
from creators.portal.guards import portal_view
from outreach import claims, selectors, services
from outreach.forms import ClaimForm, MessageForm
from outreach.models import Side

THREAD_LIMIT = 200


@portal_view
def inbox(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    """The creator's threads, one per collaboration, with what is unread."""
    rows = []
    if creator is not None and isinstance(request.user, User):
        for collaboration in (
            creator_collaborations(user=request.user)
            .select_related("campaign", "workspace")
            .order_by("-stage_changed_at", "-pk")[:100]
        ):
            rows.append((collaboration, selectors.unread_count(collaboration=collaboration, side=Side.CREATOR)))
    return render(request, "portal/messages.html", {"rows": rows})


@portal_view
def thread(request: HttpRequest, creator: Creator | None, collaboration_pk: int) -> HttpResponse:
    user = request.user
    collaboration = (
        selectors.collaboration_for_creator(user=user, pk=collaboration_pk) if isinstance(user, User) else None
    )
    if collaboration is None or not isinstance(user, User):
        raise Http404
    form = MessageForm()
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                services.post_message(collaboration=collaboration, by=user, body=form.cleaned_data["body"])
                if not getattr(request, "htmx", False):
                    return redirect("portal-outreach:thread", collaboration_pk=collaboration.pk)
                form = MessageForm()
            except ApplicationError as exc:
                add_form_errors(form, exc)
                status = 400
        else:
            status = 400
    else:
        services.mark_read(collaboration=collaboration, by=user)
    entries = selectors.timeline(collaboration=collaboration, limit=THREAD_LIMIT)
    context = {"collaboration": collaboration, "entries": entries, "form": form, "viewer_side": Side.CREATOR}
    template = "portal/messages_thread_panel.html" if getattr(request, "htmx", False) else "portal/messages_thread.html"
    return render(request, template, context, status=status)


def claim_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Public: open a claim link. Signed out, the creator sets a password and their account is created;
    signed in as a creator, the account is linked (refused when it is another creator's)."""
    link = selectors.claim_link_by_token_across_workspaces(token_sha256=token_sha256(token))
    if link is None:
        raise Http404
    form = ClaimForm()
    error = ""
    status = 200
    if link.used_at is not None:
        error, status = "This link was already used. Sign in to the portal instead.", 410
    elif link.expires_at <= timezone.now():
        error, status = f"This link has expired. Ask {link.workspace.name} to send a new invitation.", 410
    elif request.method == "POST":
        try:
            if request.user.is_authenticated:
                account = claims.claim(token=token, user=request.user)  # type: ignore[arg-type]
            else:
                form = ClaimForm(request.POST)
                if not form.is_valid():
                    return _claim_page(request, link, form, "", 400)
                account = claims.claim(
                    token=token, password=form.cleaned_data["password"], full_name=form.cleaned_data["full_name"]
                )
                login(request, account, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, @{link.creator.handle}. Your portal account is ready.")
            return redirect("portal-outreach:thread", collaboration_pk=link.collaboration_id)
        except ApplicationError as exc:
            if exc.fields and form.is_bound:
                add_form_errors(form, exc)  # a password the validators refuse: beside the field
            else:
                error = exc.message
            status = 400
    return _claim_page(request, link, form, error, status)


def _claim_page(request: HttpRequest, link: object, form: ClaimForm, error: str, status: int) -> HttpResponse:
    context = {"link": link, "form": form, "error": error, "closed": status == 410}
    return render(request, "portal/claim.html", context, status=status)
