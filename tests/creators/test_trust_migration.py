"""Migrations creators 0012/0013: today's shared contact e-mails move into the workspaces that work with
the creator, and today's account links into per-workspace grants; and back again."""

import pytest

from tests.migration_states import latest, migrate_to

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("creators", "0011_audience_share_tags"),
    ("campaigns", "0005_creator_reviews_seen"),
    ("outreach", "0001_initial"),
    ("accounts", "0002_workspace_branding"),
]


def test_contacts_and_account_links_move_into_workspace_rows_and_back():
    old = migrate_to(BEFORE)
    Workspace, User = old.get_model("accounts", "Workspace"), old.get_model("accounts", "User")
    Creator, Campaign = old.get_model("creators", "Creator"), old.get_model("campaigns", "Campaign")
    Collaboration, ClaimLink = old.get_model("campaigns", "Collaboration"), old.get_model("outreach", "ClaimLink")
    a, b, _never_met = (Workspace.objects.create(name=n, slug=n) for n in ("ws-a", "ws-b", "ws-c"))
    claimed = User.objects.create(email="claimed@creator.test", kind="creator")
    staffed = User.objects.create(email="staffed@creator.test", kind="creator")
    maya = Creator.objects.create(handle="maya", contact_email="maya@creator.test", user=claimed)
    jo = Creator.objects.create(handle="jo", user=staffed)
    for workspace, creator, stage in ((a, maya, "invited"), (b, maya, "shortlisted"), (a, jo, "contracted")):
        campaign = Campaign.objects.create(
            workspace=workspace, name=f"{workspace.slug} launch", objective="awareness", budget=0, budget_currency="USD"
        )
        Collaboration.objects.create(
            workspace=workspace, campaign=campaign, creator=creator, stage=stage, fee_currency="USD",
            bonus_currency="USD",
        )  # fmt: skip
    link = ClaimLink.objects.create(
        workspace=a, creator=maya, collaboration=Collaboration.objects.get(workspace=a, creator=maya),
        email="maya@creator.test", token_sha256="f" * 64, expires_at="2030-01-01T00:00Z",
        used_at="2026-01-01T00:00Z", used_by=claimed,
    )  # fmt: skip

    try:
        new = migrate_to(latest())
        Contact, Grant = new.get_model("creators", "WorkspaceCreatorContact"), new.get_model("creators", "PortalGrant")
        # The e-mail goes to the two workspaces working with Maya, not to C, which never met her.
        assert sorted(Contact.objects.values_list("workspace__slug", "creator__handle", "email")) == [
            ("ws-a", "maya", "maya@creator.test"),
            ("ws-b", "maya", "maya@creator.test"),
        ]
        # Maya's account used A's claim link: A only. Jo's was linked by staff: where Jo works, past a shortlist.
        assert sorted(Grant.objects.values_list("user__email", "workspace__slug", "method", "reference")) == [
            ("claimed@creator.test", "ws-a", "claim_link", str(link.pk)),
            ("staffed@creator.test", "ws-a", "staff", "migrated"),
        ]
        # Nobody proved a handle before: nobody keeps every-workspace access.
        assert list(new.get_model("creators", "Creator").objects.filter(user__isnull=False)) == []

        back = migrate_to(BEFORE)
        restored = back.get_model("creators", "Creator").objects
        assert restored.get(handle="maya").contact_email == "maya@creator.test"
        assert restored.get(handle="maya").user_id == claimed.pk
        assert restored.get(handle="jo").user_id == staffed.pk
    finally:
        migrate_to(latest())
