import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection as db
from django.utils import timezone

from analytics import crypto
from analytics.metrics.oauth import reencrypt_tiktok_tokens
from analytics.models import TikTokConnection
from tests.factories import CreatorFactory

ROOT = Path(__file__).resolve().parents[2]


def test_a_token_round_trips_and_the_ciphertext_does_not_contain_it():
    ciphertext = crypto.encrypt("act.secret-access-token")
    assert "act.secret-access-token" not in ciphertext
    assert crypto.decrypt(ciphertext) == "act.secret-access-token"


def test_encrypting_twice_gives_different_ciphertexts():
    # Randomised encryption: equal tokens cannot be spotted by comparing columns.
    assert crypto.encrypt("same") != crypto.encrypt("same")


def test_a_value_encrypted_under_an_old_key_still_decrypts_after_rotation(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TOKEN_ENCRYPTION_KEYS = (old,)
    stored = crypto.encrypt("rft.refresh")
    settings.TOKEN_ENCRYPTION_KEYS = (new, old)
    assert crypto.decrypt(stored) == "rft.refresh"
    rotated = crypto.rotate(stored)
    settings.TOKEN_ENCRYPTION_KEYS = (new,)
    assert crypto.decrypt(rotated) == "rft.refresh"


def test_a_value_under_a_key_no_longer_configured_is_refused_not_garbled(settings):
    settings.TOKEN_ENCRYPTION_KEYS = (Fernet.generate_key().decode(),)
    stored = crypto.encrypt("act.x")
    settings.TOKEN_ENCRYPTION_KEYS = (Fernet.generate_key().decode(),)
    with pytest.raises(ImproperlyConfigured):
        crypto.decrypt(stored)


@pytest.mark.django_db
def test_tokens_are_not_stored_in_plaintext():
    now = timezone.now()
    saved = TikTokConnection.objects.create(
        creator=CreatorFactory(),
        open_id="open-1",
        access_token="act.plain-access",
        refresh_token="rft.plain-refresh",
        connected_at=now,
    )
    with db.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM analytics_tiktokconnection WHERE id = %s", [saved.pk])
        raw_access, raw_refresh = cursor.fetchone()
    assert "act.plain-access" not in raw_access and "rft.plain-refresh" not in raw_refresh
    # The column holds ciphertext of the token under the configured key, which the model decrypts.
    assert crypto.decrypt(raw_access) == "act.plain-access"
    loaded = TikTokConnection.objects.get(pk=saved.pk)
    assert (loaded.access_token, loaded.refresh_token) == ("act.plain-access", "rft.plain-refresh")


@pytest.mark.django_db
def test_a_wiped_token_is_stored_as_an_empty_column():
    saved = TikTokConnection.objects.create(creator=CreatorFactory(), connected_at=timezone.now())
    with db.cursor() as cursor:
        cursor.execute("SELECT access_token FROM analytics_tiktokconnection WHERE id = %s", [saved.pk])
        assert cursor.fetchone() == ("",)


@pytest.mark.django_db
def test_rotation_rewrites_stored_tokens_so_the_old_key_can_be_dropped(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TOKEN_ENCRYPTION_KEYS = (old,)
    saved = TikTokConnection.objects.create(
        creator=CreatorFactory(), access_token="act.a", refresh_token="rft.r", connected_at=timezone.now()
    )
    settings.TOKEN_ENCRYPTION_KEYS = (new, old)

    assert reencrypt_tiktok_tokens() == 1

    settings.TOKEN_ENCRYPTION_KEYS = (new,)
    loaded = TikTokConnection.objects.get(pk=saved.pk)
    assert (loaded.access_token, loaded.refresh_token) == ("act.a", "rft.r")


@pytest.mark.django_db
def test_without_the_rotation_the_old_keys_tokens_are_unreadable_once_it_is_dropped(settings):
    # The negative twin: proves the test above depends on the rewrite, not on the key list.
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TOKEN_ENCRYPTION_KEYS = (old,)
    saved = TikTokConnection.objects.create(creator=CreatorFactory(), access_token="act.a", connected_at=timezone.now())
    settings.TOKEN_ENCRYPTION_KEYS = (new,)
    with pytest.raises(ImproperlyConfigured):
        TikTokConnection.objects.get(pk=saved.pk)


def _start_django(**env_overrides: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("TOKEN_ENCRYPTION_KEY", "DJANGO_DEBUG")}
    env.update({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k9#Qz2!vR7@mW4$eT1^yU8&iO5*pL3(aS6)dF0-gHjKlZxCvBnM"})
    env.update(env_overrides)
    env.setdefault("DATABASE_URL", "postgres://u@localhost/db")
    env.setdefault("REDIS_URL", "redis://localhost:6379/0")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_token_encryption_key():
    result = _start_django()
    assert result.returncode != 0 and "TOKEN_ENCRYPTION_KEY" in result.stderr


def test_production_refuses_a_token_encryption_key_that_is_not_a_fernet_key():
    result = _start_django(TOKEN_ENCRYPTION_KEY="not-a-key")
    assert result.returncode != 0 and "TOKEN_ENCRYPTION_KEY" in result.stderr


def test_production_starts_with_a_fernet_key_and_an_old_one_for_rotation():
    # The positive twin of the two refusals above.
    keys = f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}"
    result = _start_django(TOKEN_ENCRYPTION_KEY=keys)
    assert result.returncode == 0, result.stderr
