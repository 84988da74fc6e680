"""POST /api/v1/sync and the change feed: every status, replays, 500-op batches, other inspections, bad ops."""

import asyncio
import gc
import json
import uuid
from datetime import date

import httpx
import pytest
from sqlmodel import func, select

from app.audit.models import AuditEvent
from app.evidence.models import EvidenceItem
from app.fieldwork.models import Activity, FileReview
from app.inspections import service as inspections
from app.safeguarding.models import SafeguardingConcern
from app.sync import service
from app.sync.entities import ENTITIES
from app.sync.models import SyncChange, SyncConflict, SyncOperation
from tests.integration.conftest import sign_in


@pytest.fixture
def team(team, client):
    """The conftest's team, with the CSRF token a tablet sends with its sync (from the session API)."""
    return {**team, "token": client.get("/api/v1/session").json()["csrf_token"]}


def evidence_op(team, action="create", item_id=None, base_version=None, **data):
    return {"op_id": str(uuid.uuid4()), "entity": "evidence_item", "action": action, "id": item_id or str(uuid.uuid4()),
            "inspection_id": team["inspection"].id, "base_version": base_version, "client_time": "2026-11-24T10:15:00Z",
            "data": {"text": "Fictional synced evidence.", "heading": 1, "aspect": "timeliness",
                     "judgement": "strength", "strands": ["education"], **data}}


def sync(client, team, ops, device="tablet-1"):
    # As JSON.stringify sends it: ASCII with \u escapes, so a lone surrogate travels as the six characters \ud800.
    response = client.post("/api/v1/sync", content=json.dumps({"device_id": device, "ops": ops}),
                           headers={"X-CSRF-Token": team["token"], "Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    return response.json()


def count(db, model, *where):
    return db.exec(select(func.count()).select_from(model).where(*where)).one()


def test_create_applies_and_a_replay_is_a_duplicate_that_changes_nothing(client, db, team):
    op = evidence_op(team, source_id=team["activity_id"])
    first = sync(client, team, [op])
    assert first["results"] == [{"op_id": op["op_id"], "status": "applied", "id": op["id"], "version": 1, "errors": []}]
    item = db.get(EvidenceItem, op["id"])
    assert (item.text, item.source_type, item.captured_on, item.author_id) == (
        "Fictional synced evidence.", "setting_visit", date(2026, 11, 24), team["lead"].id)
    before = count(db, EvidenceItem)
    again = sync(client, team, [op])
    assert again["results"][0] == {**first["results"][0], "status": "duplicate"}
    assert count(db, EvidenceItem) == before
    assert int(again["cursor"]) >= int(first["cursor"]) > 0
    # An op a device queued before the rename names the heading "proposal": it is applied under that heading.
    old = evidence_op(team, text="Queued before the rename.", aspect="short_breaks")
    old["data"]["proposal"] = old["data"].pop("heading") + 1
    assert sync(client, team, [old])["results"][0]["status"] == "applied"
    assert (db.get(EvidenceItem, old["id"]).heading, db.get(EvidenceItem, old["id"]).aspect) == (2, "short_breaks")
    assert ENTITIES["evidence_item"].to_form(old["data"]).heading == "2"  # read as sent, not found from the aspect


def test_a_whole_batch_replayed_creates_nothing_twice(client, db, team):
    ops = [evidence_op(team, text=f"Fictional {n}.") for n in range(20)]
    sync(client, team, ops)
    again = sync(client, team, ops)
    assert {r["status"] for r in again["results"]} == {"duplicate"}
    assert count(db, EvidenceItem, EvidenceItem.text.startswith("Fictional ")) == 20


def test_a_create_for_an_existing_id_with_other_content_is_a_conflict_not_a_row(client, db, team):
    op = evidence_op(team)
    sync(client, team, [op])
    same_again = {**op, "op_id": str(uuid.uuid4())}
    assert sync(client, team, [same_again])["results"][0]["status"] == "duplicate"
    different = {**op, "op_id": str(uuid.uuid4()), "data": {**op["data"], "text": "Other fictional words."}}
    result = sync(client, team, [different])["results"][0]
    assert result["status"] == "conflict"
    assert count(db, EvidenceItem, EvidenceItem.id == op["id"]) == 1
    conflict = db.exec(select(SyncConflict).where(SyncConflict.op_id == different["op_id"])).one()
    assert conflict.incoming["text"] == "Other fictional words."
    assert conflict.current["text"] == "Fictional synced evidence."


def test_update_with_current_version_applies_and_a_stale_one_is_a_conflict_keeping_both(client, db, team):
    item_id = team["item_id"]
    ok = sync(client, team, [evidence_op(team, "update", item_id, 1, text="Lead's edit (fictional).")])
    assert ok["results"][0]["status"] == "applied" and ok["results"][0]["version"] == 2
    stale_op = evidence_op(team, "update", item_id, 1, text="CQC's edit (fictional).")
    stale = sync(client, team, [stale_op])
    result = stale["results"][0]
    assert (result["status"], result["version"]) == ("conflict", 2)
    assert "changed since version 1" in result["errors"][0]
    item = db.get(EvidenceItem, item_id)
    assert item.text == "Lead's edit (fictional)."
    conflict = db.exec(select(SyncConflict).where(SyncConflict.op_id == stale_op["op_id"])).one()
    assert (conflict.incoming["text"], conflict.current["text"], conflict.resolved_at) == (
        "CQC's edit (fictional).", "Lead's edit (fictional).", None)


def test_delete_leaves_a_tombstone_in_the_change_feed(client, db, team):
    feed = client.get(f"/api/v1/inspections/{team['inspection'].id}/changes").json()
    cursor = feed["cursor"]
    result = sync(client, team, [evidence_op(team, "delete", team["item_id"], 1)])["results"][0]
    assert result["status"] == "applied"
    assert db.get(EvidenceItem, team["item_id"]) is None
    after = client.get(f"/api/v1/inspections/{team['inspection'].id}/changes?since={cursor}").json()
    assert after["changes"] == [{"entity": "evidence_item", "id": team["item_id"], "version": 1, "deleted": True,
                                 "data": None, "seq": int(after["cursor"])}]
    assert after["more"] is False
    # Deleting again (another device, another op) is not an error.
    assert sync(client, team, [evidence_op(team, "delete", team["item_id"], 1)])["results"][0]["status"] == "applied"


def test_stale_delete_is_a_conflict(client, db, team):
    sync(client, team, [evidence_op(team, "update", team["item_id"], 1, text="Edited (fictional).")])
    result = sync(client, team, [evidence_op(team, "delete", team["item_id"], 1)])["results"][0]
    assert result["status"] == "conflict"
    assert db.get(EvidenceItem, team["item_id"]) is not None


def test_ops_for_another_inspection_are_rejected_without_saying_whether_it_exists(client, db, team, make_user,
                                                                                 make_inspection):
    other = make_inspection(make_user(), local_area="Elsewhere (fictional)")
    exists = {**evidence_op(team), "inspection_id": other.id}
    missing = {**evidence_op(team), "inspection_id": 999_999}
    results = sync(client, team, [exists, missing])["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert results[0]["errors"] == results[1]["errors"] == ["inspection_id: no inspection of yours has this id"]
    assert count(db, SyncOperation, SyncOperation.inspection_id == other.id) == 0


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ({"entity": "unicorn"},
         ("entity: Input should be 'evidence_item', 'activity', 'file_review', 'safeguarding_concern', "
          "'case_consent', 'case_conversation', 'case_meeting', 'case_document_request' or "
          "'case_document_received'")),
        ({"id": None, "action": None}, "id: UUID input should be a string"),
        ({"op_id": "not-a-uuid"}, "op_id: Input should be a valid UUID"),
        ({"client_time": None}, "client_time: Input should be a valid datetime"),
        ({"inspection_id": "one"}, "inspection_id: Input should be a valid integer"),
        ({"data": {"text": "", "heading": 1, "aspect": "timeliness", "judgement": "strength",
                   "strands": ["education"]}},
         "text: Enter what you saw or heard"),
        ({"data": {"text": "x" * 10_001, "heading": 1, "aspect": "timeliness", "judgement": "strength",
                   "strands": ["education"]}}, "text: Evidence must be 10,000 characters or fewer"),
        ({"data": {"text": ["a list"], "heading": 1, "aspect": "timeliness", "judgement": "strength",
                   "strands": ["education"]}}, "text: text must be text"),
        ({"data": {"text": "Fine.", "heading": True, "aspect": "timeliness", "judgement": "strength",
                   "strands": "education"}}, "strands: strands must be a list"),
        ({"action": "update"}, "base_version: An update or delete must say which version it was made from"),
    ],
)
def test_malformed_ops_are_rejected_with_field_errors_and_never_fail_the_batch(client, db, team, op, expected):
    good_before, bad, good_after = evidence_op(team), {**evidence_op(team), **op}, evidence_op(team)
    if op.get("action") == "update":
        bad["id"] = team["item_id"]
    results = sync(client, team, [good_before, bad, good_after])["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert any(error.startswith(expected) for error in results[1]["errors"]), results[1]["errors"]
    assert bad["id"] is None or db.get(EvidenceItem, bad["id"]) is None or op.get("action") == "update"


def test_an_op_that_is_not_even_an_object_is_rejected_alone(client, db, team):
    results = sync(client, team, ["nonsense", 42, evidence_op(team)])["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected", "applied"]


def test_five_hundred_ops_in_one_call_and_not_five_hundred_and_one(client, db, team):
    ops = [evidence_op(team, text=f"Bulk fictional {n}.") for n in range(500)]
    results = sync(client, team, ops)["results"]
    assert len(results) == 500 and {r["status"] for r in results} == {"applied"}
    assert [r["op_id"] for r in results] == [op["op_id"] for op in ops]
    too_many = client.post("/api/v1/sync", json={"device_id": "t", "ops": [*ops, evidence_op(team)]},
                           headers={"X-CSRF-Token": team["token"]})
    assert too_many.status_code == 422


def test_a_batch_past_what_one_statement_may_bind_is_stored_whole(client, db, team, monkeypatch):
    """On SQLite a batch's rows go in as multi-row INSERTs, as many as the build's limit on bound values needs
    (here made small, so that 23 ops take several statements per table); PostgreSQL copies them either way."""
    import app.db

    monkeypatch.setattr(app.db, "_sqlite_variable_limit", lambda connection: 40)
    ops = [evidence_op(team, text=f"Chunked fictional {n}.") for n in range(23)]
    assert {r["status"] for r in sync(client, team, ops)["results"]} == {"applied"}
    assert [db.get(EvidenceItem, op["id"]).text for op in ops] == [f"Chunked fictional {n}." for n in range(23)]
    assert count(db, SyncOperation, SyncOperation.op_id.in_([op["op_id"] for op in ops])) == 23
    assert count(db, SyncChange, SyncChange.entity_id.in_([op["id"] for op in ops])) == 23
    assert count(db, AuditEvent, AuditEvent.action == "evidence.created",
                 AuditEvent.object_id.in_([op["id"] for op in ops])) == 23


def test_activities_and_file_reviews_sync_too(client, db, team):
    activity_op = {"op_id": str(uuid.uuid4()), "entity": "activity", "action": "create", "id": str(uuid.uuid4()),
                   "inspection_id": team["inspection"].id, "client_time": "2026-11-24T09:00:00Z",
                   "data": {"kind": "meeting", "meeting_with": "young_people_group", "day": "2026-11-24",
                            "inspector_ids": [team["lead"].id],
                            "attendees": [{"role": "Youth worker", "organisation": ""}]}}
    review_op = {"op_id": str(uuid.uuid4()), "entity": "file_review", "action": "create", "id": str(uuid.uuid4()),
                 "inspection_id": team["inspection"].id, "client_time": "2026-11-24T11:00:00Z",
                 "data": {"case_reference": "P2-03", "age_band": "16-19", "setting_type": "further_education",
                          "sen_status": "sen_support", "primary_need": "SpLD", "attendance_percent": 72.5,
                          "ratings": {"child_involved": {"rating": "adequate", "comment": ""}}}}
    bad_review = {**review_op, "op_id": str(uuid.uuid4()), "id": str(uuid.uuid4()),
                  "data": {**review_op["data"], "case_reference": "Jamie Smith"}}
    results = sync(client, team, [activity_op, review_op, bad_review])["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert "looks like a name" in results[2]["errors"][0]
    assert db.get(Activity, activity_op["id"]).attendees == [{"role": "Youth worker", "organisation": ""}]
    assert db.get(FileReview, review_op["id"]).attendance_percent == 72.5


def test_the_change_feed_gives_the_whole_teams_changes_in_pages(client, db, team, make_client):
    cqc_client = sign_in(make_client(), db, team["cqc"])
    start = cqc_client.get(f"/api/v1/inspections/{team['inspection'].id}/changes").json()
    assert {c["entity"] for c in start["changes"]} == {"activity", "file_review", "evidence_item"}
    ops = [evidence_op(team, text=f"Paged fictional {n}.") for n in range(7)]
    sync(client, team, ops)  # written by the lead
    seen, cursor, pages = [], start["cursor"], 0
    while True:
        page = cqc_client.get(f"/api/v1/inspections/{team['inspection'].id}/changes?since={cursor}&limit=3").json()
        seen += page["changes"]
        cursor, pages = page["cursor"], pages + 1
        if not page["more"]:
            break
    assert pages == 3
    assert [c["data"]["text"] for c in seen] == [f"Paged fictional {n}." for n in range(7)]
    # Each change says where it sits in the log: in order, after the starting cursor, up to the last one.
    seqs = [c["seq"] for c in seen]
    assert seqs == sorted(seqs) and seqs[0] > int(start["cursor"]) and seqs[-1] == int(cursor)
    assert client.get(f"/api/v1/inspections/{team['inspection'].id}/changes?since=abc").status_code == 422


def test_changes_of_another_inspection_are_not_found(client, db, team, make_user, make_inspection):
    other = make_inspection(make_user(), local_area="Elsewhere (fictional)")
    assert client.get(f"/api/v1/inspections/{other.id}/changes").status_code == 404


def test_sync_needs_a_session_and_the_csrf_header(client, db, team, make_client):
    body = {"device_id": "t", "ops": [evidence_op(team)]}
    assert client.post("/api/v1/sync", json=body).status_code == 403
    assert make_client().post("/api/v1/sync", json=body).status_code == 403  # no session: no valid token either
    assert count(db, SyncOperation) == 0


def test_every_op_is_judged_alone_whatever_it_holds(client, db, team):
    """Text the database cannot store, numbers past a column and impossible times: each bad op is rejected with
    its field's words and the concern and evidence beside it land."""
    concern = {"op_id": str(uuid.uuid4()), "entity": "safeguarding_concern", "action": "create",
               "id": str(uuid.uuid4()), "inspection_id": team["inspection"].id, "client_time": "2026-11-24T10:16:00Z",
               "data": {"category": "allegation", "what_happened": "Fictional worry.",
                        "met_at": "2026-11-24T10:16:00Z"}}
    bad = [
        evidence_op(team, text="Lone \ud800 surrogate."),
        evidence_op(team, text="NUL \x00 byte."),
        evidence_op(team, text="Bell \x07 character.", aspect="timeliness\x1b"),
        {**evidence_op(team, action="update", item_id=team["item_id"]), "base_version": 2**31},
        {**evidence_op(team, action="update", item_id=team["item_id"]), "base_version": 2**63},
        {**evidence_op(team), "inspection_id": 2**63},
        {**evidence_op(team), "client_time": "0001-01-01T00:00:00Z"},
        {**concern, "op_id": str(uuid.uuid4()), "id": str(uuid.uuid4()),
         "data": {**concern["data"], "met_at": "0001-01-01T00:00:00Z"}},
        {**concern, "op_id": str(uuid.uuid4()), "id": str(uuid.uuid4()), "client_time": "9999-12-31T23:59:59Z"},
        evidence_op(team, **{"extra\x00field": "x"}),
        evidence_op(team, heading=2**70),
    ]
    good = [evidence_op(team, text="Fictional good one."), evidence_op(team, text="Fictional good two.")]
    ops = [good[0], *bad, concern, good[1]]
    results = sync(client, team, ops)["results"]
    assert [r["status"] for r in results] == ["applied", *["rejected"] * len(bad), "applied", "applied"]
    errors = [r["errors"] for r in results[1:-2]]
    assert errors[0] == [
        "text: Contains an unpaired surrogate (U+D800) at character 6, which cannot be stored: remove it"]
    assert errors[1] == [
        "text: Contains a control character (U+0000) at character 5, which cannot be stored: remove it"]
    assert {e.split(":")[0] for e in errors[2]} == {"text", "aspect"}
    assert errors[3] == errors[4] == ["base_version: Input should be less than or equal to 2147483647"]
    assert errors[5] == ["inspection_id: Input should be less than or equal to 2147483647"]
    assert errors[6] == ["client_time: The time on the device must be between 1990 and 2100"]
    assert errors[7] == ["met_at: The time you met it must be between 1990 and 2100"]
    assert errors[8] == ["client_time: The time on the device must be between 1990 and 2100"]
    assert errors[9][0].startswith("extra\\x00field: The field name contains a control character")
    assert errors[10] == ["heading: The number must be between -2,147,483,647 and 2,147,483,647"]
    assert db.get(SafeguardingConcern, concern["id"]).what_happened == "Fictional worry."
    assert [db.get(EvidenceItem, op["id"]).text for op in good] == ["Fictional good one.", "Fictional good two."]
    assert all(db.get(EvidenceItem, op["id"]) is None for op in bad if op["entity"] == "evidence_item"
               and op["action"] == "create")
    assert count(db, SyncOperation, SyncOperation.op_id.in_([op["op_id"] for op in bad])) == 0
    # Sent again (as a tablet does), the good ones are duplicates and the bad ones are still rejected, alone.
    again = sync(client, team, ops)["results"]
    assert [r["status"] for r in again] == ["duplicate", *["rejected"] * len(bad), "duplicate", "duplicate"]


def test_a_body_that_is_not_json_is_refused_whole_and_nothing_is_stored(client, db, team):
    """The body is decoded by orjson (json.loads for what it refuses, as the test above sends): one that neither
    reads is still FastAPI's 422 for malformed JSON."""
    before = count(db, SyncOperation)
    response = client.post("/api/v1/sync", content=b'{"device_id": "tablet-1", "ops": [{"op_id": ',
                           headers={"X-CSRF-Token": team["token"], "Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json() == {"detail": "The request is not valid", "errors": {"44": "JSON decode error"}}
    assert count(db, SyncOperation) == before


def test_text_is_stored_in_nfc_so_the_same_words_compare_equal(client, db, team):
    decomposed = "Fictional cafe\u0301 visit."
    op = evidence_op(team, text=decomposed)
    assert sync(client, team, [op])["results"][0]["status"] == "applied"
    assert db.get(EvidenceItem, op["id"]).text == "Fictional caf\u00e9 visit."


def test_a_receipt_is_shown_only_to_members_of_its_inspection(client, db, team, make_user, make_inspection,
                                                               make_client):
    op = evidence_op(team)
    sync(client, team, [op])
    outsider = make_user(name="Otto Outsider")
    own = make_inspection(outsider, local_area="Elsewhere (fictional)")
    other = sign_in(make_client(), db, outsider)
    token = other.get("/api/v1/session").json()["csrf_token"]
    replayed = [op, {**op, "inspection_id": own.id}]
    response = other.post("/api/v1/sync", json={"device_id": "spy", "ops": replayed}, headers={"X-CSRF-Token": token})
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert all(r["version"] is None and r["errors"] == ["inspection_id: no inspection of yours has this id"]
               for r in results)
    assert count(db, EvidenceItem, EvidenceItem.inspection_id == own.id) == 0


def test_the_day_observed_travels_and_an_older_device_without_it_is_still_accepted(client, db, team):
    monday = inspections.schedule_of(team["inspection"]).on_site_days[0]  # the day of the fixture's visit
    chosen = evidence_op(team, source_id=team["activity_id"], observed_on="2026-11-25")
    older = evidence_op(team, source_id=team["activity_id"])  # a device from before the field: its source's day
    unsourced = evidence_op(team)  # no source: the day on site the device captured it (client_time)
    wrong = evidence_op(team, observed_on="2026-11-29")
    results = sync(client, team, [chosen, older, unsourced, wrong])["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "applied", "rejected"]
    assert results[3]["errors"] == ["observed_on: Select the day you saw or heard this, one of the days on site"]
    assert [db.get(EvidenceItem, op["id"]).observed_on for op in (chosen, older, unsourced)] == [
        date(2026, 11, 25), monday, date(2026, 11, 24)]
    # An edit from an older device leaves the day as it is; a newer one moves it.
    sync(client, team, [evidence_op(team, "update", chosen["id"], 1, text="Edited on an older device.")])
    assert db.get(EvidenceItem, chosen["id"]).observed_on == date(2026, 11, 25)
    sync(client, team, [evidence_op(team, "update", chosen["id"], 2, observed_on="2026-11-27")])
    assert db.get(EvidenceItem, chosen["id"]).observed_on == date(2026, 11, 27)
    # The change feed carries it to the team's devices.
    feed = client.get(f"/api/v1/inspections/{team['inspection'].id}/changes").json()["changes"]
    assert {c["data"]["observed_on"] for c in feed if c["id"] == chosen["id"]} == {"2026-11-27"}


def test_the_collector_runs_while_a_batch_arrives_waits_while_it_is_applied_and_runs_again_after(client, db, team,
                                                                                               monkeypatch):
    """The cyclic collector waits for a sync batch from the moment its whole body has arrived, not while it
    arrives: the body is read before the session and CSRF checks, so a slow sender, signed in or not, would
    otherwise hold the collector off for every other request of the process."""
    op = evidence_op(team, text="Sent slowly, in small pieces.")
    body = json.dumps({"device_id": "tablet-slow", "ops": [op]}).encode()
    while_arriving, while_applied = [], []
    apply_batch = service.apply_batch

    def observed(**kwargs):  # the real batch, with a look at the collector while it is applied
        while_applied.append(gc.isenabled())
        return apply_batch(**kwargs)

    monkeypatch.setattr(service, "apply_batch", observed)

    async def slowly():
        for start in range(0, len(body), 64):
            while_arriving.append(gc.isenabled())
            await asyncio.sleep(0)
            yield body[start:start + 64]

    async def send():
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url=str(client.base_url),
                                     cookies=dict(client.cookies)) as tablet:
            return await tablet.post("/api/v1/sync", content=slowly(),
                                     headers={"X-CSRF-Token": team["token"], "Content-Type": "application/json"})

    response = asyncio.run(send())
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "applied"
    assert db.get(EvidenceItem, op["id"]).text == "Sent slowly, in small pieces."
    assert len(while_arriving) > 1 and all(while_arriving)
    assert while_applied == [False]
    assert gc.isenabled()
