import pytest
from django.contrib import admin
from django.urls import reverse
from django_scopes import scopes_disabled

from tests.factories import InvitationFactory, MembershipFactory, UserFactory, WorkspaceFactory
from tests.two_factor import sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(email="root@creatordesk.test", is_staff=True, is_superuser=True)


def test_every_model_is_registered_in_admin():
    from django.apps import apps

    ours = {"accounts", "creators", "campaigns", "briefs", "analytics"}
    missing = [m._meta.label for m in apps.get_models() if m._meta.app_label in ours and m not in admin.site._registry]
    assert not missing, f"not in admin: {missing}"


def test_superuser_opens_every_changelist_with_search_and_filters(client, superuser):
    with scopes_disabled():
        InvitationFactory(workspace=MembershipFactory().workspace)
    sign_in_verified(client, superuser)  # admin lets staff in only after a code (tests/accounts/test_two_factor.py)
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, {"q": "a"} if model_admin.search_fields else {})
        assert response.status_code == 200, url
        assert model_admin.search_fields or model._meta.app_label not in {"accounts", "creators"}, url


def test_staff_member_sees_only_their_workspaces_in_admin(client):
    mine, theirs = WorkspaceFactory(), WorkspaceFactory()
    staff = UserFactory(is_staff=True)
    with scopes_disabled():
        MembershipFactory(workspace=mine, user=staff)
        InvitationFactory(workspace=mine, email="visible@mine.test")
        InvitationFactory(workspace=theirs, email="hidden@theirs.test")
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="view_invitation"))
    sign_in_verified(client, staff)
    body = client.get(reverse("admin:accounts_invitation_changelist")).content.decode()
    assert "visible@mine.test" in body
    assert "hidden@theirs.test" not in body
