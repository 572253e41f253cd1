"""The HTTP API over a test client: each endpoint, each class of error (RFC 9457 problem+json), the run store."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient  # noqa: E402

from jalur.store import RunRequest, RunStore  # noqa: E402
from jalur.web.app import create_app  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with TestClient(create_app(tmp_path_factory.mktemp("store"), workers=2)) as c:
        yield c


@pytest.fixture(scope="module")
def done_run(client):
    r = client.post("/api/v1/runs", json={"scenario": "bau"})
    assert r.status_code == 202
    return wait(client, r.json()["id"])


def wait(client, run_id, timeout=180):
    t0 = time.time()
    while time.time() - t0 < timeout:
        doc = client.get(f"/api/v1/runs/{run_id}").json()
        if doc["status"] in ("done", "failed", "cancelled"):
            return doc
        time.sleep(0.5)
    raise AssertionError(f"run {run_id} did not finish")


def problem(r, status, field=None, contains=""):
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    doc = r.json()
    assert doc["status"] == status and doc["title"] and contains in doc["detail"]
    if field:
        assert field in [e["field"] for e in doc.get("errors", [])], doc
    return doc


def test_health_and_openapi(client):
    doc = client.get("/api/v1/health").json()
    assert doc["status"] == "ok" and doc["jalur_version"] and doc["data_version"]
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/runs", "/api/v1/vehicle", "/api/v1/tax", "/api/v1/tco", "/api/v1/data/tables"} <= set(spec["paths"])
    assert client.get("/api/v1/docs").status_code == 200


def test_scenarios(client):
    names = [s["name"] for s in client.get("/api/v1/scenarios").json()]
    assert {"bau", "nze-2060", "swap-erev"} <= set(names)
    doc = client.get("/api/v1/scenarios/nze-2060").json()
    assert doc["levers"]["ice_phaseout"] and doc["sources"]
    problem(client.get("/api/v1/scenarios/moon"), 404, "name")
    problem(client.get("/api/v1/scenarios/..%2Fetc"), 404)
    ok = client.post("/api/v1/scenarios/validate", json={"name": "x", "extends": "bau", "levers": {"luc": "none"}})
    assert ok.json()["valid"] is True
    bad = client.post("/api/v1/scenarios/validate", json={"name": "x", "extends": "bau", "levers": {"colour": 1}})
    doc = problem(bad, 422, contains="levers.colour: unknown key")
    assert "/tmp" not in doc["detail"]


def test_a_run_is_computed_once_and_served_from_the_store(client, done_run):
    assert done_run["status"] == "done" and done_run["progress"] == 1.0
    again = client.post("/api/v1/runs", json={"scenario": "bau"}).json()
    assert again == {"id": done_run["id"], "status": "done", "new": False, "url": f"/api/v1/runs/{done_run['id']}"}
    assert done_run["id"] in [r["id"] for r in client.get("/api/v1/runs").json()]


def test_run_results(client, done_run):
    rid = done_run["id"]
    rows = client.get(f"/api/v1/runs/{rid}/iamc", params={"variable": "Stock|Road*", "region": "Indonesia"}).json()
    assert rows and all(r["variable"].startswith("Stock|Road") for r in rows) and rows[0]["2030"] > 100
    csv = client.get(f"/api/v1/runs/{rid}/iamc", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.startswith("model,scenario,region,variable")
    wb = client.get(f"/api/v1/runs/{rid}/workbook")
    assert wb.status_code == 200 and wb.content[:2] == b"PK"
    assert client.get(f"/api/v1/runs/{rid}/report").text.lstrip().lower().startswith("<!doctype html")


def test_run_errors(client):
    problem(client.post("/api/v1/runs", json={"scenario": "moon"}), 422, contains="unknown scenario 'moon'")
    problem(client.post("/api/v1/runs", json={"scenario": "../../etc/passwd"}), 400, "scenario")
    problem(client.post("/api/v1/runs", json={"scenario": "bau", "samples": 10**6}), 422, "samples")
    problem(client.post("/api/v1/runs", json={"scenario": "bau", "colour": 1}), 422, "colour")
    problem(client.post("/api/v1/runs", json={"scenario": {"name": "x", "extends": "bau",
                                                           "levers": {"nickel_route": "moon"}}}), 422,
            contains="nickel_route")
    problem(client.get("/api/v1/runs/not-an-id"), 400, "run_id")
    problem(client.get("/api/v1/runs/0123456789abcdef"), 404, "run_id")
    problem(client.get("/api/v1/runs/0123456789abcdef/iamc"), 404, "run_id")
    problem(client.delete("/api/v1/runs/0123456789abcdef"), 404, "run_id")
    problem(client.post("/api/v1/runs", content=b"x" * 2_000_000, headers={"content-type": "application/json"}), 413)
    problem(client.post("/api/v1/runs", content=b"{not json", headers={"content-type": "application/json"}), 422)


def test_cancel_and_delete(client):
    r = client.post("/api/v1/runs", json={"scenario": {"name": "to-cancel", "extends": "bau",
                                                       "levers": {"fuel_economy": 1.7}}}).json()
    d = client.delete(f"/api/v1/runs/{r['id']}")
    assert d.json() == {"id": r["id"], "deleted": True}
    problem(client.get(f"/api/v1/runs/{r['id']}"), 404)


def test_vehicle(client):
    rows = client.get("/api/v1/vehicle", params={"segment": "mc-scooter", "year": 2030, "powertrain": ["bev", "bev-swap"],
                                                 "samples": 20, "seed": 1}).json()
    assert {r["powertrain"] for r in rows} == {"bev", "bev-swap"}
    assert {"segment", "powertrain", "fuel", "year", "region", "stage", "value", "unit", "p5", "p50", "p95"} <= set(rows[0])
    problem(client.get("/api/v1/vehicle", params={"segment": "moon"}), 400, contains="unknown segment 'moon'")
    problem(client.get("/api/v1/vehicle", params={"segment": "mc-scooter", "year": 1999}), 422, "year")
    problem(client.get("/api/v1/vehicle", params={"segment": "mc-scooter", "samples": 5000}), 422, "samples")
    problem(client.get("/api/v1/vehicle", params={"segment": "mc-scooter", "nickel_route": "moon"}), 400,
            contains="nickel_route='moon' is not allowed")


def test_vehicle_compare_and_provenance(client, done_run):
    rows = client.get("/api/v1/vehicle/compare", params={"segment": "car-lmpv", "year": 2030}).json()
    bev = next(r for r in rows if r["powertrain"] == "bev")
    assert bev["break_even_km"] > 0 and bev["lifetime_t"] > 0
    problem(client.get("/api/v1/vehicle/compare", params={"segment": "car-lmpv", "reference": "moon"}), 400,
            contains="reference powertrain 'moon'")
    prov = client.get(f"/api/v1/runs/{done_run['id']}/provenance").json()
    assert prov["scenario"]["name"] == "bau" and prov["jalur_version"]


def test_tax_and_tco(client):
    r = client.post("/api/v1/tax", json={"category": "passenger-lt10", "powertrain": "erev", "price": 5e8,
                                         "engine_cc": 1500, "co2": 10, "ev_range_km": 145, "date": "2026-06-01"}).json()
    assert r["rule"] == "art-36a-erev" and r["confirmed"] is False and r["ppnbm_effective_pct"] == pytest.approx(5)
    problem(client.post("/api/v1/tax", json={"category": "passenger-lt10", "powertrain": "hev", "price": 5e8}), 400,
            contains="engine_cc")
    problem(client.post("/api/v1/tax", json={"category": "nope", "powertrain": "hev", "price": 5e8}), 400)
    problem(client.post("/api/v1/tax", json={"category": "motorcycle", "powertrain": "bev", "price": -1}), 422, "price")
    rows = client.get("/api/v1/tco", params={"segment": "mc-scooter", "year": 2026}).json()
    assert {"bev", "bev-swap", "ice-gasoline"} <= {r["powertrain"] for r in rows}
    problem(client.get("/api/v1/tco", params={"segment": "mc-scooter", "year": 2021}), 422, "year")


def test_data(client):
    tables = {t["name"] for t in client.get("/api/v1/data/tables").json()}
    assert {"vehicle-parameters", "production-drivers", "sources"} - {"sources"} <= tables
    rows = client.get("/api/v1/data/tables/vehicle-parameters", params={"segment": "mc-scooter", "powertrain": "bev-swap"}).json()
    assert rows and all(r["powertrain"] == "bev-swap" for r in rows)
    problem(client.get("/api/v1/data/tables/nope"), 404, "name")
    problem(client.get("/api/v1/data/tables/vehicle-parameters", params={"colour": "x"}), 400, "colour")
    src = client.get("/api/v1/data/sources/ve-tempo-2023-e2w-aid-models").json()
    assert src["id"] == "ve-tempo-2023-e2w-aid-models" and "Smoot" in src["derivation"]
    problem(client.get("/api/v1/data/sources/nope"), 404, "source_id")


def test_token_guards_writes(tmp_path):
    with TestClient(create_app(tmp_path, token="s3cret")) as c:
        problem(c.post("/api/v1/runs", json={"scenario": "bau"}), 401, "Authorization")
        assert c.get("/api/v1/runs").status_code == 200          # reads need no token
        r = c.post("/api/v1/runs", json={"scenario": "nze-2060"}, headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 202
        c.delete(f"/api/v1/runs/{r.json()['id']}", headers={"X-Jalur-Token": "s3cret"})


def test_cors_is_off(client):
    r = client.get("/api/v1/health", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in r.headers


# --- the store without a server ---------------------------------------------------------------------------

def test_a_crash_mid_run_leaves_no_run_marked_done(tmp_path):
    store = RunStore(tmp_path)
    req = RunRequest("bau")
    store.submit(req)
    store.update(req.id, status="running", pid=2**22 + 12345)   # a process that does not exist
    doc = store.status(req.id)
    assert doc["status"] == "failed" and "interrupted" in doc["error"]
    (tmp_path / f".tmp-{req.id}-x").mkdir()                       # a half-written folder stays out of the run's place
    assert not store.folder(req.id).exists()
    with pytest.raises(Exception, match="not done"):
        store.artefact(req.id, "iamc")


def test_the_id_is_the_content(tmp_path):
    a = RunRequest("bau")
    b = RunRequest({"name": "bau", "extends": "bau", "levers": {}})
    c = RunRequest("bau", samples=10, seed=1)
    assert len(a.id) == 16 and a.id != c.id
    assert a.id != b.id or a.name == b.name


# --- review fixes -------------------------------------------------------------------------------------------

def test_scenario_documents_cannot_reach_files_or_inject_markup(client):
    doc = problem(client.post("/api/v1/runs", json={"scenario": {"name": "<img src=x onerror=1>", "extends": "bau"}}),
                  422, contains="scenario name")
    assert "<img" in doc["detail"]            # named, as data: the dashboard escapes it
    problem(client.post("/api/v1/scenarios/validate", json={"name": "x", "extends": "/etc/passwd.yaml"}), 422,
            contains="not a built-in scenario")
    problem(client.post("/api/v1/runs", json={"scenario": {"name": "x", "extends": "../../tmp/evil.yaml"}}), 422,
            contains="not a built-in scenario")


def test_a_streamed_body_is_bounded(client):
    def chunks():
        for _ in range(40):
            yield b" " * 50_000
    problem(client.post("/api/v1/runs", content=chunks(), headers={"content-type": "application/json"}), 413, "body")


def test_the_api_docs_are_served_offline(client):
    html = client.get("/api/v1/docs").text
    assert "/static/swagger/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    problem(client.get("/static/swagger/../../etc/passwd"), 404)


def test_errors_name_their_field_and_allowed_values(client, done_run):
    doc = problem(client.get("/api/v1/vehicle", params={"segment": "mc-scooter", "luc": "nope"}), 400, "luc")
    assert doc["errors"][0]["allowed"] == ["none", "direct", "indirect"]
    problem(client.get(f"/api/v1/runs/{done_run['id']}/iamc", params={"model": "x"}), 400, "model")
    r = problem(client.post("/api/v1/runs", json={"scenario": "bau", "overrides": {"tables": {"nope": []}}}), 422)
    assert "jalur-request" not in r["detail"]


def test_cancel_keeps_the_record(client):
    r = client.post("/api/v1/runs", json={"scenario": {"name": "slow", "extends": "bau",
                                                       "levers": {"fuel_economy": 0.3}}}).json()
    c = client.post(f"/api/v1/runs/{r['id']}/cancel").json()
    assert c["status"] in ("cancelled", "done")
    assert client.get(f"/api/v1/runs/{r['id']}").json()["status"] == c["status"]
    client.delete(f"/api/v1/runs/{r['id']}")


def test_queued_runs_resume_after_a_restart(tmp_path):
    from jalur.web.runner import Runner

    store = RunStore(tmp_path)
    req = RunRequest("bau")
    store.submit(req)                                   # queued by a server that died
    runner = Runner(store, workers=1)
    try:
        t0 = time.time()
        while store.status(req.id)["status"] != "done" and time.time() - t0 < 180:
            time.sleep(0.5)
        assert store.status(req.id)["status"] == "done"
    finally:
        runner.close()


def test_loopback_addresses():
    from jalur.cli.web import _loopback

    assert _loopback("127.0.0.2") and _loopback("::1") and _loopback("localhost")
    assert not _loopback("0.0.0.0") and not _loopback("192.168.1.10")
