"""Safeguarding concerns: who sees each (and nobody else, not even that it exists), the lead's banner until it is
actioned, every view audited, and the text never in the evidence, the letter, the exports or the sync feeds."""

import io
import uuid
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader
from sqlmodel import select

from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.evidence.models import EvidenceItem
from app.inspections import service as inspections
from app.safeguarding import service as concerns
from app.safeguarding.models import SafeguardingConcern
from app.sync.models import SyncOperation
from tests.integration.conftest import SYSTEM, csrf_of, error_summary, sign_in, soup

SECRET = "Fictional-concern-text-Zebra-7"


@pytest.fixture
def team(db, make_user, make_inspection, make_fieldwork, make_officer):
    lead = make_user(name="Ada Lead")
    author = make_user(kind="cqc", name="Cyril Care")
    colleague = make_user(kind="ofsted_inspector", name="Otto Other")
    inspection = make_inspection(lead, start=date(2026, 11, 23))
    for user, role in ((author, "cqc_inspector"), (colleague, "ofsted_inspector")):
        inspections.add_team_member(session=db, actor=SYSTEM, inspection=inspection, email=user.email, team_role=role)
    make_fieldwork(inspection, lead)
    return {"lead": lead, "author": author, "colleague": colleague, "inspection": inspection,
            "admin": make_user(role="admin"), "outsider": make_user(name="Outsider HMI"),
            "officer": make_officer(inspection)}


def test_an_inspector_records_a_concern_and_sees_its_deadline(client, db, team):
    inspection = team["inspection"]
    sign_in(client, db, team["author"])
    form = soup(client.get(f"/inspections/{inspection.id}/concerns/new"))
    assert form.select_one("form#concern-form")["data-offline-entity"] == "safeguarding_concern"
    refused = client.post(f"/inspections/{inspection.id}/concerns/new", data={"csrf_token": csrf_of(client)})
    assert refused.status_code == 422
    assert error_summary(refused) == ["Select what kind of concern this is", "Enter what you saw or heard"]
    assert db.exec(select(SafeguardingConcern)).first() is None
    done = client.post(f"/inspections/{inspection.id}/concerns/new", data={
        "csrf_token": csrf_of(client), "category": "allegation", "setting_name": "Pretend Primary (fictional)",
        "what_happened": SECRET, "reported_to": "LADO, Fictional Council", "reported_on-day": "",
        "reported_on-month": "", "reported_on-year": ""})
    assert done.status_code == 303
    concern = db.exec(select(SafeguardingConcern)).one()
    assert (concern.category, concern.author_id, concern.reported_at) == ("allegation", team["author"].id, None)
    page = soup(client.get(done.headers["location"]))
    rows = {r.select_one("dt").get_text(strip=True): r.select_one("dd").get_text(" ", strip=True)
            for r in page.select(".govuk-summary-list__row")}
    assert rows["Refer to"] == "The local authority designated officer (LADO)"
    assert rows["Deadline"].startswith("Within 1 working day: ")
    assert rows["What was seen or heard"] == SECRET

    # The referral is recorded afterwards, with a date and a time.
    bad = client.post(f"/inspections/{inspection.id}/concerns/{concern.id}/referral", data={
        "csrf_token": csrf_of(client), "reported_to": "LADO", "reported_on-day": "31", "reported_on-month": "2",
        "reported_on-year": "2026", "reported_time": "10:00"})
    assert error_summary(bad) == ["Enter the date and time it was reported, like 9 March 2027 at 14:30"]
    ok = client.post(f"/inspections/{inspection.id}/concerns/{concern.id}/referral", data={
        "csrf_token": csrf_of(client), "reported_to": "LADO, Fictional Council", "reported_on-day": "2",
        "reported_on-month": "1", "reported_on-year": "2026", "reported_time": "14:30",
        "referral_reference": "LADO/123"})
    assert ok.status_code == 303
    db.refresh(concern)
    assert concern.referral_reference == "LADO/123" and concern.reported_at is not None
    assert not concerns.is_overdue(concern)


def make_concern(db, team, text=SECRET, category="low_level"):
    author = team["author"]
    return concerns.record_concern(session=db, actor=Actor(author.id, author.email), inspection=team["inspection"],
                                   form=concerns.ConcernForm(category=category, what_happened=text))


@pytest.mark.parametrize(("who", "sees"), [("author", True), ("lead", True), ("admin", True), ("colleague", False),
                                       ("outsider", False), ("officer", False)])
def test_only_the_author_the_lead_and_admins_see_a_concern(client, db, team, who, sees):
    concern = make_concern(db, team)
    base = f"/inspections/{team['inspection'].id}"
    sign_in(client, db, team[who])
    page = client.get(f"{base}/concerns/{concern.id}")
    assert page.status_code == (200 if sees else 404)
    assert (SECRET in page.text) is sees
    listing = client.get(f"{base}/concerns")
    if who in ("outsider", "officer"):
        assert listing.status_code == 404
    else:
        assert listing.status_code == 200
        assert bool(soup(listing).select(f"[data-concern-id='{concern.id}']")) is sees
    viewed = db.exec(select(AuditEvent).where(AuditEvent.action == "safeguarding.concern_viewed")).all()
    assert [e.actor_id for e in viewed] == ([team[who].id] if sees else [])


def test_the_lead_sees_a_banner_until_each_concern_is_actioned(client, make_client, db, team):
    concern = make_concern(db, team)
    make_concern(db, team, category="immediate_risk")
    base = f"/inspections/{team['inspection'].id}"
    lead = sign_in(client, db, team["lead"])
    banner = soup(lead.get(f"{base}/board")).select_one(".app-concerns-banner")
    assert "2 safeguarding concerns not yet marked as actioned." in banner.get_text(" ", strip=True)
    colleague = sign_in(make_client(), db, team["colleague"])
    assert soup(colleague.get(f"{base}/board")).select_one(".app-concerns-banner") is None
    author = sign_in(make_client(), db, team["author"])
    assert author.post(f"{base}/concerns/{concern.id}/actioned",
                       data={"csrf_token": csrf_of(author), "action_note": "Done"}).status_code == 403
    refused = lead.post(f"{base}/concerns/{concern.id}/actioned", data={"csrf_token": csrf_of(lead), "action_note": ""})
    assert error_summary(refused) == ["Say what was done"]
    lead.post(f"{base}/concerns/{concern.id}/actioned",
              data={"csrf_token": csrf_of(lead), "action_note": "LADO confirmed receipt."})
    assert "1 safeguarding concern not yet marked as actioned." in soup(lead.get(f"{base}/plan")).select_one(
        ".app-concerns-banner").get_text(" ", strip=True)
    for other in db.exec(select(SafeguardingConcern).where(SafeguardingConcern.actioned_at.is_(None))).all():
        concerns.mark_actioned(session=db, actor=SYSTEM, user=team["lead"], inspection=team["inspection"],
                               concern=other, note="Referred.")
    db.flush()
    assert soup(lead.get(f"{base}/board")).select_one(".app-concerns-banner") is None


def test_a_concern_never_reaches_the_evidence_the_letter_the_exports_or_the_feeds(client, make_client, db, team):
    make_concern(db, team)
    base = f"/inspections/{team['inspection'].id}"
    for who in ("lead", "colleague"):
        reader = sign_in(make_client(), db, team[who])
        token = reader.get("/api/v1/session").json()["csrf_token"]
        for path in ("", "/board?heading=1", "/summary", "/files/summary", "/letter", "/survey",
                     "/survey/responses.csv", "/area", "/claims"):
            assert SECRET not in reader.get(base + path).text, (who, path)
        feed = reader.get(f"/api/v1/inspections/{team['inspection'].id}/changes")
        assert feed.status_code == 200 and SECRET not in feed.text and "safeguarding" not in feed.text
        assert reader.post("/api/v1/sync", json={"device_id": "t", "ops": []},
                           headers={"X-CSRF-Token": token}).status_code == 200
    lead = sign_in(make_client(), db, team["lead"])
    lead.post(f"{base}/letter/start", data={"csrf_token": csrf_of(lead)})
    docx = Document(io.BytesIO(lead.get(f"{base}/letter.docx").content))
    assert SECRET not in "\n".join(p.text for p in docx.paragraphs)
    pdf = PdfReader(io.BytesIO(lead.get(f"{base}/letter.pdf").content))
    assert SECRET not in "\n".join(page.extract_text() for page in pdf.pages)
    admin = sign_in(make_client(), db, team["admin"])
    assert SECRET not in admin.get("/admin/audit").text
    assert all(SECRET not in str(e.detail) for e in db.exec(select(AuditEvent)).all())


def test_a_concern_captured_offline_syncs_first_and_its_receipt_carries_no_text(client, db, team):
    inspection, author = team["inspection"], team["author"]
    sign_in(client, db, author)
    token = client.get("/api/v1/session").json()["csrf_token"]
    evidence = {"op_id": str(uuid.uuid4()), "entity": "evidence_item", "action": "create", "id": str(uuid.uuid4()),
                "inspection_id": inspection.id, "client_time": "2026-11-24T10:15:00Z",
                "data": {"text": "Fictional evidence.", "heading": 1, "aspect": "timeliness", "judgement": "strength",
                         "strands": ["education"]}}
    concern = {"op_id": str(uuid.uuid4()), "entity": "safeguarding_concern", "action": "create",
               "id": str(uuid.uuid4()), "inspection_id": inspection.id, "client_time": "2026-11-24T10:16:00Z",
               "data": {"category": "allegation", "what_happened": SECRET, "met_at": "2026-11-24T10:16:00Z"}}
    bad = {**concern, "op_id": str(uuid.uuid4()), "id": str(uuid.uuid4()), "data": {"category": "gossip"}}
    results = client.post("/api/v1/sync", json={"device_id": "tablet", "ops": [evidence, concern, bad]},
                          headers={"X-CSRF-Token": token}).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[2]["errors"] == ["category: Select what kind of concern this is",
                                    "what_happened: Enter what you saw or heard"]
    stored = db.get(SafeguardingConcern, concern["id"])
    assert (stored.what_happened, stored.author_id, stored.category) == (SECRET, author.id, "allegation")
    assert stored.due_by > stored.met_at  # one working day for the LADO
    # Applied before the evidence sent ahead of it in the batch.
    assert stored.created_at < db.get(EvidenceItem, evidence["id"]).created_at
    receipt = db.get(SyncOperation, concern["op_id"])
    assert SECRET not in str(receipt.result)
    # Sync only creates concerns: an edit or a deletion is refused, not turned into a conflict the team could read.
    edit = {**concern, "op_id": str(uuid.uuid4()), "action": "update", "base_version": 1}
    refused = client.post("/api/v1/sync", json={"device_id": "tablet", "ops": [edit]},
                          headers={"X-CSRF-Token": token}).json()["results"][0]
    assert refused["status"] == "rejected"
    assert refused["errors"] == ["action: a safeguarding concern is only created through sync; change it online"]
