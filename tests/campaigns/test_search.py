"""The top bar's search: grouped results, and never another workspace's campaigns, collaborations or people."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Role
from accounts.tenancy import workspace_scope
from campaigns.search.selectors import search_workspace
from creators.search_text import search_document
from tests.campaigns.factories import CampaignFactory, CollaborationFactory
from tests.factories import CreatorFactory, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with scopes_disabled():
        glow = WorkspaceFactory(name="Glow", slug="glow-search")
        other = WorkspaceFactory(name="Other", slug="other-search")
        me = MembershipFactory(workspace=glow, user=UserFactory(email="sam@glow.test", full_name="Sam Serum"),
                               role=Role.ANALYST)  # fmt: skip
        MembershipFactory(workspace=other, user=UserFactory(email="serena@other.test", full_name="Serena Secret"))
        maya = CreatorFactory(handle="serum.maya", display_name="Maya",
                              search_document=search_document(handle="serum.maya", display_name="Maya"))  # fmt: skip
        CreatorFactory(handle="leo", display_name="Leo", search_document=search_document(handle="leo"))
        serum = CampaignFactory(workspace=glow, name="Night serum")
        secret = CampaignFactory(workspace=other, name="Secret serum launch")
        ours = CollaborationFactory(campaign=serum, creator=maya)
        theirs = CollaborationFactory(campaign=secret, creator=maya)
    return {"glow": glow, "other": other, "me": me, "maya": maya, "serum": serum, "secret": secret, "ours": ours,
            "theirs": theirs}  # fmt: skip


def _search(world, query):
    with workspace_scope(world["glow"]):
        return search_workspace(workspace=world["glow"], query=query)


def test_one_query_finds_each_kind_in_its_group(world):
    results = _search(world, "serum")

    assert [c.handle for c in results.creators] == ["serum.maya"]  # the shared index, by handle part
    assert results.campaigns == [world["serum"]]
    assert results.collaborations == [world["ours"]]  # its campaign's name matches
    assert [m.user.email for m in results.members] == ["sam@glow.test"]  # by name


def test_another_workspaces_campaigns_collaborations_and_people_are_never_found(world):
    results = _search(world, "se")

    assert world["secret"] not in results.campaigns
    assert world["theirs"] not in results.collaborations
    assert "serena@other.test" not in [m.user.email for m in results.members]
    assert _search(world, "secret").is_empty


def test_a_collaboration_is_found_by_its_creators_handle(world):
    assert _search(world, "maya").collaborations == [world["ours"]]


def test_a_query_of_one_character_searches_nothing(world):
    results = _search(world, "s")

    assert results.is_empty and not results.is_searched


def test_the_suggestions_and_the_page_show_the_groups(client, world):
    client.force_login(world["me"].user)

    suggestions = client.get(reverse("search:suggest"), {"q": "serum"}).content.decode()
    page = client.get(reverse("search:page"), {"q": "serum"}).content.decode()

    for body in (suggestions, page):
        assert "@serum.maya" in body and "Night serum" in body and "sam@glow.test" in body
        assert "Secret serum launch" not in body and "serena@other.test" not in body
    assert 'role="option"' in suggestions and 'id="search-members"' in page


def test_the_page_without_a_query_says_what_to_type(client, world):
    client.force_login(world["me"].user)

    body = client.get(reverse("search:page")).content.decode()

    assert 'id="search-empty"' in body and "at least 2 characters" in body


def test_the_top_bar_carries_the_search_box(client, world):
    client.force_login(world["me"].user)

    body = client.get(reverse("calendar:page")).content.decode()

    assert 'id="top-search-q"' in body and reverse("search:suggest") in body
