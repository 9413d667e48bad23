from typing import Any

from rest_framework import serializers

from accounts.api_tenancy import WorkspaceScopedReadOnlyViewSet
from creators import selectors
from creators.models import Creator


class CreatorSerializer(serializers.ModelSerializer[Creator]):
    profile_url = serializers.URLField(read_only=True)

    class Meta:
        model = Creator
        fields = [
            "id",
            "platform",
            "handle",
            "display_name",
            "country",
            "follower_count",
            "profile_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CreatorViewSet(WorkspaceScopedReadOnlyViewSet):
    """The shared creator index, as a workspace member sees it."""

    serializer_class = CreatorSerializer
    queryset = Creator.objects.none()  # the model, for the schema; requests use get_queryset
    filterset_fields = ["platform", "country"]

    def get_queryset(self) -> Any:
        return selectors.list_creators(search=self.request.query_params.get("search", "")[:100])
