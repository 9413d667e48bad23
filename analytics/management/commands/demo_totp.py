"""Print the demo admin's current sign-in code, so the demo's /admin/ opens without an authenticator app."""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.two_factor.codes import current_code, key_from_base32
from analytics.management.commands.seed_demo import ADMIN, DEMO_ADMIN_TOTP_SECRET

TOTP_STEP_S = 30  # django-otp's default step: a code changes every 30 seconds


class Command(BaseCommand):
    help = "Print the demo admin's current two-factor code (the secret seed_demo published). Development only."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="run even when DEBUG is off")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("demo_totp belongs to the demo; use --force outside development.")
        code = current_code(key_hex=key_from_base32(DEMO_ADMIN_TOTP_SECRET), step_s=TOTP_STEP_S)
        seconds_left = TOTP_STEP_S - int(time.time()) % TOTP_STEP_S
        # The code alone on stdout (scripts read it); the explanation on stderr.
        self.stderr.write(
            f"{ADMIN[0]}'s code, valid for {seconds_left} more seconds (secret: {DEMO_ADMIN_TOTP_SECRET}):"
        )
        self.stderr.flush()
        self.stdout.write(code)
