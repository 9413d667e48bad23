"""The one scoping mechanism for workspace-owned rows (django-scopes).

Every workspace-owned model declares `objects = ScopedManager(workspace="workspace")`.
Outside `workspace_scope(...)` any query on such a model raises ScopeError, so a view,
task or API endpoint that forgets its workspace fails loudly instead of leaking rows.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django_scopes import scope, scopes_disabled

from accounts.models import Workspace


@contextmanager
def workspace_scope(workspace: Workspace | list[int]) -> Iterator[None]:
    """Scope queries to one workspace (or, for staff in admin, a list of workspace ids)."""
    # django-scopes treats None as "no filter"; refuse it so a missing workspace cannot widen a query.
    if workspace is None or workspace == []:
        raise ValueError("workspace_scope needs a workspace")
    with scope(workspace=workspace):
        yield


@contextmanager
def all_workspaces_unscoped() -> Iterator[None]:
    """Dangerous: lift scoping. Only for superuser admin, migrations-like maintenance and the
    few selectors whose name says they cross workspaces."""
    with scopes_disabled():
        yield
