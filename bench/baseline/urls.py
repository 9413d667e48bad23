"""One view: the cheapest possible redirect, the floor any real redirect view is compared to."""

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path

LANDING_URL = "https://example.com/landing"


def baseline_redirect(request: HttpRequest) -> HttpResponseRedirect:
    # No database, no lookups: just build the 302 so only framework + server cost is measured.
    return HttpResponseRedirect(LANDING_URL)


urlpatterns = [
    path("r/baseline", baseline_redirect, name="baseline-redirect"),
]
