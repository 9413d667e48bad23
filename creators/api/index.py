"""The creator index API: discovery (list with every filter of creators.discovery.filters) and detail."""

from decimal import Decimal
from typing import Any

from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import pagination, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from accounts.api.tenancy import WorkspaceScopedReadOnlyViewSet
from creators.discovery import selectors as discovery
from creators.discovery.filters import CreatorFilterSet
from creators.models import AudienceProfile, Creator, CreatorScore
from creators.workspace.contacts import attach_contact_emails, with_contact_email


class CreatorSerializer(serializers.ModelSerializer[Creator]):
    """A result row: who the creator is and the figures discovery filters and sorts on."""

    profile_url = serializers.URLField(read_only=True)
    tier = serializers.SerializerMethodField()
    engagement_rate = serializers.DecimalField(
        max_digits=7, decimal_places=5, coerce_to_string=False, read_only=True, allow_null=True,
        help_text="Interactions / views over recent videos, as a fraction (0.05 = 5 %).",
    )  # fmt: skip
    growth_30d = serializers.DecimalField(
        max_digits=9, decimal_places=5, coerce_to_string=False, read_only=True, allow_null=True,
        help_text="Follower change over 30 days, as a fraction.",
    )  # fmt: skip
    score = serializers.DecimalField(
        max_digits=5, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True,
        help_text="Latest engagement score, 0-100 (docs/scoring.md).",
    )  # fmt: skip
    has_contact_email = serializers.SerializerMethodField()
    relevance = serializers.SerializerMethodField()
    your_score = serializers.SerializerMethodField()

    class Meta:
        model = Creator
        fields = [
            "id",
            "platform",
            "handle",
            "display_name",
            "avatar_url",
            "profile_url",
            "country",
            "city",
            "languages",
            "niches",
            "follower_count",
            "tier",
            "engagement_rate",
            "growth_30d",
            "score",
            "your_score",
            "is_verified",
            "has_contact_email",
            "last_posted_at",
            "authenticity_flags",
            "relevance",
        ]
        read_only_fields = fields

    # "unknown" when the follower count is unknown (null in `follower_count`): such a creator is in no tier.
    @extend_schema_field(
        serializers.ChoiceField(choices=[*discovery.TIER_CHOICES, (discovery.TIER_UNKNOWN, "Unknown")])
    )
    def get_tier(self, creator: Creator) -> str:
        return getattr(creator, "tier", None) or discovery.tier_of(creator.follower_count)

    def get_has_contact_email(self, creator: Creator) -> bool:
        # Attached by the view from the current workspace's own contact rows (creators.workspace.contacts).
        return bool(getattr(creator, "contact_email", ""))

    @extend_schema_field(
        serializers.DecimalField(
            max_digits=5, decimal_places=2, coerce_to_string=False, allow_null=True,
            help_text="Your workspace's own score, 0-100 (its objective and weights, docs/scoring.md); "
            "given with `ordering=-your_score`, null otherwise or when the creator has none.",
        )
    )  # fmt: skip
    def get_your_score(self, creator: Creator) -> Decimal | None:
        return getattr(creator, "your_score", None)

    @extend_schema_field(serializers.FloatField(allow_null=True, help_text="Keyword relevance; null without `q`."))
    def get_relevance(self, creator: Creator) -> float | None:
        rank = getattr(creator, "rank", None)
        return round(float(rank), 4) if rank is not None else None


class AudienceSerializer(serializers.ModelSerializer[AudienceProfile]):
    """Shares in percent (label -> percent); each mapping sums to at most 100."""

    class Meta:
        model = AudienceProfile
        fields = ["age_buckets", "genders", "countries", "cities", "updated_at"]
        read_only_fields = fields

    age_buckets = serializers.DictField(child=serializers.FloatField(), read_only=True)
    genders = serializers.DictField(child=serializers.FloatField(), read_only=True)
    countries = serializers.DictField(child=serializers.FloatField(), read_only=True)
    cities = serializers.DictField(child=serializers.FloatField(), read_only=True)


class CreatorScoreSerializer(serializers.ModelSerializer[CreatorScore]):
    score = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False, read_only=True)
    components = serializers.DictField(read_only=True, help_text="The score's parts (docs/scoring.md).")

    class Meta:
        model = CreatorScore
        fields = ["score", "components", "computed_at"]
        read_only_fields = fields


class CreatorDetailSerializer(CreatorSerializer):
    contact_email = serializers.CharField(
        read_only=True, default="", help_text="Your workspace's contact e-mail for this creator ('' when none)."
    )
    audience = serializers.SerializerMethodField()
    latest_score = serializers.SerializerMethodField()

    class Meta(CreatorSerializer.Meta):
        fields = [
            *[name for name in CreatorSerializer.Meta.fields if name != "relevance"],
            "bio",
            "region",
            "hashtags",
            "following_count",
            "likes_count",
            "video_count",
            "contact_email",
            "first_seen_at",
            "last_seen_at",
            "audience",
            "latest_score",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(AudienceSerializer(allow_null=True))
    def get_audience(self, creator: Creator) -> dict[str, Any] | None:
        audience = getattr(creator, "audience", None) if hasattr(creator, "audience") else None
        return AudienceSerializer(audience).data if audience is not None else None

    @extend_schema_field(CreatorScoreSerializer(allow_null=True))
    def get_latest_score(self, creator: Creator) -> dict[str, Any] | None:
        latest = getattr(creator, "latest_score", None) if hasattr(creator, "latest_score") else None
        return CreatorScoreSerializer(latest).data if latest is not None else None


class DiscoveryPagination(pagination.PageNumberPagination):
    """Page numbers over a bounded count (creators.discovery.selectors): `count` is exact up to 1,000 and says so in
    `count_is_exact`; pages reach the first 10,000 results (narrow the filters to see further)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100  # 100 creators a call: a page, not an export

    def paginate_search(self, search: discovery.Search, request: Request) -> list[Creator]:
        self.request = self.current_request = request
        per_page = self.get_page_size(request) or self.page_size
        try:
            number = discovery.parse_page_number(
                request.query_params.get(self.page_query_param), per_page=per_page, strict=True
            )
        except discovery.PageOutOfRange as exc:
            raise NotFound(str(exc)) from exc
        self.result_page = discovery.results_page(search, page_number=number, per_page=per_page)
        if number > 1 and not self.result_page.creators:
            raise NotFound("This page is past the last result.")
        return self.result_page.creators

    def get_next_link(self) -> str | None:
        if not self.result_page.has_next:
            return None
        return replace_query_param(
            self.current_request.build_absolute_uri(), self.page_query_param, self.result_page.number + 1
        )

    def get_previous_link(self) -> str | None:
        if not self.result_page.has_previous:
            return None
        url = self.current_request.build_absolute_uri()
        if self.result_page.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.result_page.number - 1)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.result_page.count.value,
                "count_is_exact": self.result_page.count.is_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            "Matching creators: exact up to 1,000; beyond, `count_is_exact` is false and this is a lower bound "
            "(1000) or, with no filter at all, the index's estimated size."
        )
        response["properties"]["count_is_exact"] = {"type": "boolean"}
        response["required"] = [*response.get("required", []), "count_is_exact"]
        return response


@extend_schema(tags=["creators"])
class CreatorViewSet(WorkspaceScopedReadOnlyViewSet):
    """The shared creator index, as a workspace member searches it. Relationship, list and tag filters use
    the current workspace's data (docs/discovery.md)."""

    queryset = Creator.objects.none()  # the model, for the schema; requests use get_queryset
    filterset_class = CreatorFilterSet
    pagination_class = DiscoveryPagination

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Creator]]:
        return CreatorDetailSerializer if self.action == "retrieve" else CreatorSerializer

    def get_queryset(self) -> Any:
        if self.action == "retrieve":  # with this workspace's own contact e-mail, in the same query
            return with_contact_email(discovery.creators_with_profile(), workspace=self.workspace)
        return discovery.discoverable_creators()

    def filter_queryset(self, queryset: Any) -> Any:
        return queryset  # list() applies CreatorFilterSet itself; a detail takes no filters

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        filterset = CreatorFilterSet(data=request.query_params, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        paginator = self.paginator
        assert isinstance(paginator, DiscoveryPagination)  # noqa: S101 - set by pagination_class above
        creators = paginator.paginate_search(filterset.search(), request)
        attach_contact_emails(workspace=self.workspace, creators=creators)
        return paginator.get_paginated_response(self.get_serializer(creators, many=True).data)
