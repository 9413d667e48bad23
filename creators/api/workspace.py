"""The API of the workspace layers: shortlists and their members, notes, tags, relationship status.

Every write goes through `creators.workspace.services`; reads through `creators.workspace.selectors`. Creators are
named by id everywhere (`creator_ids` in bodies, `creator_id` in query strings).
"""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.tenancy import WorkspaceScopedAPIView, WorkspaceScopedModelViewSet, WorkspaceScopedViewSetMixin
from creators.models import Creator, CreatorList, CreatorNote, Relationship, Tag
from creators.workspace import selectors, services

MAX_CREATOR_IDS = 1_000  # per request; larger selections go through the discovery bulk actions
MAX_ID = 2**63 - 1  # bigint: larger ids cannot exist, and PostgreSQL would refuse to compare them
# Bodies are JSON only: id lists as repeated form fields would run into Django's 1,000-field limit,
# which answers an HTML 400 before DRF sees the request.
JSON_ONLY = [JSONParser]


def _no_surrogates(value: str) -> None:
    # JSON may carry lone UTF-16 surrogates ("\ud800"); PostgreSQL cannot store them.
    if any("\ud800" <= char <= "\udfff" for char in value):
        raise serializers.ValidationError("Contains characters that are not valid Unicode text.")


class CreatorIdsSerializer(serializers.Serializer[Any]):
    creator_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=MAX_CREATOR_IDS,
        help_text=f"Ids of creators in the index (at most {MAX_CREATOR_IDS:,}).",
    )

    def validate_creator_ids(self, ids: list[int]) -> list[int]:
        wanted = list(dict.fromkeys(ids))
        found = set(Creator.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        missing = [pk for pk in wanted if pk not in found]
        if missing:
            shown = ", ".join(str(pk) for pk in missing[:10])
            raise serializers.ValidationError(f"No creator with id {shown}{' …' if len(missing) > 10 else ''}.")
        return wanted

    @property
    def creators(self) -> QuerySet[Creator]:
        return Creator.objects.filter(pk__in=self.validated_data["creator_ids"])


def _creator_ids_from_query(request: Request) -> CreatorIdsSerializer:
    serializer = CreatorIdsSerializer(data={"creator_ids": request.query_params.getlist("creator_id")})
    serializer.is_valid(raise_exception=True)
    return serializer


CREATOR_ID_PARAMETER = OpenApiParameter(
    "creator_id",
    OpenApiTypes.INT64,
    OpenApiParameter.QUERY,
    required=True,
    many=True,
    explode=True,
    description=f"A creator to take off; repeat for several (at most {MAX_CREATOR_IDS:,}).",
)


class MembershipChangeSerializer(serializers.Serializer[Any]):
    changed = serializers.IntegerField(help_text="How many creators were added or removed (others already were).")
    creator_count = serializers.IntegerField(help_text="How many creators it holds now.")


# --- Shortlists ---------------------------------------------------------------------------------


class CreatorListSerializer(serializers.ModelSerializer[CreatorList]):
    name = serializers.CharField(max_length=services.LIST_NAME_MAX_CHARS, validators=[_no_surrogates])
    description = serializers.CharField(
        max_length=services.LIST_DESCRIPTION_MAX_CHARS, required=False, allow_blank=True, validators=[_no_surrogates]
    )
    creator_count = serializers.IntegerField(read_only=True)
    created_by = serializers.EmailField(source="created_by.email", read_only=True, allow_null=True)

    class Meta:
        model = CreatorList
        fields = ["id", "name", "description", "creator_count", "created_by", "created_at", "updated_at"]
        read_only_fields = ["id", "creator_count", "created_by", "created_at", "updated_at"]
        validators: list[Any] = []  # uniqueness is the service's call (case-insensitive, race-safe)


class ListedCreatorSerializer(serializers.ModelSerializer[Creator]):
    added_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Creator
        fields = ["id", "handle", "display_name", "country", "follower_count", "engagement_rate", "added_at"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="List the workspace's shortlists"),
    create=extend_schema(summary="Create a shortlist"),
    retrieve=extend_schema(summary="A shortlist"),
    update=extend_schema(summary="Rename a shortlist and replace its description"),
    partial_update=extend_schema(summary="Rename a shortlist or change its description"),
    destroy=extend_schema(summary="Delete a shortlist (its creators stay in the index)"),
)
class CreatorListViewSet(WorkspaceScopedModelViewSet):
    """Shortlists of the workspace. Members read; managers and owners change them."""

    serializer_class = CreatorListSerializer
    parser_classes = JSON_ONLY
    queryset = CreatorList.objects.with_scopes_disabled().none()  # the model, for the schema

    def get_queryset(self) -> Any:
        return selectors.list_creator_lists(workspace=self.workspace)

    def _read(self, creator_list: CreatorList) -> dict[str, Any]:
        return dict(self.get_serializer(self.get_queryset().get(pk=creator_list.pk)).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        creator_list = services.create_creator_list(
            workspace=self.workspace,
            name=serializer.validated_data["name"],
            description=serializer.validated_data.get("description", ""),
            by=self.acting_user,
        )
        return Response(self._read(creator_list), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        creator_list = self.get_object()
        serializer = self.get_serializer(creator_list, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        creator_list = services.update_creator_list(
            creator_list=creator_list,
            by=self.acting_user,
            name=serializer.validated_data.get("name"),
            # PUT replaces the description (absent = empty); PATCH leaves an absent one alone.
            description=serializer.validated_data.get("description", None if partial else ""),
        )
        return Response(self._read(creator_list))

    def perform_destroy(self, instance: CreatorList) -> None:
        services.delete_creator_list(creator_list=instance, by=self.acting_user)

    @extend_schema(
        methods=["GET"],
        summary="The creators on a shortlist, newest addition first",
        responses=ListedCreatorSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Add creators to a shortlist",
        request=CreatorIdsSerializer,
        responses=MembershipChangeSerializer,
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Take creators off a shortlist",
        parameters=[CREATOR_ID_PARAMETER],
        request=None,
        responses={200: MembershipChangeSerializer},
    )
    @action(detail=True, methods=["get", "post", "delete"], url_path="creators", url_name="creators")
    def creators(self, request: Request, pk: str | None = None) -> Response:
        creator_list = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.creators_on_list(creator_list=creator_list))
            return self.get_paginated_response(ListedCreatorSerializer(page, many=True).data)
        if request.method == "POST":
            picked = CreatorIdsSerializer(data=request.data)
            picked.is_valid(raise_exception=True)
            changed = services.add_creators_to_list(
                creator_list=creator_list, creators=picked.creators, by=self.acting_user
            )
        else:
            changed = services.remove_creators_from_list(
                creator_list=creator_list, creators=_creator_ids_from_query(request).creators, by=self.acting_user
            )
        count = self.get_queryset().get(pk=creator_list.pk).creator_count
        return Response(MembershipChangeSerializer({"changed": changed, "creator_count": count}).data)


# --- Notes --------------------------------------------------------------------------------------


class CreatorNoteSerializer(serializers.ModelSerializer[CreatorNote]):
    creator = serializers.PrimaryKeyRelatedField(queryset=Creator.objects.all())
    body = serializers.CharField(max_length=services.NOTE_MAX_CHARS, validators=[_no_surrogates])
    author = serializers.EmailField(source="author.email", read_only=True, allow_null=True)

    class Meta:
        model = CreatorNote
        fields = ["id", "creator", "body", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class CreatorNoteFilter(django_filters.FilterSet):
    creator = django_filters.ModelChoiceFilter(queryset=Creator.objects.all(), help_text="Only notes on this creator.")

    class Meta:
        model = CreatorNote
        fields = ["creator"]


@extend_schema_view(
    list=extend_schema(summary="Notes of the workspace, newest first"),
    create=extend_schema(summary="Add a note on a creator"),
    retrieve=extend_schema(summary="A note"),
    destroy=extend_schema(summary="Delete a note (its author or an owner)"),
)
class CreatorNoteViewSet(
    WorkspaceScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,  # type: ignore[misc]
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Private notes on creators. Notes are not edited: delete and write a new one."""

    serializer_class = CreatorNoteSerializer
    parser_classes = JSON_ONLY
    queryset = CreatorNote.objects.with_scopes_disabled().none()  # the model, for the schema
    filterset_class = CreatorNoteFilter

    def get_queryset(self) -> Any:
        return selectors.list_notes(workspace=self.workspace)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.add_note(
            workspace=self.workspace,
            creator=serializer.validated_data["creator"],
            body=serializer.validated_data["body"],
            by=self.acting_user,
        )
        return Response(self.get_serializer(note).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: CreatorNote) -> None:
        services.delete_note(note=instance, by=self.acting_user)


# --- Tags ---------------------------------------------------------------------------------------


class TagSerializer(serializers.ModelSerializer[Tag]):
    name = serializers.CharField(max_length=services.TAG_NAME_MAX_CHARS + 1, validators=[_no_surrogates])
    creator_count = serializers.IntegerField(read_only=True)
    creator_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        write_only=True,
        required=False,
        max_length=MAX_CREATOR_IDS,
        help_text="Creators to tag (optional): the tag is created on first use.",
    )

    class Meta:
        model = Tag
        fields = ["id", "name", "creator_count", "creator_ids", "created_at"]
        read_only_fields = ["id", "creator_count", "created_at"]
        validators: list[Any] = []  # the service reuses an existing tag of the same name

    def validate_creator_ids(self, ids: list[int]) -> list[int]:
        return CreatorIdsSerializer().validate_creator_ids(ids) if ids else []


class TagFilter(django_filters.FilterSet):
    creator = django_filters.ModelChoiceFilter(
        field_name="creator_tags__creator", queryset=Creator.objects.all(), help_text="Only tags on this creator."
    )

    class Meta:
        model = Tag
        fields = ["creator"]


@extend_schema_view(
    list=extend_schema(summary="Tags of the workspace, by name"),
    create=extend_schema(
        summary="Tag creators (the tag is created on first use, names are case-insensitive)",
        responses={201: TagSerializer},
    ),
    retrieve=extend_schema(summary="A tag"),
    destroy=extend_schema(summary="Delete a tag from every creator"),
)
class TagViewSet(
    WorkspaceScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,  # type: ignore[misc]
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The workspace's tags. Create one by tagging creators with its name."""

    serializer_class = TagSerializer
    parser_classes = JSON_ONLY
    queryset = Tag.objects.with_scopes_disabled().none()  # the model, for the schema
    filterset_class = TagFilter

    def get_queryset(self) -> Any:
        return selectors.list_tags(workspace=self.workspace)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tag = services.tag_creators(
            workspace=self.workspace,
            tag_name=serializer.validated_data["name"],
            creators=Creator.objects.filter(pk__in=serializer.validated_data.get("creator_ids", [])),
            by=self.acting_user,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=tag.pk)).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Tag) -> None:
        services.delete_tag(tag=instance, by=self.acting_user)

    @extend_schema(
        methods=["POST"],
        summary="Tag more creators",
        request=CreatorIdsSerializer,
        responses=MembershipChangeSerializer,
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Take the tag off creators",
        parameters=[CREATOR_ID_PARAMETER],
        request=None,
        responses={200: MembershipChangeSerializer},
    )
    @action(detail=True, methods=["post", "delete"], url_path="creators", url_name="creators")
    def creators(self, request: Request, pk: str | None = None) -> Response:
        tag = self.get_object()
        if request.method == "POST":
            picked = CreatorIdsSerializer(data=request.data)
            picked.is_valid(raise_exception=True)
            before = tag.creator_count
            services.tag_creators(
                workspace=self.workspace, tag_name=tag.name, creators=picked.creators, by=self.acting_user
            )
            count = self.get_queryset().get(pk=tag.pk).creator_count
            changed = count - before
        else:
            changed = services.untag_creators(
                tag=tag, creators=_creator_ids_from_query(request).creators, by=self.acting_user
            )
            count = self.get_queryset().get(pk=tag.pk).creator_count
        return Response(MembershipChangeSerializer({"changed": changed, "creator_count": count}).data)


# --- Relationship -------------------------------------------------------------------------------


class RelationshipSerializer(serializers.Serializer[Any]):
    creator = serializers.IntegerField(read_only=True, help_text="The creator's id.")
    status = serializers.ChoiceField(choices=Relationship.Status.choices)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_by = serializers.EmailField(read_only=True, allow_null=True)


def _relationship_data(creator: Creator, relationship: Relationship | None) -> dict[str, Any]:
    return {
        "creator": creator.pk,
        "status": relationship.status if relationship else Relationship.Status.NEW,
        "updated_at": relationship.updated_at if relationship else None,
        "updated_by": relationship.updated_by.email if relationship and relationship.updated_by else None,
    }


class CreatorRelationshipView(WorkspaceScopedAPIView):
    """Where the workspace stands with a creator (new, contacted, in talks, active partner, do not
    contact). A creator the workspace never set a status for reads as "new"."""

    serializer_class = RelationshipSerializer
    parser_classes = JSON_ONLY
    queryset = Relationship.objects.with_scopes_disabled().none()  # the model, for the schema

    @extend_schema(summary="The workspace's relationship status with a creator")
    def get(self, request: Request, creator_pk: int) -> Response:
        creator = get_object_or_404(Creator, pk=creator_pk)
        relationship = selectors.relationship_for(workspace=self.workspace, creator=creator)
        return Response(RelationshipSerializer(_relationship_data(creator, relationship)).data)

    @extend_schema(summary="Set the workspace's relationship status with a creator")
    def put(self, request: Request, creator_pk: int) -> Response:
        creator = get_object_or_404(Creator, pk=creator_pk)
        serializer = RelationshipSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        relationship = services.set_relationship_status(
            workspace=self.workspace, creator=creator, status=serializer.validated_data["status"], by=self.acting_user
        )
        return Response(RelationshipSerializer(_relationship_data(creator, relationship)).data)
