"""Conflicts are shown to the team side by side, flagged on the board, and resolved by a person (audited)."""

import uuid
from datetime import date

import pytest
from sqlmodel import select

from app.audit.models import AuditEvent
from app.evidence.models import EvidenceItem
from app.sync.models import SyncConflict
from tests.integration.conftest import csrf_of, error_summary, sign_in, soup


@pytest.fixture
def conflict(client, db, make_user, make_inspection, make_fieldwork):
    """Two offline edits of the same evidence item: the lead's applied, the second one in conflict."""
    lead = make_user(name="Ada Lead")
    inspection = make_inspection(lead, start=date(2026, 11, 23))
    ids = make_fieldwork(inspection, lead)
    db.delete(db.get(SyncConflict, ids["conflict_id"]))  # the fixture's ready-made one is not wanted here
    db.flush()
    sign_in(client, db, lead)
    token = client.get("/api/v1/session").json()["csrf_token"]

    def edit(text):
        op = {"op_id": str(uuid.uuid4()), "entity": "evidence_item", "action": "update", "id": ids["item_id"],
              "inspection_id": inspection.id, "base_version": 1, "client_time": "2026-11-24T12:00:00Z",
              "data": {"text": text, "heading": 1, "aspect": "timeliness", "judgement": "strength",
                       "strands": ["education"]}}
        return client.post("/api/v1/sync", json={"device_id": "t", "ops": [op]}, headers={"X-CSRF-Token": token}).json()

    assert edit("First fictional edit.")["results"][0]["status"] == "applied"
    assert edit("Second fictional edit.")["results"][0]["status"] == "conflict"
    record = db.exec(select(SyncConflict)).one()
    return {"base": f"/inspections/{inspection.id}", "item_id": ids["item_id"], "conflict": record}


def test_conflict_is_shown_side_by_side_and_flagged_on_the_board(client, db, conflict):
    page = soup(client.get(f"{conflict['base']}/conflicts"))
    section = page.select_one(f"#conflict-{conflict['conflict'].id}")
    assert section.select_one("[data-current]").get_text() == "First fictional edit."
    assert section.select_one("[data-incoming]").get_text() == "Second fictional edit."
    board = soup(client.get(f"{conflict['base']}/board?heading=1"))
    assert board.select_one(f"#item-{conflict['item_id']} [data-conflict]") is not None
    assert "Conflicts 1" in " ".join(board.select_one(".app-subnav").get_text().split())


@pytest.mark.parametrize(
    ("choice", "merged", "text", "version"),
    [("keep_current", "", "First fictional edit.", 2),
     ("keep_incoming", "", "Second fictional edit.", 3),
     ("merge", "First and second fictional edits, merged.", "First and second fictional edits, merged.", 3)],
)
def test_a_person_resolves_the_conflict(client, db, conflict, choice, merged, text, version):
    path = f"{conflict['base']}/conflicts/{conflict['conflict'].id}"
    response = client.post(path, data={"csrf_token": csrf_of(client, f"{conflict['base']}/conflicts"), "choice": choice,
                                       "merged_text": merged})
    assert response.status_code == 303
    item = db.get(EvidenceItem, conflict["item_id"])
    assert (item.text, item.version) == (text, version)
    db.refresh(conflict["conflict"])
    assert conflict["conflict"].resolution == choice
    assert conflict["conflict"].incoming["text"] == "Second fictional edit."
    resolved = db.exec(select(AuditEvent).where(AuditEvent.action == "sync.conflict_resolved")).one()
    assert resolved.detail["choice"] == choice
    assert "There are no conflicts." in client.get(f"{conflict['base']}/conflicts").text


def test_resolving_needs_a_choice_and_merged_text(client, db, conflict):
    path = f"{conflict['base']}/conflicts/{conflict['conflict'].id}"
    token = csrf_of(client, f"{conflict['base']}/conflicts")
    assert error_summary(client.post(path, data={"csrf_token": token})) == ["Choose which version to keep"]
    assert error_summary(client.post(path, data={"csrf_token": token, "choice": "merge", "merged_text": " "})) == [
        "Enter the merged text"]
    assert db.get(EvidenceItem, conflict["item_id"]).version == 2
