import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Max, Sum
from django_scopes import scopes_disabled

from accounts.models import Membership, User, Workspace
from analytics.demo.audience_file import IMPORTED_HANDLES
from analytics.demo.data import DEMO_CREATORS_FILE
from analytics.demo.index import DEMO_CREATOR_HANDLE, FEATURED
from creators.models import AudienceProfile, Creator, FollowerSnapshot, PortalGrant, VideoStats
from creators.selectors import creator_for_user

pytestmark = pytest.mark.django_db


def _state():
    with scopes_disabled():
        return (
            sorted(Creator.objects.values_list("handle", "follower_count", "country", "engagement_rate")),
            VideoStats.objects.count(),
            FollowerSnapshot.objects.count(),
            AudienceProfile.objects.count(),
            sorted(User.objects.values_list("email", "kind", "is_staff")),
            sorted(Membership.objects.values_list("workspace__slug", "user__email", "role")),
        )


SYNTHETIC = 40
# The real file's header, as it is: seed_demo reads Username, Country and Followers ("78.9m", "856.3k").
REAL_FILE_HEADER = (
    "Rank,Username,Country,Followers,Views,Likes,Engagement,Brand Account,Gender,Age,Ethnicity,Famous,Genre,LGBTQ"
)


def test_seed_demo_needs_no_file_and_loads_the_named_and_generated_creators_idempotently(settings):
    settings.DEMO_DATA_DIR = None  # the default: nothing outside the repository

    call_command("seed_demo", force=True, synthetic=SYNTHETIC, verbosity=0)
    first = _state()
    call_command("seed_demo", force=True, synthetic=SYNTHETIC, verbosity=0)

    assert _state() == first
    assert Creator.objects.count() == len(FEATURED) + SYNTHETIC + len(IMPORTED_HANDLES)  # + the audience file's
    # The celebrity-like accounts top the index, verified, with tens of millions of followers.
    top = list(Creator.objects.order_by("-follower_count").values_list("follower_count", "is_verified")[:10])
    assert all(followers >= 10_000_000 and verified for followers, verified in top)
    assert Workspace.objects.count() == 2
    demo_account = User.objects.get(email="creator@demo.creatordesk.test")
    assert creator_for_user(user=demo_account).handle == DEMO_CREATOR_HANDLE
    # Staff granted the demo brand, and only it: every brand takes a TikTok sign-in as the handle.
    grants = PortalGrant.objects.filter(user=demo_account)
    assert list(grants.values_list("workspace__slug", "method")) == [("glow-skincare", "staff")]


def test_seed_demo_adds_the_real_file_when_demo_data_dir_holds_it(settings, tmp_path):
    (tmp_path / DEMO_CREATORS_FILE).write_text(
        REAL_FILE_HEADER + "\n"
        '1,@Dancing.Dana,U.S.A,78.9m,38.3m,6.1m,16.60%,0,Female,16,White,0,"Dancing, Lipsyncing",0\n'
        "2,@cookwithkofi,Ghana,856.3k,1.2m,98.1k,11.5%,0,Male,30,Black,0,Cooking,0\n",
        encoding="utf-8",
    )
    settings.DEMO_DATA_DIR = tmp_path

    call_command("seed_demo", force=True, synthetic=SYNTHETIC, verbosity=0)

    assert Creator.objects.count() == 2 + len(FEATURED) + SYNTHETIC + len(IMPORTED_HANDLES)
    dana = Creator.objects.get(handle="dancing.dana")
    assert (dana.follower_count, dana.country) == (78_900_000, "US")
    assert Creator.objects.get(handle="cookwithkofi").follower_count == 856_300


def test_seed_demo_refuses_a_demo_data_dir_without_the_file_and_writes_nothing(settings, tmp_path):
    settings.DEMO_DATA_DIR = tmp_path / "nowhere"

    with pytest.raises(CommandError, match=rf"DEMO_DATA_DIR is set, but .*{DEMO_CREATORS_FILE} does not exist"):
        call_command("seed_demo", force=True, synthetic=SYNTHETIC, verbosity=0)

    assert not Creator.objects.exists()
    assert not User.objects.exists()


def test_seed_demo_refuses_outside_development_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.exists()


def test_synthetic_creators_engagement_is_interactions_over_views_of_their_videos():
    call_command("seed_demo", force=True, synthetic=SYNTHETIC, verbosity=0)
    creator = Creator.objects.filter(videos__isnull=False).distinct().order_by("handle").first()
    latest = VideoStats.objects.filter(video__creator=creator).aggregate(at=Max("captured_at"))["at"]
    totals = VideoStats.objects.filter(video__creator=creator, captured_at=latest).aggregate(
        v=Sum("views"), i=Sum(F("likes") + F("comments") + F("shares") + F("saves"))
    )
    assert float(creator.engagement_rate) == pytest.approx(totals["i"] / totals["v"], abs=1e-5)


def test_synthetic_creators_span_tiers_below_a_million():
    call_command("seed_demo", force=True, synthetic=400, verbosity=0)
    assert Creator.objects.filter(follower_count__lt=10_000).exists()
    assert Creator.objects.filter(follower_count__gte=10_000, follower_count__lt=100_000).exists()
    assert Creator.objects.filter(follower_count__gte=100_000, follower_count__lt=1_000_000).exists()


def test_demo_brand_gets_its_shortlists_tags_notes_and_saved_searches_once():
    from creators.models import CreatorList, CreatorListEntry, CreatorNote, SavedSearch, Tag

    call_command("seed_demo", force=True, synthetic=400, verbosity=0)
    call_command("seed_demo", force=True, synthetic=400, verbosity=0)
    with scopes_disabled():
        glow = Workspace.objects.get(slug="glow-skincare")
        assert sorted(CreatorList.objects.filter(workspace=glow).values_list("name", flat=True)) == [
            "Gifting round 2",
            "Spring glow launch",
        ]
        assert CreatorListEntry.objects.filter(workspace=glow).exists()
        assert Tag.objects.filter(workspace=glow).count() == 2
        assert CreatorNote.objects.filter(workspace=glow).count() == 2
        assert SavedSearch.objects.filter(workspace=glow).count() == 2
        trail = Workspace.objects.get(slug="trail-coffee")
        assert not CreatorList.objects.filter(workspace=trail).exists()


def test_seed_demo_scores_every_demo_creator_with_weeks_of_history_and_installs_the_schedules():
    from django_celery_beat.models import PeriodicTask

    from creators.models import CreatorScoreHistory

    call_command("seed_demo", force=True, synthetic=400, verbosity=0)

    # Measured videos: a live post linked a moment ago has no stats until the next pull.
    with_videos = Creator.objects.filter(videos__stats__isnull=False).distinct()
    assert with_videos.count() > 0
    assert not with_videos.filter(score__isnull=True).exists()
    weeks = CreatorScoreHistory.objects.values("scored_on").distinct().count()
    assert weeks >= 4
    assert Creator.objects.exclude(authenticity_flags=[]).exists()
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"analytics.tasks.sweep_metrics_task", "analytics.tasks.score_stale_creators_task"} <= tasks


def test_seed_demo_gives_the_demo_brand_campaigns_in_every_status_and_every_stage_once():
    from campaigns.models import Campaign, Collaboration, CollaborationTransition, Payout
    from campaigns.pipeline import CampaignStatus, Stage

    call_command("seed_demo", force=True, synthetic=400, verbosity=0)
    call_command("seed_demo", force=True, synthetic=400, verbosity=0)

    with scopes_disabled():
        campaigns = Campaign.objects.filter(workspace__slug="glow-skincare")
        assert set(campaigns.values_list("status", flat=True)) == set(CampaignStatus.values)
        assert campaigns.count() == 5  # one per status; the second run added none
        stages = set(Collaboration.objects.filter(campaign__in=campaigns).values_list("stage", flat=True))
        assert stages == set(Stage.values)
        paid = Collaboration.objects.get(campaign__name="Spring glow launch", stage=Stage.PAID)
        # Reached through the allowed moves, each one recorded.
        assert CollaborationTransition.objects.filter(collaboration=paid).count() == 8
        assert Payout.objects.filter(collaboration__campaign__in=campaigns).exists()
        from briefs.models import Brief

        assert list(Brief.objects.filter(campaign__name="Spring glow launch").values_list("version", flat=True)) == [
            2,
            1,
        ]
        demo_creator = creator_for_user(user=User.objects.get(email="creator@demo.creatordesk.test"))
        assert Collaboration.objects.filter(creator=demo_creator).count() == 4
        # The portal has invitations to answer and collaborations under way, never a shortlist.
        assert set(Collaboration.objects.filter(creator=demo_creator).values_list("stage", flat=True)) == {
            Stage.INVITED,
            Stage.NEGOTIATING,
            Stage.CONTRACTED,
            Stage.PAID,
        }
        from briefs.models import ContractVersion, SignatureEvent
        from campaigns.models import Deliverable, OpenCallApplication

        versions = ContractVersion.objects.filter(contract__collaboration__creator=demo_creator)
        signed = versions.filter(status="fully_signed")
        assert signed.count() == 2  # the contracted and the paid collaborations, signed by both sides
        assert all(v.signed_sha256 and v.signed_pdf for v in signed)
        assert SignatureEvent.objects.filter(version__in=signed).count() == 4
        assert versions.filter(status="sent").count() == 1  # waiting for the creator's signature
        live = Deliverable.objects.get(collaboration__creator=demo_creator, status="live")
        assert live.spark_ads_code and live.video_id is not None
        assert Deliverable.objects.filter(collaboration__creator=demo_creator, status="pending").count() == 1
        assert Payout.objects.filter(collaboration__creator=demo_creator, status="paid").count() == 1
        assert OpenCallApplication.objects.filter(open_call__campaign__name="Spring glow launch").count() == 2
        assert campaigns.first().workspace.brand_color == "#D6336C"
        from analytics.models import AttributionDailyRollup, ClickDailyRollup, Order, TrackingLink

        # Reports have figures right away: links, clicks, orders (a refund among them) and rollups.
        assert TrackingLink.objects.filter(workspace=campaigns.first().workspace).exists()
        assert ClickDailyRollup.objects.exists() and AttributionDailyRollup.objects.exists()
        assert Order.objects.filter(status__in=["refunded", "partially_refunded", "cancelled"]).exists()
