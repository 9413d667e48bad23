"""Notifications about a collaboration, for the services where its events happen (campaigns', and the
higher apps' briefs and outreach): the brand's side goes to the workspace's managers and owners with a
link to the collaboration page, the creator's side to the portal accounts that reach the creator in
that workspace (`creators.portal.access.accounts_reaching`) with a link to the portal's page. Each call
names its event (`event_key`), so an event reported twice notifies once (accounts.notifications)."""

from django.urls import reverse

from accounts.notifications.services import notify, notify_workspace_managers
from campaigns.models import Collaboration
from creators.portal.access import accounts_reaching


def tell_brand(*, collaboration: Collaboration, kind: str, event_key: str, title: str, body: str = "") -> int:
    """Notify the workspace's managers and owners; returns how many notifications were made now."""
    url = reverse("campaigns:collaboration-detail", kwargs={"collaboration_pk": collaboration.pk})
    made = notify_workspace_managers(
        workspace=collaboration.workspace, kind=kind, event_key=event_key, title=title, body=body, url=url
    )
    return len(made)


def tell_creator(
    *, collaboration: Collaboration, kind: str, event_key: str, title: str, body: str = "", url: str = ""
) -> int:
    """Notify the creator's portal accounts for this workspace (none yet: nobody to tell, e.g. an
    invitation that goes out by e-mail with a claim link); returns how many notifications were made."""
    made = notify(
        recipients=accounts_reaching(creator=collaboration.creator, workspace=collaboration.workspace),
        workspace=collaboration.workspace,
        kind=kind,
        event_key=event_key,
        title=title,
        body=body,
        url=url or reverse("portal-campaigns:collaboration", kwargs={"collaboration_pk": collaboration.pk}),
    )
    return len(made)
