from rest_framework.routers import DefaultRouter

from creators.api import index as api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("creators", api.CreatorViewSet, basename="creator")

urlpatterns = router.urls
