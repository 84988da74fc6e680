"""A conflict tells its author it is theirs, says who may resolve it, and its page names what is still open so a
device can forget the conflicts already settled."""

import uuid
from datetime import date

from app.inspections.models import TeamMember
from app.sync.models import SyncConflict
from tests.integration.conftest import sign_in, soup

WHO = ("Anyone on the inspection team can choose: the lead inspector, the other inspectors on the team, or the "
       "inspector who made the edit.")


def test_the_author_sees_their_edit_marked_and_a_team_member_sees_whose_it_is(client, db, make_user, make_inspection,
                                                                               make_fieldwork):
    lead = make_user(name="Ada Lead")
    inspection = make_inspection(lead, start=date(2026, 11, 23))
    ids = make_fieldwork(inspection, lead)
    db.delete(db.get(SyncConflict, ids["conflict_id"]))  # the fixture's ready-made one is not wanted here
    peer = make_user(name="Bea Peer")
    db.add(TeamMember(inspection_id=inspection.id, user_id=peer.id, team_role="cqc_inspector"))
    db.flush()
    base = f"/inspections/{inspection.id}"

    def edit(user, text):
        sign_in(client, db, user)
        token = client.get("/api/v1/session").json()["csrf_token"]
        op = {"op_id": str(uuid.uuid4()), "entity": "evidence_item", "action": "update", "id": ids["item_id"],
              "inspection_id": inspection.id, "base_version": 1, "client_time": "2026-11-24T12:00:00Z",
              "data": {"text": text, "heading": 1, "aspect": "timeliness", "judgement": "strength",
                       "strands": ["education"]}}
        result = client.post("/api/v1/sync", json={"device_id": "t", "ops": [op]}, headers={"X-CSRF-Token": token})
        return op["op_id"], result.json()["results"][0]["status"]

    assert edit(lead, "The lead's fictional edit.")[1] == "applied"
    op_id, status = edit(peer, "The peer's fictional edit.")
    assert status == "conflict"

    page = soup(client.get(f"{base}/conflicts"))  # the peer, the author
    mine = page.select("section[data-mine]")
    assert len(mine) == 1
    assert mine[0].select_one(f"[id='op-{op_id}']").get_text() == "Your edit"
    assert mine[0].select_one("[data-incoming]").get_text() == "The peer's fictional edit."
    assert "From you on" in mine[0].get_text()
    assert page.select_one("[data-own-conflicts]").get_text(" ", strip=True).startswith("1 of these is your own edit")
    assert " ".join(page.select_one("[data-who-resolves]").get_text().split()).startswith(WHO)
    assert page.select_one("#device-outbox")["data-open-conflicts"] == ids["item_id"]

    sign_in(client, db, lead)
    page = soup(client.get(f"{base}/conflicts"))
    assert page.select("section[data-mine]") == [] and page.select_one("[data-own-conflicts]") is None
    assert "From Bea Peer on" in page.select_one("section[id^=conflict-]").get_text()
    assert page.select_one(f"[id='op-{op_id}']") is None
    assert " ".join(page.select_one("[data-who-resolves]").get_text().split()).startswith(WHO)
