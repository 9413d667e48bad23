"""``python -m bench.runner [names...]``: measure the baseline, run benchmarks, print JSON lines.

stdout carries only the figures, one JSON object per line, so it can be piped or diffed;
progress and warnings go to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import pkgutil
import signal
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

from bench.context import BASELINE_FIGURES, BenchContext, LoadProfile, Measurement, baseline_values, measure
from bench.gunicorn_server import serve

BENCH_DIR = Path(__file__).resolve().parent
BASELINE_APP = "bench.baseline.wsgi:application"
BASELINE_ENV = {"DJANGO_SETTINGS_MODULE": "bench.baseline.settings"}
BASELINE_PATH = "/r/baseline"
# More than this share of failed requests means the baseline itself is broken, so ratios would be meaningless.
MAX_BASELINE_ERROR_SHARE = 0.01


def discover() -> dict[str, str]:
    """Short name -> module name for every ``bench/bench_*.py``."""
    found = {}
    for info in pkgutil.iter_modules([str(BENCH_DIR)]):
        if info.name.startswith("bench_") and not info.ispkg:
            found[info.name.removeprefix("bench_")] = f"bench.{info.name}"
    return dict(sorted(found.items()))


def measure_baseline(profile: LoadProfile) -> Measurement:
    with serve(wsgi_app=BASELINE_APP, env=BASELINE_ENV, workers=profile.workers, ready_path=BASELINE_PATH) as base:
        m = measure(base + BASELINE_PATH, profile)
    _log(f"baseline: {m.requests} requests in {len(m.rounds)} rounds, statuses {m.status_counts()}, errors {m.errors}")
    if m.errors > MAX_BASELINE_ERROR_SHARE * max(m.requests, 1):
        raise RuntimeError(f"baseline had {m.errors} errors out of {m.requests} requests; fix that before comparing")
    if m.errors:
        _log(f"warning: baseline had {m.errors} errors")
    return m


def finalize(bench: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Validate one figure from a benchmark and compute its ratio; the output key order is fixed."""
    missing = {"name", "value", "unit", "baseline", "better"} - raw.keys()
    if missing:
        raise ValueError(f"figure from {bench!r} lacks {sorted(missing)}: {raw!r}")
    if raw["better"] not in ("higher", "lower"):
        raise ValueError(f"figure from {bench!r}: 'better' must be 'higher' or 'lower', got {raw['better']!r}")
    value, baseline = float(raw["value"]), float(raw["baseline"])
    # A benchmark may name its own ratio (e.g. the view's database time over hand-written SQL's);
    # otherwise the ratio is value / baseline.
    ratio = float(raw["ratio"]) if "ratio" in raw else (value / baseline if baseline else math.nan)
    extras = {k: v for k, v in raw.items() if k not in {"name", "value", "unit", "baseline", "better", "ratio"}}
    return {
        "bench": f"{bench}.{raw['name']}",
        "value": _num(value),
        "unit": raw["unit"],
        "baseline": _num(baseline),
        "ratio": _num(ratio, 4),
        "better": raw["better"],
        **extras,
    }


def baseline_lines(values: dict[str, float]) -> list[dict[str, Any]]:
    figures = []
    for name, (unit, better) in BASELINE_FIGURES.items():
        raw = {"name": name, "value": values[name], "unit": unit, "baseline": values[name], "better": better}
        figures.append(finalize("baseline", raw))
    return figures


def run_benchmark(short: str, module: ModuleType, ctx: BenchContext) -> list[dict[str, Any]]:
    run = getattr(module, "run", None)
    if not callable(run):
        raise TypeError(f"{module.__name__} has no run(ctx) function")
    return [finalize(short, raw) for raw in run(ctx)]


def main(argv: list[str] | None = None) -> int:
    available = discover()
    parser = argparse.ArgumentParser(prog="python -m bench.runner", description=__doc__)
    parser.add_argument(
        "names", nargs="*", help=f"benchmarks to run (default: all). Found: {list(available) or 'none'}"
    )
    args = parser.parse_args(argv)
    wanted = [n.removeprefix("bench_") for n in args.names] or list(available)
    unknown = [n for n in wanted if n not in available]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; found {list(available)}")

    # Turn SIGTERM (e.g. from make or CI) into SystemExit so the `with serve(...)` blocks stop gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))

    profile = LoadProfile()
    _log(f"measuring baseline {BASELINE_PATH} ({profile})")
    values = baseline_values(measure_baseline(profile))
    for line in baseline_lines(values):
        _emit(line)

    ctx = BenchContext(baseline=values, profile=profile)
    failed = []
    for short in wanted:
        _log(f"running {short}")
        try:
            figures = run_benchmark(short, importlib.import_module(available[short]), ctx)
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(short)
            continue
        for line in figures:
            _emit(line)
    if failed:
        _log(f"failed: {failed}")
    return 1 if failed else 0


def _num(x: float, digits: int = 3) -> float | None:
    return round(x, digits) if math.isfinite(x) else None  # JSON has no NaN or Infinity


def _emit(line: dict[str, Any]) -> None:
    print(json.dumps(line, allow_nan=False), flush=True)


def _log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
