"""Trust boundaries (docs/security.md): what one workspace brings never changes what another sees, and
a portal account reaches a workspace only by that workspace's invitation or a proven handle.

The walkthrough of the review that found the takeover, repeated: workspace A (the attacker) imports a
file naming B's creator with A's own contact e-mail, bio, name, counts and captions, invites the creator
and claims the portal account with the link that lands in its own mailbox."""

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from accounts.models import Role
from accounts.tenancy import workspace_scope
from analytics.scoring.services import score_index
from campaigns.models import Collaboration
from creators.importing.pipeline import import_creators
from creators.index.pulls import store_pulls
from creators.index.snapshots import CreatorMetrics, ProfileSnapshot, VideoSnapshot
from creators.models import Creator, CreatorList, CreatorListEntry, PortalGrant, Video, VideoStats
from creators.models import WorkspaceCreatorContact as Contact
from outreach import claims, sending
from outreach.models import OutreachEmail
from tests.campaigns.factories import CampaignFactory, CollaborationFactory
from tests.factories import CreatorFactory, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
ATTACKER = "attacker@evil.test"
REAL = "maya@real-creator.test"


def _pull(creator: Creator) -> None:
    """B's creator as the platform API describes her: profile and three videos with stats."""
    videos = tuple(
        VideoSnapshot(
            platform_video_id=f"v{index}",
            captured_at=NOW,
            views=10_000 + index,
            likes=900,
            comments=40,
            shares=12,
            posted_at=NOW - dt.timedelta(days=index + 1),
            caption=f"Honest routine {index} #skincare",
            hashtags=("skincare",),
            duration_s=30,
            is_paid_partnership=False,
        )
        for index in range(3)
    )
    profile = ProfileSnapshot(
        captured_at=NOW, follower_count=48_000, following_count=300, likes_count=1_200_000, video_count=3,
        display_name="Maya Real", bio="Skincare on a budget", is_verified=True,
    )  # fmt: skip
    store_pulls(pulls=[(creator.pk, CreatorMetrics(profile=profile, videos=videos))], captured_at=NOW)


@pytest.fixture
def world(tmp_path):
    with scopes_disabled():
        a, b = WorkspaceFactory(name="Attacker Co", slug="attacker"), WorkspaceFactory(name="Bravo", slug="bravo")
        mallory = MembershipFactory(workspace=a, user=UserFactory(email="mallory@evil.test"), role=Role.MANAGER).user
        bob = MembershipFactory(workspace=b, user=UserFactory(email="bob@bravo.test"), role=Role.OWNER).user
        maya = CreatorFactory(handle="mayareal")
        _pull(maya)
        Contact.objects.create(workspace=b, creator=maya, email=REAL, source="manual")
        shortlist = CreatorList.objects.create(workspace=b, name="Bravo picks", created_by=bob)
        CreatorListEntry.objects.create(workspace=b, creator_list=shortlist, creator=maya)
        b_row = CollaborationFactory(campaign=CampaignFactory(workspace=b, owner=bob), creator=maya)
        a_row = CollaborationFactory(campaign=CampaignFactory(workspace=a, owner=mallory), creator=maya)
    score_index(as_of=NOW)
    return {"a": a, "b": b, "mallory": mallory, "bob": bob, "maya": maya, "b_row": b_row, "a_row": a_row,
            "shortlist": shortlist, "tmp": tmp_path}  # fmt: skip


def _invite(row, by) -> None:
    """Invite as the bulk table does, then send what it queued, as the worker would."""
    with workspace_scope(row.workspace):
        result = sending.invite(collaborations=[row], by=by)
    for email in OutreachEmail.objects.with_scopes_disabled().filter(collaboration=row, sent_at__isnull=True):
        sending.send_outreach_email(email_id=email.pk)
    return result


def _attacker_file(tmp: Path) -> Path:
    """Per-video rows naming B's creator: an existing video with other numbers and a caption that
    hides the disclosure, a new video, and the creator's profile values all different."""
    path = tmp / "evil.csv"
    header = ["user_name", "contact_email", "display_name", "bio", "followers", "video_id", "caption", "views",
              "likes", "paid_partnership"]  # fmt: skip
    rows = [
        ["mayareal", ATTACKER, "Maya (official)", "DM me at evil.test", "9000000", "v0", "totally organic", "9",
         "9", "true"],
        ["mayareal", ATTACKER, "Maya (official)", "DM me at evil.test", "9000000", "v-fake", "buy now", "99999999",
         "9999999", "false"],
    ]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _b_sees(world) -> dict:
    """Everything of B's that the attack must leave byte-for-byte as it was."""
    client = Client()
    client.force_login(world["bob"])
    token, _ = Token.objects.get_or_create(user=world["bob"])
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_X_WORKSPACE="bravo")
    maya = world["maya"]
    csrf = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|csrfToken[^,}]+|"X-CSRFToken": "[^"]+"')
    page = client.get(reverse("creators:creator-detail", args=[maya.pk]))
    export = client.get(reverse("creators:list-export", args=[world["shortlist"].pk]))
    with scopes_disabled():
        return {
            "page": csrf.sub(b"", page.content),
            "api": api.get(reverse("api:creator-detail", args=[maya.pk])).content,
            "export": b"".join(export.streaming_content),
            "row": Creator.objects.filter(pk=maya.pk).values().get(),
            "videos": list(Video.objects.filter(creator=maya).order_by("pk").values()),
            "stats": list(VideoStats.objects.filter(video__creator=maya).order_by("pk").values()),
            "contact": list(Contact.objects.filter(workspace=world["b"]).values_list("email", flat=True)),
        }


def test_an_import_by_one_workspace_changes_nothing_another_sees(world):
    before = _b_sees(world)

    with workspace_scope(world["a"]):
        summary = import_creators(workspace=world["a"], path=_attacker_file(world["tmp"]))
    score_index(as_of=NOW)

    after = _b_sees(world)
    for part in before:
        assert after[part] == before[part], f"A's import changed what B sees: {part}"
    assert summary.kept >= 5  # name, bio, followers, and both video rows: counted, not written
    with scopes_disabled():
        # A keeps what A brought, for A alone.
        assert Contact.objects.get(workspace=world["a"]).email == ATTACKER
    assert not Video.objects.filter(platform_video_id="v-fake").exists()


def test_outreach_and_claim_links_go_to_each_workspace_s_own_contact(world):
    with workspace_scope(world["a"]):
        import_creators(workspace=world["a"], path=_attacker_file(world["tmp"]))
    _invite(world["b_row"], world["bob"])
    _invite(world["a_row"], world["mallory"])

    assert [message.to for message in mail.outbox] == [[REAL], [ATTACKER]]


def test_the_attacker_s_claim_reaches_only_the_attacker_s_collaboration(world):
    """The review's walkthrough: it used to hand A the creator's portal account and B's collaborations."""
    with workspace_scope(world["a"]):
        import_creators(workspace=world["a"], path=_attacker_file(world["tmp"]))
    _invite(world["a_row"], world["mallory"])
    _invite(world["b_row"], world["bob"])
    links = {message.to[0]: re.search(r"/portal/claim/([A-Za-z0-9_-]+)/", message.body).group(1)
             for message in mail.outbox}  # fmt: skip

    attacker = claims.claim(token=links[ATTACKER], password="evil-but-long-enough-2026")
    real = claims.claim(token=links[REAL], password="maya-is-the-real-one-2026")  # not refused

    seen = {}
    for account in (attacker, real):
        client = Client()
        client.force_login(account)
        seen[account.email] = {
            row.pk: client.get(reverse("portal-campaigns:collaboration", args=[row.pk])).status_code
            for row in (world["a_row"], world["b_row"])
        }
        assert world["b"].name not in client.get(reverse("portal:home")).content.decode() or account == real
    assert seen[ATTACKER] == {world["a_row"].pk: 200, world["b_row"].pk: 404}
    assert seen[REAL] == {world["a_row"].pk: 404, world["b_row"].pk: 200}
    world["maya"].refresh_from_db()
    assert world["maya"].user_id is None  # nobody proved the handle: no account reaches every brand
    assert sorted(PortalGrant.objects.values_list("user__email", "workspace__slug", "method")) == [
        (ATTACKER, "attacker", "claim_link"),
        (REAL, "bravo", "claim_link"),
    ]


def test_an_invitation_never_shows_a_brand_the_creator_s_login_address(world):
    """A creator whose portal account reaches B (but who gave A no address) is invited by B: the e-mail goes
    to the account, and the address never shows in B's result, log or table."""
    with scopes_disabled():
        Contact.objects.filter(workspace=world["b"]).delete()
        account = UserFactory(email="private-login@creator.test", kind="creator")
        PortalGrant.objects.create(user=account, creator=world["maya"], workspace=world["b"], method="claim_link")
    result = _invite(world["b_row"], world["bob"])
    other = _invite(world["a_row"], world["mallory"])

    client = Client()
    client.force_login(world["bob"])
    table = client.get(reverse("outreach:campaign-table", args=[world["b_row"].campaign_id])).content.decode()
    assert [message.to for message in mail.outbox] == [["private-login@creator.test"]]
    assert "private-login" not in result.rows[0].message and "private-login" not in table
    assert not other.rows[0].ok  # A has no contact and no grant: nothing to write to, nothing moved
    with scopes_disabled():
        assert Collaboration.objects.get(pk=world["a_row"].pk).stage == "shortlisted"
