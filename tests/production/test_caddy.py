"""The production shape run as processes (no Docker engine here): Debian's Caddy with the project's own
deploy/Caddyfile, in front of two app processes started as the image starts them (the Dockerfile's CMD through
scripts/docker-entrypoint.sh, with the replicas' environment from docker-compose.yml), on one PostgreSQL
database built by the migrations.

Caddy listens on localhost at a free port with a certificate from its own local CA, kept in a temporary folder.
Clients connect from other loopback addresses (127.0.0.2, ...) so the app can tell one client from another and
from the proxy (127.0.0.1, the replicas' FORWARDED_ALLOW_IPS here)."""

import json
import os
import re
import signal
import ssl
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import text
from sqlmodel import Session

from app.db import make_engine
from app.flows import setup
from app.frameworks import timeline
from app.inspections import service as inspections
from app.survey import service as survey
from app.users import service as users
from tests.conftest import csrf_from, new_postgres_database, skip_or_fail
from tests.integration.conftest import PASSWORD, SYSTEM
from tests.integration.test_survey import PARENT_ANSWERS
from tests.servers import ROOT, AppServer, free_port

pytestmark = pytest.mark.postgres

CADDY = "/usr/bin/caddy"
PROXY = "127.0.0.1"  # the address Caddy connects to the replicas from
LEAD = "lead@example.org"
SURVEY_LIMIT = 2  # answers per address per 10 minutes, low so the test reaches it


def replica_environment(database_url: str, workdir: Path) -> dict:
    """docker-compose.yml's environment for the replicas; what names a Docker host or volume is replaced."""
    env = {key: str(value) for key, value in yaml.safe_load((ROOT / "docker-compose.yml").read_text())["x-app"]
           ["environment"].items()}
    env.update(SECRET_KEY="caddy-test-secret-key-long-enough-0123456789", DATABASE_URL=database_url,
               UPLOAD_DIR=str(workdir / "uploads"), RELEASE="", RETENTION_DAYS="180", FORWARDED_ALLOW_IPS=PROXY,
               SURVEY_RATE_LIMIT=str(SURVEY_LIMIT), PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    assert not [value for value in env.values() if "${" in value]
    assert (env["ENVIRONMENT"], env["RUN_MIGRATIONS"], env["LOG_FORMAT"]) == ("production", "0", "json")
    return env


def image_command(port: int) -> list[str]:
    """The Dockerfile's CMD through its entrypoint, on loopback and the given port instead of 0.0.0.0:8000."""
    cmd = json.loads(re.search(r"^CMD (.+)$", (ROOT / "Dockerfile").read_text(), re.MULTILINE).group(1))
    cmd = [{"0.0.0.0": "127.0.0.1", "8000": str(port)}.get(arg, arg) for arg in cmd]
    assert "--proxy-headers" in cmd and str(port) in cmd
    return ["sh", str(ROOT / "scripts" / "docker-entrypoint.sh"), *cmd]


class Caddy:
    """Caddy in its own process group, with the project's Caddyfile imported under test-only global options:
    no admin endpoint, no trust-store install, loopback only, its data (the local CA) in workdir."""

    def __init__(self, workdir: Path, upstreams: list[AppServer]):
        self.port = free_port()
        self.url = f"https://localhost:{self.port}"
        self.log_path = workdir / "caddy.log"
        config = workdir / "Caddyfile.test"
        config.write_text("{\n\tadmin off\n\tlocal_certs\n\tskip_install_trust\n\tdefault_bind 127.0.0.1\n"
                          f"\thttp_port {free_port()}\n\tauto_https disable_redirects\n}}\n"
                          f"import {ROOT / 'deploy' / 'Caddyfile'}\n")
        self.root_ca = workdir / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        env = {"PATH": os.environ["PATH"], "HOME": str(workdir), "XDG_DATA_HOME": str(workdir / "data"),
               "XDG_CONFIG_HOME": str(workdir / "config"), "SITE_ADDRESS": f"localhost:{self.port}",
               "APP_UPSTREAMS": " ".join(f"{PROXY}:{server.port}" for server in upstreams)}
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen([CADDY, "run", "--adapter", "caddyfile", "--config", str(config)],
                                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.process.poll() is None:
            if self.root_ca.exists():
                try:
                    with self.client() as client:
                        if client.get("/healthz").status_code == 200:
                            return
                except (httpx.HTTPError, ssl.SSLError):
                    pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"Caddy did not start: {self.log_path.read_text()[-3000:]}")

    def client(self, source: str = "127.0.0.1") -> httpx.Client:
        """A client connecting from the given loopback address, trusting only Caddy's local root."""
        verify = ssl.create_default_context(cafile=str(self.root_ca))
        return httpx.Client(base_url=self.url, timeout=10,
                            transport=httpx.HTTPTransport(verify=verify, local_address=source))

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not os.access(CADDY, os.X_OK):
        skip_or_fail(f"Caddy is not installed at {CADDY} (Debian: apt-get install caddy)")
    workdir = tmp_path_factory.mktemp("caddy")
    with new_postgres_database("sendfw_caddy") as url:
        env = replica_environment(url, workdir)
        servers, caddy, engine = [], None, make_engine(url)
        try:
            token = set_up_inspection(engine)
            with ThreadPoolExecutor(2) as pool:  # both at once: their start-up is most of this module's time
                starting = [pool.submit(AppServer, workdir, database_url=url, name=name, env=env,
                                        command=image_command) for name in ("app1", "app2")]
            servers += [future.result() for future in starting if future.exception() is None]
            for future in starting:
                future.result()  # a process that did not start fails the module (the other is stopped below)
            caddy = Caddy(workdir, servers)
            yield {"caddy": caddy, "servers": servers, "engine": engine, "survey": token}
        finally:
            if caddy:
                caddy.stop()
            for server in servers:
                server.stop()
            engine.dispose()


def set_up_inspection(engine) -> str:
    """A lead and her inspection whose questionnaires are open today (whatever day the test runs): a send-2023
    inspection notified at the start of this week (they close in the middle of next week). Returns the parents'
    survey link."""
    with Session(engine) as session:
        lead = users.create_user(session=session, actor=SYSTEM, password=PASSWORD, form=users.UserForm(
            email=LEAD, name="Lead HMI (fictional)", role="inspector", inspector_kind="hmi"))
        notified = timeline.first_working_day_of_week(inspections.today_on_site())
        inspection = setup.set_up_inspection(session=session, actor=SYSTEM, creator=lead, form=(
            inspections.InspectionForm(local_area="Caddyshire (fictional)", la_code="999", framework="send-2023",
                                       notification_date=notified.isoformat())))
        token = survey.links_for(session=session, inspection=inspection)["parent_carer"].token
        session.commit()
    return token


def served_by(servers: list[AppServer], request_ids: list[str]) -> dict[str, str]:
    """Which process logged each request id (its JSON request log line), waiting briefly for the lines."""
    found: dict[str, str] = {}
    deadline = time.monotonic() + 5
    while len(found) < len(request_ids) and time.monotonic() < deadline:
        for server in servers:
            for line in server.log_path.read_text().splitlines():
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # a line uvicorn printed before the app configured its logs
                if record.get("message") == "request" and record.get("request_id") in request_ids:
                    found[record["request_id"]] = server.log_path.stem
        time.sleep(0.1)
    return found


def answer_survey(caddy: Caddy, token: str, source: str, headers: dict | None = None) -> httpx.Response:
    """One parent answering on their own phone (a new browser: no cookies) from the given address."""
    with caddy.client(source) as client:
        page = client.get(f"/s/{token}")
        assert page.status_code == 200, page.text
        submission_id = re.search(r'name="submission_id" value="([^"]+)"', page.text).group(1)
        return client.post(f"/s/{token}", headers=headers or {}, data={
            "csrf_token": csrf_from(page.text), "submission_id": submission_id, "respondent_type": "parent_carer",
            **PARENT_ANSWERS, "comment": "", "website": ""})


def sign_in(client: httpx.Client, headers: dict | None = None) -> httpx.Response:
    page = client.get("/login")
    response = client.post("/login", headers=headers or {}, data={
        "email": LEAD, "password": PASSWORD, "csrf_token": csrf_from(page.text)})
    assert response.status_code == 303, response.text
    return response


def last_session_address(stack) -> str:
    with stack["engine"].connect() as conn:
        return conn.execute(text("SELECT ip_address FROM user_sessions ORDER BY id DESC LIMIT 1")).scalar_one()


def test_tls_from_caddys_local_ca_and_both_probes_answer(stack):
    with stack["caddy"].client() as client:
        for probe in ("/healthz", "/readyz"):
            response = client.get(probe)
            assert response.status_code == 200, (probe, response.text)
        # The app knows the request came over TLS (Caddy's X-Forwarded-Proto, believed from the proxy).
        assert client.get("/login").headers["strict-transport-security"].startswith("max-age=")
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{stack['caddy'].url}/healthz")  # the system's roots do not know Caddy's local CA


def test_requests_are_spread_over_both_processes(stack):
    with stack["caddy"].client() as client:
        ids = [client.get("/login").headers["x-request-id"] for _ in range(8)]
    assert len(set(ids)) == 8  # Caddy's id for each request, which the app keeps and logs
    found = served_by(stack["servers"], ids)
    assert sorted(found) == sorted(ids)
    assert sorted(set(found.values())) == ["app1", "app2"], found


def test_the_survey_limit_counts_the_address_caddy_forwards_and_a_forged_one_does_not_escape_it(stack):
    caddy, token = stack["caddy"], stack["survey"]
    if time.time() % 600 > 590:  # the limit's fixed 10-minute window is about to turn over: start in the next
        time.sleep(600 - time.time() % 600 + 0.5)
    # One address: its answers count together, up to the limit.
    for _ in range(SURVEY_LIMIT):
        assert answer_survey(caddy, token, "127.0.0.2").status_code == 303
    paused = answer_survey(caddy, token, "127.0.0.2")
    assert paused.status_code == 429 and "Please try again in 10 minutes" in paused.text
    # A client claiming to be someone else is still the address Caddy sees.
    forged = answer_survey(caddy, token, "127.0.0.2", headers={"X-Forwarded-For": "198.51.100.77"})
    assert forged.status_code == 429
    # Another address through the same proxy is not limited: the count is per client, not per proxy.
    assert answer_survey(caddy, token, "127.0.0.3").status_code == 303
    with stack["engine"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM rate_limit_windows WHERE key LIKE 'survey:%'")).scalar_one() == 2


def test_an_x_forwarded_for_sent_through_caddy_is_replaced_by_the_real_address(stack):
    with stack["caddy"].client("127.0.0.4") as client:
        sign_in(client, headers={"X-Forwarded-For": "203.0.113.7"})
    assert last_session_address(stack) == "127.0.0.4"


def test_forwarded_headers_sent_straight_to_a_process_are_believed_only_from_the_proxys_address(stack):
    app1 = stack["servers"][0]
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    transport = httpx.HTTPTransport(local_address="127.0.0.5")
    with httpx.Client(base_url=app1.url, transport=transport, timeout=10) as client:
        response = sign_in(client, headers=forged)
    assert last_session_address(stack) == "127.0.0.5"
    assert "secure" not in response.headers["set-cookie"].lower()  # nor its claim of TLS
    # From the proxy's own address the same header is believed: the trust is by address, and only that one.
    with httpx.Client(base_url=app1.url, timeout=10) as client:
        sign_in(client, headers={"X-Forwarded-For": "198.51.100.23"})
    assert last_session_address(stack) == "198.51.100.23"


def test_traffic_flows_on_when_one_process_is_stopped(stack):
    """Last in the module: app2 stays stopped (starting it again would add seconds to nothing)."""
    app1, app2 = stack["servers"]
    app2.stop()  # killed, as when a process falls over
    with stack["caddy"].client() as client:
        responses = [client.get("/login") for _ in range(6)]
        assert [r.status_code for r in responses] == [200] * 6
        assert client.get("/readyz").status_code == 200
    ids = [r.headers["x-request-id"] for r in responses]
    found = served_by([app1, app2], ids)
    assert sorted(found) == sorted(ids) and set(found.values()) == {"app1"}
