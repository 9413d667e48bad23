"""One client IP for every throttle: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the
outermost one saw; never an X-Forwarded-For entry the client wrote itself."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from core.client_ip import client_ip

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.2"  # the one reverse proxy every request below comes through


def _request(*, forwarded_for: str | None = None, remote_addr: str = PROXY):
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **meta)


def test_without_a_trusted_proxy_the_socket_address_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(forwarded_for="203.0.113.5")) == PROXY


@pytest.mark.parametrize(
    ("proxy_count", "forwarded_for", "expected"),
    [
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),  # the left entry is the client's to forge
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (2, "203.0.113.5", PROXY),  # fewer entries than proxies: it did not come through them all
        (1, "", PROXY),
        (1, "not-an-ip", PROXY),  # a misconfigured proxy; axes stores the value in an IP column
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_proxies_the_address_the_outermost_one_saw_is_the_client(settings, proxy_count, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxy_count
    assert client_ip(_request(forwarded_for=forwarded_for)) == expected


@pytest.fixture
def verify(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.VERIFY_TRIES_PER_HOUR = 1
    url = reverse("contracts:contract-verify")

    def post(forwarded_for: str):
        upload = SimpleUploadedFile("c.pdf", b"%PDF-1.4 x", "application/pdf")
        return client.post(url, {"file": upload}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)

    return post


@pytest.mark.django_db
def test_two_clients_behind_one_proxy_do_not_share_a_throttle_bucket(verify):
    assert verify("203.0.113.61").status_code == 200
    assert verify("203.0.113.61").status_code == 429

    assert verify("203.0.113.62").status_code == 200  # same REMOTE_ADDR, another client


@pytest.mark.django_db
def test_a_forged_left_most_forwarded_for_entry_does_not_buy_new_tries(verify):
    assert verify("203.0.113.63").status_code == 200

    forged = verify("198.51.100.200, 203.0.113.63")  # the proxy appended the real address last

    assert forged.status_code == 429


def _proxy_count_setting(**env_vars: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("PROXY_COUNT")}
    env.update({"DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings", **env_vars})
    code = "import django; django.setup(); from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)"
    return subprocess.run(  # noqa: S603 - our own interpreter, a constant script
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("env_vars", "expected"),
    [
        ({}, "0"),
        ({"TRUSTED_PROXY_COUNT": "2", "CLICK_PROXY_COUNT": "1"}, "2"),
        ({"CLICK_PROXY_COUNT": "1"}, "1"),  # the former per-feature names still count
        ({"AXES_PROXY_COUNT": "1", "CLICK_PROXY_COUNT": "1"}, "1"),
    ],
)
def test_the_proxy_count_comes_from_the_new_setting_or_the_former_ones(env_vars, expected):
    result = _proxy_count_setting(**env_vars)
    assert result.stdout.strip() == expected, result.stderr


def test_two_different_former_proxy_counts_refuse_to_start():
    result = _proxy_count_setting(AXES_PROXY_COUNT="1", CLICK_PROXY_COUNT="2")
    assert result.returncode != 0 and "set TRUSTED_PROXY_COUNT" in result.stderr
