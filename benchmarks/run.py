"""Performance benchmarks for jalur (run: python3 benchmarks/run.py). Prints a table; asserts nothing.

Targets on the 2-core reference machine:
  vehicle life-cycle engine
  (a) full deterministic matrix: all segments x valid powertrains x fuels x 2020-2060 x all regions  < 0.2 s
  (b) 1,000 samples for car-lmpv x all its powertrains x 4 years (all fuels, all regions)  < 2 s, < 1 GB peak
  fleet projection (data already loaded; the first run of a session also loads and fits, ~0.6 s)
  (d) one national run (national totals)                                          < 0.1 s
  (e) one run with every grid region and the full arrays (xarray Dataset)         < 0.5 s
  (f) 1,000 runs with varied levers through the batch API (2 processes)           < 60 s
"""

from __future__ import annotations

import platform
import resource
import statistics
import sys
import time
import tracemalloc

from rich.console import Console
from rich.table import Table

import numpy as np

from jalur import datasets
from jalur.pathways.batch import run_batch
from jalur.pathways.model import run
from jalur.vehicle import lifecycle


def variations(n: int, seed: int = 1) -> list[dict]:
    rng = np.random.default_rng(seed)
    return [{"fuel_economy": float(rng.uniform(0.5, 1.5)), "biodiesel_blend": {2030: float(rng.choice([40, 50]))},
             "sales_shares": {"car": {"targets": {"bev": {2040: float(rng.uniform(20, 50))}}}},
             "km_growth": {"motorcycle": float(rng.uniform(-1, 1))}} for _ in range(n)]


def timed(fn, repeat: int) -> tuple[float, float]:
    fn()  # warm-up (first call builds caches)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> int:
    reg = datasets.load()
    global VAR
    VAR = variations(1000)
    cases = {
        "(a) full matrix, deterministic": (lambda: lifecycle(registry=reg, years=range(2020, 2061)), 0.2, 7),
        "(b) car-lmpv, 1,000 samples, 4 years": (
            lambda: lifecycle("car-lmpv", registry=reg, years=[2025, 2030, 2040, 2050], samples=1000, seed=1), 2.0, 3),
        "(c) car-lmpv bev, 1,000 samples, 1 year, 1 region": (
            lambda: lifecycle("car-lmpv", "bev", registry=reg, years=2030, regions="jamali", samples=1000, seed=1), None, 5),
        "(d) fleet: national run (multiple-pathways)": (
            lambda: run("multiple-pathways", registry=reg, compact=True), 0.1, 7),
        "(e) fleet: all regions, full arrays": (lambda: run("multiple-pathways", registry=reg), 0.5, 5),
        "(f) fleet: 1,000 runs, batch API, 2 processes": (
            lambda: run_batch("multiple-pathways", VAR, registry=reg, workers=2), 60.0, 1),
    }
    t = Table(title=f"jalur benchmarks (Python {platform.python_version()}, {platform.machine()})")
    for c in ("case", "cells", "median s", "best s", "target s", "peak MB (traced)", "ok"):
        t.add_column(c, justify="right" if c != "case" else "left")
    for name, (fn, target, repeat) in cases.items():
        ds = fn()
        if isinstance(ds, dict):
            cells = sum(np.size(v) for v in ds.values())
        elif hasattr(ds, "attrs") and "samples" in getattr(ds, "attrs", {}):
            cells = ds["emissions"].size * max(1, ds.attrs["samples"])
        elif hasattr(ds, "data_vars"):
            cells = sum(v.size for v in ds.data_vars.values())
        else:
            cells = ds.shape[0] * (ds.shape[1] - 3)
        med, best = timed(fn, repeat)
        mb = peak_mb(fn) if repeat > 1 else float("nan")
        ok = "" if target is None else ("yes" if med < target and not mb >= 1024 else "NO")
        t.add_row(name, f"{cells:,}", f"{med:.3f}", f"{best:.3f}", "" if target is None else f"{target}", f"{mb:.0f}", ok)
    Console(width=160).print(t)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS: {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
