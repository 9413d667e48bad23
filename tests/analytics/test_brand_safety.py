"""Must-avoid terms: the scan keeps each hit, replaces stale ones, and discovery filters on them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.tenancy import workspace_scope
from analytics.brand_safety import scan_workspace
from creators.errors import CreatorError
from creators.models import BrandSafetyHit, BrandSafetyTerm, Video
from creators.workspace.brand_safety import add_brand_safety_term
from tests.factories import CreatorFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def _video(creator, caption, hashtags=(), days_ago=3):
    return Video.objects.create(
        creator=creator,
        platform_video_id=f"v{Video.objects.count()}",
        caption=caption,
        hashtags=list(hashtags),
        posted_at=NOW - timedelta(days=days_ago),
    )


def _add(workspace, term, by):
    with workspace_scope(workspace):
        return add_brand_safety_term(workspace=workspace, term=term, by=by)


def test_a_scan_finds_terms_in_captions_and_hashtags_ignoring_case_and_accents(workspace, manager):
    vaper, clean, old = CreatorFactory(handle="vaper"), CreatorFactory(handle="clean"), CreatorFactory(handle="old")
    caption = _video(vaper, "My favourite VAPE flavours")
    tagged = _video(vaper, "night out", hashtags=("cafe", "casino"))
    _video(clean, "a vapeless life, begun with evaporation")  # no whole-word hit
    _video(old, "vape review", days_ago=400)  # outside the scanned window
    _add(workspace, "vape", manager)
    _add(workspace, "#Casino", manager)

    total = scan_workspace(workspace_id=workspace.pk, as_of=NOW)

    with scopes_disabled():
        hits = sorted(BrandSafetyHit.objects.values_list("creator__handle", "video_id", "term", "field"))
    assert total == 2
    assert hits == [("vaper", caption.pk, "vape", "caption"), ("vaper", tagged.pk, "Casino", "hashtags")]


def test_an_accented_term_matches_unaccented_text():
    workspace = WorkspaceFactory()
    creator = CreatorFactory()
    _video(creator, "best creme brulee in town")
    with scopes_disabled():
        BrandSafetyTerm.objects.create(workspace=workspace, term="crème brûlée")

    assert scan_workspace(workspace_id=workspace.pk, as_of=NOW) == 1


def test_a_rescan_drops_hits_that_are_gone_and_keeps_the_rest_once(workspace, manager):
    creator = CreatorFactory()
    video = _video(creator, "vape and casino")
    _add(workspace, "vape", manager)
    _add(workspace, "casino", manager)
    scan_workspace(workspace_id=workspace.pk, as_of=NOW)
    with scopes_disabled():
        BrandSafetyTerm.objects.filter(term="casino").delete()
    video.caption = "vape only"
    video.save()

    assert scan_workspace(workspace_id=workspace.pk, as_of=NOW + timedelta(days=1)) == 1
    assert scan_workspace(workspace_id=workspace.pk, as_of=NOW + timedelta(days=1)) == 1
    with scopes_disabled():
        hit = BrandSafetyHit.objects.get()
    assert (hit.term, hit.found_at) == ("vape", NOW)  # first found, kept


def test_a_duplicate_or_empty_term_is_refused(workspace, manager):
    _add(workspace, "Vape", manager)

    with pytest.raises(CreatorError, match="already"):
        _add(workspace, "#vape", manager)
    with pytest.raises(CreatorError, match="2 to 100"):
        _add(workspace, " # ", manager)
    with scopes_disabled():
        assert BrandSafetyTerm.objects.count() == 1


def test_discovery_filters_clean_and_flagged_for_this_workspace_only(client, workspace, manager):
    flagged = CreatorFactory(handle="flaggedone")
    CreatorFactory(handle="cleanone")
    _video(flagged, "vape tricks")
    _add(workspace, "vape", manager)
    scan_workspace(workspace_id=workspace.pk)
    client.force_login(manager)

    only_flagged = client.get(reverse("creators:creator-list"), {"brand_safety": "flagged"}).content.decode()
    only_clean = client.get(reverse("creators:creator-list"), {"brand_safety": "clean"}).content.decode()

    assert "@flaggedone" in only_flagged and "@cleanone" not in only_flagged
    assert "@cleanone" in only_clean and "@flaggedone" not in only_clean


def test_the_page_adds_a_term_and_queues_a_scan_after_commit(client, manager, django_capture_on_commit_callbacks):
    client.force_login(manager)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("analytics-creators:brand-safety"), {"term": "gambling"})

    assert response.status_code == 302
    assert len(callbacks) == 1
    page = client.get(reverse("analytics-creators:brand-safety")).content.decode()
    assert "gambling" in page


def test_an_analyst_reads_but_cannot_add_terms(client, analyst):
    client.force_login(analyst)

    response = client.post(reverse("analytics-creators:brand-safety"), {"term": "gambling"})

    assert response.status_code == 403
    with scopes_disabled():
        assert not BrandSafetyTerm.objects.exists()
    assert 'id="term-form"' not in client.get(reverse("analytics-creators:brand-safety")).content.decode()


def test_the_export_lists_every_hit_and_defuses_formulas(client, workspace, manager):
    creator = CreatorFactory(handle="formula")
    _video(creator, "=HYPERLINK vape")
    _add(workspace, "vape", manager)
    scan_workspace(workspace_id=workspace.pk)
    client.force_login(manager)

    response = client.get(reverse("analytics-creators:brand-safety-export"))
    lines = b"".join(response.streaming_content).decode().splitlines()

    assert lines[0].startswith("creator,profile,term,field,excerpt")
    assert len(lines) == 2
    assert "@formula" in lines[1] and ",'=HYPERLINK vape," in lines[1]
