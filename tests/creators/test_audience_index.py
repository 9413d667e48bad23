"""Audience share filters go through the coarse share tags (creators.audience.index): the tags must
never lose a true match, and the GIN index must actually serve the filters."""

import pytest
from django.db import connection

from accounts.tenancy import workspace_scope
from creators.audience.index import AudienceShareTags, share_tag
from creators.models import AudienceProfile
from tests.creators.discovery_factories import filterset, give_audience, make_creator, results
from tests.factories import WorkspaceFactory

pytestmark = pytest.mark.django_db

# Shares on, just under and just over the tag steps, and the ends of the range.
SHARES = (0.0, 0.5, 9.99, 10.0, 10.01, 49.9, 50.0, 55.0, 59.99, 60.0, 99.9, 100.0)
MINIMUMS = (None, 0, 5, 10, 10.01, 50, 55, 59.99, 60, 99.95, 100)


@pytest.fixture
def ws():
    workspace = WorkspaceFactory(slug="audience-index")
    with workspace_scope(workspace):
        yield workspace


def test_a_share_filter_finds_exactly_the_profiles_whose_json_share_reaches_it(ws):
    for n, share in enumerate(SHARES):
        creator = make_creator(f"share_{n}")
        give_audience(creator, countries={"BR": share, "US": 100 - share}, genders={"female": share})
    make_creator("no_audience")
    expected_handles = {
        minimum: {f"share_{n}" for n, share in enumerate(SHARES) if share >= (minimum or 0)} for minimum in MINIMUMS
    }

    for minimum in MINIMUMS:
        params = {"audience_country": "br"} | ({"audience_country_min": minimum} if minimum is not None else {})
        page = results(ws, params)
        assert {c.handle for c in page.creators} == expected_handles[minimum], minimum
        assert page.count.value == len(expected_handles[minimum]), minimum  # counted on the profiles
        both = params | {"audience_gender": "female", "audience_gender_min": minimum or 0}
        assert {c.handle for c in results(ws, both).creators} == expected_handles[minimum], minimum


def test_the_tags_the_database_indexes_are_the_ones_the_filters_ask_for():
    creator = make_creator("tagged")
    give_audience(creator, countries={"US": 57.0, "gb": 3.0}, genders={"female": 60.0}, age_buckets={"18-24": 9.99})

    (tags,) = AudienceProfile.objects.annotate(tags=AudienceShareTags()).values_list("tags", flat=True)

    assert {share_tag("countries", "US", m) for m in (0, 10, 20, 30, 40, 50, 57)} <= set(tags)
    assert share_tag("countries", "US", 60) not in tags
    assert {
        share_tag("countries", "gb", 0),
        share_tag("genders", "female", 60),
        share_tag("age_buckets", "18-24", 9),
    } <= set(tags)
    assert share_tag("countries", "GB", 10) not in tags
    assert share_tag("age_buckets", "18-24", 10) not in tags
    assert len(tags) == 6 + 1 + 7 + 1


def _plan(queryset):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows would be scanned otherwise
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_share_count_is_served_by_the_gin_index(ws):
    give_audience(make_creator("indexed"), countries={"US": 80.0})
    params = {"audience_country": "US", "audience_country_min": 75}
    built = filterset(ws, params)
    assert built.is_valid(), built.errors

    assert "audience_share_tags_gin" in _plan(built._count_queryset())  # the expression matches the index
