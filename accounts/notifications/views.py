"""The notification centre's pages, twice: in the dashboard (a member's notifications of the current
workspace) and in the portal (a creator's from every brand). Each side has the list, the bell's unread
count (loaded by htmx, so pages keep their query budgets), mark one read (and open it), mark all read,
and the e-mail preferences. Another user's notification answers 404."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.access import dashboard_view
from accounts.errors import AccountError
from accounts.models import Notification
from accounts.notifications import selectors, services

PAGE_SIZE = 30


def portal_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Creator accounts only (marketers get 404, as on every portal page)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_creator:  # type: ignore[union-attr]
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _ns(request: HttpRequest) -> str:
    return "portal-notifications" if request.user.is_creator else "notifications"  # type: ignore[union-attr]


def _own(request: HttpRequest) -> Any:
    return selectors.notifications_of(user=request.user, workspace=getattr(request, "workspace", None))  # type: ignore[arg-type]


def _list(request: HttpRequest) -> HttpResponse:
    notifications = _own(request)
    only_unread = request.GET.get("unread") == "1"
    shown = notifications.filter(read_at__isnull=True) if only_unread else notifications
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "only_unread": only_unread,
        "unread": selectors.unread_count(notifications=notifications),
        "ns": _ns(request),
        "layout": "portal/base.html" if request.user.is_creator else "dashboard/base.html",  # type: ignore[union-attr]
    }
    return render(request, "accounts/notification_list.html", context)


def _bell(request: HttpRequest) -> HttpResponse:
    count = selectors.unread_count(notifications=_own(request))
    return render(request, "accounts/_notification_bell.html", {"count": count, "max": selectors.UNREAD_BADGE_MAX})


def _read(request: HttpRequest, notification_pk: int) -> HttpResponse:
    # Found first, so another user's notification is a 404 whatever the method (never a 405 that confirms it).
    notification: Notification = get_object_or_404(_own(request), pk=notification_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.mark_notification_read(notification=notification)
    url = notification.url
    if request.POST.get("open") and url and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return redirect(url)
    return redirect(f"{_ns(request)}:list")


def _read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_notifications_read(notifications=_own(request))
    messages.success(
        request, f"{count} notification{'s' if count != 1 else ''} marked read." if count else "Nothing unread."
    )
    return redirect(f"{_ns(request)}:list")


def _settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    errors: dict[str, list[str]] = {}
    rows = selectors.preferences_for(user=user)  # type: ignore[arg-type]
    if request.method == "POST":
        choices = {kind: request.POST.get(kind, "") for kind, _, _ in rows}
        try:
            services.set_notification_preferences(user=user, choices=choices)  # type: ignore[arg-type]
            messages.success(request, "E-mail preferences saved.")
            return redirect(f"{_ns(request)}:settings")
        except AccountError as exc:
            errors = exc.fields or {}
            rows = [(kind, label, choices.get(kind, delivery)) for kind, label, delivery in rows]
    context = {
        "rows": [(kind, label, delivery, errors.get(kind, [])) for kind, label, delivery in rows],
        "choices": selectors.DELIVERY_CHOICES,
        "ns": _ns(request),
        "layout": "portal/base.html" if user.is_creator else "dashboard/base.html",  # type: ignore[union-attr]
    }
    return render(request, "accounts/notification_settings.html", context, status=400 if errors else 200)


# Every member reads and marks their own notifications, analysts too (write_role=None: GET's role).
member = dashboard_view(write_role=None)

notification_list = member(_list)
notification_bell = member(_bell)
notification_read = member(_read)
notification_read_all = member(require_POST(_read_all))
notification_settings = member(_settings)

portal_notification_list = portal_only(_list)
portal_notification_bell = portal_only(_bell)
portal_notification_read = portal_only(_read)
portal_notification_read_all = portal_only(require_POST(_read_all))
portal_notification_settings = portal_only(_settings)
