"""Performance benchmarks for jalur (run: python3 benchmarks/run.py). Prints a table; asserts nothing.

Targets (issue: vehicle life-cycle engine), on the 2-core reference machine:
  (a) full deterministic matrix: all segments x valid powertrains x fuels x 2020-2060 x all regions  < 0.2 s
  (b) 1,000 samples for car-lmpv x all its powertrains x 4 years (all fuels, all regions)  < 2 s, < 1 GB peak
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

from jalur import datasets
from jalur.vehicle import lifecycle


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
    cases = {
        "(a) full matrix, deterministic": (lambda: lifecycle(registry=reg, years=range(2020, 2061)), 0.2, 7),
        "(b) car-lmpv, 1,000 samples, 4 years": (
            lambda: lifecycle("car-lmpv", registry=reg, years=[2025, 2030, 2040, 2050], samples=1000, seed=1), 2.0, 3),
        "(c) car-lmpv bev, 1,000 samples, 1 year, 1 region": (
            lambda: lifecycle("car-lmpv", "bev", registry=reg, years=2030, regions="jamali", samples=1000, seed=1), None, 5),
    }
    t = Table(title=f"jalur benchmarks (Python {platform.python_version()}, {platform.machine()})")
    for c in ("case", "cells", "median s", "best s", "target s", "peak MB (traced)", "ok"):
        t.add_column(c, justify="right" if c != "case" else "left")
    for name, (fn, target, repeat) in cases.items():
        ds = fn()
        cells = ds["emissions"].size * max(1, ds.attrs["samples"])
        med, best = timed(fn, repeat)
        mb = peak_mb(fn)
        ok = "" if target is None else ("yes" if med < target and mb < 1024 else "NO")
        t.add_row(name, f"{cells:,}", f"{med:.3f}", f"{best:.3f}", "" if target is None else f"{target}", f"{mb:.0f}", ok)
    Console(width=160).print(t)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS: {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
