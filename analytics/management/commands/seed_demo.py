"""Load the demo: two brand workspaces, a marketer, a creator, an admin, and the synthetic creator index
(plus the real top-creators file when DEMO_DATA_DIR names a folder holding it; never required).

Idempotent: running it again changes nothing. It lives in the top layer because later issues
add campaigns, contracts and orders to the same demo.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, User, Workspace
from accounts.services import create_workspace, update_branding
from accounts.tenancy import workspace_scope
from accounts.two_factor.codes import key_from_base32
from accounts.two_factor.services import enable_two_factor_with_published_secret
from analytics.demo.audience_file import load_demo_audience_import
from analytics.demo.calendar import load_demo_calendar
from analytics.demo.campaigns import load_demo_campaigns
from analytics.demo.data import DEMO_CREATORS_FILE, demo_creators_file, read_demo_creators
from analytics.demo.index import (
    DEMO_CREATOR_HANDLE,
    load_demo_index,
    load_demo_workspace_layers,
    score_demo_history,
)
from analytics.demo.notifications import load_demo_notifications
from analytics.demo.orders import load_demo_orders
from analytics.demo.your_score import load_demo_scoring_profile
from analytics.schedules import install_schedules
from creators.models import Creator, PortalGrant
from creators.portal.access import grant_portal_access
from creators.services import upsert_creators

MARKETER = ("marketer@demo.creatordesk.test", "demo-marketer-pass", "Maya Marketer")
CREATOR = ("creator@demo.creatordesk.test", "demo-creator-pass", "Nina Reyes")
ADMIN = ("admin@demo.creatordesk.test", "demo-admin-pass", "Ada Admin")
# Admin asks staff for a code: the demo admin's authenticator secret is published here and in README (add it
# to an app, or run `manage.py demo_totp`). Demo only: seed_demo refuses to run outside development.
DEMO_ADMIN_TOTP_SECRET = "CREA TORD ESKD EMOA DMIN TOTP SECR ET23"  # noqa: S105  # published on purpose
# A synthetic creator every demo has (analytics.demo.index.FEATURED), whatever --synthetic says.
CREATOR_HANDLE = DEMO_CREATOR_HANDLE
DEMO_BRAND_COLOR = "#D6336C"  # Glow Skincare's pink
# Teammates without a usable password: they make the members page and switcher realistic.
TEAMMATES = (
    ("sam.analyst@demo.creatordesk.test", "Sam Analyst", Role.ANALYST),
    ("lee.manager@demo.creatordesk.test", "Lee Manager", Role.MANAGER),
)
WORKSPACES = (
    ("Glow Skincare", "glow-skincare", "America/New_York"),
    ("Trail Coffee Co.", "trail-coffee", "Europe/London"),
)


class Command(BaseCommand):
    help = "Load demo data (idempotent). Refuses to run with DEBUG off unless --force: the demo passwords are public."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="run even when DEBUG is off")
        parser.add_argument(
            "--synthetic",
            type=int,
            default=settings.DEMO_SYNTHETIC_CREATORS,
            help="how many generated creators (with videos and audiences) to add besides the named ones",
        )

    def handle(self, *args: Any, force: bool = False, synthetic: int = 0, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with published passwords; use --force outside development.")
        path = demo_creators_file(data_dir=settings.DEMO_DATA_DIR)
        if path is not None and not path.is_file():
            raise CommandError(
                f"DEMO_DATA_DIR is set, but {path} does not exist. Point DEMO_DATA_DIR at the folder holding "
                f"{DEMO_CREATORS_FILE}, or unset it: the demo's synthetic creators need no file."
            )
        with transaction.atomic():
            written = upsert_creators(rows=read_demo_creators(path)) if path is not None else 0
            written += load_demo_index(count=synthetic, today=timezone.now().date())
            marketer = self._user(*MARKETER, kind=User.Kind.MARKETER)
            admin = self._user(*ADMIN, kind=User.Kind.MARKETER, is_staff=True, is_superuser=True)
            enable_two_factor_with_published_secret(user=admin, key_hex=key_from_base32(DEMO_ADMIN_TOTP_SECRET))
            creator_user = self._user(*CREATOR, kind=User.Kind.CREATOR)
            creator = Creator.objects.get(handle=CREATOR_HANDLE)
            for index, (name, slug, tz) in enumerate(WORKSPACES):
                workspace = Workspace.objects.filter(slug=slug).first()
                if workspace is None:
                    workspace = create_workspace(name=name, owner=marketer, time_zone=tz, slug=slug)
                with workspace_scope(workspace):
                    if index == 0:
                        # The demo creator reached the brand through staff, not a TikTok proof: this brand only.
                        grant_portal_access(
                            user=creator_user, creator=creator, workspace=workspace,
                            method=PortalGrant.Method.STAFF, granted_by=marketer, reference="demo",
                        )  # fmt: skip
                        load_demo_workspace_layers(workspace=workspace, by=marketer)
                        for email, full_name, role in TEAMMATES:
                            teammate = self._user(email, None, full_name, kind=User.Kind.MARKETER)
                            Membership.objects.get_or_create(
                                workspace=workspace, user=teammate, defaults={"role": role}
                            )
                    # The marketer owns the first brand and manages the second, so the switcher has two.
                    Membership.objects.update_or_create(
                        workspace=workspace,
                        user=marketer,
                        defaults={"role": Role.OWNER if index == 0 else Role.MANAGER},
                    )
                    if index == 0 and not workspace.brand_color:
                        # The brand's colour on the portal pages, open call and e-mails creators see.
                        update_branding(workspace=workspace, by=marketer, brand_color=DEMO_BRAND_COLOR)
        scored = score_demo_history(today=timezone.now())
        brand = Workspace.objects.get(slug=WORKSPACES[0][1])
        with workspace_scope(brand):
            load_demo_scoring_profile(workspace=brand, by=marketer)  # "Your score" in discovery and recommendations
        with workspace_scope(brand), transaction.atomic():
            # After scoring: the campaigns shortlist the best-scored creators.
            load_demo_campaigns(workspace=brand, by=marketer, today=timezone.now().date(), demo_creator=creator)
            # After the campaigns: links, codes, weeks of clicks and orders for their contracted creators.
            load_demo_orders(workspace=brand, by=marketer)
            load_demo_calendar(workspace=brand, by=marketer, today=timezone.now().date())  # due dates ahead
        with workspace_scope(brand):
            load_demo_audience_import(workspace=brand, by=marketer)  # audience shares from an exporter's file
            load_demo_notifications(workspace=brand)  # the campaigns' events notified; the older ones read
        install_schedules()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {written} creators in the index ({scored} scored now), {len(WORKSPACES)} workspaces, "
                "logins for "
                f"{MARKETER[0]}, {CREATOR[0]}, {ADMIN[0]} (its sign-in code: `python manage.py demo_totp`)."
            )
        )

    def _user(self, email: str, password: str | None, full_name: str, **fields: Any) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, password, full_name=full_name, **fields)
        return user
