"""Where a tracking link may send people, as plain functions (no database): the destination's rules and
the UTM parameters appended to it. `analytics.tracking.services` applies them with the workspace's
verified domains.

A destination is refused unless it is `https`, on exactly one of the verified hosts (no subdomain, no
look-alike such as `shop.example.com.evil.test`), on the default port, without user info
(`https://shop.example.com@evil.test/` sends a browser to evil.test), without backslashes, spaces or
control characters (browsers read `\\` as `/`), and at most DESTINATION_MAX_CHARS long. Hosts are
compared in their IDNA (ASCII) form, so a Unicode host matches only its own punycode."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils.encoding import iri_to_uri

from analytics.tracking.errors import TrackingError, TrackingErrorCode

# TrackingLink.destination holds 2048; this leaves room for the UTM parameters appended to it.
DESTINATION_MAX_CHARS = 1500
UTM_VALUE_MAX_CHARS = 100  # TrackingLink.utm_* columns
DOMAIN_MAX_CHARS = 253  # the DNS limit for a full name
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_CLICK_PARAM = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
# Whitespace, control characters and backslashes: each has been an open-redirect trick somewhere.
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f\\]")


def _invalid(field: str, message: str, code: TrackingErrorCode = TrackingErrorCode.INVALID) -> TrackingError:
    return TrackingError(message, code=code, fields={field: [message]})


def normalize_domain(value: str, *, field: str = "domain") -> str:
    """A bare host name as stored in VerifiedDomain: lower-case IDNA, no scheme, port, path or trailing dot."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise _invalid(field, "Enter a domain, e.g. shop.example.com.")
    if "://" in text or _FORBIDDEN.search(text) or any(c in text for c in "/?#@:"):
        raise _invalid(field, "Enter the domain alone, e.g. shop.example.com: no https://, path or port.")
    host = text.rstrip(".").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise _invalid(field, "This is not a valid domain name.") from exc
    labels = host.split(".")
    if len(host) > DOMAIN_MAX_CHARS or len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise _invalid(field, "This is not a valid domain name.")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host
    raise _invalid(field, "Use a domain name, not an IP address.")


def clean_click_id_param(value: str) -> str:
    text = (value or "").strip()
    if not _CLICK_PARAM.match(text) or text.lower().startswith("utm_"):
        raise _invalid("click_id_param", "Use letters, digits and underscores (not utm_…), e.g. cd_click.")
    return text


def clean_utm_value(value: str, *, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise _invalid(field, "This UTM value cannot be empty.")
    if len(text) > UTM_VALUE_MAX_CHARS or _FORBIDDEN.sub("", text.replace(" ", "")) != text.replace(" ", ""):
        raise _invalid(field, f"Keep it under {UTM_VALUE_MAX_CHARS} characters, without control characters.")
    return text


def validate_destination(url: str, *, verified_hosts: Iterable[str]) -> str:
    """The destination as it will be stored (host in IDNA form, path and query percent-encoded), or a
    TrackingError on the `destination` field."""
    text = url.strip() if isinstance(url, str) else ""
    if not text:
        raise _invalid("destination", "Enter the page the link should open.")
    if len(text) > DESTINATION_MAX_CHARS:
        raise _invalid("destination", f"The address is longer than {DESTINATION_MAX_CHARS} characters.")
    if _FORBIDDEN.search(text):
        raise _invalid("destination", "The address contains spaces, control characters or backslashes.")
    parts = urlsplit(text)
    if parts.scheme.lower() != "https":
        raise _invalid("destination", "Links must open an https:// address.", TrackingErrorCode.INVALID_DESTINATION)
    if "@" in parts.netloc:
        raise _invalid(
            "destination", "The address cannot contain a user name or password.", TrackingErrorCode.INVALID_DESTINATION
        )
    try:
        port = parts.port
    except ValueError as exc:
        raise _invalid(
            "destination", "The address has an invalid port.", TrackingErrorCode.INVALID_DESTINATION
        ) from exc
    if port not in (None, 443):
        raise _invalid("destination", "Links must use the standard https port.", TrackingErrorCode.INVALID_DESTINATION)
    host = normalize_domain(parts.hostname or "", field="destination")
    if host not in set(verified_hosts):
        raise _invalid(
            "destination",
            f"{host} is not one of this workspace's verified domains. Verify it in Settings first.",
            TrackingErrorCode.DOMAIN_NOT_VERIFIED,
        )
    return iri_to_uri(urlunsplit(("https", host, parts.path or "/", parts.query, parts.fragment)))


@dataclass(frozen=True)
class Utm:
    source: str
    medium: str
    campaign: str
    content: str


def with_utm(destination: str, *, utm: Utm, click_id_param: str) -> str:
    """`destination` with the UTM parameters set (the destination's own other parameters kept, any
    utm_* it had replaced) and without the click-id parameter, which the redirect appends per click."""
    parts = urlsplit(destination)
    ours = {
        "utm_source": utm.source,
        "utm_medium": utm.medium,
        "utm_campaign": utm.campaign,
        "utm_content": utm.content,
    }
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ours and k != click_id_param]
    query = urlencode([*kept, *ours.items()])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
