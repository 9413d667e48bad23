"""Writes of the discovery page: saved searches.

Kept beside creators/services.py (whose owner works in parallel); same rules: one transaction,
keyword-only arguments, a CreatorError with code and fields before anything is written, an audit event.
"""

from django.db import IntegrityError, transaction

from accounts.models import User, Workspace
from accounts.services import record_audit_event
from creators.errors import CreatorError, CreatorErrorCode
from creators.models import SavedSearch

SAVED_SEARCH_NAME_MAX_CHARS = 100  # SavedSearch.name's column
SAVED_SEARCH_QUERY_MAX_CHARS = 2_000  # every filter of the page fits several times over


def _duplicate(name: str) -> CreatorError:
    return CreatorError(
        f"A saved search called “{name}” already exists.",
        code=CreatorErrorCode.DUPLICATE,
        fields={"name": ["Already used in this workspace."]},
    )


@transaction.atomic
def save_search(*, workspace: Workspace, name: str, query_string: str, by: User) -> SavedSearch:
    """Save a discovery filter under a name, unique per workspace (case-insensitive). `query_string` is the
    page's URL query, already reduced to known filters by the caller's form."""
    name = name.strip()
    if not name or len(name) > SAVED_SEARCH_NAME_MAX_CHARS:
        raise CreatorError(
            f"Give the search a name of 1 to {SAVED_SEARCH_NAME_MAX_CHARS} characters.",
            code=CreatorErrorCode.INVALID,
            fields={"name": [f"1 to {SAVED_SEARCH_NAME_MAX_CHARS} characters."]},
        )
    if len(query_string) > SAVED_SEARCH_QUERY_MAX_CHARS:
        raise CreatorError(
            "This search has too many filters to save.",
            code=CreatorErrorCode.INVALID,
            fields={"query_string": [f"At most {SAVED_SEARCH_QUERY_MAX_CHARS} characters."]},
        )
    if SavedSearch.objects.filter(workspace=workspace, name__iexact=name).exists():
        raise _duplicate(name)
    try:
        with transaction.atomic():
            saved = SavedSearch.objects.create(workspace=workspace, name=name, query_string=query_string, created_by=by)
    except IntegrityError as exc:  # a teammate saved the same name a moment ago
        raise _duplicate(name) from exc
    record_audit_event(workspace=workspace, actor=by, action="saved_search.created", target=name, data={"id": saved.pk})
    return saved


@transaction.atomic
def delete_saved_search(*, saved_search: SavedSearch, by: User) -> None:
    record_audit_event(
        workspace=saved_search.workspace,
        actor=by,
        action="saved_search.deleted",
        target=saved_search.name,
        data={"id": saved_search.pk, "query_string": saved_search.query_string},
    )
    saved_search.delete()
