import pytest
from django_scopes import ScopeError, scopes_disabled

from accounts.models import Membership
from accounts.tenancy import workspace_scope
from tests.factories import MembershipFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def test_query_on_scoped_model_without_workspace_raises():
    with pytest.raises(ScopeError):
        list(Membership.objects.all())


def test_workspace_scope_returns_only_that_workspaces_rows():
    a, b = WorkspaceFactory(), WorkspaceFactory()
    with scopes_disabled():
        mine = MembershipFactory(workspace=a)
        MembershipFactory(workspace=b)
    with workspace_scope(a):
        assert list(Membership.objects.all()) == [mine]
        assert not Membership.objects.filter(workspace=b).exists()


def test_workspace_scope_refuses_none_rather_than_lifting_the_filter():
    # django-scopes reads None as "no filter"; our wrapper must not let that through.
    with pytest.raises(ValueError, match="needs a workspace"), workspace_scope(None):  # type: ignore[arg-type]
        pass
