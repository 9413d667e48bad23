import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def _check(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SECURE_"))}
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "k9#Qz2!vR7@mW4$eT1^yU8&iO5*pL3(aS6)dF0-gHjKlZxCvBnM",  # 50+ chars, many distinct
            "DJANGO_ALLOWED_HOSTS": "creatordesk.example.com",
            "TOKEN_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "DATABASE_URL": env.get("DATABASE_URL", "postgres://u@localhost/db"),
            "REDIS_URL": env.get("REDIS_URL", "redis://localhost:6379/0"),
            **overrides,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deploy_check():
    result = _check()
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_fails_when_a_safe_default_is_switched_off():
    # The negative twin: proves the check above can fail.
    result = _check(SESSION_COOKIE_SECURE="0")
    assert result.returncode != 0
    assert "security.W012" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SECRET_KEY"}
    env["DJANGO_DEBUG"] = "0"
    result = subprocess.run(
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
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr
