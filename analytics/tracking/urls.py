from django.urls import path

from analytics.tracking import views as tracking_views

app_name = "tracking"

urlpatterns = [
    # The panel the campaign page loads with htmx (campaigns is a lower layer), and what it posts to.
    path("campaigns/<int:campaign_pk>/links/", tracking_views.campaign_tracking_links, name="campaign-links"),
    path(
        "links/<int:tracking_link_pk>/deactivate/",
        tracking_views.tracking_link_deactivate,
        name="tracking-link-deactivate",
    ),
    path("domains/", tracking_views.verified_domain_list, name="verified-domain-list"),
    path(
        "domains/<int:verified_domain_pk>/verify/", tracking_views.verified_domain_verify, name="verified-domain-verify"
    ),
    path(
        "domains/<int:verified_domain_pk>/delete/", tracking_views.verified_domain_delete, name="verified-domain-delete"
    ),
]
