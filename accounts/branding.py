"""A workspace's brand on the pages and e-mails creators see: its colour and its logo.

The colour is a hex `#RRGGBB`; pages read it through `brand_for(workspace)`, which also picks the
text colour that stays readable on it (WCAG relative luminance), so a pale brand colour never
puts white text on white. The logo is a PNG, JPEG or WebP checked by its content, never by its
name: an SVG can carry script and is refused."""

import re
from dataclasses import dataclass
from typing import IO

import filetype
from django.urls import reverse

from accounts.models import Workspace

DEFAULT_BRAND_COLOR = "#066FD1"  # CreatorDesk's own primary, used when a workspace sets none
LOGO_MAX_BYTES = 512 * 1024  # a logo, not a photo shoot; also keeps e-mails light
LOGO_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
HEX_COLOR = re.compile(r"^#?([0-9A-Fa-f]{6})$")


class BrandingError(ValueError):
    """Bad colour or logo; the message says what to change."""


@dataclass(frozen=True)
class Brand:
    name: str
    color: str
    text_color: str  # readable on `color`
    logo_url: str  # "" when the workspace has no logo


def clean_brand_color(value: str) -> str:
    """`#e4405f`, `E4405F` -> `#E4405F`; blank stays blank (CreatorDesk's colour)."""
    value = (value or "").strip()
    if not value:
        return ""
    match = HEX_COLOR.match(value)
    if match is None:
        raise BrandingError(f"{value!r} is not a hex colour like #E4405F.")
    return f"#{match.group(1).upper()}"


def readable_text_color(color: str) -> str:
    """Black or white, whichever contrasts more with `color` (WCAG 2 relative luminance)."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(color[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    # Contrast with white is 1.05 / (L + 0.05), with black (L + 0.05) / 0.05; they are equal at L ≈ 0.179.
    return "#000000" if luminance > 0.179 else "#FFFFFF"


def check_logo(upload: IO[bytes], *, size: int | None) -> str:
    """The file extension for a valid logo, or `BrandingError`. Reads the first bytes only."""
    if size is not None and size > LOGO_MAX_BYTES:
        raise BrandingError(f"The logo is {size // 1024} KB; the limit is {LOGO_MAX_BYTES // 1024} KB.")
    head = upload.read(261)  # filetype needs at most the first 261 bytes
    upload.seek(0)
    if not head:
        raise BrandingError("The logo file is empty.")
    kind = filetype.guess(head)
    if kind is None or kind.mime not in LOGO_TYPES:
        raise BrandingError("The logo must be a PNG, JPEG or WebP image (SVG is not accepted).")
    return LOGO_TYPES[kind.mime]


def brand_for(workspace: Workspace) -> Brand:
    color = workspace.brand_color or DEFAULT_BRAND_COLOR
    logo_url = reverse("brand-logo", kwargs={"slug": workspace.slug}) if workspace.logo else ""
    return Brand(name=workspace.name, color=color, text_color=readable_text_color(color), logo_url=logo_url)
