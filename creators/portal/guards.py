"""Access to the creator portal: creator accounts only, each seeing only their own profile."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from creators.selectors import creator_for_user


def portal_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Marketers get 404 here (they never see the portal as a creator); the creator profile is
    passed to the view as `creator`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_creator:
            raise Http404
        creator = creator_for_user(user=request.user)
        return view(request, *args, creator=creator, **kwargs)

    return wrapper
