"""The HTTP API, ``/api/v1``: the engines and the run store over HTTP, with RFC 9457 problem+json errors.

Every bad request is a 4xx whose body names the field and the allowed values; names and ids are checked
before they reach a file. Write and run requests carry the server's token when it has one (``--token`` or
``JALUR_TOKEN``); reads need none.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any, Literal, Optional

from fastapi import APIRouter, Body, Depends, Header, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from jalur._version import __version__
from jalur.errors import InputError
from jalur.store import RunRequest

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
MAX_SAMPLES = 1000
FILTER_COLUMNS = 8


def problem(status: int, title: str, detail: str, field: str | None = None, allowed: list | None = None,
            instance: str = "", errors: list[dict] | None = None) -> JSONResponse:
    """An RFC 9457 problem document; *errors* lists several fields at once (else one, *field*)."""
    body: dict[str, Any] = {"type": f"https://jalur.dev/problems/{title.lower().replace(' ', '-')}", "title": title,
                            "status": status, "detail": detail, "instance": instance}
    if errors is not None:
        body["errors"] = errors
    elif field is not None:
        body["errors"] = [{"field": field, "detail": detail, **({"allowed": allowed} if allowed else {})}]
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


class ApiError(Exception):
    """A client error with its HTTP status, field and allowed values."""

    def __init__(self, status: int, detail: str, field: str | None = None, allowed: list | None = None):
        super().__init__(detail)
        self.status, self.detail, self.field, self.allowed = status, detail, field, allowed


def _name(value: str, field: str) -> str:
    if not NAME.match(value or ""):
        raise ApiError(400, f"{field} {value!r} is not a valid name (letters, digits, '-', '_', '.')", field)
    return value


def _clean(obj: Any) -> Any:
    """JSON-safe: NaN and infinities become null."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def records(df) -> list[dict]:
    return _clean(json.loads(df.to_json(orient="records", date_format="iso")))


class RunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scenario: str | dict[str, Any] = Field(..., description="a built-in scenario name, or a scenario document "
                                           "(the YAML as JSON; may extend a built-in)")
    overrides: dict[str, Any] | list[dict[str, Any]] | None = Field(None, description="override documents (the YAML "
                                                                   "of an override file as JSON)")
    samples: int = Field(0, ge=0, le=MAX_SAMPLES)
    seed: Optional[int] = Field(None, ge=0, le=2**31 - 1)


class TaxBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: str = Field(..., max_length=40)
    powertrain: str = Field(..., max_length=40)
    price: float = Field(..., gt=0, le=1e13)
    engine_cc: Optional[float] = Field(None, gt=0, le=20000)
    fuel: Optional[Literal["petrol", "diesel"]] = None
    km_per_l: Optional[float] = Field(None, gt=0, le=1000)
    co2: Optional[float] = Field(None, gt=0, le=2000)
    ev_range_km: Optional[float] = Field(None, gt=0, le=5000)
    tkdn: Optional[float] = Field(None, ge=0, le=100)
    origin: Literal["local", "ckd", "cbu"] = "local"
    lcgc: bool = False
    lcev: Optional[bool] = None
    conversion: bool = False
    date: Optional[dt.date] = None
    scheme2_from: Optional[dt.date] = None


api = APIRouter(prefix="/api/v1")


def _state(request: Request):
    """The application's store, runner and token (:class:`jalur.web.app.State`)."""
    return request.app.state.jalur


def writer(request: Request, authorization: Optional[str] = Header(None),
           x_jalur_token: Optional[str] = Header(None)) -> None:
    state = _state(request)
    if state.token is None:
        return
    given = x_jalur_token or (authorization or "").removeprefix("Bearer ").strip()
    if given != state.token:
        raise ApiError(401, "this server needs its token on write and run requests: header "
                            "'Authorization: Bearer <token>' or 'X-Jalur-Token'", "Authorization")


@api.get("/health", tags=["meta"])
def health() -> dict:
    from jalur import datasets

    return {"status": "ok", "jalur_version": __version__, "data_version": datasets.data_version()}


@api.get("/scenarios", tags=["scenarios"])
def scenarios() -> list[dict]:
    from jalur.pathways.scenario import builtin_names, load_scenario

    return [{"name": n, "title": (sc := load_scenario(n)).title, "title_id": sc.title_id} for n in builtin_names()]


@api.get("/scenarios/{name}", tags=["scenarios"])
def scenario(name: str) -> dict:
    from jalur.pathways.scenario import builtin_names, load_scenario

    _name(name, "name")
    if name not in builtin_names():
        raise ApiError(404, f"no built-in scenario {name!r}", "name", builtin_names())
    sc = load_scenario(name)
    return {"name": sc.name, "title": sc.title, "title_id": sc.title_id, "description": sc.description,
            "sources": sc.sources, "levers": sc.levers.model_dump(mode="json")}


@api.post("/scenarios/validate", tags=["scenarios"])
def validate(doc: dict[str, Any] = Body(..., description="a scenario document")) -> dict:
    req = RunRequest(doc)
    return {"valid": True, "name": req.name, "id": req.id}


@api.post("/runs", status_code=202, tags=["runs"], dependencies=[Depends(writer)])
def submit(request: Request, body: RunBody) -> dict:
    if isinstance(body.scenario, str):
        _name(body.scenario, "scenario")
    req = RunRequest(body.scenario, body.overrides, body.samples, body.seed)
    doc, new = _state(request).runner.submit(req)
    return {"id": doc["id"], "status": doc["status"], "new": new, "url": f"/api/v1/runs/{doc['id']}"}


@api.get("/runs", tags=["runs"])
def runs(request: Request, status: Optional[Literal["queued", "running", "done", "failed", "cancelled"]] = None,
         scenario: Optional[str] = Query(None, max_length=80)) -> list[dict]:
    return [_public(d) for d in _state(request).store.list(status=status, scenario=scenario)]


@api.get("/runs/{run_id}", tags=["runs"])
def run_status(request: Request, run_id: str) -> dict:
    return _public(_status(_state(request), run_id))


@api.get("/runs/{run_id}/iamc", tags=["runs"])
def run_iamc(request: Request, run_id: str, format: Literal["json", "csv"] = "json",
             variable: Optional[str] = Query(None, max_length=200), region: Optional[str] = Query(None, max_length=80)):
    extra = sorted(set(request.query_params) - {"format", "variable", "region"})
    if extra:
        raise ApiError(400, f"unknown query parameter {extra[0]!r}", extra[0], ["format", "variable", "region"])
    _done(_state(request), run_id)
    df = _state(request).store.iamc(run_id, variable=variable, region=region)
    if format == "csv":
        return Response(df.to_csv(index=False), media_type="text/csv")
    return records(df)


@api.get("/runs/{run_id}/workbook", tags=["runs"])
def run_workbook(request: Request, run_id: str):
    _done(_state(request), run_id)
    return FileResponse(_state(request).store.artefact(run_id, "workbook"), filename=f"jalur-{run_id}.xlsx",
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@api.get("/runs/{run_id}/report", tags=["runs"])
def run_report(request: Request, run_id: str):
    _done(_state(request), run_id)
    return FileResponse(_state(request).store.artefact(run_id, "report"), media_type="text/html")


@api.post("/runs/{run_id}/cancel", tags=["runs"], dependencies=[Depends(writer)])
def run_cancel(request: Request, run_id: str) -> dict:
    """Cancel a queued or running run, keeping its record (``cancelled``); a finished run is left as it is."""
    _status(_state(request), run_id)
    return _public(_state(request).runner.cancel(run_id))


@api.delete("/runs/{run_id}", tags=["runs"], dependencies=[Depends(writer)])
def run_delete(request: Request, run_id: str) -> dict:
    _status(_state(request), run_id)
    _state(request).runner.cancel(run_id)
    _state(request).store.delete(run_id)
    return {"id": run_id, "deleted": True}


@api.get("/vehicle", tags=["engines"])
def vehicle(segment: str = Query(..., max_length=40), powertrain: Optional[list[str]] = Query(None),
            year: int = Query(2025, ge=2015, le=2060), region: Optional[str] = Query(None, max_length=40),
            fuel: Optional[list[str]] = Query(None), samples: int = Query(0, ge=0, le=MAX_SAMPLES),
            seed: Optional[int] = Query(None, ge=0, le=2**31 - 1), luc: Optional[str] = Query(None, max_length=20),
            power_scenario: Optional[str] = Query(None, max_length=40),
            battery_origin: Optional[str] = Query(None, max_length=20),
            nickel_route: Optional[str] = Query(None, max_length=40),
            battery_chemistry: Optional[str] = Query(None, max_length=20),
            infrastructure: bool = False) -> list[dict]:
    from jalur import datasets
    from jalur.vehicle import lifecycle, to_records

    opts = {k: v for k, v in dict(luc=luc, power_scenario=power_scenario, battery_origin=battery_origin,
                                  nickel_route=nickel_route, battery_chemistry=battery_chemistry).items() if v}
    reg = datasets.load()
    ds = lifecycle(segment, powertrain, fuel or "default", [year], [region or _national(reg)], samples=samples,
                   seed=seed, registry=reg, infrastructure=infrastructure, **opts)
    return records(to_records(ds))


@api.get("/vehicle/compare", tags=["engines"])
def vehicle_compare(segment: str = Query(..., max_length=40), year: int = Query(2025, ge=2015, le=2060),
                    region: Optional[str] = Query(None, max_length=40),
                    reference: Optional[str] = Query(None, max_length=40)) -> list[dict]:
    """Every powertrain of a segment side by side with its break-even distance against the reference (as
    ``jalur vehicle compare --format json``)."""
    from jalur import datasets
    from jalur.vehicle.compare import compare

    reg = datasets.load()
    return records(compare(segment, year, region or _national(reg), reference=reference, registry=reg))


@api.get("/runs/{run_id}/provenance", tags=["runs"])
def run_provenance(request: Request, run_id: str) -> dict:
    _done(_state(request), run_id)
    return json.loads(_state(request).store.artefact(run_id, "provenance").read_text(encoding="utf-8"))


@api.post("/tax", tags=["engines"])
def tax(body: TaxBody) -> dict:
    from jalur import datasets
    from jalur.policy.ppnbm import assess, spec_from_kwargs

    reg = datasets.load()
    kw = body.model_dump(exclude={"scheme2_from"})
    kw["date"] = (body.date or dt.date.today()).isoformat()
    spec = spec_from_kwargs(**kw)
    res = assess(spec, registry=reg, scheme2_from=body.scheme2_from)
    return _clean({**res.as_dict(), "date": spec.date.isoformat(), "jalur_version": __version__,
                   "data_version": reg.data_version})


@api.get("/tco", tags=["engines"])
def tco(segment: str = Query(..., max_length=40), year: int = Query(2025, ge=2022, le=2060),
        region: Optional[str] = Query(None, max_length=40), powertrain: Optional[list[str]] = Query(None),
        discount_rate: float = Query(0.08, ge=0, lt=1), price_basis: Literal["retail", "market"] = "retail",
        gasoline: Literal["pertalite", "pertamax"] = "pertalite") -> list[dict]:
    from jalur.policy.tco import tco as run_tco

    df = run_tco(segment, year, region, powertrains=powertrain, discount_rate=discount_rate,
                 price_basis=price_basis, gasoline_product=gasoline)
    return records(df)


@api.get("/data/tables", tags=["data"])
def tables() -> list[dict]:
    from jalur import datasets

    reg = datasets.load()
    return [{"name": n, "title": reg.table(n).schema.title, "title_id": reg.table(n).schema.title_id,
             "rows": len(reg.table(n).frame)} for n in reg.names()]


@api.get("/data/tables/{name}", tags=["data"])
def table(name: str, request: Request, limit: int = Query(1000, ge=1, le=100000)) -> list[dict]:
    from jalur import datasets

    reg = datasets.load()
    _name(name, "name")
    if name not in reg.names():
        raise ApiError(404, f"no data table {name!r}", "name", list(reg.names()))
    t = reg.table(name)
    filters = {k: v for k, v in request.query_params.items() if k != "limit"}
    if len(filters) > FILTER_COLUMNS:
        raise ApiError(400, f"at most {FILTER_COLUMNS} filters", "query")
    df = t.public()
    for col, value in filters.items():
        if col not in df.columns:
            raise ApiError(400, f"table {name!r} has no column {col!r}", col, list(map(str, df.columns)))
        df = df[df[col].astype(str) == value]
    return records(df.head(limit))


@api.get("/data/sources/{source_id}", tags=["data"])
def source(source_id: str) -> dict:
    from jalur import datasets

    reg = datasets.load()
    _name(source_id, "source_id")
    if source_id not in reg.sources.index:
        raise ApiError(404, f"no source {source_id!r}", "source_id")
    return _clean({"id": source_id, **{k: v for k, v in reg.source(source_id).items()}})



def _national(reg) -> str:
    from jalur.catalog import catalog

    return catalog(reg).national.id


def _public(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "pid"}


def _status(state, run_id: str) -> dict:
    try:
        state.store.check_id(run_id)
    except InputError as e:
        raise ApiError(400, str(e), "run_id") from None
    doc = state.store.status(run_id)
    if doc is None:
        raise ApiError(404, f"no run {run_id}", "run_id")
    return doc


def _done(state, run_id: str) -> None:
    doc = _status(state, run_id)
    if doc["status"] != "done":
        raise ApiError(409, f"run {run_id} is {doc['status']}: results come when it is done", "run_id")
