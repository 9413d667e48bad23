from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.access import WorkspaceRequest, dashboard_view, redirect_to_two_factor, two_factor_step
from accounts.branding import brand_for
from accounts.errors import AccountError, AccountErrorCode
from accounts.forms import (
    BrandingForm,
    FirstRunSetupForm,
    InvitationForm,
    NewWorkspaceForm,
    RegisterFromInvitationForm,
    RoleForm,
    SwitchWorkspaceForm,
    WorkspaceForm,
)
from accounts.middleware import SESSION_WORKSPACE_KEY
from accounts.models import Invitation, Membership, Role, Workspace
from accounts.tokens import token_sha256
from core.errors import ApplicationError
from core.forms import add_form_errors


def home(request: WorkspaceRequest) -> HttpResponse:
    """The dashboard overview. Creators land in the portal instead; on a fresh install (no account at all)
    the first visitor is offered the setup page."""
    if not request.user.is_authenticated and selectors.needs_first_run_setup():
        return redirect("setup")
    return _signed_in_home(request)


@login_required
def _signed_in_home(request: WorkspaceRequest) -> HttpResponse:
    if request.user.is_creator:
        return redirect("portal:home")
    return _overview(request)


@dashboard_view()
def _overview(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    context = {
        "member_count": selectors.list_members(workspace=workspace).count(),
        "pending_invitation_count": selectors.list_pending_invitations(workspace=workspace).count(),
        "audit_events": selectors.list_audit_events(workspace=workspace, limit=8),
    }
    return render(request, "accounts/overview.html", context)


@never_cache
def first_run_setup(request: HttpRequest) -> HttpResponse:
    """Public while the installation has no account: create the owner and the first workspace, sign in.
    Gone (404) once any account exists, also for a POST that lost a race with another setup."""
    if not selectors.needs_first_run_setup():
        raise Http404
    form = FirstRunSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            owner, workspace = services.complete_first_run_setup(
                email=data["email"],
                full_name=data["full_name"],
                password=data["password"],
                workspace_name=data["workspace_name"],
                time_zone=data["time_zone"],
            )
        except AccountError as exc:
            if exc.code == AccountErrorCode.SETUP_CLOSED:
                raise Http404 from exc
            add_form_errors(form, exc)
        else:
            login(request, owner, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_WORKSPACE_KEY] = workspace.slug
            messages.success(request, f"Welcome, {owner.display_name}: {workspace.name} is ready.")
            return redirect("home")
    status = 400 if form.errors else 200
    return render(request, "accounts/first_run_setup.html", {"form": form}, status=status)


@login_required
def workspace_create(request: WorkspaceRequest) -> HttpResponse:
    """A marketer opens another workspace (an agency, one per brand), owns it and switches to it. Open to
    marketers with no workspace too; creators have no dashboard (404)."""
    if request.user.is_creator:
        raise Http404
    owed = two_factor_step(user=request.user, workspace=request.workspace)
    if owed is not None:
        return redirect_to_two_factor(request, owed)
    # The current workspace's time zone is the likeliest for the next brand of the same team.
    initial = {"time_zone": request.workspace.time_zone} if request.workspace else {}
    form = NewWorkspaceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            workspace = services.create_workspace(
                name=form.cleaned_data["name"], owner=request.user, time_zone=form.cleaned_data["time_zone"]
            )
        except ApplicationError as exc:
            add_form_errors(form, exc)
        else:
            request.session[SESSION_WORKSPACE_KEY] = workspace.slug
            messages.success(request, f"{workspace.name} is ready, and you are its owner. Invite your team next.")
            return redirect("home")
    status = 400 if form.errors else 200
    return render(request, "accounts/workspace_new.html", {"form": form}, status=status)


@login_required
@require_POST
def switch_workspace(request: WorkspaceRequest) -> HttpResponse:
    form = SwitchWorkspaceForm(request.POST)
    membership = None
    if form.is_valid():
        membership, _ = selectors.membership_for(user=request.user, requested_slug=form.cleaned_data["workspace"])
    if not membership:
        raise Http404
    request.session[SESSION_WORKSPACE_KEY] = membership.workspace.slug
    messages.success(request, f"Now working in {membership.workspace.name}")
    return redirect("home")


@dashboard_view(at_least=Role.ANALYST, write_role=Role.OWNER)
def settings_page(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    workspace_form = WorkspaceForm(initial={"name": workspace.name, "time_zone": workspace.time_zone})
    invitation_form = InvitationForm()
    if request.method == "POST":
        workspace_form = WorkspaceForm(request.POST)
        if workspace_form.is_valid():
            try:
                services.update_workspace(workspace=workspace, by=request.user, **workspace_form.cleaned_data)
                messages.success(request, "Workspace settings saved.")
                return redirect("settings")
            except ApplicationError as exc:
                add_form_errors(workspace_form, exc)
    return _render_settings(request, workspace_form=workspace_form, invitation_form=invitation_form)


@dashboard_view(write_role=Role.OWNER)
@require_POST
def settings_branding(request: WorkspaceRequest) -> HttpResponse:
    form = BrandingForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.update_branding(
                workspace=request.workspace,
                by=request.user,
                brand_color=form.cleaned_data["brand_color"],
                logo=form.cleaned_data["logo"],
                remove_logo=form.cleaned_data["remove_logo"],
            )
            messages.success(request, "Branding saved: creators see it on your portal pages, open calls and e-mails.")
            return redirect(f"{reverse('settings')}#branding")
        except ApplicationError as exc:
            add_form_errors(form, exc)
    workspace = request.workspace
    workspace_form = WorkspaceForm(initial={"name": workspace.name, "time_zone": workspace.time_zone})
    return _render_settings(
        request, workspace_form=workspace_form, invitation_form=InvitationForm(), branding_form=form, status=400
    )


def brand_logo(request: HttpRequest, slug: str) -> FileResponse:
    """Public: a workspace's logo is shown on its open-call page and in its e-mails, so it is not secret.
    Served from here (not MEDIA_URL) so the file never needs a public media directory."""
    workspace = Workspace.objects.filter(slug=slug).exclude(logo="").first()
    if workspace is None:
        raise Http404
    try:
        handle = workspace.logo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    extension = (workspace.logo.name or "").rsplit(".", 1)[-1]
    content_type = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}.get(extension)
    if content_type is None:
        raise Http404
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def _render_settings(
    request: WorkspaceRequest,
    *,
    workspace_form: WorkspaceForm,
    invitation_form: InvitationForm,
    branding_form: BrandingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    workspace = request.workspace
    context = {
        "branding_form": branding_form or BrandingForm(initial={"brand_color": workspace.brand_color}),
        "brand": brand_for(workspace),
        "members": selectors.list_members(workspace=workspace),
        "invitations": selectors.list_invitations(workspace=workspace)[:50],
        "roles": Role.choices,
        "workspace_form": workspace_form,
        "invitation_form": invitation_form,
        "is_owner": request.membership.has_role(Role.OWNER),
        "api_token": selectors.api_token_for(user=request.user),
        "has_two_factor": selectors.has_two_factor(user=request.user),
    }
    return render(request, "accounts/settings.html", context, status=status)


@dashboard_view(write_role=Role.OWNER)
@require_POST
def invitation_create(request: WorkspaceRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invite_member(
                workspace=request.workspace,
                email=form.cleaned_data["email"],
                role=Role(form.cleaned_data["role"]),
                invited_by=request.user,
            )
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("settings")
        except ApplicationError as exc:
            add_form_errors(form, exc)
    workspace = request.workspace
    workspace_form = WorkspaceForm(initial={"name": workspace.name, "time_zone": workspace.time_zone})
    return _render_settings(request, workspace_form=workspace_form, invitation_form=form, status=400)


@dashboard_view(write_role=Role.OWNER)
@require_POST
def invitation_revoke(request: WorkspaceRequest, invitation_pk: int) -> HttpResponse:
    invitation: Invitation = get_object_or_404(Invitation.objects.all(), pk=invitation_pk)
    return _run(
        request,
        lambda: services.revoke_invitation(invitation=invitation, by=request.user),
        f"Invitation to {invitation.email} revoked.",
    )


@dashboard_view(write_role=Role.OWNER)
@require_POST
def invitation_resend(request: WorkspaceRequest, invitation_pk: int) -> HttpResponse:
    invitation: Invitation = get_object_or_404(Invitation.objects.all(), pk=invitation_pk)
    return _run(
        request,
        lambda: services.resend_invitation(invitation=invitation, by=request.user),
        f"Invitation to {invitation.email} sent again.",
    )


@dashboard_view(write_role=Role.OWNER)
@require_POST
def member_role(request: WorkspaceRequest, membership_pk: int) -> HttpResponse:
    membership: Membership = get_object_or_404(Membership.objects.select_related("user", "workspace"), pk=membership_pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a valid role.")
        return redirect("settings")
    return _run(
        request,
        lambda: services.change_member_role(
            membership=membership, role=Role(form.cleaned_data["role"]), by=request.user
        ),
        f"{membership.user.email} is now {Role(form.cleaned_data['role']).label}.",
    )


@dashboard_view(write_role=Role.ANALYST)
@require_POST
def member_remove(request: WorkspaceRequest, membership_pk: int) -> HttpResponse:
    membership: Membership = get_object_or_404(Membership.objects.select_related("user", "workspace"), pk=membership_pk)
    return _run(
        request,
        lambda: services.remove_member(membership=membership, by=request.user),
        f"{membership.user.email} removed from the workspace.",
    )


@dashboard_view(write_role=Role.ANALYST)
@require_POST
def api_token_rotate(request: WorkspaceRequest) -> HttpResponse:
    token = services.rotate_api_token(user=request.user)
    messages.success(
        request, f"New API token: {token.key} — copy it now; the old one no longer works.", extra_tags="sticky"
    )
    return redirect("settings")


def _run(request: WorkspaceRequest, action: Callable[[], object], success: str) -> HttpResponse:
    """Call a service; show its refusal as a message rather than an error page."""
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("settings")
    messages.success(request, success)
    return redirect("settings")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Public: open an invitation link. Signed-in users accept; newcomers create their account here."""
    invitation = selectors.invitation_by_token_across_workspaces(token_sha256=token_sha256(token))
    if invitation is None:
        raise Http404
    form = RegisterFromInvitationForm()
    error = None
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                membership = services.accept_invitation(token=token, user=request.user)
            else:
                form = RegisterFromInvitationForm(request.POST)
                if not form.is_valid():
                    return render(
                        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}, status=400
                    )
                membership = services.register_and_accept_invitation(token=token, **form.cleaned_data)
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_WORKSPACE_KEY] = membership.workspace.slug
            messages.success(request, f"Welcome to {membership.workspace.name}.")
            return redirect("home")
        except AccountError as exc:
            error = exc.message
    status = 400 if error else 200
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "form": form, "error": error},
        status=status,
    )
