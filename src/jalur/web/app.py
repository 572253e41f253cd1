"""The web application: the dashboard at ``/`` and the API at ``/api/v1`` (with ``/api/v1/openapi.json`` and
interactive docs at ``/api/v1/docs``), over one run store and its executors."""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from jalur._version import __version__
from jalur.errors import JalurError
from jalur.store import RunStore
from jalur.web.api import ApiError, api, problem
from jalur.web.runner import Runner

#: Largest request body accepted [bytes]: a scenario and overrides fit well under it.
MAX_BODY = 1_000_000


@dataclass
class State:
    store: RunStore
    runner: Runner
    token: str | None


def create_app(store: str | Path | RunStore | None = None, workers: int = 1, token: str | None = None) -> FastAPI:
    """The application over the run store at *store* (default ``$JALUR_HOME/runs``) with *workers* run
    executors; write and run requests need *token* when it is given."""
    st = store if isinstance(store, RunStore) else RunStore(store)
    state = State(st, Runner(st, workers), token)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        state.runner.close()

    app = FastAPI(title="jalur", version=__version__, openapi_url="/api/v1/openapi.json", docs_url="/api/v1/docs",
                  lifespan=lifespan,
                  redoc_url=None, description="Indonesia's road transport pathways: vehicle life cycle, LCEV tax and "
                                              "cost of ownership, fleet runs.")
    app.state.jalur = state
    app.include_router(api)

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        size = request.headers.get("content-length")
        if size is not None and (not size.isdigit() or int(size) > MAX_BODY):
            return problem(413, "Request too large", f"bodies up to {MAX_BODY:,} bytes", "body",
                           instance=request.url.path)
        return await call_next(request)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return problem(exc.status, _title(exc.status), exc.detail, exc.field, exc.allowed, request.url.path)

    @app.exception_handler(JalurError)
    async def jalur_error(request: Request, exc: JalurError):
        return problem(400 if exc.__class__.__name__ != "DataError" else 422, "Bad request", str(exc), "body",
                       instance=request.url.path)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        errors = [{"field": ".".join(str(x) for x in e["loc"][1:]) or str(e["loc"][0]), "detail": e["msg"]}
                  for e in exc.errors()]
        body = problem(422, "Invalid request", "; ".join(f"{e['field']}: {e['detail']}" for e in errors),
                       instance=request.url.path)
        import json

        doc = json.loads(body.body)
        doc["errors"] = errors
        return problem_doc(doc, 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return problem(exc.status_code, _title(exc.status_code), str(exc.detail), instance=request.url.path)

    from jalur.web.pages import mount

    mount(app)
    return app


def problem_doc(doc: dict, status: int):
    from fastapi.responses import JSONResponse

    return JSONResponse(doc, status_code=status, media_type="application/problem+json")


def _title(status: int) -> str:
    return {400: "Bad request", 401: "Unauthorized", 404: "Not found", 405: "Method not allowed", 409: "Conflict",
            413: "Request too large", 422: "Invalid request"}.get(status, "Error")
