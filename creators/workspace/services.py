"""Writes to a workspace's private layers on the shared creator index: shortlists and who is on them,
tags, notes, the relationship status and saved searches.

Each service is one transaction with keyword-only arguments, and refuses bad input with a
`CreatorError` (code + fields) before writing anything. The services run inside the caller's workspace
scope — pages and the API already are; commands and tasks open it with
`accounts.tenancy.workspace_scope` — and record an audit event. Who may call them (managers and
owners) is enforced at the edges by `dashboard_view` and the API's `HasWorkspaceRole`; the one rule
that depends on the object (a note is deleted by its author or an owner) lives here, so the page and
the API cannot disagree.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet

from accounts.models import Membership, Role, User, Workspace
from accounts.services import record_audit_event
from creators.errors import CreatorError, CreatorErrorCode, CreatorPermissionError
from creators.models import (
    Creator,
    CreatorList,
    CreatorListEntry,
    CreatorNote,
    CreatorTag,
    Relationship,
    SavedSearch,
    Tag,
)

LIST_NAME_MAX_CHARS = 100  # CreatorList.name's column
LIST_DESCRIPTION_MAX_CHARS = 2_000
TAG_NAME_MAX_CHARS = 50  # Tag.name's column
NOTE_MAX_CHARS = 5_000  # a long call summary fits; a pasted document does not


# --- Workspace layers: helpers --------------------------------------------------------------------


def _creators_queryset(creators: Iterable[Creator] | QuerySet[Creator]) -> QuerySet[Creator]:
    """Creators as a queryset of existing rows (ids that no longer exist drop out)."""
    if isinstance(creators, QuerySet):
        return creators
    return Creator.objects.filter(pk__in=[creator.pk for creator in creators])


def _insert_for_creators(
    *, model: type[CreatorListEntry] | type[CreatorTag], creators: QuerySet[Creator], columns: dict[str, Any]
) -> int:
    """INSERT … SELECT one row per creator of the queryset, ON CONFLICT DO NOTHING; returns rows added.

    One statement whatever the selection (a bulk action may hold every result of a search), and the
    conflict target keeps rows already there — with who added them — untouched."""
    ids = creators.values("pk") if creators.query.is_sliced else creators.order_by().values("pk")
    try:
        select_sql, select_params = ids.query.sql_with_params()
    except EmptyResultSet:  # e.g. pk__in=[]: Django knows without asking there is nobody to insert
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(name) for name in ("created_at", "updated_at", *columns, "creator_id"))
    placeholders = ", ".join(["%s"] * len(columns))
    sql = (
        f"INSERT INTO {table} ({names}) "  # noqa: S608 — identifiers come from the model, values are parameters
        f"SELECT now(), now(), {placeholders}, picked.id FROM ({select_sql}) AS picked(id) "
        "ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*columns.values(), *select_params])
        return max(cursor.rowcount, 0)


def _constraint(exc: IntegrityError) -> str:
    return getattr(getattr(exc.__cause__, "diag", None), "constraint_name", "") or ""


def _clean_list_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > LIST_NAME_MAX_CHARS:
        raise CreatorError(
            f"Give the list a name of 1 to {LIST_NAME_MAX_CHARS} characters.",
            code=CreatorErrorCode.INVALID,
            fields={"name": [f"1 to {LIST_NAME_MAX_CHARS} characters."]},
        )
    return name


def _clean_list_description(description: str) -> str:
    description = description.strip()
    if len(description) > LIST_DESCRIPTION_MAX_CHARS:
        raise CreatorError(
            f"Keep the description under {LIST_DESCRIPTION_MAX_CHARS:,} characters.",
            code=CreatorErrorCode.INVALID,
            fields={"description": [f"At most {LIST_DESCRIPTION_MAX_CHARS:,} characters."]},
        )
    return description


def _duplicate_list(name: str) -> CreatorError:
    return CreatorError(
        f"A list called {name!r} already exists.",
        code=CreatorErrorCode.DUPLICATE,
        fields={"name": ["Already used in this workspace."]},
    )


# --- Shortlists ---------------------------------------------------------------------------------


@transaction.atomic
def create_creator_list(*, workspace: Workspace, name: str, by: User, description: str = "") -> CreatorList:
    """A new shortlist; names are unique per workspace, case-insensitively."""
    name = _clean_list_name(name)
    description = _clean_list_description(description)
    try:
        with transaction.atomic():  # a savepoint: the unique index decides races between two members
            creator_list = CreatorList.objects.create(
                workspace=workspace, name=name, description=description, created_by=by
            )
    except IntegrityError as exc:
        if _constraint(exc) != "creatorlist_name_ci_unique":
            raise
        raise _duplicate_list(name) from exc
    record_audit_event(
        workspace=workspace, actor=by, action="list.created", target=name, data={"list_id": creator_list.pk}
    )
    return creator_list


@transaction.atomic
def update_creator_list(
    *, creator_list: CreatorList, by: User, name: str | None = None, description: str | None = None
) -> CreatorList:
    """Rename a shortlist and/or change its description (None leaves a field as it is)."""
    creator_list = CreatorList.objects.select_for_update(of=("self",)).get(pk=creator_list.pk)
    changes: dict[str, str] = {}
    if name is not None and (name := _clean_list_name(name)) != creator_list.name:
        changes["name"] = name
    if description is not None and (description := _clean_list_description(description)) != creator_list.description:
        changes["description"] = description
    if not changes:
        return creator_list
    old_name = creator_list.name
    for field, value in changes.items():
        setattr(creator_list, field, value)
    try:
        with transaction.atomic():
            creator_list.save(update_fields=[*changes, "updated_at"])
    except IntegrityError as exc:
        if _constraint(exc) != "creatorlist_name_ci_unique":
            raise
        raise _duplicate_list(changes["name"]) from exc
    data: dict[str, Any] = {"list_id": creator_list.pk, "changed": sorted(changes)}
    if "name" in changes:
        data["old_name"] = old_name
    record_audit_event(
        workspace=creator_list.workspace, actor=by, action="list.updated", target=creator_list.name, data=data
    )
    return creator_list


@transaction.atomic
def delete_creator_list(*, creator_list: CreatorList, by: User) -> None:
    """Delete a shortlist and its entries (the creators stay in the index)."""
    creator_list = (
        CreatorList.objects.select_for_update(of=("self",)).select_related("workspace").get(pk=creator_list.pk)
    )
    entry_count = CreatorListEntry.objects.filter(creator_list=creator_list).count()
    record_audit_event(
        workspace=creator_list.workspace,
        actor=by,
        action="list.deleted",
        target=creator_list.name,
        data={"list_id": creator_list.pk, "creator_count": entry_count},
    )
    creator_list.delete()


@transaction.atomic
def add_creators_to_list(
    *, creator_list: CreatorList, creators: Iterable[Creator] | QuerySet[Creator], by: User
) -> int:
    """Add creators to a shortlist; ones already on it are left alone. Returns how many were added.

    `creators` may be a queryset of any size (a bulk action over a whole search): it is inserted with
    one INSERT … SELECT, never loaded into memory."""
    added = _insert_for_creators(
        model=CreatorListEntry,
        creators=_creators_queryset(creators),
        columns={"workspace_id": creator_list.workspace_id, "creator_list_id": creator_list.pk, "added_by_id": by.pk},
    )
    if added:
        record_audit_event(
            workspace=creator_list.workspace,
            actor=by,
            action="list.creators_added",
            target=creator_list.name,
            data={"list_id": creator_list.pk, "count": added},
        )
    return added


@transaction.atomic
def add_creators_to_new_list(
    *, workspace: Workspace, name: str, creators: Iterable[Creator] | QuerySet[Creator], by: User
) -> CreatorList:
    """Create a shortlist and put creators on it, both or neither (a refused name adds nobody)."""
    creator_list = create_creator_list(workspace=workspace, name=name, by=by)
    add_creators_to_list(creator_list=creator_list, creators=creators, by=by)
    return creator_list


@transaction.atomic
def remove_creators_from_list(
    *, creator_list: CreatorList, creators: Iterable[Creator] | QuerySet[Creator], by: User
) -> int:
    """Take creators off a shortlist; ones not on it are ignored. Returns how many were removed."""
    removed, _ = CreatorListEntry.objects.filter(
        creator_list=creator_list, creator__in=_creators_queryset(creators).order_by().values("pk")
    ).delete()
    if removed:
        record_audit_event(
            workspace=creator_list.workspace,
            actor=by,
            action="list.creators_removed",
            target=creator_list.name,
            data={"list_id": creator_list.pk, "count": removed},
        )
    return removed


# --- Tags ---------------------------------------------------------------------------------------


def _tag_named(*, workspace: Workspace, name: str) -> tuple[Tag, bool]:
    """The workspace's tag of that name (case-insensitive), created on first use; and whether it was."""
    tag = Tag.objects.filter(workspace=workspace, name__iexact=name).first()
    if tag is not None:
        return tag, False
    try:
        with transaction.atomic():
            return Tag.objects.create(workspace=workspace, name=name), True
    except IntegrityError as exc:
        if _constraint(exc) != "tag_name_ci_unique":
            raise
        # A teammate created it a moment ago: use theirs.
        return Tag.objects.get(workspace=workspace, name__iexact=name), False


@transaction.atomic
def tag_creators(
    *, workspace: Workspace, tag_name: str, creators: Iterable[Creator] | QuerySet[Creator], by: User
) -> Tag:
    """Tag creators, creating the tag on first use (tag names are case-insensitive per workspace).
    Creators already carrying the tag keep it; `creators` may be a queryset of any size."""
    name = tag_name.strip().lstrip("#").strip()
    if not name or len(name) > TAG_NAME_MAX_CHARS:
        raise CreatorError(
            f"A tag needs 1 to {TAG_NAME_MAX_CHARS} characters.",
            code=CreatorErrorCode.INVALID,
            fields={"tag": [f"1 to {TAG_NAME_MAX_CHARS} characters."]},
        )
    tag, created = _tag_named(workspace=workspace, name=name)
    added = _insert_for_creators(
        model=CreatorTag,
        creators=_creators_queryset(creators),
        columns={"workspace_id": workspace.pk, "tag_id": tag.pk},
    )
    if created or added:
        record_audit_event(
            workspace=workspace,
            actor=by,
            action="tag.applied",
            target=tag.name,
            data={"tag_id": tag.pk, "count": added, "created": created},
        )
    return tag


@transaction.atomic
def untag_creators(*, tag: Tag, creators: Iterable[Creator] | QuerySet[Creator], by: User) -> int:
    """Take a tag off creators (the tag itself stays). Returns how many lost it."""
    removed, _ = CreatorTag.objects.filter(
        tag=tag, creator__in=_creators_queryset(creators).order_by().values("pk")
    ).delete()
    if removed:
        record_audit_event(
            workspace=tag.workspace,
            actor=by,
            action="tag.removed",
            target=tag.name,
            data={"tag_id": tag.pk, "count": removed},
        )
    return removed


@transaction.atomic
def delete_tag(*, tag: Tag, by: User) -> None:
    """Delete a tag everywhere in the workspace."""
    tag = Tag.objects.select_for_update(of=("self",)).select_related("workspace").get(pk=tag.pk)
    tagged = CreatorTag.objects.filter(tag=tag).count()
    record_audit_event(
        workspace=tag.workspace,
        actor=by,
        action="tag.deleted",
        target=tag.name,
        data={"tag_id": tag.pk, "count": tagged},
    )
    tag.delete()


# --- Notes --------------------------------------------------------------------------------------


@transaction.atomic
def add_note(*, workspace: Workspace, creator: Creator, body: str, by: User) -> CreatorNote:
    """A private note on a creator, visible to the workspace's members."""
    body = body.strip()
    if not body or len(body) > NOTE_MAX_CHARS:
        raise CreatorError(
            f"A note needs 1 to {NOTE_MAX_CHARS:,} characters.",
            code=CreatorErrorCode.INVALID,
            fields={"body": [f"1 to {NOTE_MAX_CHARS:,} characters."]},
        )
    note = CreatorNote.objects.create(workspace=workspace, creator=creator, author=by, body=body)
    record_audit_event(
        workspace=workspace, actor=by, action="note.created", target=str(creator), data={"note_id": note.pk}
    )
    return note


@transaction.atomic
def delete_note(*, note: CreatorNote, by: User) -> None:
    """Delete a note. Its author may, and so may the workspace's owners; nobody else."""
    note = CreatorNote.objects.select_for_update(of=("self",)).select_related("workspace", "creator").get(pk=note.pk)
    is_owner = Membership.objects.filter(workspace=note.workspace, user=by, role=Role.OWNER).exists()
    if note.author_id != by.pk and not is_owner:
        raise CreatorPermissionError(
            "Only the note's author or a workspace owner can delete it.", code=CreatorErrorCode.NOT_ALLOWED
        )
    record_audit_event(
        workspace=note.workspace,
        actor=by,
        action="note.deleted",
        target=str(note.creator),
        data={"note_id": note.pk, "author_id": note.author_id},
    )
    note.delete()


# --- Relationship -------------------------------------------------------------------------------


@transaction.atomic
def set_relationship_status(*, workspace: Workspace, creator: Creator, status: str, by: User) -> Relationship:
    """Record where the workspace stands with a creator. Setting the current status again writes nothing."""
    if status not in Relationship.Status.values:
        raise CreatorError(
            f"{status!r} is not a relationship status.",
            code=CreatorErrorCode.INVALID,
            fields={"status": [f"One of: {', '.join(Relationship.Status.values)}."]},
        )
    relationship = (
        Relationship.objects.select_for_update(of=("self",)).filter(workspace=workspace, creator=creator).first()
    )
    if relationship is None:
        try:
            with transaction.atomic():
                relationship = Relationship.objects.create(
                    workspace=workspace, creator=creator, status=status, updated_by=by
                )
        except IntegrityError as exc:
            if _constraint(exc) != "relationship_unique":
                raise
            # A teammate set it a moment ago: lock theirs and change it below.
            relationship = Relationship.objects.select_for_update(of=("self",)).get(
                workspace=workspace, creator=creator
            )
        else:
            record_audit_event(
                workspace=workspace,
                actor=by,
                action="relationship.changed",
                target=str(creator),
                data={"creator_id": creator.pk, "from": None, "to": status},
            )
            return relationship
    if relationship.status == status:
        return relationship
    previous = relationship.status
    relationship.status, relationship.updated_by = status, by
    relationship.save(update_fields=["status", "updated_by", "updated_at"])
    record_audit_event(
        workspace=workspace,
        actor=by,
        action="relationship.changed",
        target=str(creator),
        data={"creator_id": creator.pk, "from": previous, "to": status},
    )
    return relationship


# --- Saved searches ---------------------------------------------------------------------------

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
