"""What a benchmark's ``run(ctx)`` gets: baseline figures, the load profile, and helpers.

Every benchmark measures with the same profile and median-of-rounds procedure as the
baseline, so its ratio to the baseline compares like with like.
"""

from __future__ import annotations

import os
import statistics
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bench.gunicorn_server import REPO_ROOT, serve
from bench.loadgen import LoadResult, run_load

Better = Literal["higher", "lower"]


def production_env(**extra: str) -> dict[str, str]:
    """The environment of a benchmark process: production settings (no query log kept in memory, no
    debug pages, WARNING logs) with the few values production requires, none of them a real secret."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-not-secret",
        # base64 of "bench-only-not-secret-bench-only": a valid Fernet key, not a secret.
        "TOKEN_ENCRYPTION_KEY": "YmVuY2gtb25seS1ub3Qtc2VjcmV0LWJlbmNoLW9ubHk=",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",  # one log line per request would be the loudest part of the measurement
        "PYTHONPATH": str(REPO_ROOT),
        **extra,
    }


@dataclass(frozen=True)
class LoadProfile:
    """How hard and how long each measurement pushes. Bounded on purpose (loopback load-test rule)."""

    concurrency: int = 8
    total_requests: int = 3000  # per round
    max_seconds: float = 15.0  # per round
    rounds: int = 3
    warmup_requests: int = 200  # not measured: first requests pay for imports and cold caches
    workers: int = 2  # gunicorn workers; matches the 2-core machine


@dataclass(frozen=True)
class Measurement:
    """Median of ``rounds`` load runs against one URL."""

    rps: float
    p50_ms: float
    p99_ms: float
    rounds: tuple[LoadResult, ...]

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.rounds)

    @property
    def requests(self) -> int:
        return sum(r.requests for r in self.rounds)

    def status_counts(self) -> dict[int, int]:
        totals: dict[int, int] = {}
        for r in self.rounds:
            for code, n in r.status_counts.items():
                totals[code] = totals.get(code, 0) + n
        return dict(sorted(totals.items()))


def measure(url: str, profile: LoadProfile) -> Measurement:
    """Warm up, then run ``profile.rounds`` bounded load rounds and keep the medians (robust to one noisy round)."""
    if profile.warmup_requests:
        run_load(
            url=url,
            concurrency=profile.concurrency,
            total_requests=profile.warmup_requests,
            max_seconds=profile.max_seconds,
        )
    rounds = tuple(
        run_load(
            url=url,
            concurrency=profile.concurrency,
            total_requests=profile.total_requests,
            max_seconds=profile.max_seconds,
        )
        for _ in range(profile.rounds)
    )
    return Measurement(
        rps=statistics.median(r.rps for r in rounds),
        p50_ms=statistics.median(r.p50_ms for r in rounds),
        p99_ms=statistics.median(r.p99_ms for r in rounds),
        rounds=rounds,
    )


# Baseline figure name -> (unit, which direction is better). Benchmarks compare against these by name.
BASELINE_FIGURES: dict[str, tuple[str, Better]] = {
    "redirect_rps": ("req/s", "higher"),
    "redirect_p50_ms": ("ms", "lower"),
    "redirect_p99_ms": ("ms", "lower"),
}


def baseline_values(m: Measurement) -> dict[str, float]:
    return {"redirect_rps": m.rps, "redirect_p50_ms": m.p50_ms, "redirect_p99_ms": m.p99_ms}


class BenchContext:
    """Passed to every ``bench_*.run(ctx)``."""

    def __init__(self, *, baseline: dict[str, float], profile: LoadProfile) -> None:
        self.baseline = baseline  # e.g. {"redirect_rps": 1234.5, "redirect_p50_ms": 5.1, ...}
        self.profile = profile
        self.repo_root: Path = REPO_ROOT

    def serve(
        self, *, wsgi_app: str, env: dict[str, str] | None = None, workers: int | None = None, ready_path: str = "/"
    ) -> AbstractContextManager[str]:
        """gunicorn on 127.0.0.1 with the same worker count as the baseline; yields the base URL."""
        return serve(
            wsgi_app=wsgi_app,
            env=env,
            workers=workers if workers is not None else self.profile.workers,
            ready_path=ready_path,
        )

    def run_load(self, *, url: str, concurrency: int, total_requests: int, max_seconds: float) -> LoadResult:
        """One bounded load run; prefer ``measure`` so figures use the baseline's procedure."""
        return run_load(url=url, concurrency=concurrency, total_requests=total_requests, max_seconds=max_seconds)

    def measure(self, url: str) -> Measurement:
        """Same warm-up, rounds and medians as the baseline."""
        return measure(url, self.profile)

    def figure(self, name: str, value: float, *, vs: str, unit: str | None = None) -> dict[str, Any]:
        """One output figure compared to baseline figure ``vs`` (a key of BASELINE_FIGURES)."""
        base_unit, better = BASELINE_FIGURES[vs]
        return {
            "name": name,
            "value": value,
            "unit": unit or base_unit,
            "baseline": self.baseline[vs],
            "better": better,
            "vs": f"baseline.{vs}",
        }

    def load_figures(self, m: Measurement, prefix: str) -> list[dict[str, Any]]:
        """The standard trio (rps, p50, p99) for a redirect-like endpoint, each against its baseline twin."""
        return [
            self.figure(f"{prefix}_rps", m.rps, vs="redirect_rps"),
            self.figure(f"{prefix}_p50_ms", m.p50_ms, vs="redirect_p50_ms"),
            self.figure(f"{prefix}_p99_ms", m.p99_ms, vs="redirect_p99_ms"),
        ]


__all__ = ["BASELINE_FIGURES", "BenchContext", "LoadProfile", "Measurement", "baseline_values", "measure"]
