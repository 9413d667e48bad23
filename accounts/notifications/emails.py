"""The notification e-mails: one notification, or one user's daily digest, as text with its HTML twin in
the shared e-mail layout (`templates/emails/outreach.html`, which escapes the text it is given). A
notification to a creator wears the brand's colour and logo; a digest, which may span workspaces,
CreatorDesk's own."""

import datetime
from collections.abc import Sequence
from dataclasses import replace

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.branding import DEFAULT_BRAND_COLOR, Brand, brand_for, readable_text_color
from accounts.models import Notification, User

CREATORDESK = Brand(
    name="CreatorDesk", color=DEFAULT_BRAND_COLOR, text_color=readable_text_color(DEFAULT_BRAND_COLOR), logo_url=""
)


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path if path.startswith("/") else path


def list_url(user: User) -> str:
    return absolute_url(reverse("portal-notifications:list" if user.is_creator else "notifications:list"))


def settings_url(user: User) -> str:
    name = "portal-notifications:settings" if user.is_creator else "notifications:settings"
    return absolute_url(reverse(name))


def _email(
    *, to: str, subject: str, text: str, branding: Brand, action_url: str, action_label: str
) -> EmailMultiAlternatives:
    html = render_to_string(
        "emails/outreach.html",
        {"branding": branding, "subject": subject, "text": text, "action_url": action_url,
         "action_label": action_label},
    )  # fmt: skip
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    recipient, workspace = notification.recipient, notification.workspace
    brand = brand_for(workspace)
    branding = replace(brand, logo_url=absolute_url(brand.logo_url) if brand.logo_url else "")
    link = absolute_url(notification.url) if notification.url else list_url(recipient)
    parts = [notification.title, notification.body, f"Open: {link}",
             f"Change which e-mails you get: {settings_url(recipient)}"]  # fmt: skip
    return _email(
        to=recipient.email,
        subject=f"{notification.title} · {workspace.name}",
        text="\n\n".join(part for part in parts if part),
        branding=branding,
        action_url=link,
        action_label="Open in CreatorDesk",
    )


def digest_email(*, user: User, notifications: Sequence[Notification], day: datetime.date) -> EmailMultiAlternatives:
    count = len(notifications)
    lines = [f"{count} notification{'s' if count != 1 else ''} since your last digest:", ""]
    for notification in notifications:
        link = absolute_url(notification.url) if notification.url else ""
        lines.append(f"• {notification.title} ({notification.workspace.name}){f' — {link}' if link else ''}")
    lines += ["", f"Change which e-mails you get: {settings_url(user)}"]
    return _email(
        to=user.email,
        subject=f"Your CreatorDesk digest for {day:%d %B %Y}: {count} notification{'s' if count != 1 else ''}",
        text="\n".join(lines),
        branding=CREATORDESK,
        action_url=list_url(user),
        action_label="See all notifications",
    )
