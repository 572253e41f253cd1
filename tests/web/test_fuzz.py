"""Property-based fuzzing of the OpenAPI schema (Schemathesis strategies driven by Hypothesis): whatever a client
sends to any operation, no server error (5xx)."""

from __future__ import annotations

import pytest

pytest.importorskip("schemathesis", reason="the web extra is not installed")

import schemathesis  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402

from jalur.web.app import create_app  # noqa: E402

#: Examples per operation: enough to reach every parameter's edges, small enough for CI.
EXAMPLES = 30


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    app = create_app(tmp_path_factory.mktemp("fuzz-store"), workers=1)
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


def _operations():
    app = create_app(None, workers=1)
    spec = app.openapi()
    app.state.jalur.runner.close()
    return [(method.upper(), path) for path, ops in spec["paths"].items() for method in ops]


@pytest.mark.parametrize("method,path", _operations())
def test_no_server_error(schema, method, path):
    op = schema[path][method].ok() if hasattr(schema[path][method], "ok") else schema[path][method]

    @given(case=op.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        response = case.call()
        assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body,
                                             response.text[:800])

    check()
