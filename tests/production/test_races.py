"""Production shape: two app processes (uvicorn, separate ports) on one PostgreSQL database.

The same batch fired at both at the same moment lands exactly once; two conflicting updates racing give one
applied and one conflict, never a lost update; sessions and sign-in throttling are shared through the database,
so a device may be sent to either process."""

import re
import threading
import uuid
from collections import Counter
from datetime import date

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.db import make_engine, run_retrying
from app.demo import DEMO_AREA
from app.web import csrf
from tests.conftest import new_postgres_database
from tests.servers import AppServer, run_cli

ROUNDS = 25


@pytest.fixture(scope="module")
def processes(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("race")
    with new_postgres_database("sendfw_race") as url:
        a = AppServer(workdir, database_url=url, name="a")
        run_cli(a.env, "seed-demo")
        b = AppServer(workdir, database_url=url, name="b")
        engine = make_engine(url)
        try:
            yield a, b, engine
        finally:
            a.stop()
            b.stop()
            engine.dispose()


@pytest.fixture(scope="module")
def lead(processes):
    """The lead signed in once, on process A; the same cookie is then sent to either process."""
    a, b, engine = processes
    clients = [httpx.Client(base_url=server.url, timeout=60) for server in (a, b)]
    page = clients[0].get("/login").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = clients[0].post("/login", data={"email": "lead@example.org", "password": "demo-lead-password",
                                               "csrf_token": token})
    assert response.status_code == 303, response.text
    clients[1].cookies = clients[0].cookies
    sessions = [client.get("/api/v1/session") for client in clients]
    assert [s.status_code for s in sessions] == [200, 200]
    # One session, stored in the database, seen by both: the same person and the same token (masked afresh in
    # each answer, so compared unmasked).
    seen = [s.json() for s in sessions]
    assert [csrf.unmask(one.pop("csrf_token")) for one in seen] == [csrf.unmask(sessions[0].json()["csrf_token"])] * 2
    assert seen[0] == seen[1]
    with engine.connect() as conn:
        inspection_id, start = conn.execute(text("SELECT id, start_date FROM inspections WHERE local_area = :area"),
                                            {"area": DEMO_AREA}).one()
        lead_id = conn.execute(text("SELECT id FROM users WHERE email = 'lead@example.org'")).scalar_one()
    yield {"clients": clients, "token": sessions[0].json()["csrf_token"], "inspection_id": inspection_id,
           "day": start if isinstance(start, date) else date.fromisoformat(start), "lead_id": lead_id}
    for client in clients:
        client.close()


def op(lead, entity: str, **fields) -> dict:
    base = {"op_id": str(uuid.uuid4()), "entity": entity, "action": "create", "id": str(uuid.uuid4()),
            "inspection_id": lead["inspection_id"], "base_version": None,
            "client_time": f"{lead['day'].isoformat()}T10:00:00Z"}
    data = {
        "evidence_item": {"text": "Fictional evidence raced between two processes.", "heading": 1,
                          "aspect": "timeliness", "judgement": "strength", "strands": ["education"]},
        "activity": {"kind": "meeting", "meeting_with": "young_people_group", "day": lead["day"].isoformat(),
                     "inspector_ids": [lead["lead_id"]], "attendees": [{"role": "Forum chair", "organisation": ""}]},
        "file_review": {"case_reference": f"R-{uuid.uuid4().hex[:6]}", "age_band": "5-10",
                        "setting_type": "further_education", "sen_status": "sen_support", "primary_need": "SpLD"},
    }[entity]
    return {**base, **fields, "data": {**data, **fields.pop("data", {})}}


def fire_at_both(lead, bodies: list[dict]) -> list[httpx.Response]:
    """Each body to its own process (A, B, A, ...), all released at the same moment."""
    barrier = threading.Barrier(len(bodies))
    responses: list[httpx.Response | None] = [None] * len(bodies)

    def send(index: int) -> None:
        barrier.wait()
        responses[index] = lead["clients"][index % 2].post(
            "/api/v1/sync", json=bodies[index], headers={"X-CSRF-Token": lead["token"]})

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in responses] == [200] * len(bodies), [r.text[:300] for r in responses]
    return responses


def count(engine, sql: str, **params) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def test_the_same_batch_sent_to_two_processes_at_once_lands_exactly_once(processes, lead):
    _a, _b, engine = processes
    sent: list[dict] = []
    for _ in range(ROUNDS):
        ops = ([op(lead, "evidence_item") for _ in range(20)] + [op(lead, "activity") for _ in range(2)]
               + [op(lead, "file_review") for _ in range(2)])
        sent += ops
        body = {"device_id": "tablet-raced", "ops": ops}
        first, second = (r.json()["results"] for r in fire_at_both(lead, [body, body]))
        for original, one, other in zip(ops, first, second, strict=True):
            assert {one["status"], other["status"]} == {"applied", "duplicate"}, (one["errors"], other["errors"])
            assert one["id"] == other["id"] == original["id"] and one["version"] == other["version"] == 1
    ids = {"evidence_item": [], "activity": [], "file_review": []}
    for sent_op in sent:
        ids[sent_op["entity"]].append(sent_op["id"])
    op_ids = [o["op_id"] for o in sent]
    assert count(engine, "SELECT count(*) FROM sync_operations WHERE op_id = ANY(:ids)", ids=op_ids) == len(sent)
    for entity, table in (("evidence_item", "evidence_items"), ("activity", "activities"),
                          ("file_review", "file_reviews")):
        assert count(engine, f"SELECT count(*) FROM {table} WHERE id = ANY(:ids)", ids=ids[entity]) == len(ids[entity])
    # The change feed and the audit trail record each record once, too.
    with engine.connect() as conn:
        changes = Counter(conn.execute(text("SELECT entity_id FROM sync_changes WHERE entity_id = ANY(:ids)"),
                                       {"ids": [o["id"] for o in sent]}).scalars())
    assert set(changes.values()) == {1} and len(changes) == len(sent)


def test_two_conflicting_updates_racing_give_one_applied_and_one_conflict_never_a_lost_update(processes, lead):
    _a, _b, engine = processes
    creates = [op(lead, "evidence_item") for _ in range(ROUNDS)]
    results = fire_at_both(lead, [{"device_id": "tablet-1", "ops": creates}])[0].json()["results"]
    assert {r["status"] for r in results} == {"applied"}
    for create in creates:
        edits = [op(lead, "evidence_item", action="update", id=create["id"], base_version=1,
                    data={"text": f"Fictional edit from tablet {name}."}) for name in ("A", "B")]
        outcomes = [r.json()["results"][0] for r in fire_at_both(
            lead, [{"device_id": f"tablet-{n}", "ops": [edit]} for n, edit in enumerate(edits)])]
        assert sorted(o["status"] for o in outcomes) == ["applied", "conflict"], outcomes
        winner = edits[[o["status"] for o in outcomes].index("applied")]
        loser = edits[[o["status"] for o in outcomes].index("conflict")]
        with engine.connect() as conn:
            stored_text, version = conn.execute(text("SELECT text, version FROM evidence_items WHERE id = :id"),
                                                {"id": create["id"]}).one()
            kept = conn.execute(text("SELECT incoming FROM sync_conflicts WHERE entity_id = :id"),
                                {"id": create["id"]}).scalars().all()
        assert (stored_text, version) == (winner["data"]["text"], 2)
        assert [k["text"] for k in kept] == [loser["data"]["text"]]  # the other version is kept, not lost


def test_updates_racing_in_opposite_orders_still_give_one_applied_and_one_conflict_each(processes, lead):
    """Two devices editing the same records in different orders: each process holds a row the other wants."""
    _a, _b, engine = processes
    creates = [op(lead, "evidence_item") for _ in range(6)]
    fire_at_both(lead, [{"device_id": "tablet-1", "ops": creates}])
    forward = [op(lead, "evidence_item", action="update", id=c["id"], base_version=1,
                  data={"text": "Fictional edit, forwards."}) for c in creates]
    backward = [op(lead, "evidence_item", action="update", id=c["id"], base_version=1,
                   data={"text": "Fictional edit, backwards."}) for c in reversed(creates)]
    one, other = (r.json()["results"] for r in fire_at_both(
        lead, [{"device_id": "tablet-f", "ops": forward}, {"device_id": "tablet-b", "ops": backward}]))
    by_id = Counter()
    for result in one + other:
        by_id[(result["id"], result["status"])] += 1
    for create in creates:
        assert by_id[(create["id"], "applied")] == 1 and by_id[(create["id"], "conflict")] == 1, by_id
    assert count(engine, "SELECT count(*) FROM evidence_items WHERE id = ANY(:ids) AND version = 2",
                 ids=[c["id"] for c in creates]) == len(creates)


def test_sign_in_throttling_counts_failures_on_every_process(processes):
    a, b, _engine = processes
    refused = []
    for attempt in range(5):
        with httpx.Client(base_url=(a, b)[attempt % 2].url) as client:
            token = client.get("/login").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            response = client.post("/login", data={"email": "cqc@example.org", "password": "not-the-password",
                                                   "csrf_token": token})
            refused.append("too many failed attempts" in response.text)
        assert response.status_code == 422
    # Five failures, alternating between the processes, lock the account: one count, kept in the database.
    assert refused == [False] * 4 + [True]
    with httpx.Client(base_url=b.url) as client:
        token = client.get("/login").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        right = client.post("/login", data={"email": "cqc@example.org", "password": "demo-cqc-password",
                                            "csrf_token": token})
    assert right.status_code == 422 and "too many failed attempts" in right.text


def test_a_deadlock_victim_is_run_again_and_both_transactions_land(processes, lead):
    """Two transactions each lock a row the other then wants: PostgreSQL aborts one; run_retrying runs it again."""
    _a, _b, engine = processes
    creates = [op(lead, "evidence_item") for _ in range(2)]
    fire_at_both(lead, [{"device_id": "tablet-1", "ops": creates}])
    first, second = (c["id"] for c in creates)
    barrier = threading.Barrier(2)
    attempts = Counter()
    outcome: dict[str, Exception | None] = {}

    def edit(name: str, order: tuple[str, str]) -> None:
        with Session(engine) as session:
            def work():
                attempts[name] += 1
                session.execute(text("UPDATE evidence_items SET text = :t WHERE id = :id"), {"t": name, "id": order[0]})
                if attempts[name] == 1:
                    barrier.wait()  # both now hold their first row
                session.execute(text("UPDATE evidence_items SET text = :t WHERE id = :id"), {"t": name, "id": order[1]})
            try:
                run_retrying(session, work)
                session.commit()
                outcome[name] = None
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                outcome[name] = error

    threads = [threading.Thread(target=edit, args=("one", (first, second))),
               threading.Thread(target=edit, args=("two", (second, first)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcome == {"one": None, "two": None}
    assert sorted(attempts.values()) == [1, 2]  # exactly one was the deadlock victim, and it ran again


def test_an_edit_that_read_a_version_another_process_then_replaced_becomes_a_conflict(processes, lead):
    """The window between reading a record and writing it: the UPDATE carries "AND version = <read>", so a
    write that lost the race changes nothing and the op is decided again, as a conflict."""
    from app.audit.service import Actor
    from app.evidence.models import EvidenceItem
    from app.sync import service
    from app.users.models import User

    _a, _b, engine = processes
    create = op(lead, "evidence_item")
    fire_at_both(lead, [{"device_id": "tablet-1", "ops": [create]}])
    with Session(engine) as session:
        held = session.get(EvidenceItem, create["id"])  # read, and kept in this session at version 1
        assert held.version == 1
        other = op(lead, "evidence_item", action="update", id=create["id"], base_version=1,
                   data={"text": "Fictional edit that landed first, on process B."})
        landed = lead["clients"][1].post("/api/v1/sync", json={"device_id": "tablet-b", "ops": [other]},
                                         headers={"X-CSRF-Token": lead["token"]})
        assert landed.json()["results"][0]["status"] == "applied"
        mine = op(lead, "evidence_item", action="update", id=create["id"], base_version=1,
                  data={"text": "Fictional edit made from the stale read."})
        user = session.get(User, lead["lead_id"])
        result = service.apply_op(session=session, user=user, actor=Actor(user.id, user.email, None),
                                  device_id="tablet-stale", raw=mine)
        session.commit()
    assert result.status == "conflict"
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT text, version FROM evidence_items WHERE id = :id"), {"id": create["id"]})
        assert stored.one() == ("Fictional edit that landed first, on process B.", 2)


def test_every_request_is_logged_as_one_json_line_with_its_request_id(processes, lead):
    a, _b, _engine = processes
    proxied = lead["clients"][0].get("/api/v1/session", headers={"X-Request-ID": "proxy-req-0001"})
    invented = lead["clients"][0].get("/api/v1/session", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert proxied.headers["X-Request-ID"] == "proxy-req-0001"
    assert re.fullmatch(r"app;dur=\d+\.\d", proxied.headers["Server-Timing"])
    assert invented.headers["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(invented.headers["X-Request-ID"]) == 32
    mine = a.logged_requests({"proxy-req-0001", invented.headers["X-Request-ID"]})
    assert len(mine) == 2  # one line each: none missing, none twice
    for line in mine:
        assert (line["logger"], line["message"], line["method"], line["path"], line["status"], line["user_id"]) == (
            "sendfw.access", "request", "GET", "/api/v1/session", 200, lead["lead_id"])
        assert line["level"] == "INFO" and line["duration_ms"] >= 0 and line["time"]
    assert "<script>" not in a.log_path.read_text()
