"""50 simultaneous clients against a live server on loopback (`jalur serve`), mixing reads and runs: no errors,
and each distinct run computed once and stored once."""

from __future__ import annotations

import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the web extra is not installed")

CLIENTS = 50
SCENARIOS = ["bau", {"name": "busy", "extends": "bau", "levers": {"fuel_economy": 1.5}}]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from live import live_server

    store = tmp_path_factory.mktemp("live-store")
    with live_server(store) as base:
        yield base, Path(store)


def call(base: str, method: str, path: str, doc=None):
    data = json.dumps(doc).encode() if doc is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return r.status, json.loads(r.read() or b"null")


def client(base: str, i: int):
    kind = i % 5
    if kind in (0, 1):
        return "run", call(base, "POST", "/api/v1/runs", {"scenario": SCENARIOS[i % len(SCENARIOS)]})
    if kind == 2:
        return "read", call(base, "GET", "/api/v1/vehicle?segment=mc-scooter&year=2030")
    if kind == 3:
        return "read", call(base, "GET", "/api/v1/data/tables/powertrains")
    return "read", call(base, "GET", "/api/v1/runs")


def test_fifty_clients_at_once(server):
    base, store = server
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(lambda i: client(base, i), range(CLIENTS)))
    assert all(status in (200, 202) for _, (status, _) in results)
    runs = [doc for kind, (_, doc) in results if kind == "run"]
    by_id: dict[str, list[bool]] = {}
    for r in runs:
        by_id.setdefault(r["id"], []).append(r["new"])
    assert len(by_id) == len(SCENARIOS)
    assert all(news.count(True) == 1 for news in by_id.values()), by_id       # queued once each
    t0 = time.time()
    while time.time() - t0 < 300:
        docs = [call(base, "GET", f"/api/v1/runs/{i}")[1] for i in by_id]
        if all(d["status"] in ("done", "failed", "cancelled") for d in docs):
            break
        time.sleep(1)
    assert all(d["status"] == "done" for d in docs), docs
    folders = sorted(p.name for p in store.iterdir() if p.is_dir())
    assert folders == sorted(by_id)                                           # stored once, nothing half-written
    assert sorted(p.stem for p in store.glob("*.json")) == sorted(by_id)
