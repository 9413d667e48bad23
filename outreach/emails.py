"""Outreach e-mails as text + HTML alternatives, in the workspace's colour and with its logo.

The text (already merged, see `outreach.merge`) is passed to the fixed layout in
`templates/emails/outreach.html` as a variable, so it is auto-escaped there and never interpreted as
template code. A workspace without a colour or logo gets CreatorDesk's."""

from dataclasses import replace

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.branding import Brand, brand_for
from accounts.models import Workspace


def branding_for(workspace: Workspace) -> Brand:
    """The workspace's colour and logo (CreatorDesk's where it set none), the logo as an absolute URL
    because a mail client has no base URL."""
    brand = brand_for(workspace)
    return replace(brand, logo_url=absolute_url(brand.logo_url) if brand.logo_url else "")


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def claim_url(token: str) -> str:
    return absolute_url(reverse("portal-outreach:claim-accept", kwargs={"token": token}))


def portal_thread_url(collaboration_id: int) -> str:
    return absolute_url(reverse("portal-outreach:thread", kwargs={"collaboration_pk": collaboration_id}))


def dashboard_thread_url(collaboration_id: int) -> str:
    return absolute_url(reverse("campaigns:collaboration-detail", kwargs={"collaboration_pk": collaboration_id}))


def build_email(
    *,
    workspace: Workspace,
    to: str,
    subject: str,
    text: str,
    action_url: str = "",
    action_label: str = "",
    reply_to: str = "",
) -> EmailMultiAlternatives:
    """One e-mail with a plain-text body and its HTML twin (same words, the workspace's colours)."""
    branding = branding_for(workspace)
    html = render_to_string(
        "emails/outreach.html",
        {"branding": branding, "subject": subject, "text": text, "action_url": action_url,
         "action_label": action_label},
    )  # fmt: skip
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # a header: no line breaks
        body=text,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
    )
    message.attach_alternative(html, "text/html")
    return message
