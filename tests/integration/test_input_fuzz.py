"""No input reaches a server error, proved by fuzzing: every route the app has (read from the app, so a new route
is fuzzed without being listed here), signed in as a role that may use it, on SQLite and PostgreSQL.

Generated values (hypothesis) go into every path parameter, every query parameter the route declares, every field
of every form that posts to the route (found by reading the pages' forms as a browser would) and every field of
the JSON API's bodies and of sync ops: NUL, lone surrogates, control characters, 1 MB strings, huge integers,
extreme dates. Forms and JSON are sent as raw bytes, as an attacker would (a lone surrogate as the UTF-8 bytes a
broken encoder makes). Nothing may answer 5xx, and a refused request (4xx) stores nothing: the row count of every
table is the same after it as before.
"""

import json
import os
import re
import uuid
from urllib.parse import quote, urlencode

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import SQLModel

from app import models as _all_tables  # noqa: F401  (every table's metadata)
from tests.conftest import csrf_from
from tests.integration.conftest import sign_in
from tests.integration.test_route_matrix import EXPECTED, ROLES, app_routes, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.fuzz

# Tables a refused request may still write to, by design: the counters that make refusals cost an attacker.
COUNTERS = {"login_throttles", "rate_limit_windows", "user_sessions"}

HOSTILE = [
    "\x00", "a\x00b", "\ud800", "x\udfffy", "\x01\x02\x1b[31m", "\x7f\x85\x9f", "\ufffe", "\u202eevil",
    "e\u0301", "\U0001f600", "99999999999999999999", str(2**31), str(2**63), "-1", "0", "-0", "1e309", "NaN",
    "0001-01-01", "9999-12-31", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "", " ", "%00", "../../etc/passwd",
    "<script>alert(1)</script>", "' OR 1=1 --", "{{7*7}}", "null", "[]", "{}",
]
LONG = "x" * 1_000_000

values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40),  # surrogates included
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.dates().map(lambda d: d.isoformat()),
)


def raw(value: str) -> bytes:
    """The bytes a client sends for a text: a lone surrogate as the bytes a careless encoder makes."""
    return value.encode("utf-8", "surrogatepass")


def form_body(fields: dict[str, str]) -> bytes:
    return "&".join(f"{quote(raw(k), safe='')}={quote(raw(v), safe='')}" for k, v in fields.items()).encode()


def row_counts(db) -> dict[str, int]:
    names = [t.name for t in SQLModel.metadata.sorted_tables if t.name not in COUNTERS]
    # A refused password or code is audited on purpose (login.failed, user.reauthentication_failed...).
    where = {"audit_events": " WHERE action NOT LIKE '%failed'"}
    row = db.connection().execute(text("SELECT " + ", ".join(
        f'(SELECT count(*) FROM "{n}"{where.get(n, "")})' for n in names))).one()
    return dict(zip(names, row, strict=True))


def actor_for(method: str, path: str) -> str:
    """A role the route lets act (not redirected to sign in, not 'not found' or 'forbidden')."""
    statuses = EXPECTED.get((method, path), (200,) * len(ROLES))
    for role in ("lead", "admin", "officer", "member", "anonymous"):
        if statuses[ROLES.index(role)] not in (303, 403, 404):
            return role
    return "lead"


def forms_by_action(client, urls: list[str]) -> dict[str, dict[str, str]]:
    """Every form on these pages as a browser sees it: its action's path -> field name -> a value it would send."""
    found: dict[str, dict[str, str]] = {}
    for url in urls:
        page = client.get(url)
        if page.status_code != 200 or "html" not in page.headers.get("content-type", ""):
            continue
        for form in BeautifulSoup(page.text, "html.parser").select("form[method=post], form[method=POST]"):
            action = (form.get("action") or url).split("?")[0]
            fields = found.setdefault(action, {})
            for field in form.select("input[name], textarea[name], select[name]"):
                if field.name == "select":
                    option = field.select_one("option[value]")
                    fields.setdefault(field["name"], option["value"] if option else "")
                elif field.get("type") in ("radio", "checkbox"):
                    fields.setdefault(field["name"], field.get("value", "on"))
                else:
                    fields.setdefault(field["name"], field.get("value") or field.text or "")
    return found


def path_pattern(path: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")


FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "6")), deadline=None,
                suppress_health_check=list(HealthCheck), database=None, derandomize=True)


def test_no_input_reaches_a_server_error_and_a_refusal_stores_nothing(app, db, world):
    people, ids = world
    routes = sorted(app_routes())
    assert len(routes) >= 100  # read from the app, so new routes are in
    clients, tokens = {}, {}
    for role in ("lead", "admin", "officer", "member", "anonymous"):
        c = TestClient(app, follow_redirects=False, raise_server_exceptions=False)  # a 500 is an answer here
        if role == "anonymous":
            tokens[role] = csrf_from(c.get("/login").text)
        else:
            sign_in(c, db, people[role])
            tokens[role] = c.get("/api/v1/session").json()["csrf_token"]
        clients[role] = c
    pages = [p.format(**ids) for m, p in routes if m == "GET"]
    forms: dict[str, dict[str, str]] = {}
    for role in clients:
        for action, fields in forms_by_action(clients[role], sorted(set(pages))).items():
            forms.setdefault(action, {}).update(fields)
    failures: list[str] = []
    sent = {"requests": 0, "refused": 0}

    def check(method: str, path: str, response, before, value: str) -> None:
        sent["requests"] += 1
        if response.status_code >= 500:
            failures.append(f"{method} {path} with {value[:60]!r} -> {response.status_code}")
        elif response.status_code >= 400:
            sent["refused"] += 1
            after = row_counts(db)
            changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
            if changed:
                failures.append(f"{method} {path} -> {response.status_code} but stored {changed}")

    def fuzz_route(method: str, path: str) -> None:  # a function, so that `fuzz` binds this route's values
        role = actor_for(method, path)
        c, token = clients[role], tokens[role]
        names = re.findall(r"\{([^}]+)\}", path)
        url = path.format(**ids)
        fields = {k: v for action, form in forms.items() if path_pattern(path).match(action)
                  for k, v in form.items()} or {"text": "", "notes": "", "comment": "", "name": ""}
        fields.pop("csrf_token", None)
        # Fields a route reads that no form shows (a client-made id, where to go back to): sent too.
        fields = {"id": "", "return_to": "", "next": "", **fields}
        is_api = path.startswith("/api/")

        @FUZZ
        @given(value=values, which=st.integers(min_value=0, max_value=1000), long=st.booleans())
        def fuzz(value, which, long):
            if long and which % 7 == 0:
                value = LONG
            before = row_counts(db)
            target = url
            in_address = value[:8000]  # HTTP servers refuse longer request lines before the app sees them
            if names and which % 3 == 0:  # a hostile path parameter
                name = names[which % len(names)]
                target = path.format(**{**ids, name: quote(raw(in_address), safe="")})
            if method == "GET":
                query = {"q": in_address, "day": in_address, "since": in_address, "limit": in_address,
                         "next": in_address}
                response = c.get(target + "?" + urlencode({k: raw(v) for k, v in query.items()}))
            elif is_api:
                body = api_body(path, ids, value, which)
                response = c.request(method, target, content=json.dumps(body).encode(), headers={
                    "X-CSRF-Token": token, "Content-Type": "application/json"})
            else:
                posted = dict(fields)
                keys = sorted(posted)
                for n, key in enumerate(keys):  # one field hostile, or every field at once
                    if which % 2 == 0 or n == which % len(keys):
                        posted[key] = value
                posted["csrf_token"] = token
                response = c.post(target, content=form_body(posted), headers={
                    "Content-Type": "application/x-www-form-urlencoded"})
            check(method, path, response, before, value)

        fuzz()

    for method, path in routes:
        fuzz_route(method, path)
    assert sent["requests"] >= 6 * len(routes) and sent["refused"] > 0
    assert not failures, "\n".join(failures[:40])


def api_body(path: str, ids: dict, value: str, which: int) -> dict:
    """A JSON body of the route's shape with one hostile field (as text, or as a number when it is one)."""
    hostile = int(value) if re.fullmatch(r"-?\d+", value) and which % 2 else value
    if path == "/api/v1/sync":
        op = {"op_id": str(uuid.uuid4()), "entity": "evidence_item", "action": "create", "id": str(uuid.uuid4()),
              "inspection_id": ids["inspection_id"], "base_version": None, "client_time": "2027-03-08T10:00:00Z",
              "data": {"text": "Fictional fuzzed evidence.", "heading": 1, "aspect": "timeliness",
                       "judgement": "strength", "strands": ["education"]}}
        keys = ["op_id", "entity", "action", "id", "inspection_id", "base_version", "client_time", "text",
                "heading", "aspect", "judgement", "strands", "source_id", "device_id"]
        key = keys[which % len(keys)]
        if key in op:
            op[key] = hostile
        elif key == "device_id":
            return {"device_id": hostile, "ops": [op]}
        else:
            op["data"][key] = hostile
        concern = {**op, "entity": "safeguarding_concern", "op_id": str(uuid.uuid4()), "id": str(uuid.uuid4()),
                   "data": {"category": "low_level", "what_happened": hostile, "met_at": hostile}}
        # An answer on a tracked case, the documents asked for (a list) and one received (a code and a date).
        documents = {**op, "entity": "case_document_request", "op_id": str(uuid.uuid4()),
                     "data": {"documents": [hostile] if which % 2 else hostile, "requested_on": hostile}}
        received = {**op, "entity": "case_document_received", "op_id": str(uuid.uuid4()),
                    "data": {"document": hostile, "received_on": hostile}}
        return {"device_id": "fuzz", "ops": [op, concern, documents, received]}
    if path.endswith("/team"):
        return {"email": hostile, "team_role": "cqc_inspector" if which % 2 else hostile}
    if path.endswith("/decision"):  # the 2016 shape and the 2023 one, hostile throughout
        return {"wsoa_required": hostile if which % 2 else True, "significant_weaknesses": [hostile],
                "outcome": hostile, "priority_actions": [{"text": hostile, "responsible_bodies": [hostile]}],
                "areas_for_improvement": hostile}
    return {"local_area": hostile, "la_code": "999", "framework": "send-2016",
            "start_date": hostile if which % 2 else "2027-03-08"}
