"""The manager every workspace-owned model uses: django-scopes' ScopedManager, typed for mypy."""

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django_scopes import ScopedManager

_M = TypeVar("_M", bound=models.Model)

if TYPE_CHECKING:

    class WorkspaceScopedManager(models.Manager[_M]):
        def with_scopes_disabled(self) -> "WorkspaceScopedManager[_M]": ...
        def with_scope(self, **scope: Any) -> "WorkspaceScopedManager[_M]": ...


def workspace_scoped_manager() -> Any:
    """Queries raise ScopeError outside `workspace_scope(...)` and are filtered to it inside."""
    return ScopedManager(workspace="workspace")
