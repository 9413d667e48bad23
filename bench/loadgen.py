"""Bounded HTTP load generator, stdlib only, loopback only.

Workplace rule: load is only ever sent to this machine, bounded in request count
and wall time, and stops by itself. ``run_load`` enforces all three.
"""

from __future__ import annotations

import http.client
import ipaddress
import math
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MAX_CONCURRENCY = 256
MAX_TOTAL_REQUESTS = 1_000_000
MAX_SECONDS = 600.0
# Per-request socket timeout; a stuck request must not keep a thread alive past the run.
REQUEST_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class LoadResult:
    """Outcome of one ``run_load`` call. Latencies cover requests that got an HTTP response."""

    requests: int  # requests attempted (responses + transport failures)
    errors: int  # transport failures (refused, reset, timeout) plus 5xx responses
    elapsed_s: float
    rps: float  # non-error responses per second of wall time
    p50_ms: float
    p99_ms: float
    status_counts: dict[int, int] = field(default_factory=dict)


def check_loopback_url(url: str) -> tuple[str, int, str]:
    """Return (host, port, path) for an http:// URL on loopback; raise ValueError otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        raise ValueError(f"load tests only use plain http on loopback, got scheme {parts.scheme!r}")
    host = parts.hostname or ""
    if host == "localhost":
        # A tampered /etc/hosts could point "localhost" elsewhere, so check what it resolves to.
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
        if not addresses or not all(_is_loopback_ip(a) for a in addresses):
            raise ValueError(f"'localhost' resolves to non-loopback addresses {sorted(addresses)}; refusing")
    elif not _is_loopback_ip(host):
        raise ValueError(f"refusing to send load to non-loopback host {host!r} (only 127.0.0.0/8, localhost, ::1)")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return host, parts.port or 80, path


def _is_loopback_ip(text: str) -> bool:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0]).is_loopback
    except ValueError:  # a hostname other than "localhost", or garbage
        return False


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list; NaN when empty."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def run_load(*, url: str, concurrency: int, total_requests: int, max_seconds: float) -> LoadResult:
    """Send up to ``total_requests`` GETs from ``concurrency`` threads, stopping after ``max_seconds``.

    One new connection per request: gunicorn sync workers close the connection
    after each response anyway, and this keeps the generator simple.
    """
    host, port, path = check_loopback_url(url)
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise ValueError(f"concurrency must be in 1..{MAX_CONCURRENCY}")
    if not 1 <= total_requests <= MAX_TOTAL_REQUESTS:
        raise ValueError(f"total_requests must be in 1..{MAX_TOTAL_REQUESTS}")
    if not 0 < max_seconds <= MAX_SECONDS:
        raise ValueError(f"max_seconds must be in (0, {MAX_SECONDS}]")

    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    failures = 0
    start = time.perf_counter()
    deadline = start + max_seconds

    def claim() -> bool:
        nonlocal issued
        with lock:
            if issued >= total_requests or time.perf_counter() >= deadline:
                return False
            issued += 1
            return True

    def worker() -> None:
        nonlocal failures
        while claim():
            # Never wait past the deadline (plus a little slack for the request in flight).
            timeout = min(REQUEST_TIMEOUT_S, max(0.1, deadline - time.perf_counter() + 1.0))
            t0 = time.perf_counter()
            try:
                status = _get(host, port, path, timeout)
            except (OSError, http.client.HTTPException):
                with lock:
                    failures += 1
                continue
            elapsed_ms = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(elapsed_ms)
                statuses[status] += 1

    threads = [threading.Thread(target=worker, name=f"loadgen-{i}", daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start

    server_errors = sum(n for code, n in statuses.items() if code >= 500)
    ok = len(latencies) - server_errors
    latencies.sort()
    return LoadResult(
        requests=issued,
        errors=failures + server_errors,
        elapsed_s=elapsed,
        rps=ok / elapsed if elapsed > 0 else 0.0,
        p50_ms=percentile(latencies, 50),
        p99_ms=percentile(latencies, 99),
        status_counts=dict(sorted(statuses.items())),
    )


def _get(host: str, port: int, path: str, timeout: float) -> int:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        response = conn.getresponse()
        response.read()  # drain the body so the timing includes the full response
        return response.status
    finally:
        conn.close()
