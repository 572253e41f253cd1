"""Web benchmarks (run: python3 benchmarks/web.py; needs the web extra). Prints a table; asserts nothing.

Against a live `jalur serve` on loopback (a fresh store, 2 run executors):
  (w1) p50/p95 latency of GET /api/v1/vehicle (one segment, one year)
  (w2) p50/p95 latency of fetching a stored run's IAMC rows (one variable, national)
  (w3) requests per second with 50 concurrent clients (mixed reads)
  (w4) time from "Run" (POST /api/v1/runs, a built-in scenario) to the chart's data (run done, IAMC fetched)
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "web"))
from live import live_server  # noqa: E402


def get(base: str, path: str) -> float:
    t0 = time.perf_counter()
    with urllib.request.urlopen(base + path, timeout=300) as r:
        r.read()
    return time.perf_counter() - t0


def post(base: str, path: str, doc: dict) -> dict:
    req = urllib.request.Request(base + path, data=json.dumps(doc).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        return json.loads(r.read())


def wait_done(base: str, run_id: str) -> None:
    while True:
        with urllib.request.urlopen(f"{base}/api/v1/runs/{run_id}", timeout=60) as r:
            if json.loads(r.read())["status"] in ("done", "failed", "cancelled"):
                return
        time.sleep(0.1)


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))]


def main() -> int:
    if {"-h", "--help"} & set(sys.argv[1:]):
        print(__doc__)
        return 0
    t = Table(title="jalur web: live server on loopback, 2 run executors")
    for c in ("measure", "p50", "p95", "value"):
        t.add_column(c, justify="left" if c == "measure" else "right")
    with tempfile.TemporaryDirectory(prefix="jalur-bench-store-") as store, live_server(Path(store)) as base:
        vehicle = "/api/v1/vehicle?segment=car-lmpv&year=2030"
        get(base, vehicle)
        lat = [get(base, vehicle) for _ in range(40)]
        t.add_row("(w1) GET /api/v1/vehicle [s]", f"{pct(lat, 50):.3f}", f"{pct(lat, 95):.3f}", "")
        t0 = time.perf_counter()
        run = post(base, "/api/v1/runs", {"scenario": "multiple-pathways"})
        wait_done(base, run["id"])
        iamc = f"/api/v1/runs/{run['id']}/iamc?variable=Emissions%7CGHG%7CRoad%7CLife%20Cycle&region=Indonesia"
        get(base, iamc)
        t.add_row("(w4) Run to chart data, multiple-pathways [s]", "", "", f"{time.perf_counter() - t0:.2f}")
        lat = [get(base, iamc) for _ in range(40)]
        t.add_row("(w2) stored run's IAMC rows [s]", f"{pct(lat, 50):.3f}", f"{pct(lat, 95):.3f}", "")
        paths = ["/api/v1/health", "/api/v1/runs", iamc, "/api/v1/data/tables/powertrains"] * 50
        t0 = time.perf_counter()
        with ThreadPoolExecutor(50) as pool:
            list(pool.map(lambda p: get(base, p), paths))
        t.add_row("(w3) requests/s, 50 concurrent clients", "", "", f"{len(paths) / (time.perf_counter() - t0):.0f}")
    Console(width=120).print(t)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
