from django.urls import path

from briefs import views
from briefs.contracts import views as contract_views

app_name = "briefs"

urlpatterns = [
    path("<int:campaign_pk>/brief/", views.campaign_brief, name="campaign-brief"),
    # The contract panel the collaboration page loads with htmx, and what it posts to.
    path(
        "collaborations/<int:collaboration_pk>/contract/",
        contract_views.collaboration_contract,
        name="collaboration-contract",
    ),
    path(
        "contract-versions/<int:contract_version_pk>/sign/",
        contract_views.contract_version_sign,
        name="contract-version-sign",
    ),
    path(
        "contract-versions/<int:contract_version_pk>/pdf/",
        contract_views.contract_version_pdf,
        name="contract-version-pdf",
    ),
    path(
        "contract-versions/<int:contract_version_pk>/signed-pdf/",
        contract_views.contract_version_signed_pdf,
        name="contract-version-signed-pdf",
    ),
    path("contract-templates/", contract_views.contract_template_list, name="contract-template-list"),
    path(
        "contract-templates/<int:contract_template_pk>/",
        contract_views.contract_template_edit,
        name="contract-template-edit",
    ),
]
