"""The JSON API fuzzed from its own OpenAPI schema with schemathesis, signed in as a lead inspector on a real
server (uvicorn, SQLite with the fictional demo): whatever it is sent, it never answers with a server error."""

import re

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.servers import AppServer

pytestmark = pytest.mark.fuzz


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = AppServer(tmp_path_factory.mktemp("fuzz"))
    yield app
    app.stop()


@pytest.fixture(scope="module")
def signed_in(server):
    client = httpx.Client(base_url=server.url)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"email": "lead@example.org", "password": "demo-lead-password", "csrf_token": token})
    csrf = client.get("/api/v1/session").json()["csrf_token"]
    return {"cookies": dict(client.cookies), "headers": {"X-CSRF-Token": csrf}}


def test_the_api_never_answers_with_a_server_error(server, signed_in):
    # Driven by hand rather than through schemathesis's pytest plugin, which this pytest version cannot load.
    schema = schemathesis.openapi.from_url(f"{server.url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/v1/session", "/api/v1/sync", "/api/v1/inspections"}
    calls = []

    for operation in operations:
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def fuzz(case):
            response = case.call(base_url=server.url, headers=signed_in["headers"], cookies=signed_in["cookies"])
            calls.append(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])

        fuzz()
    assert len(calls) >= 5 * len(operations)  # it really sent requests
    assert any(code < 300 for code in calls) and any(400 <= code < 500 for code in calls)
