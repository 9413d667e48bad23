"""Attribute 1,000,000 orders against 10,000,000 clicks with the production attribution path, against a
plain SQL join of the same rows.

`run(ctx)` prepares `<name>_bench_attribution` beside the development database (kept and reused: the
rows are generated once, deterministically, with `generate_series`), then measures in a fresh
interpreter with production settings.

The data: one workspace (Europe/Paris), 1,000 contracted collaborations with a link each, 200 of them
with a promo code; 10M clicks over 60 days from 2M visitors (every 20th a bot); 1M orders over 55 days,
every 4th carrying a click id, every 10th a promo code, every one a visitor hash.

Figures:
- `attribution.orders_per_s`: orders credited per second by `analytics.orders.attribution.reattribute`
  on all orders in one transaction: every rule (promo code, last click, first click, linear), the
  attribution rows replaced, the daily rollups of every touched (collaboration, rule, day) recomputed.
  `baseline` = orders per second of one plain SQL join that only finds each order's candidate clicks
  (click id or visitor within the window) and counts them, through the raw driver; ratio = ours /
  plain join (higher is better). Target: >= 20,000 orders/s.
- `attribution.peak_rss_mib`: peak resident memory of the Python process (the work happens inside
  PostgreSQL, whose memory is bounded by work_mem per sort/hash); `baseline` = a 2 GiB budget.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

from bench.workers import run_worker

CLICKS = int(os.environ.get("BENCH_ATTRIBUTION_CLICKS", "10000000"))
ORDERS = int(os.environ.get("BENCH_ATTRIBUTION_ORDERS", "1000000"))
COLLABORATIONS = 1000
CODED = 200
VISITORS = max(CLICKS // 5, 1)
T0 = "2026-11-20T12:00:00+00:00"
TARGET_ORDERS_PER_S = 20_000
MEMORY_BUDGET_MIB = 2048
DATABASE_SUFFIX = "_bench_attribution"
SLUG = "bench-attribution"


def _log(message: str) -> None:
    print(f"[bench attribution] {message}", file=sys.stderr, flush=True)


def run(ctx: Any) -> list[dict[str, Any]]:
    return run_worker("bench.bench_attribution", DATABASE_SUFFIX)


def _small_world() -> tuple[int, list[int], list[int]]:
    """The workspace, its collaborations and their links, through the ORM (few rows, every constraint
    kept); returns (workspace id, link ids, collaboration ids)."""
    from django_scopes import scopes_disabled
    from djmoney.money import Money

    from accounts.models import Workspace
    from analytics.models import PromoCode, TrackingLink
    from campaigns.models import Campaign, Collaboration
    from campaigns.pipeline import Stage
    from creators.models import Creator

    with scopes_disabled():
        workspace, _ = Workspace.objects.get_or_create(
            slug=SLUG, defaults={"name": "Bench", "time_zone": "Europe/Paris"}
        )
        if not TrackingLink.objects.filter(workspace=workspace).exists():
            campaign = Campaign.objects.create(
                workspace=workspace, name="Bench", objective="sales", budget=Money("1000.00", "EUR")
            )
            creators = Creator.objects.bulk_create(
                [Creator(handle=f"bench_attr_{i}", display_name=f"B {i}") for i in range(COLLABORATIONS)]
            )
            collaborations = Collaboration.objects.bulk_create(
                [Collaboration(workspace=workspace, campaign=campaign, creator=c, stage=Stage.LIVE) for c in creators]
            )
            TrackingLink.objects.bulk_create(
                [
                    TrackingLink(workspace=workspace, collaboration=c, token=f"benchattributiontoken{i:06d}",
                                 destination="https://shop.bench.test/", utm_source="tiktok", utm_medium="influencer",
                                 utm_campaign="bench", utm_content=f"c{i}")
                    for i, c in enumerate(collaborations)
                ]
            )  # fmt: skip
            coded = collaborations[:CODED]
            PromoCode.objects.bulk_create(
                [PromoCode(workspace=workspace, collaboration=c, code=f"BENCH{i:04d}") for i, c in enumerate(coded)]
            )
        links = list(TrackingLink.objects.filter(workspace=workspace).order_by("pk").values_list("pk", flat=True))
        collaborations_ids = list(
            TrackingLink.objects.filter(workspace=workspace).order_by("pk").values_list("collaboration_id", flat=True)
        )
    return workspace.pk, links, collaborations_ids


def generate(conn: psycopg.Connection[Any], workspace_id: int, link_ids: list[int]) -> None:
    """10M clicks and 1M orders, written once (skipped when the counts are there)."""
    clicks = conn.execute(
        "SELECT count(*) FROM analytics_clickevent WHERE workspace_id = %s", [workspace_id]
    ).fetchone()
    orders = conn.execute("SELECT count(*) FROM analytics_order WHERE workspace_id = %s", [workspace_id]).fetchone()
    if clicks and orders and clicks[0] == CLICKS and orders[0] == ORDERS:
        return
    _log(f"generating {CLICKS:,} clicks and {ORDERS:,} orders (once)")
    started = time.monotonic()
    conn.execute("DELETE FROM analytics_attribution WHERE workspace_id = %s", [workspace_id])
    conn.execute("DELETE FROM analytics_attributiondailyrollup WHERE workspace_id = %s", [workspace_id])
    conn.execute("DELETE FROM analytics_order WHERE workspace_id = %s", [workspace_id])
    conn.execute("DELETE FROM analytics_clickevent WHERE workspace_id = %s", [workspace_id])
    conn.execute(
        """
        INSERT INTO analytics_clickevent (workspace_id, click_id, link_id, clicked_at, ip_hash, user_agent, referrer,
            country, method, verdict, verdict_reason, created_at, updated_at)
        SELECT %(ws)s, md5('c' || i)::uuid, (%(links)s::bigint[])[1 + (i * 7919) %% cardinality(%(links)s::bigint[])],
            %(t0)s::timestamptz - make_interval(secs => (i * 613) %% (60 * 86400)),
            md5('v' || (i * 104729) %% %(visitors)s), '', '', 'FR', 'GET',
            CASE WHEN i %% 20 = 0 THEN 'bot' ELSE 'human' END, '', now(), now()
        FROM generate_series(1::bigint, %(n)s) AS i
        """,
        {"ws": workspace_id, "links": link_ids, "t0": T0, "visitors": VISITORS, "n": CLICKS},
    )
    _log(f"clicks written in {time.monotonic() - started:.0f}s")
    conn.execute(
        """
        INSERT INTO analytics_order (workspace_id, source_id, external_id, name, placed_at, source_updated_at, total,
            total_currency, refunded, refunded_currency, status, promo_codes, click_id, ip_hash, customer_hash,
            is_new_customer, created_at, updated_at)
        SELECT %(ws)s, NULL, 'o' || j, '', %(t0)s::timestamptz - make_interval(secs => (j * 37) %% (55 * 86400)), NULL,
            10 + (j %% 190), 'EUR', CASE WHEN j %% 50 = 0 THEN 5 ELSE 0 END, 'EUR',
            CASE WHEN j %% 50 = 0 THEN 'partially_refunded' WHEN j %% 97 = 0 THEN 'cancelled' ELSE 'paid' END,
            CASE WHEN j %% 10 = 0 THEN ARRAY['BENCH' || lpad(((j / 10) %% %(coded)s)::text, 4, '0')]
                 ELSE '{}'::varchar[] END,
            CASE WHEN j %% 4 = 0 THEN md5('c' || ((j * 10) %% %(clicks)s + 1))::uuid END,
            md5('v' || (j * 7) %% %(visitors)s), md5('e' || j %% 700000), j %% 700000 = j, now(), now()
        FROM generate_series(1::bigint, %(n)s) AS j
        """,
        {"ws": workspace_id, "t0": T0, "coded": CODED, "clicks": CLICKS, "visitors": VISITORS, "n": ORDERS},
    )
    conn.execute("VACUUM ANALYZE analytics_clickevent, analytics_order")
    _log(f"generated in {time.monotonic() - started:.0f}s")


BASELINE_SQL = """
    SELECT count(*) FROM (
        SELECT o.id, c.id FROM analytics_order o
        JOIN analytics_clickevent c ON c.click_id = o.click_id AND c.workspace_id = o.workspace_id
        WHERE o.workspace_id = %(ws)s AND c.clicked_at > o.placed_at - interval '7 days' AND c.clicked_at <= o.placed_at
        UNION
        SELECT o.id, c.id FROM analytics_order o
        JOIN analytics_clickevent c ON c.workspace_id = o.workspace_id AND c.ip_hash = o.ip_hash
        WHERE o.workspace_id = %(ws)s AND c.clicked_at > o.placed_at - interval '7 days' AND c.clicked_at <= o.placed_at
    ) touches
"""


def _worker(out_path: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from analytics.orders.attribution import reattribute

    call_command("migrate", verbosity=0)
    workspace_id, link_ids, _ = _small_world()
    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as conn:
        generate(conn, workspace_id, link_ids)
        order_ids = [row[0] for row in conn.execute(
            "SELECT id FROM analytics_order WHERE workspace_id = %s ORDER BY id", [workspace_id]
        ).fetchall()]  # fmt: skip
    join_times, ours = [], []
    with psycopg.connect(url, autocommit=True) as raw:
        for _ in range(3):
            started = time.perf_counter()
            touches = raw.execute(BASELINE_SQL, {"ws": workspace_id}).fetchone()
            join_times.append(time.perf_counter() - started)
    _log(f"plain join: {touches[0] if touches else 0:,} touches in {min(join_times):.1f}-{max(join_times):.1f}s")
    for _ in range(3):
        started = time.perf_counter()
        with transaction.atomic():
            written, rollups = reattribute(order_ids, workspace_ids=[workspace_id])
        ours.append(time.perf_counter() - started)
        _log(
            f"attributed {len(order_ids):,} orders in {ours[-1]:.1f}s "
            f"({written:,} rollup days touched, {rollups:,} written)"
        )
    connection.close()
    join_s, ours_s = sorted(join_times)[1], sorted(ours)[1]  # medians of three
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = [
        {
            "name": "orders_per_s",
            "value": round(len(order_ids) / ours_s),
            "unit": "orders/s",
            "baseline": round(len(order_ids) / join_s),
            "better": "higher",
            "target": f">= {TARGET_ORDERS_PER_S:,} orders/s",
            "orders": len(order_ids),
            "clicks": CLICKS,
            "seconds": round(ours_s, 2),
            "baseline_seconds": round(join_s, 2),
        },
        {
            "name": "peak_rss_mib",
            "value": round(peak_mib),
            "unit": "MiB",
            "baseline": MEMORY_BUDGET_MIB,
            "better": "lower",
        },
    ]
    Path(out_path).write_text(json.dumps(figures))
    if len(order_ids) / ours_s < TARGET_ORDERS_PER_S:
        _log(f"MISSED: {len(order_ids) / ours_s:,.0f} orders/s")


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    _worker(sys.argv[2])
