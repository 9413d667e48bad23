"""Factories for the index's videos and audiences and the workspace layers (notes, tags, lists).

Workspace-owned rows are built through the unscoped manager: fixtures set up several workspaces,
while the code under test still runs inside one workspace's scope.
"""

from datetime import UTC, datetime, timedelta

import factory

from creators.models import (
    AudienceProfile,
    CreatorList,
    CreatorListEntry,
    CreatorNote,
    CreatorTag,
    FollowerSnapshot,
    Relationship,
    Tag,
    Video,
    VideoStats,
)
from tests.factories import CreatorFactory, UserFactory, WorkspaceFactory

NOON = datetime(2026, 11, 1, 12, tzinfo=UTC)


class VideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Video

    creator = factory.SubFactory(CreatorFactory)
    platform_video_id = factory.Sequence(lambda n: f"v{n:06d}")
    caption = factory.Sequence(lambda n: f"Video {n} #skincare")
    posted_at = factory.Sequence(lambda n: NOON - timedelta(days=n))


class VideoStatsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VideoStats

    video = factory.SubFactory(VideoFactory)
    captured_at = NOON
    views = 1_000
    likes = 80
    comments = 10
    shares = 10


class FollowerSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowerSnapshot

    creator = factory.SubFactory(CreatorFactory)
    captured_on = NOON.date()
    follower_count = 10_000


class AudienceProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AudienceProfile

    creator = factory.SubFactory(CreatorFactory)
    age_buckets = factory.LazyFunction(lambda: {"13-17": 10.0, "18-24": 50.0, "25-34": 30.0})
    genders = factory.LazyFunction(lambda: {"female": 70.0, "male": 28.0})
    countries = factory.LazyFunction(lambda: {"US": 60.0, "GB": 20.0})


class WorkspaceOwnedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    workspace = factory.SubFactory(WorkspaceFactory)

    @classmethod
    def _get_manager(cls, model_class):
        return model_class.objects.with_scopes_disabled()


class CreatorListFactory(WorkspaceOwnedFactory):
    class Meta:
        model = CreatorList

    name = factory.Sequence(lambda n: f"Shortlist {n}")


class CreatorListEntryFactory(WorkspaceOwnedFactory):
    class Meta:
        model = CreatorListEntry

    creator_list = factory.SubFactory(CreatorListFactory)
    workspace = factory.SelfAttribute("creator_list.workspace")
    creator = factory.SubFactory(CreatorFactory)


class TagFactory(WorkspaceOwnedFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag-{n}")


class CreatorTagFactory(WorkspaceOwnedFactory):
    class Meta:
        model = CreatorTag

    tag = factory.SubFactory(TagFactory)
    workspace = factory.SelfAttribute("tag.workspace")
    creator = factory.SubFactory(CreatorFactory)


class CreatorNoteFactory(WorkspaceOwnedFactory):
    class Meta:
        model = CreatorNote

    creator = factory.SubFactory(CreatorFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Note {n}: quoted 400 USD per video.")


class RelationshipFactory(WorkspaceOwnedFactory):
    class Meta:
        model = Relationship

    creator = factory.SubFactory(CreatorFactory)
    status = Relationship.Status.CONTACTED
