"""Portal pages of this app: contracts under /portal/contracts/, briefs under /portal/briefs/
(config/urls.py includes each list with its own namespace)."""

from django.urls import path

from briefs.portal import views as portal_views

contract_patterns = [
    path("", portal_views.contract_list, name="list"),
    path("<int:contract_version_pk>/", portal_views.contract_version, name="version"),
    path("<int:contract_version_pk>/pdf/", portal_views.contract_version_pdf, name="version-pdf"),
    path("<int:contract_version_pk>/signed-pdf/", portal_views.contract_version_signed_pdf, name="version-signed-pdf"),
    path("for/<int:collaboration_pk>/", portal_views.collaboration_contract_panel, name="collaboration-panel"),
]

brief_patterns = [
    # The home page's "Your work" card: briefs, contracts and payments (loaded by htmx).
    path("work/", portal_views.work_card, name="work-card"),
    path("<int:campaign_pk>/", portal_views.campaign_brief, name="campaign-brief"),
    path("for/<int:collaboration_pk>/", portal_views.collaboration_brief_panel, name="collaboration-panel"),
]
