"""The creator portal's TikTok page: status card, connect, OAuth callback, disconnect.

Every view acts on the signed-in creator's own profile only (`portal_view` supplies it); there is no
id in any URL, so another creator's connection cannot even be named.
"""

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from analytics.metrics.oauth import (
    TikTokOAuthError,
    complete_authorization,
    discard_authorization,
    disconnect,
    missing_scopes,
    start_authorization,
    tiktok_connection_for,
)
from analytics.metrics.providers.base import ProviderError
from creators.models import Creator
from creators.portal.guards import portal_view

# What TikTok's `error` parameter means, in the creator's words (oauth-error-handling). The
# `error_description` TikTok sends is never echoed: anyone can put text in a link.
_CALLBACK_ERRORS = {
    "access_denied": "You cancelled connecting TikTok; nothing was changed.",
    "invalid_scope": "TikTok did not accept the permissions CreatorDesk asks for. Please tell the brand you work with.",
    "server_error": "TikTok had a problem connecting your account. Please try again in a few minutes.",
    "temporarily_unavailable": "TikTok is busy right now. Please try again in a few minutes.",
}
_CALLBACK_ERROR_FALLBACK = "TikTok could not connect your account. Please try again."


def _redirect_uri() -> str:
    # From SITE_URL, never the Host header: TikTok only accepts the URI registered for the app.
    return settings.SITE_URL.rstrip("/") + reverse("tiktok:callback")


def _card_context(creator: Creator | None) -> dict[str, Any]:
    connection = tiktok_connection_for(creator=creator) if creator else None
    active = connection if connection and connection.is_active else None
    return {
        "creator": creator,
        "connection": connection,
        "active_connection": active,
        "missing_scopes": missing_scopes(connection=active) if active else [],
        "is_configured": bool(settings.TIKTOK_CLIENT_KEY and settings.TIKTOK_CLIENT_SECRET),
    }


def _back() -> HttpResponse:
    return redirect("tiktok:connection")


@portal_view
@require_GET
def tiktok_connection(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    return render(request, "portal/tiktok_connection.html", _card_context(creator))


@portal_view
@require_GET
def tiktok_card(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    """The card alone, which the portal home loads with htmx (the home lives in a lower layer)."""
    return render(request, "portal/tiktok_card.html", _card_context(creator))


@portal_view
@require_POST
def tiktok_connect(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    if creator is None:
        raise Http404
    try:
        authorize_url = start_authorization(creator=creator, redirect_uri=_redirect_uri())
    except TikTokOAuthError as exc:
        messages.error(request, exc.message)
        return _back()
    return redirect(authorize_url)


@portal_view
@require_GET
def tiktok_callback(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    """Where TikTok sends the creator back: `code` and `state`, or `error` if they declined."""
    if creator is None:
        raise Http404
    state, code, error = (request.GET.get(name, "") for name in ("state", "code", "error"))
    if error:
        discard_authorization(state=state)
        messages.warning(request, _CALLBACK_ERRORS.get(error, _CALLBACK_ERROR_FALLBACK))
        return _back()
    if not state or not code:
        messages.error(request, "That TikTok link is incomplete. Please connect again from this page.")
        return _back()
    try:
        connection = complete_authorization(creator=creator, state=state, code=code, user=cast(User, request.user))
    except TikTokOAuthError as exc:
        messages.error(request, exc.message)
        return _back()
    except ProviderError as exc:
        if exc.retryable:
            messages.error(request, "TikTok is not answering right now. Please try connecting again in a few minutes.")
        else:
            messages.error(request, "TikTok did not accept the connection. Please connect again from this page.")
        return _back()
    messages.success(
        request, "TikTok connected as your handle. Brands now see your verified stats, and every brand that works "
        "with you can reach you here.",
    )  # fmt: skip
    if missing := missing_scopes(connection=connection):
        messages.warning(
            request,
            "You did not allow everything CreatorDesk asks for (" + ", ".join(missing) + "); some stats will be "
            "missing. Connect again and leave every box ticked to share them.",
        )
    return _back()


@portal_view
@require_POST
def tiktok_disconnect(request: HttpRequest, creator: Creator | None) -> HttpResponse:
    if creator is None:
        raise Http404
    try:
        revoked_at_tiktok = disconnect(creator=creator)
    except TikTokOAuthError as exc:
        messages.info(request, exc.message)
        return _back()
    messages.success(request, "TikTok disconnected. CreatorDesk deleted its access to your account.")
    if not revoked_at_tiktok:
        messages.warning(
            request,
            "We could not reach TikTok to withdraw the permission. To be sure, remove CreatorDesk in the TikTok "
            "app under Settings and privacy > Security > Apps and services permissions.",
        )
    return _back()
