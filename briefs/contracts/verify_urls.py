"""Public contract pages, under /contracts/."""

from django.urls import path

from briefs.contracts import verify_views

app_name = "contracts"

urlpatterns = [path("verify/", verify_views.verify_contract, name="contract-verify")]
