"""The client's IP address, the one way every part of CreatorDesk reads it: the public-form and API
throttles, the sign-in lock-out (django-axes), the IP recorded with a signature, click hashes.

Each reverse proxy appends the address it received the request from to X-Forwarded-For, so with
TRUSTED_PROXY_COUNT proxies in front the client is the TRUSTED_PROXY_COUNT-th entry from the right.
Whatever stands left of it was written by the client and is ignored: it can be forged."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The socket's address (REMOTE_ADDR) with no trusted proxy, else the address the outermost
    trusted proxy saw. REMOTE_ADDR again when X-Forwarded-For has fewer entries than there are
    proxies (the request skipped one) or that entry is not an IP address (a misconfigured proxy:
    axes stores the value in an IP address column)."""
    proxy_count = settings.TRUSTED_PROXY_COUNT
    if proxy_count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxy_count:
            try:
                return str(ipaddress.ip_address(hops[-proxy_count]))
            except ValueError:
                pass
    return str(request.META.get("REMOTE_ADDR", ""))
