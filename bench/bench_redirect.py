"""`/r/<token>` under load, beside the bare-Django 302 baseline measured by the runner in the same run.

The real app (config.wsgi, production settings, every middleware) runs under gunicorn on loopback with
the baseline's worker count, against a database of its own (`<name>_bench_redirect`) and a Redis stream
of its own (so a `make run` worker cannot take the clicks). A link is made through the real service; the
bounded load generator sends the baseline's profile at it (warm-up, then three rounds, medians). Then
the clicks are drained by `analytics.tracking.click_ingest.flush_clicks` exactly as the periodic task does, and
every request that got its 302 must be exactly one ClickEvent: none lost, none doubled.

Figures:
- `redirect.hit_rps`, `hit_p50_ms`, `hit_p99_ms`: against the runner's baseline trio.
- `redirect.hit_rps_interleaved`, `hit_p99_ms_interleaved`: the same medians against the bare 302 served
  beside the app and loaded in alternating rounds (the box is shared: load that comes and goes during
  the minutes between the runner's baseline and this benchmark would otherwise land on one side only).
  Targets: rps ratio >= 0.70, p99 ratio <= 2.0.
- `redirect.clicks_recorded`: ClickEvents written for the link, `baseline` = 302 responses sent; ratio
  must be exactly 1.
- `redirect.flush_clicks_per_s`: clicks written per second by the flush (`baseline` = the redirect's
  req/s: above 1 means one flusher keeps up with the web tier).
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.context import BenchContext, Measurement, production_env
from bench.gunicorn_server import REPO_ROOT
from bench.loadgen import LoadResult
from bench.runner import BASELINE_APP, BASELINE_ENV, BASELINE_PATH
from bench.workers import ensure_database, sibling_database_url

DATABASE_SUFFIX = "_bench_redirect"
TARGET_RPS_RATIO = 0.70
TARGET_P99_RATIO = 2.0


def _log(message: str) -> None:
    print(f"[bench redirect] {message}", file=sys.stderr, flush=True)


def _step(step: str, env: dict[str, str]) -> dict[str, Any]:
    """Run `python -m bench.bench_redirect --<step> OUT` with the benchmark's environment."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(  # noqa: S603 - our own module, our own interpreter
            [sys.executable, "-m", "bench.bench_redirect", f"--{step}", out.name], env=env, cwd=REPO_ROOT, check=True
        )
        return json.loads(Path(out.name).read_text())  # type: ignore[no-any-return]


def _load(ctx: BenchContext, url: str, requests: int) -> LoadResult:
    return ctx.run_load(
        url=url, concurrency=ctx.profile.concurrency, total_requests=requests, max_seconds=ctx.profile.max_seconds
    )


def _medians(rounds: list[LoadResult]) -> Measurement:
    """The same medians as `bench.context.measure`."""
    return Measurement(
        rps=statistics.median(r.rps for r in rounds),
        p50_ms=statistics.median(r.p50_ms for r in rounds),
        p99_ms=statistics.median(r.p99_ms for r in rounds),
        rounds=tuple(rounds),
    )


def run(ctx: BenchContext) -> list[dict[str, Any]]:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("DATABASE_URL is not set: run through `python -m config.devstack exec --`")
    target = sibling_database_url(url, DATABASE_SUFFIX)
    ensure_database(url, target)
    stream = f"cd:clicks:bench:{secrets.token_hex(6)}"
    env = production_env(DATABASE_URL=target, CLICK_STREAM_KEY=stream, DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost")
    try:
        link = _step("setup", env)
        path = f"/r/{link['token']}"
        with (
            ctx.serve(wsgi_app="config.wsgi:application", env=env, ready_path="/healthz/live") as base,
            ctx.serve(wsgi_app=BASELINE_APP, env=BASELINE_ENV, ready_path=BASELINE_PATH) as bare,
        ):
            # The warm-up is counted too: every request must come back as one click.
            warmup = _load(ctx, base + path, ctx.profile.warmup_requests)
            _load(ctx, bare + BASELINE_PATH, ctx.profile.warmup_requests)
            # Rounds alternate with rounds of the bare 302 served beside it, so a neighbour's load on the
            # shared box hits both alike; the runner's baseline (measured minutes earlier) is reported too.
            hit_rounds, bare_rounds = [], []
            for _ in range(ctx.profile.rounds):
                bare_rounds.append(_load(ctx, bare + BASELINE_PATH, ctx.profile.total_requests))
                hit_rounds.append(_load(ctx, base + path, ctx.profile.total_requests))
        m, beside = _medians(hit_rounds), _medians(bare_rounds)
        results = [warmup, *m.rounds]
        errors = sum(r.errors for r in results)
        statuses = [code for r in results for code in r.status_counts]
        if errors or set(statuses) != {302}:
            raise RuntimeError(f"{errors} errors, statuses {m.status_counts()} (warm-up {warmup.status_counts})")
        sent = sum(r.status_counts[302] for r in results)
        _log(f"{sent:,} redirects answered, {m.rps:,.0f} req/s, p50 {m.p50_ms:.1f} ms, p99 {m.p99_ms:.1f} ms")
        drained = _step("drain", {**env, "BENCH_LINK_ID": str(link["id"])})
    finally:
        _step("cleanup", env)
    rps_ratio = m.rps / beside.rps
    p99_ratio = m.p99_ms / beside.p99_ms
    _log(
        f"{m.rps:,.0f} req/s ({rps_ratio:.0%} of the bare 302 beside it, {beside.rps:,.0f} req/s), "
        f"p99 {m.p99_ms:.1f} ms ({p99_ratio:.2f}x of {beside.p99_ms:.1f} ms); "
        f"{drained['events']:,} ClickEvents for {sent:,} requests; flush {drained['per_s']:,.0f} clicks/s"
    )
    if rps_ratio < TARGET_RPS_RATIO or p99_ratio > TARGET_P99_RATIO:
        _log(f"MISSED a target: rps ratio {rps_ratio:.2f} (>= {TARGET_RPS_RATIO}), p99 ratio {p99_ratio:.2f} (<= 2)")
    if drained["events"] != sent:
        raise RuntimeError(f"{sent} redirects but {drained['events']} ClickEvents: clicks were lost or doubled")
    interleaved = [
        {"name": "hit_rps_interleaved", "value": m.rps, "unit": "req/s", "baseline": beside.rps, "better": "higher",
         "vs": "bare 302 (bench/baseline) in alternating rounds", "target": f"ratio >= {TARGET_RPS_RATIO}"},
        {"name": "hit_p99_ms_interleaved", "value": m.p99_ms, "unit": "ms", "baseline": beside.p99_ms,
         "better": "lower", "vs": "bare 302 (bench/baseline) in alternating rounds",
         "target": f"ratio <= {TARGET_P99_RATIO}"},
    ]  # fmt: skip
    return [
        *ctx.load_figures(m, prefix="hit"),
        *interleaved,
        {
            "name": "clicks_recorded",
            "value": drained["events"],
            "unit": "events",
            "baseline": sent,
            "better": "higher",
            "target": "ratio == 1 (every request exactly one ClickEvent)",
            "verdicts": drained["verdicts"],
        },
        {
            "name": "flush_clicks_per_s",
            "value": round(drained["per_s"]),
            "unit": "clicks/s",
            "baseline": round(m.rps),
            "better": "higher",
            "vs": "hit_rps",
        },
    ]


def _setup(out: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from djmoney.money import Money

    from accounts.models import Membership, Role, User, Workspace
    from accounts.tenancy import workspace_scope
    from analytics.models import VerifiedDomain
    from analytics.tracking.services import create_links_for_campaign
    from campaigns.models import Campaign, Collaboration
    from creators.models import Creator

    call_command("migrate", verbosity=0)
    suffix = secrets.token_hex(4)
    workspace = Workspace.objects.create(name=f"Bench redirect {suffix}", slug=f"bench-redirect-{suffix}")
    user = User.objects.create_user(email=f"bench-{suffix}@bench.test", password=None)
    with workspace_scope(workspace):
        Membership.objects.create(workspace=workspace, user=user, role=Role.MANAGER)
        VerifiedDomain.objects.create(
            workspace=workspace, domain="shop.bench.test", verification_token=suffix, verified_at=timezone.now()
        )
        campaign = Campaign.objects.create(workspace=workspace, name="Bench", objective="sales", budget=Money(0, "USD"))
        creator = Creator.objects.create(handle=f"bench.{suffix}")
        Collaboration.objects.create(workspace=workspace, campaign=campaign, creator=creator, stage="contracted")
        (link,) = create_links_for_campaign(campaign=campaign, by=user, destination="https://shop.bench.test/p?x=1")
    Path(out).write_text(json.dumps({"id": link.pk, "token": link.token}))


def _drain(out: str) -> None:
    import django

    django.setup()
    from django.db.models import Count
    from django_scopes import scopes_disabled

    from analytics.models import ClickEvent
    from analytics.tracking.click_ingest import backlog, flush_clicks

    started = time.perf_counter()
    written = 0
    while True:
        result = flush_clicks()
        written += result.written
        if result.skipped:
            time.sleep(0.1)
        elif not result.read and not backlog():
            break
    seconds = time.perf_counter() - started
    with scopes_disabled():
        events = ClickEvent.objects.filter(link_id=int(os.environ["BENCH_LINK_ID"]))
        verdicts = dict(events.values_list("verdict").annotate(n=Count("pk")).order_by())
        count = events.count()
    Path(out).write_text(
        json.dumps({"events": count, "written": written, "per_s": written / seconds, "verdicts": verdicts})
    )


def _cleanup(out: str) -> None:
    import django

    django.setup()
    from django.conf import settings

    from core.redis_pool import redis_client

    redis_client().delete(settings.CLICK_STREAM_KEY, f"{settings.CLICK_STREAM_KEY}:flush-lock")
    Path(out).write_text("{}")


if __name__ == "__main__" and len(sys.argv) == 3:
    {"--setup": _setup, "--drain": _drain, "--cleanup": _cleanup}[sys.argv[1]](sys.argv[2])
