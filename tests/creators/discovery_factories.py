"""Creators built for discovery tests: every column a filter or sort reads, and the search document the
services would write, so keyword tests search what production searches."""

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django.http import QueryDict
from django_scopes import scopes_disabled

from accounts.models import Workspace
from creators.discovery import selectors as discovery
from creators.discovery.filters import CreatorFilterSet, CreatorPageFilterSet
from creators.models import (
    AudienceProfile,
    Creator,
    CreatorList,
    CreatorListEntry,
    CreatorTag,
    Relationship,
    Tag,
)
from creators.search_text import search_document
from tests.factories import CreatorFactory


def make_creator(
    handle: str, *, display_name: str = "", bio: str = "", hashtags: Iterable[str] = (), **fields: Any
) -> Creator:
    tags = list(hashtags)
    fields.setdefault("follower_count", 50_000)
    fields.setdefault("country", "US")
    return CreatorFactory(
        handle=handle,
        display_name=display_name,
        bio=bio,
        hashtags=tags,
        search_document=search_document(handle=handle, display_name=display_name, bio=bio, hashtags=tags),
        **fields,
    )


def give_audience(creator: Creator, **parts: dict[str, float]) -> AudienceProfile:
    return AudienceProfile.objects.create(creator=creator, **parts)


def put_on_list(workspace: Workspace, name: str, *creators: Creator) -> CreatorList:
    with scopes_disabled():
        creator_list = CreatorList.objects.create(workspace=workspace, name=name)
        for creator in creators:
            CreatorListEntry.objects.create(workspace=workspace, creator_list=creator_list, creator=creator)
    return creator_list


def tag(workspace: Workspace, name: str, *creators: Creator) -> Tag:
    with scopes_disabled():
        new_tag = Tag.objects.create(workspace=workspace, name=name)
        for creator in creators:
            CreatorTag.objects.create(workspace=workspace, tag=new_tag, creator=creator)
    return new_tag


def relate(workspace: Workspace, creator: Creator, status: str) -> Relationship:
    with scopes_disabled():
        return Relationship.objects.create(workspace=workspace, creator=creator, status=status)


def query(params: dict[str, Any]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)])
    return data


def filterset(workspace: Workspace | None, params: dict[str, Any], *, page: bool = False) -> CreatorFilterSet:
    """The FilterSet as a request of `workspace` builds it (call inside that workspace's scope)."""
    cls = CreatorPageFilterSet if page else CreatorFilterSet
    return cls(query(params), queryset=discovery.discoverable_creators(), request=SimpleNamespace(workspace=workspace))


def results(
    workspace: Workspace | None, params: dict[str, Any], *, page: bool = False, number: int = 1, per_page: int = 100
) -> discovery.ResultPage:
    built = filterset(workspace, params, page=page)
    assert built.is_valid(), built.errors
    return discovery.results_page(built.search(), page_number=number, per_page=per_page)


def handles(workspace: Workspace | None, params: dict[str, Any], **kwargs: Any) -> list[str]:
    return [creator.handle for creator in results(workspace, params, **kwargs).creators]
