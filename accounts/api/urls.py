from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import views as api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("members", api.MembershipViewSet, basename="membership")
router.register("invitations", api.InvitationViewSet, basename="invitation")

urlpatterns = [path("workspace/", api.CurrentWorkspaceView.as_view(), name="workspace-detail"), *router.urls]
