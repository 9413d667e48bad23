"""The attribution rules of `analytics.orders.attribution_rules`, run in PostgreSQL for any set of orders at once, and
the daily rollups the reports read.

One statement credits every order of the set under every rule (so switching a workspace's rule is
instant and reports can compare rules): promo-code owners first; else the order's human clicks by
click id or by visitor (IP hash) within the workspace's window, ranked for last and first click and
counted for the linear split. The webhook worker calls it with one order id, the CSV import and a
window change with thousands, bench/attribution with a million; the SQL is the same.

Rollups are recomputed, never incremented, for every (collaboration, rule, day) an order left or
entered, under a per-workspace advisory lock: two workers recomputing the same day one after the
other each read the other's committed attributions (READ COMMITTED takes a snapshot per statement)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from accounts.models import Workspace
from analytics.models import (
    Attribution,
    AttributionDailyRollup,
    AttributionSettings,
    ClickEvent,
    Order,
    PromoCode,
    TrackingLink,
)
from analytics.orders.attribution_rules import DEFAULT_WINDOW_DAYS

ROLLUP_LOCK_NAMESPACE = 7_301  # pg_advisory_xact_lock(namespace, workspace_id): attribution writes

T = {
    "order": Order._meta.db_table,
    "attribution": Attribution._meta.db_table,
    "rollup": AttributionDailyRollup._meta.db_table,
    "settings": AttributionSettings._meta.db_table,
    "click": ClickEvent._meta.db_table,
    "link": TrackingLink._meta.db_table,
    "code": PromoCode._meta.db_table,
    "workspace": Workspace._meta.db_table,
}

# Table names come from the models; every value is a bound parameter.
ATTRIBUTE_SQL = """
WITH o AS (
    SELECT o.id, o.workspace_id, o.placed_at, o.click_id, o.ip_hash, o.promo_codes, o.total_currency AS currency,
           CASE WHEN o.status = 'cancelled' THEN 0 ELSE o.total - o.refunded END AS net,
           make_interval(days => COALESCE(s.window_days, {default_window})) AS win,
           (o.placed_at AT TIME ZONE w.time_zone)::date AS day
    FROM {order} o JOIN {workspace} w ON w.id = o.workspace_id
    LEFT JOIN {settings} s ON s.workspace_id = o.workspace_id
    WHERE o.id = ANY(%(ids)s)
),
coded AS (
    SELECT DISTINCT o.id AS order_id, p.collaboration_id
    FROM o CROSS JOIN LATERAL unnest(o.promo_codes) AS used(code)
    JOIN {code} p ON p.workspace_id = o.workspace_id AND p.code = used.code
),
uncoded AS (
    SELECT o.* FROM o WHERE NOT EXISTS (SELECT 1 FROM coded WHERE coded.order_id = o.id)
),
touch AS (
    SELECT u.id AS order_id, c.click_id, c.clicked_at, c.link_id
    FROM uncoded u JOIN {click} c ON c.click_id = u.click_id
    WHERE u.click_id IS NOT NULL AND c.workspace_id = u.workspace_id AND c.verdict <> 'bot'
      AND c.clicked_at > u.placed_at - u.win AND c.clicked_at <= u.placed_at
    UNION
    SELECT u.id, c.click_id, c.clicked_at, c.link_id
    FROM uncoded u JOIN {click} c ON c.workspace_id = u.workspace_id AND c.ip_hash = u.ip_hash
    WHERE u.ip_hash <> '' AND c.verdict <> 'bot'
      AND c.clicked_at > u.placed_at - u.win AND c.clicked_at <= u.placed_at
),
ranked AS (
    SELECT t.order_id, l.collaboration_id,
           row_number() OVER (PARTITION BY t.order_id ORDER BY t.clicked_at DESC, t.click_id DESC) AS from_last,
           row_number() OVER (PARTITION BY t.order_id ORDER BY t.clicked_at, t.click_id) AS from_first,
           count(*) OVER (PARTITION BY t.order_id) AS touches
    FROM touch t JOIN {link} l ON l.id = t.link_id
),
credits AS (
    SELECT c.order_id, c.collaboration_id, r.rule, 'promo_code' AS reason,
           1.0 / count(*) OVER (PARTITION BY c.order_id, r.rule) AS share
    FROM coded c CROSS JOIN (VALUES ('last_click'), ('first_click'), ('linear')) AS r(rule)
    UNION ALL
    SELECT order_id, collaboration_id, 'last_click', 'click', 1 FROM ranked WHERE from_last = 1
    UNION ALL
    SELECT order_id, collaboration_id, 'first_click', 'click', 1 FROM ranked WHERE from_first = 1
    UNION ALL
    SELECT order_id, collaboration_id, 'linear', 'click', count(*)::numeric / max(touches)
    FROM ranked GROUP BY order_id, collaboration_id
),
written AS (
    INSERT INTO {attribution}
        (workspace_id, order_id, collaboration_id, rule, reason, day, share, revenue, revenue_currency,
         computed_at, created_at, updated_at)
    SELECT o.workspace_id, c.order_id, c.collaboration_id, c.rule, c.reason, o.day, round(c.share, 6),
           round(round(c.share, 6) * o.net, 2), o.currency, now(), now(), now()
    FROM credits c JOIN o ON o.id = c.order_id
    RETURNING workspace_id, collaboration_id, rule, day
)
INSERT INTO _attribution_touched (workspace_id, collaboration_id, rule, day)
SELECT DISTINCT workspace_id, collaboration_id, rule, day FROM written
"""

TOUCHED_SQL = """
INSERT INTO _attribution_touched (workspace_id, collaboration_id, rule, day)
SELECT DISTINCT a.workspace_id, a.collaboration_id, a.rule, a.day
FROM {attribution} a WHERE a.order_id = ANY(%(ids)s)
"""

CLEAR_SQL = """
WITH gone AS (
    DELETE FROM {attribution} WHERE order_id = ANY(%(ids)s) RETURNING workspace_id, collaboration_id, rule, day
)
INSERT INTO _attribution_touched (workspace_id, collaboration_id, rule, day)
SELECT DISTINCT workspace_id, collaboration_id, rule, day FROM gone
"""

CLEAR_ROLLUPS_SQL = """
DELETE FROM {rollup} r USING _attribution_touched t
WHERE r.collaboration_id = t.collaboration_id AND r.rule = t.rule AND r.day = t.day
"""

ROLLUP_SQL = """
WITH t AS (SELECT DISTINCT collaboration_id, rule, day FROM _attribution_touched)
INSERT INTO {rollup}
    (workspace_id, collaboration_id, rule, day, orders, new_customers, revenue, revenue_currency,
     refunds, refunds_currency, created_at, updated_at)
SELECT a.workspace_id, a.collaboration_id, a.rule, a.day,
       COALESCE(sum(a.share) FILTER (WHERE o.status IN ('paid', 'partially_refunded')), 0),
       COALESCE(sum(a.share) FILTER (WHERE o.is_new_customer AND o.status IN ('paid', 'partially_refunded')), 0),
       sum(a.revenue), a.revenue_currency,
       sum(round(a.share * o.refunded, 2)), a.revenue_currency, now(), now()
FROM t
JOIN {attribution} a ON a.collaboration_id = t.collaboration_id AND a.rule = t.rule AND a.day = t.day
JOIN {order} o ON o.id = a.order_id
GROUP BY a.workspace_id, a.collaboration_id, a.rule, a.day, a.revenue_currency
"""


def _sql(template: str) -> str:
    return template.format(default_window=int(DEFAULT_WINDOW_DAYS), **T)


def lock_workspaces(workspace_ids: Sequence[int]) -> None:
    """Serialise attribution writes per workspace (ascending, so two lockers never deadlock)."""
    with connection.cursor() as cursor:
        for workspace_id in sorted(set(workspace_ids)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ROLLUP_LOCK_NAMESPACE, workspace_id])


def start_touched() -> None:
    """A per-transaction scratch table of the (collaboration, rule, day) rollups to recompute."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS _attribution_touched "
            "(workspace_id bigint, collaboration_id bigint, rule varchar(16), day date) ON COMMIT DROP"
        )


def _analyze_touched(cursor: Any) -> None:
    # Temp tables have no statistics until analysed: without them the planner assumes a few rows and
    # probes the attribution index once per (collaboration, rule, day), 50x slower for a bulk run.
    cursor.execute("ANALYZE _attribution_touched")


def mark_touched(order_ids: Sequence[int]) -> None:
    """Remember the rollups the orders' current attributions fall in (orders whose attributions stay
    but whose counts change, e.g. a customer's first order becoming a returning one)."""
    if not order_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(_sql(TOUCHED_SQL), {"ids": list(order_ids)})


def clear_attributions(order_ids: Sequence[int]) -> int:
    """Delete the orders' attributions, remembering the rollups they were in; returns the rows deleted."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(CLEAR_SQL), {"ids": list(order_ids)})
        return int(cursor.rowcount)


def attribute_orders(order_ids: Sequence[int]) -> int:
    """Credit `order_ids` under every rule (their old rows must be cleared first), remembering the
    rollups the new rows fall in; returns the (collaboration, rule, day) triples they touch. Caller holds
    the transaction and the workspace lock."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(ATTRIBUTE_SQL), {"ids": list(order_ids)})
        return int(cursor.rowcount)


def recompute_touched_rollups() -> int:
    """Recount every touched (collaboration, rule, day) from the attributions; a day left with no
    attribution loses its row. Returns the rows written."""
    with connection.cursor() as cursor:
        _analyze_touched(cursor)
        cursor.execute(_sql(CLEAR_ROLLUPS_SQL))
        cursor.execute(_sql(ROLLUP_SQL))
        written = int(cursor.rowcount)
        cursor.execute("TRUNCATE _attribution_touched")
        return written


def begin(order_ids: Sequence[int], *, workspace_ids: Sequence[int]) -> None:
    """Before changing orders: take the workspace locks, drop the orders' attributions and remember the
    rollups they were in."""
    lock_workspaces(workspace_ids)
    start_touched()
    clear_attributions(order_ids)


def finish(order_ids: Sequence[int]) -> tuple[int, int]:
    """After changing orders: credit them again and recompute the rollups they left or entered:
    (triples touched, rollup rows)."""
    touched = attribute_orders(order_ids)
    return touched, recompute_touched_rollups()


BULK_ORDERS = 10_000  # from this many orders on, sorts and hashes get more memory than a webhook's
BULK_WORK_MEM = "64MB"  # per sort/hash node, for this transaction only


def reattribute(order_ids: Sequence[int], *, workspace_ids: Sequence[int]) -> tuple[int, int]:
    """Attribution and rollups of orders from scratch (the window changed, a code was added, an import),
    in the caller's transaction: (triples touched, rollup rows)."""
    if len(order_ids) >= BULK_ORDERS:
        with connection.cursor() as cursor:
            # A million orders' rollups group ~3M rows: in 4 MB (the default) they spill to disk.
            cursor.execute(f"SET LOCAL work_mem = '{BULK_WORK_MEM}'")
    begin(order_ids, workspace_ids=workspace_ids)
    return finish(order_ids)
