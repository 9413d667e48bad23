from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors, services
from accounts.api.tenancy import WorkspaceScopedAPIView, WorkspaceScopedViewSetMixin
from accounts.models import Invitation, Membership, Role, Workspace


class WorkspaceSerializer(serializers.ModelSerializer[Workspace]):
    class Meta:
        model = Workspace
        fields = ["id", "name", "slug", "time_zone", "default_currency", "created_at"]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "created_at"]
        read_only_fields = ["id", "email", "full_name", "created_at"]


class InvitationSerializer(serializers.ModelSerializer[Invitation]):
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "status", "expires_at", "sent_at", "accepted_at", "revoked_at", "created_at"]
        read_only_fields = ["id", "status", "expires_at", "sent_at", "accepted_at", "revoked_at", "created_at"]


class CurrentWorkspaceView(WorkspaceScopedAPIView):
    """The workspace this request acts in (chosen with the `X-Workspace` header)."""

    serializer_class = WorkspaceSerializer
    queryset = Workspace.objects.none()

    def get(self, request: Request) -> Response:
        return Response(self.get_serializer(self.workspace).data)


class MembershipViewSet(
    WorkspaceScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,  # type: ignore[misc]
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Members of the workspace. Owners change roles and remove members."""

    serializer_class = MembershipSerializer
    queryset = Membership.objects.with_scopes_disabled().none()  # the model, for the schema; requests use get_queryset
    write_role = Role.OWNER
    http_method_names = ["get", "patch", "delete", "head", "options"]
    filterset_fields = ["role"]

    def get_queryset(self) -> Any:
        return selectors.list_members(workspace=self.workspace)

    def perform_update(self, serializer: Any) -> None:
        instance: Membership = serializer.instance
        role = Role(serializer.validated_data.get("role", instance.role))  # PATCH may omit it
        membership = services.change_member_role(membership=instance, role=role, by=self.acting_user)
        serializer.instance = membership

    def perform_destroy(self, instance: Membership) -> None:
        services.remove_member(membership=instance, by=self.acting_user)


class InvitationViewSet(
    WorkspaceScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,  # type: ignore[misc]
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Invitations to the workspace. Creating one e-mails a single-use link; deleting revokes it."""

    serializer_class = InvitationSerializer
    queryset = Invitation.objects.with_scopes_disabled().none()  # the model, for the schema; requests use get_queryset
    write_role = Role.OWNER
    filterset_fields = ["role", "email"]

    def get_queryset(self) -> Any:
        return selectors.list_invitations(workspace=self.workspace)

    @extend_schema(responses={201: InvitationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.invite_member(
            workspace=self.workspace,
            email=serializer.validated_data["email"],
            role=Role(serializer.validated_data.get("role", Role.MANAGER)),
            invited_by=self.acting_user,
        )
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Invitation) -> None:
        services.revoke_invitation(invitation=instance, by=self.acting_user)
