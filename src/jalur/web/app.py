"""The web application: the dashboard at ``/`` and the API at ``/api/v1`` (with ``/api/v1/openapi.json`` and
interactive docs at ``/api/v1/docs``), over one run store and its executors."""

from __future__ import annotations

import re
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
        warm()
        yield
        state.runner.close()

    app = FastAPI(title="jalur", version=__version__, openapi_url="/api/v1/openapi.json", docs_url=None,
                  lifespan=lifespan,
                  redoc_url=None, description="Indonesia's road transport pathways: vehicle life cycle, LCEV tax and "
                                              "cost of ownership, fleet runs.")
    app.state.jalur = state
    app.include_router(api)

    app.add_middleware(BodyLimit, limit=MAX_BODY)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        r = problem(exc.status, _title(exc.status), exc.detail, exc.field, exc.allowed, request.url.path)
        if exc.status == 401:
            r.headers["WWW-Authenticate"] = 'Bearer realm="jalur"'
        return r

    @app.exception_handler(JalurError)
    async def jalur_error(request: Request, exc: JalurError):
        detail = clean_message(str(exc))
        field, allowed = blame(detail, request)
        status = 422 if exc.__class__.__name__ in ("DataError", "ScenarioError") else 400
        return problem(status, _title(status), detail, field, allowed, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        errors = [{"field": "body" if e["type"] == "json_invalid" else
                   (".".join(str(x) for x in e["loc"][1:]) or str(e["loc"][0])), "detail": e["msg"]}
                  for e in exc.errors()]
        return problem(422, "Invalid request", "; ".join(f"{e['field']}: {e['detail']}" for e in errors),
                       instance=request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return problem(exc.status_code, _title(exc.status_code), str(exc.detail), instance=request.url.path)

    from jalur.web.pages import mount

    mount(app)
    return app


def warm() -> None:
    """Load the data and the engines' per-registry caches once, before the first request: a burst of first
    requests would otherwise each build them at the same time."""
    from jalur import datasets
    from jalur.pathways.context import context
    from jalur.vehicle import lifecycle

    reg = datasets.load()
    context(reg)
    lifecycle(reg.table("segments").public()["segment"].iloc[0], years=[2030], registry=reg)


class BodyLimit:
    """ASGI middleware: a request body larger than *limit* bytes, declared or streamed (chunked), is a 413. The
    body is read (up to the limit) before the application sees it, then handed on as it came."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await _too_large(scope, receive, send, self.limit)
        messages, seen = [], 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            seen += len(message.get("body", b""))
            if seen > self.limit:
                return await _too_large(scope, receive, send, self.limit)
            if not message.get("more_body"):
                break

        async def replay():
            return messages.pop(0) if messages else await receive()

        return await self.app(scope, replay, send)


async def _too_large(scope, receive, send, limit: int):
    r = problem(413, "Request too large", f"bodies up to {limit:,} bytes", "body", instance=scope.get("path", ""))
    await r(scope, receive, send)


TEMP = re.compile(r"/[^\s'\"]*jalur-request-[^/\s'\"]*/")


def clean_message(text: str) -> str:
    """An engine's message without the server's temporary paths."""
    return TEMP.sub("", text)


def blame(detail: str, request: Request) -> tuple[str, list[str] | None]:
    """The request field an engine's message is about (a query parameter it names or whose value it quotes, else
    'body'), and the allowed values it lists."""
    field = "body"
    for name, value in request.query_params.multi_items():
        if f"{value!r}" in detail or name in detail.split(";")[0]:
            field = name
            break
    m = re.search(r"(?:allowed|[a-z_ ]+s): ([^;\n]+?)(?:\.|$|;|\()", detail)
    allowed = [v.strip() for v in m.group(1).split(",")] if m and "," in m.group(1) else None
    return field, allowed


def _title(status: int) -> str:
    return {400: "Bad request", 401: "Unauthorized", 404: "Not found", 405: "Method not allowed", 409: "Conflict",
            413: "Request too large", 422: "Invalid request"}.get(status, "Error")
