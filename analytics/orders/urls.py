from django.urls import path

from analytics.orders import views as order_views

app_name = "orders"

urlpatterns = [
    path("stores/", order_views.order_source_list, name="order-source-list"),
    path("stores/<int:order_source_pk>/rotate/", order_views.order_source_rotate, name="order-source-rotate"),
    path("attribution/", order_views.attribution_settings, name="attribution-settings"),
    path("import/", order_views.order_import, name="order-import"),
    # The codes panel the tracking panel loads with htmx, and what it posts to.
    path("campaigns/<int:campaign_pk>/codes/", order_views.campaign_promo_codes, name="campaign-codes"),
]
