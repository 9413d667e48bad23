"""Benchmarks measure in a fresh interpreter (`python -m bench.<module> --worker OUT`) with production
settings, on a database of their own beside the development one, so nothing another benchmark did in
the runner's process (imports, settings, caches) touches the figures, and peak RSS is the worker's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench.context import production_env
from bench.gunicorn_server import REPO_ROOT


def sibling_database_url(url: str, suffix: str) -> str:
    """DATABASE_URL with the database name `<name><suffix>` (same server, same credentials)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "creatordesk"
    return urlunsplit(parts._replace(path=f"/{name}{suffix}"))


def ensure_database(url: str, target: str) -> None:
    name = urlsplit(target).path.lstrip("/")
    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            print(f"[bench] creating database {name}", file=sys.stderr, flush=True)
            conn.execute(f'CREATE DATABASE "{name}"')  # derived from DATABASE_URL, not input


def run_worker(module: str, database_suffix: str) -> list[dict[str, Any]]:
    """Run `python -m <module> --worker OUT` on the sibling database; return the figures it wrote."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("DATABASE_URL is not set: run through `python -m config.devstack exec --`")
    target = sibling_database_url(url, database_suffix)
    ensure_database(url, target)
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(  # noqa: S603 - our own module, our own interpreter
            [sys.executable, "-m", module, "--worker", out.name],
            env=production_env(DATABASE_URL=target),
            cwd=REPO_ROOT,
            check=True,
        )
        return json.loads(Path(out.name).read_text())  # type: ignore[no-any-return]
