"""Start gunicorn on 127.0.0.1 for the length of a ``with`` block, and always stop it."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

REPO_ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
# Tell gunicorn to give workers less time than we wait, so SIGKILL is only a last resort.
GRACEFUL_TIMEOUT_S = 5


class ServerError(RuntimeError):
    """gunicorn failed to start or answer; the message carries its stderr."""


@contextlib.contextmanager
def serve(
    *,
    wsgi_app: str,
    env: dict[str, str] | None,
    workers: int = 2,
    port: int | None = None,
    ready_path: str = "/",
) -> Iterator[str]:
    """Run ``gunicorn wsgi_app`` on 127.0.0.1 and yield its base URL, e.g. ``http://127.0.0.1:40123``.

    ``env`` is added on top of the current environment. ``port=None`` picks a free
    port. The server counts as ready once ``ready_path`` gets any HTTP response.
    """
    listener = _listen(port)
    bound_port = listener.getsockname()[1]
    cmd = [
        sys.executable, "-m", "gunicorn", wsgi_app,
        # Hand gunicorn the socket we already bound: no race between picking a free port and binding it.
        "--bind", f"fd://{listener.fileno()}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--graceful-timeout", str(GRACEFUL_TIMEOUT_S),
        "--log-level", "warning",
        # The default control socket lives at a fixed path in $HOME, shared by every gunicorn on the machine.
        "--no-control-socket",
    ]  # fmt: skip
    child_env = {**os.environ, **(env or {})}
    # Import project modules (bench.baseline, config, ...) from the repo root whatever the caller's cwd.
    child_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), child_env.get("PYTHONPATH")) if p)

    # stderr goes to a file, not a pipe: nobody reads it while the run lasts, and a full pipe would block gunicorn.
    with tempfile.TemporaryFile(mode="w+b") as stderr_file:
        try:
            # Fixed argv (no shell), built from our own arguments.
            proc = subprocess.Popen(  # noqa: S603 - no shell, argv is not user input
                cmd,
                cwd=REPO_ROOT,
                env=child_env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr_file,
                pass_fds=(listener.fileno(),),
                # Own process group, so stopping it also reaches any worker the master leaves behind.
                start_new_session=True,
            )
        finally:
            listener.close()  # gunicorn holds its own copy now
        try:
            base_url = f"http://127.0.0.1:{bound_port}"
            _wait_ready(proc, bound_port, ready_path, stderr_file)
            yield base_url
        finally:
            _stop(proc)


def _listen(port: int | None) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port or 0))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _wait_ready(proc: subprocess.Popen[bytes], port: int, path: str, stderr_file: IO[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        status = _exit_status(proc)
        if status is not None:
            raise ServerError(f"gunicorn exited with status {status} during startup:\n{_read(stderr_file)}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2.0)
            try:
                conn.request("GET", path)
                conn.getresponse().read()
                return
            finally:
                conn.close()
        except (OSError, http.client.HTTPException):
            pass
        if time.monotonic() >= deadline:
            raise ServerError(f"gunicorn did not answer within {STARTUP_TIMEOUT_S:.0f}s:\n{_read(stderr_file)}")
        time.sleep(0.1)


def _read(stderr_file: IO[bytes]) -> str:
    stderr_file.flush()
    stderr_file.seek(0)
    return stderr_file.read().decode(errors="replace")[-8000:]


def _exit_status(proc: subprocess.Popen[bytes]) -> int | None:
    """Exit status if the master has exited, else None, WITHOUT reaping it.

    While the master is an unreaped zombie its pid (= our process group id) cannot be
    reused, so the final killpg() can only ever hit processes we started.
    """
    result = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    return None if result is None else result.si_status


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the master, SIGKILL after STOP_TIMEOUT_S, then sweep its process group and reap."""
    pgid = proc.pid  # start_new_session=True makes the master a group leader
    try:
        if _exit_status(proc) is None:
            proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT_S
            while _exit_status(proc) is None and time.monotonic() < deadline:
                time.sleep(0.05)
        # Kills the master if it ignored SIGTERM, and any worker it left orphaned; by group id, never by name.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    finally:
        proc.wait()  # reap last, see _exit_status
