"""Write the clicks the redirect pushed onto the Redis stream into ClickEvent, and recompute the daily
rollups of every (link, day) the batch touched.

Why nothing is lost: entries are read through a consumer group, so a read entry stays in the group's
pending list until it is acknowledged, and it is acknowledged (and deleted) only after the transaction
that wrote it committed. A flush that dies between read and commit (worker killed, PostgreSQL stopped)
leaves its entries pending; the next flush reads the pending list first and writes them.

Why nothing is doubled: each click carries the UUID the redirect generated, and the insert is
`ON CONFLICT (click_id) DO NOTHING`, so a batch written twice (committed, then killed before the ack)
adds nothing the second time; rollups are recomputed from the events, never incremented.

One flush at a time (a Redis lock): duplicate verdicts compare a click with the visitor's earlier ones,
which a concurrent flush could be writing. One flusher writes thousands of clicks a second (bench/redirect),
far above what the redirect's web tier produces per worker; all flushes share one consumer name, since
under the lock every pending entry is an orphan of an earlier flush."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import redis
import structlog
from django.conf import settings
from django.db import connection, transaction

from accounts.models import Workspace
from analytics.models import ClickDailyRollup, ClickEvent, ClickVerdict, TrackingLink
from analytics.tracking.click_verdicts import verdict_for
from core.redis_pool import redis_client

CLICK_FIELD = "c"  # a stream entry's one field: the click as JSON (`analytics.tracking.redirect.click_fields`)

logger = structlog.get_logger(__name__)

GROUP = "ingest"
CONSUMER = "flusher"
LOCK_TTL_MS = 120_000  # longer than a flush's time budget plus one slow batch
TIME_BUDGET_S = 30.0  # stop taking new batches after this; beat starts the next flush in seconds
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


@dataclass(frozen=True)
class Click:
    click_id: uuid.UUID
    clicked_at: dt.datetime
    link_id: int
    ip_hash: str
    user_agent: str
    referrer: str
    country: str
    method: str


@dataclass
class FlushResult:
    read: int = 0
    written: int = 0  # new ClickEvent rows (a re-written click counts 0)
    dropped: int = 0  # malformed entries, or clicks of links deleted since
    rollups: int = 0  # (link, day) rollups recomputed
    skipped: bool = False  # another flush held the lock
    batches: list[int] = field(default_factory=list)


def parse_entry(fields: dict[bytes, bytes] | None) -> Click | None:
    """A stream entry as the redirect wrote it (`analytics.tracking.redirect.click_fields`); None if malformed."""
    if not fields:
        return None
    try:
        text = json.loads(fields[CLICK_FIELD.encode()])
        if not isinstance(text, dict):
            return None
        return Click(
            click_id=uuid.UUID(hex=text["id"]),
            clicked_at=EPOCH + dt.timedelta(microseconds=int(text["ts"])),
            link_id=int(text["link"]),
            ip_hash=str(text.get("ip", ""))[:64],
            user_agent=str(text.get("ua", ""))[:512],
            referrer=str(text.get("ref", ""))[:1024],
            country=str(text.get("cc", ""))[:2],
            method=str(text.get("m", "GET"))[:8],
        )
    except (KeyError, ValueError, TypeError, OverflowError):
        return None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def reporting_day(moment: dt.datetime, time_zone: str) -> dt.date:
    """The day `moment` falls on in the workspace's time zone."""
    return moment.astimezone(_zone(time_zone)).date()


def day_bounds(day: dt.date, time_zone: str) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a local day in UTC; 23 or 25 hours long on daylight-saving changes."""
    zone = _zone(time_zone)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _links(link_ids: list[int]) -> dict[int, tuple[int, str]]:
    """link id -> (workspace id, the workspace's time zone), read now: the day follows the workspace's
    current zone. Crosses workspaces on purpose: one batch holds every workspace's clicks."""
    # Table names come from the models; every value is a bound parameter.
    sql = (
        f"SELECT l.id, l.workspace_id, w.time_zone FROM {TrackingLink._meta.db_table} l "  # noqa: S608
        f"JOIN {Workspace._meta.db_table} w ON w.id = l.workspace_id WHERE l.id = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [link_ids])
        return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}


def _classify(clicks: list[Click]) -> list[tuple[Click, str, str]]:
    """(click, verdict, reason), in time order. A human click is a duplicate when the same visitor
    (IP hash + user agent) clicked the same link, as a person, within CLICK_DUPLICATE_WINDOW_S before."""
    window = dt.timedelta(seconds=settings.CLICK_DUPLICATE_WINDOW_S)
    ordered = sorted(clicks, key=lambda c: (c.clicked_at, c.click_id.hex))
    verdicts = [(c, *verdict_for(method=c.method, user_agent=c.user_agent)) for c in ordered]
    people = [c for c, verdict, _ in verdicts if verdict == ClickVerdict.HUMAN]
    history: dict[tuple[int, str, str], list[tuple[dt.datetime, str]]] = defaultdict(list)
    if people:
        sql = (
            f"SELECT link_id, ip_hash, user_agent, clicked_at, click_id FROM {ClickEvent._meta.db_table} "  # noqa: S608
            "WHERE link_id = ANY(%s) AND ip_hash = ANY(%s) AND clicked_at >= %s AND clicked_at <= %s "
            "AND verdict <> 'bot'"
        )
        params: list[Any] = [
            sorted({c.link_id for c in people}),
            sorted({c.ip_hash for c in people}),
            people[0].clicked_at - window,
            people[-1].clicked_at,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for link_id, ip_hash, user_agent, clicked_at, click_id in cursor.fetchall():
                history[(link_id, ip_hash, user_agent)].append((clicked_at, click_id.hex))
    result: list[tuple[Click, str, str]] = []
    for click, verdict, reason in verdicts:
        if verdict == ClickVerdict.HUMAN:
            key = (click.link_id, click.ip_hash, click.user_agent)
            me = (click.clicked_at, click.click_id.hex)
            # Strictly before this click in (time, id) order, so a re-read batch judges each click alike.
            if any(click.clicked_at - window <= at and (at, cid) < me for at, cid in history[key]):
                verdict, reason = ClickVerdict.DUPLICATE, f"same visitor within {settings.CLICK_DUPLICATE_WINDOW_S}s"
            history[key].append(me)
        result.append((click, verdict, reason))
    return result


def recompute_rollups(pairs: set[tuple[int, dt.date]], zones: dict[int, str]) -> int:
    """Recount every (link, day) in `pairs` from ClickEvent and upsert it; returns the rows written."""
    if not pairs:
        return 0
    ordered = sorted(pairs)
    bounds = [day_bounds(day, zones[link_id]) for link_id, day in ordered]
    sql = f"""
        WITH pairs AS (
            SELECT * FROM unnest(%s::bigint[], %s::date[], %s::timestamptz[], %s::timestamptz[])
                AS p(link_id, day, start_at, end_at)
        )
        INSERT INTO {ClickDailyRollup._meta.db_table}
            (workspace_id, link_id, day, total, uniques, bots, created_at, updated_at)
        SELECT l.workspace_id, p.link_id, p.day,
            count(e.id) FILTER (WHERE e.verdict <> 'bot'),
            count(e.id) FILTER (WHERE e.verdict = 'human'),
            count(e.id) FILTER (WHERE e.verdict = 'bot'),
            now(), now()
        FROM pairs p
        JOIN {TrackingLink._meta.db_table} l ON l.id = p.link_id
        LEFT JOIN {ClickEvent._meta.db_table} e
            ON e.link_id = p.link_id AND e.clicked_at >= p.start_at AND e.clicked_at < p.end_at
        GROUP BY l.workspace_id, p.link_id, p.day
        ON CONFLICT (link_id, day) DO UPDATE SET
            total = EXCLUDED.total, uniques = EXCLUDED.uniques, bots = EXCLUDED.bots, updated_at = now()
    """  # noqa: S608 - table names from the models, values bound as parameters
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                [link_id for link_id, _ in ordered],
                [day for _, day in ordered],
                [start for start, _ in bounds],
                [end for _, end in bounds],
            ],
        )
        return int(cursor.rowcount)


@transaction.atomic
def write_clicks(clicks: list[Click]) -> FlushResult:
    """Insert the clicks (a click already written is skipped) and recompute their rollups, in one
    transaction. Idempotent: the same clicks again write nothing and leave the rollups as they were."""
    result = FlushResult(read=len(clicks))
    links = _links(sorted({c.link_id for c in clicks}))
    known = [c for c in clicks if c.link_id in links]
    result.dropped = len(clicks) - len(known)
    if not known:
        return result
    rows = _classify(known)
    columns = (
        "workspace_id, click_id, link_id, clicked_at, ip_hash, user_agent, referrer, country, method, "
        "verdict, verdict_reason"
    )
    sql = f"""
        INSERT INTO {ClickEvent._meta.db_table} ({columns}, created_at, updated_at)
        SELECT *, now(), now() FROM unnest(
            %s::bigint[], %s::uuid[], %s::bigint[], %s::timestamptz[], %s::varchar[], %s::varchar[],
            %s::varchar[], %s::varchar[], %s::varchar[], %s::varchar[], %s::varchar[])
        ON CONFLICT (click_id) DO NOTHING
    """  # noqa: S608 - table and column names are ours, values bound as parameters
    params: list[Any] = [
        [links[c.link_id][0] for c, _, _ in rows],
        [c.click_id for c, _, _ in rows],
        [c.link_id for c, _, _ in rows],
        [c.clicked_at for c, _, _ in rows],
        [c.ip_hash for c, _, _ in rows],
        [c.user_agent for c, _, _ in rows],
        [c.referrer for c, _, _ in rows],
        [c.country for c, _, _ in rows],
        [c.method for c, _, _ in rows],
        [str(verdict) for _, verdict, _ in rows],
        [reason for _, _, reason in rows],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        result.written = int(cursor.rowcount)
    zones = {link_id: tz for link_id, (_ws, tz) in links.items()}
    pairs = {(c.link_id, reporting_day(c.clicked_at, zones[c.link_id])) for c, _, _ in rows}
    result.rollups = recompute_rollups(pairs, zones)
    return result


def _ensure_group(client: redis.Redis, key: str) -> None:
    try:
        # From the stream's start ("0"): clicks pushed before any flush ever ran are read too.
        client.xgroup_create(key, GROUP, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def _read(client: redis.Redis, key: str, *, count: int, pending: bool) -> list[tuple[bytes, dict[bytes, bytes] | None]]:
    # "0" re-reads this consumer's pending entries (an earlier flush's, not acknowledged); ">" new ones.
    answer = client.xreadgroup(GROUP, CONSUMER, {key: "0" if pending else ">"}, count=count)
    if not answer:
        return []
    return list(answer[0][1])  # type: ignore[index,arg-type]


def flush_clicks(
    *, batch_size: int | None = None, max_batches: int = 100, client: redis.Redis | None = None
) -> FlushResult:
    """Drain the click stream: pending entries first, then new ones, one transaction per batch, until the
    stream is empty, `max_batches` were written or TIME_BUDGET_S passed. A database error propagates
    after leaving the batch pending (it is written by a later flush). Returns the totals."""
    client = client or redis_client()
    key = settings.CLICK_STREAM_KEY
    size = batch_size or settings.CLICK_FLUSH_BATCH
    lock_key, lock_token = f"{key}:flush-lock", secrets.token_hex(16)
    total = FlushResult()
    if not client.set(lock_key, lock_token, nx=True, px=LOCK_TTL_MS):
        total.skipped = True
        return total
    started = time.monotonic()
    try:
        _ensure_group(client, key)
        pending = True
        while len(total.batches) < max_batches and time.monotonic() - started < TIME_BUDGET_S:
            entries = _read(client, key, count=size, pending=pending)
            if not entries:
                if not pending:
                    break
                pending = False
                continue
            clicks = [click for _id, fields in entries if (click := parse_entry(fields)) is not None]
            batch = write_clicks(clicks) if clicks else FlushResult()
            ids = [entry_id for entry_id, _fields in entries]
            # Only now, after the commit: acknowledge and delete in one round trip.
            pipe = client.pipeline(transaction=True)
            pipe.xack(key, GROUP, *ids)
            pipe.xdel(key, *ids)
            pipe.execute()
            total.read += len(entries)
            total.written += batch.written
            total.dropped += batch.dropped + (len(entries) - len(clicks))
            total.rollups += batch.rollups
            total.batches.append(len(entries))
    finally:
        client.eval(_RELEASE, 1, lock_key, lock_token)
    if total.dropped:
        logger.warning("clicks_dropped", dropped=total.dropped)
    return total


def backlog(client: redis.Redis | None = None) -> int:
    """Entries in the stream not yet written (new and pending)."""
    return int((client or redis_client()).xlen(settings.CLICK_STREAM_KEY))
