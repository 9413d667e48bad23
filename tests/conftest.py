from collections.abc import Iterator

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from tests.factories import CreatorFactory, CreatorUserFactory, MembershipFactory, UserFactory, WorkspaceFactory


@pytest.fixture
def unscoped() -> Iterator[None]:
    """Tests build fixtures across workspaces; the code under test still runs scoped."""
    with scopes_disabled():
        yield


@pytest.fixture
def workspace(db):
    return WorkspaceFactory(name="Glow Test", slug="glow-test")


@pytest.fixture
def owner(workspace):
    with scopes_disabled():
        return MembershipFactory(workspace=workspace, user=UserFactory(email="owner@glow.test"), role=Role.OWNER).user


@pytest.fixture
def manager(workspace):
    with scopes_disabled():
        return MembershipFactory(
            workspace=workspace, user=UserFactory(email="manager@glow.test"), role=Role.MANAGER
        ).user


@pytest.fixture
def analyst(workspace):
    with scopes_disabled():
        return MembershipFactory(
            workspace=workspace, user=UserFactory(email="analyst@glow.test"), role=Role.ANALYST
        ).user


@pytest.fixture
def creator_user(db):
    user = CreatorUserFactory(email="creator@example.test")
    CreatorFactory(handle="linkedcreator", user=user)
    return user
