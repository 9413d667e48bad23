import datetime as dt

import pytest
from django.utils import timezone

from analytics.metrics.providers.tiktok_client import TikTokClient
from analytics.models import TikTokConnection
from tests.factories import CreatorFactory, CreatorUserFactory
from tests.fakes.domain_proof_server import FakeDomains
from tests.fakes.tiktok_server import FakeTikTok


class SleepRecorder:
    """Stands in for time.sleep: records the delays instead of waiting them out."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def tiktok(settings):
    """A fake TikTok API on 127.0.0.1, with the settings pointing at it."""
    server = FakeTikTok().start()
    settings.TIKTOK_API_BASE_URL = server.url
    settings.TIKTOK_CLIENT_KEY = server.client_key
    settings.TIKTOK_CLIENT_SECRET = server.client_secret
    settings.TIKTOK_TIMEOUT_S = 2.0
    settings.TIKTOK_MAX_ATTEMPTS = 3
    settings.TIKTOK_BACKOFF_BASE_S = 0.25
    settings.TIKTOK_BACKOFF_MAX_S = 1.0
    yield server
    server.stop()


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def make_client(tiktok, sleeps):
    """Clients built from settings like production's, except that they never really sleep."""

    def make(**overrides) -> TikTokClient:
        return TikTokClient.from_settings(**{"sleep": sleeps, **overrides})

    return make


def connect(tiktok: FakeTikTok, *, creator=None, video_count: int = 0, expires_in: dt.timedelta | None = None):
    """A creator whose TikTok account (on the fake) was connected earlier; returns (creator, fake user)."""
    creator = creator or CreatorFactory(user=CreatorUserFactory())
    user = tiktok.add_user(video_count=video_count)
    scope = "user.info.basic,user.info.profile,user.info.stats,video.list"
    access, refresh = tiktok.issue_tokens(user.open_id, scope=scope)
    now = timezone.now()
    TikTokConnection.objects.create(
        creator=creator,
        open_id=user.open_id,
        scope=scope,
        access_token=access,
        refresh_token=refresh,
        access_expires_at=now + (expires_in if expires_in is not None else dt.timedelta(hours=24)),
        refresh_expires_at=now + dt.timedelta(days=365),
        connected_at=now,
    )
    return creator, user


@pytest.fixture
def proofs(settings):
    """A local server answering domain-verification proofs; only its loopback network is allowed."""
    server = FakeDomains().start()
    settings.DOMAIN_VERIFICATION_URL = server.url_template
    settings.DOMAIN_VERIFICATION_TIMEOUT_S = 2.0
    settings.DOMAIN_VERIFICATION_ALLOWED_NETWORKS = ["127.0.0.0/8"]  # the fake server; never in production
    yield server
    server.stop()
