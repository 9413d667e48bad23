"""`make run` as the README starts it (`python -m config.devstack run`): migrate, load the demo, start web,
worker and beat, and print where to go last. Then the demo marketer signs in through the login form and
finds at least 3,000 creators.

The stack runs on a database of its own (created on the test cluster, dropped afterwards) and a Redis
database of its own, so the developer's `make run` data and the suite's are left alone. The only
difference from `make run` is that the test names those URLs and a free port."""

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from analytics.management.commands.seed_demo import MARKETER, WORKSPACES
from config.devstack import _free_port

pytestmark = pytest.mark.worker

ROOT = Path(__file__).resolve().parents[2]
BANNER = "CreatorDesk is running at"
# Migrations and 3,000 creators with their videos, stats and six weeks of scores: about two minutes on
# two shared cores; the rest is headroom for a busy machine.
START_TIMEOUT_S = 300
REDIS_DB = 14  # the suite uses database 0 of the same Redis
DEMO_CREATORS = 3000


def _database_url(name: str) -> str:
    """The suite's DATABASE_URL (devstack's, or the one given) with another database name."""
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))


def _admin_connection() -> psycopg.Connection:
    return psycopg.connect(_database_url("postgres"), autocommit=True)


@pytest.fixture
def throwaway_database() -> Iterator[str]:
    """A fresh, empty database on the test cluster; yields a DATABASE_URL naming it."""
    name = f"make_run_{os.getpid()}"
    with _admin_connection() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield _database_url(name)
    finally:
        with _admin_connection() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class Console:
    """What the process prints, read line by line on a thread (a full pipe would stall it)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.banner = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.append(line.rstrip("\n"))
            if BANNER in line:
                self.banner.set()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def make_run(throwaway_database) -> Iterator[tuple[int, Console]]:
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DEMO_", "PYTEST_", "DATABASE_TEST"))}
    redis = urllib.parse.urlsplit(os.environ["REDIS_URL"])
    env |= {
        "DATABASE_URL": throwaway_database,
        "REDIS_URL": urllib.parse.urlunsplit(redis._replace(path=f"/{REDIS_DB}")),
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(  # the README's own command
        [sys.executable, "-m", "config.devstack", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, stopped as a whole below
    )
    console = Console(process)
    try:
        yield port, console
    finally:
        # SIGTERM is Ctrl-C for devstack: it stops web, worker and beat, then exits.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _signed_in_client(base: str) -> httpx.Client:
    """The demo marketer, signed in through the login form as a browser would."""
    client = httpx.Client(base_url=base, follow_redirects=True, timeout=30)
    page = client.get("/accounts/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "the login page has a CSRF token"
    form = {"csrfmiddlewaretoken": token.group(1), "username": MARKETER[0], "password": MARKETER[1]}
    landed = client.post("/accounts/login/", data=form)
    assert landed.url.path == "/", "the marketer lands on the overview"
    return client


def test_make_run_serves_the_demo_with_at_least_3000_creators_and_says_where_to_go_last(make_run):
    port, console = make_run

    assert console.banner.wait(START_TIMEOUT_S), f"no banner within {START_TIMEOUT_S}s:\n{console.text[-4000:]}"
    time.sleep(1)  # anything printed right after the banner, too
    printed = console.text

    # Where to go comes once the web server and the worker answer, after their start-up lines.
    assert "worker ready" in printed.split(BANNER)[0]
    assert f"http://localhost:{port}/" in printed and MARKETER[0] in printed
    # Celery's start-up banners (versions, queues, task list) stay out of the console at LOG_LEVEL=INFO.
    assert "[queues]" not in printed and "celery beat v" not in printed and "[tasks]" not in printed

    client = _signed_in_client(f"http://127.0.0.1:{port}")
    try:
        overview = client.get("/creators/panels/overview/").text
        api = client.get("/api/v1/creators/", params={"page_size": 1}, headers={"X-Workspace": WORKSPACES[0][1]})
    finally:
        client.close()
    # The overview counts the index exactly; discovery (and its API) sizes it from statistics, which
    # seed_demo refreshes, so neither says "1,000+".
    counted = re.search(r'id="stat-creator-count">([\d,]+)<', overview)
    assert counted, overview
    assert int(counted.group(1).replace(",", "")) >= DEMO_CREATORS
    assert api.status_code == 200, api.text
    assert api.json()["count"] >= DEMO_CREATORS
