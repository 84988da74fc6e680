"""Retention: after the set period from publication the working material goes (files included, none orphaned),
the published letter and aggregate counts stay; a dry run lists the same and changes nothing."""

import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, func, select

from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.evidence import service as evidence
from app.evidence.models import EvidenceItem
from app.fieldwork.models import Activity, FileReview
from app.flows import purge as retention
from app.inspections.models import EngagementMeeting, Inspection, TeamMember
from app.letters.models import CarriedItem, LetterVersion, LetterWorkflow
from app.models_base import utcnow
from app.obligations import service as obligations
from app.obligations.models import CarriedItemEvidence
from app.portal import invitations
from app.portal.models import AreaDocument, AreaDocumentVersion
from app.retention.models import RetentionPurge
from app.safeguarding import service as concerns
from app.safeguarding.models import SafeguardingConcern
from app.survey.models import SurveyResponse
from app.sync.models import SyncChange
from app.users.models import User
from tests.integration.conftest import publish

ROOT = Path(__file__).resolve().parents[2]


def count(db, model, *where) -> int:
    return db.exec(select(func.count()).select_from(model).where(*where)).one()


def published(db, inspection, days_ago: int) -> None:
    db.add(LetterWorkflow(inspection_id=inspection.id, status="published",
                          published_at=utcnow() - timedelta(days=days_ago)))
    for number in (1, 2):
        db.add(LetterVersion(inspection_id=inspection.id, number=number, sections={"opening": f"Draft {number}"},
                             author_id=None))
    db.flush()


def test_purge_removes_the_working_material_and_keeps_the_letter_and_counts(db, storage, make_user, make_inspection,
                                                                             make_fieldwork, make_officer,
                                                                             make_document):
    lead = make_user()
    old, recent = make_inspection(lead), make_inspection(lead, local_area="Recent (fictional)")
    for inspection in (old, recent):
        make_fieldwork(inspection, lead)
        make_document(inspection, make_officer(inspection))
        concerns.record_concern(session=db, actor=Actor(lead.id, lead.email), inspection=inspection,
                                form=concerns.ConcernForm(category="other", what_happened="A fictional concern."))
        db.add(SurveyResponse(inspection_id=inspection.id, audience="parent_carer", respondent_type="parent",
                              answers={}, support=[], comment="A fictional comment.", submitted_on=utcnow().date(),
                              submitted_hour=10, submission_id=os.urandom(8).hex()))
    published(db, old, days_ago=181)
    published(db, recent, days_ago=30)
    old_files = [v.storage_key for v in db.exec(select(AreaDocumentVersion)).all()][:1]

    found = retention.plans(session=db, now=utcnow(), retention_days=180)
    assert [p.inspection.id for p in found] == [old.id]
    plan = found[0]
    assert plan.removes == {"evidence_items": 1, "progress_evidence_links": 0, "case_files": 1, "activity_notes": 0,
                            "person_level_children": 0,
                            "tracked_cases": 0, "survey_comments": 1,
                            "uploaded_files": 1, "safeguarding_concerns": 1, "draft_letter_versions": 1,
                            "letter_comments": 0, "factual_accuracy_comments": 0, "sync_conflicts": 1}
    assert plan.files == old_files

    # A request-like session on the test's connection, so its commit releases the files.
    with Session(bind=db.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False) as session:
        done = retention.purge(session=session, actor=Actor.system("test"), storage=storage,
                               plan=retention.plans(session=session, now=utcnow(), retention_days=180)[0])
        session.commit()
    db.expire_all()
    assert done.kept_counts["evidence"] == {"heading_1_strength": 1}
    assert done.kept_counts["case_files"] == 1 and done.kept_counts["survey_responses"] == 1
    for model in (EvidenceItem, FileReview, SafeguardingConcern):
        assert count(db, model, model.inspection_id == old.id) == 0
        assert count(db, model, model.inspection_id == recent.id) == 1  # not yet due: untouched
    assert db.exec(select(SurveyResponse.comment).where(SurveyResponse.inspection_id == old.id)).one() == ""
    assert db.exec(select(LetterVersion.number).where(LetterVersion.inspection_id == old.id)).all() == [2]
    assert count(db, Activity, Activity.inspection_id == old.id) == 1  # the visit itself stays, for the counts
    assert not storage.exists(old_files[0])
    assert len(storage.keys()) == 1  # the recent inspection's upload
    assert retention.orphaned_files(session=db, storage=storage) == []
    assert db.get(RetentionPurge, old.id) is not None
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "retention.purged")).one()
    assert event.inspection_id == old.id and event.detail["files"] == 1
    quoted = db.exec(select(AuditEvent).where(AuditEvent.inspection_id == old.id,
                                              AuditEvent.action == "evidence.created")).one()
    assert quoted.detail == {}  # the trail stays, the words it quoted go
    assert retention.plans(session=db, now=utcnow(), retention_days=180) == []  # once only
    tombstones = db.exec(select(SyncChange.entity).where(SyncChange.inspection_id == old.id,
                                                         SyncChange.deleted.is_(True))).all()
    assert sorted(tombstones) == ["evidence_item", "file_review"]  # tablets drop what they still hold


def test_the_purge_keeps_what_follows_publication_and_removes_the_visits_links_to_evidence(
        db, storage, make_user, make_inspection, make_officer, make_document):
    """Obligations (dates, statuses, decisions and what the area sent), a visit's judgements and reasons (its
    letter's words) and the area's engagement meetings stay; the visit's links to its evidence go with the evidence."""
    lead = make_user()
    original = make_inspection(lead, framework="send-2023")
    publish(db, original, utcnow().date() - timedelta(days=200), outcome="widespread_failings",
            priority_actions=("Fictional: leaders should issue plans on time.",))
    [view] = obligations.obligations_of(session=db, inspection=original)
    sent = db.get(AreaDocument, make_document(original, make_officer(original), filename="plan.pdf").document_id)
    sent.requested = "after_inspection"  # as the portal's "After the inspection" page files it
    owed = view.obligation
    owed.document_id, owed.submitted_at, owed.decision, owed.decided_at = sent.id, utcnow(), "accepted", utcnow()
    visit = make_inspection(lead, framework="send-2023")
    visit.visit_kind, visit.follows_id = "monitoring_inspection", original.id
    item = CarriedItem(inspection_id=visit.id, position=1, text="Fictional: leaders should issue plans on time.",
                       progress="sufficient", evidence="Fictional: plans were on time.")
    meeting = EngagementMeeting(area_id=original.area_id, held_on=date(2027, 1, 4), notes="Fictional notes.")
    db.add_all([sent, owed, visit, item, meeting])
    db.flush()
    seen = evidence.capture(session=db, actor=Actor(lead.id, lead.email), inspection=visit, form=evidence.EvidenceForm(
        text="Fictional: plans on time.", heading="1", aspect="needs_identified", judgement="strength",
        strands=["education"]))
    db.add(CarriedItemEvidence(carried_item_id=item.id, evidence_item_id=seen.id))
    published(db, visit, days_ago=190)

    found = {plan.inspection.id: plan for plan in retention.plans(session=db, now=utcnow(), retention_days=180)}
    assert found[visit.id].removes["progress_evidence_links"] == 1
    assert found[original.id].removes["uploaded_files"] == 0 and found[original.id].files == []
    with Session(bind=db.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False) as session:
        for plan in retention.plans(session=session, now=utcnow(), retention_days=180):
            retention.purge(session=session, actor=Actor.system("test"), storage=storage, plan=plan)
        session.commit()
    db.expire_all()
    assert count(db, CarriedItemEvidence) == 0 and count(db, EvidenceItem) == 0
    kept = db.get(CarriedItem, item.id)
    assert (kept.progress, kept.evidence) == ("sufficient", "Fictional: plans were on time.")
    [after] = obligations.obligations_of(session=db, inspection=original)
    assert (after.obligation.due_date, after.obligation.decision, after.obligation.document_id) == (
        owed.due_date, "accepted", sent.id)
    assert after.status == "accepted"
    assert [storage.exists(v.storage_key) for v in db.exec(select(AreaDocumentVersion)).all()] == [True]
    assert db.get(EngagementMeeting, meeting.id).notes == "Fictional notes."


def cli(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=True)
    return done.stdout


def test_the_purge_command_dry_run_changes_nothing_and_the_real_run_is_audited(tmp_path, demo_database):
    from sqlalchemy import create_engine, text

    from tests.conftest import copy_of

    url = copy_of(demo_database, tmp_path / "purge.db")  # the demo, migrated and seeded by the command line
    uploads = tmp_path / "uploads"
    env = {**os.environ, "DATABASE_URL": url, "ENVIRONMENT": "test", "UPLOAD_DIR": str(uploads),
           "RETENTION_DAYS": "30"}
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO letter_workflows (inspection_id, status, published_at, updated_at) "
                          "SELECT id, 'published', '2026-01-05 10:00:00', '2026-01-05 10:00:00' FROM inspections "
                          "WHERE local_area = 'Fictional Vale (demo)'"))  # the demo's 2016 one, as if long over
    (uploads / "inspection-1").mkdir(parents=True)
    orphan = uploads / "inspection-1" / "left-behind.pdf"
    orphan.write_bytes(b"%PDF-1.7\n")  # no record points at it
    two_hours_ago = time.time() - 7200  # younger files may still be uploads in progress, and are left alone
    os.utime(orphan, (two_hours_ago, two_hours_ago))
    (uploads / "inspection-1" / "arriving.pdf").write_bytes(b"%PDF-1.7\n")

    def evidence() -> int:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM evidence_items WHERE inspection_id = 1")).scalar()

    before = evidence()
    assert before > 0
    dry = cli(env, "purge", "--dry-run", "--today", "2026-03-01")
    assert "Retention: 30 days after publication. 1 inspection past it." in dry
    assert f"Would purge Fictional Vale (demo) (inspection 1, published 5 January 2026): {before} evidence items" in dry
    assert "Would remove 1 orphaned file" in dry
    assert evidence() == before and (uploads / "inspection-1" / "left-behind.pdf").exists()
    too_early = cli(env, "purge", "--dry-run", "--today", "2026-01-20")
    assert "0 inspections past it." in too_early

    real = cli(env, "purge", "--today", "2026-03-01")
    assert f"Purged Fictional Vale (demo) (inspection 1, published 5 January 2026): {before} evidence items" in real
    assert "Removed 1 orphaned file" in real
    assert evidence() == 0 and not orphan.exists()
    assert (uploads / "inspection-1" / "arriving.pdf").exists()
    with engine.connect() as conn:
        actions = [row[0] for row in conn.execute(text("SELECT action FROM audit_events ORDER BY id"))]
    assert actions[-2:] == ["retention.purged", "retention.orphans_removed"]
    assert "0 inspections past it." in cli(env, "purge", "--today", "2026-03-01")


def test_after_the_purge_nothing_more_can_be_added_on_the_web_by_sync_or_through_the_portal(
        client, make_client, db, storage, make_user, make_inspection, make_fieldwork, make_officer):
    import uuid

    from tests.integration.conftest import csrf_of, sign_in, soup

    lead = make_user()
    inspection = make_inspection(lead)
    make_fieldwork(inspection, lead)
    officer = make_officer(inspection)
    colleague = make_user()
    _, invitation_token = invitations.invite(session=db, actor=Actor.system("test"), inspection=inspection,
                                             email="second.officer@area.example.org")
    published(db, inspection, days_ago=200)
    retention.purge(session=db, actor=Actor.system("test"), storage=storage,
                    plan=retention.plans(session=db, now=utcnow(), retention_days=180)[0])
    db.flush()
    base = f"/inspections/{inspection.id}"

    sign_in(client, db, lead)
    board = soup(client.get(f"{base}/board"))
    assert "was deleted on" in board.select_one(".app-purged").get_text()
    assert board.select_one(".app-capture-button") is None  # nothing to offer that would be refused
    assert board.select_one("[data-offline-save]") is None  # nor to keep on a tablet
    page = f"{base}/evidence/new"
    refused = client.post(page, data={"csrf_token": csrf_of(client, page), "text": "A late fictional note.",
                                      "heading": "1", "aspect": "timeliness", "judgement": "strength",
                                      "strands": ["education"], "source_kind": "none"})
    assert refused.status_code == 409
    assert "deleted on" in soup(refused).select_one("main").get_text()
    concern_page = f"{base}/concerns/new"
    assert client.post(concern_page, data={"csrf_token": csrf_of(client, concern_page), "category": "other",
                                           "what_happened": "Fictional."}).status_code == 409
    htmx = client.post(page, headers={"HX-Request": "true"}, data={"csrf_token": csrf_of(client, page),
                                                                   "text": "Inline.", "heading": "1"})
    assert htmx.status_code == 409 and htmx.headers["HX-Refresh"] == "true"  # reloads, and the page says why
    edit = f"{base}/edit"
    dates = client.post(edit, data={"csrf_token": csrf_of(client, edit), "local_area": inspection.local_area,
                                    "la_code": "999", "framework": inspection.framework, "start_date": "2030-01-07"})
    assert dates.status_code == 409  # new dates would reopen the survey to comments no purge would remove
    api_token = client.get("/api/v1/session").json()["csrf_token"]
    added = client.post(f"/api/v1/inspections/{inspection.id}/team", headers={"X-CSRF-Token": api_token},
                        json={"email": colleague.email, "team_role": "ofsted_inspector"})
    assert added.status_code == 409 and "deleted on" in added.json()["detail"]

    # A tablet that was offline all along: its ops are rejected with the reason, so it keeps them on the device.
    token = client.get("/api/v1/session").json()["csrf_token"]
    op = {"op_id": str(uuid.uuid4()), "entity": "evidence_item", "action": "create", "id": str(uuid.uuid4()),
          "inspection_id": inspection.id, "client_time": "2026-11-24T10:15:00Z",
          "data": {"text": "Fictional synced evidence.", "heading": 1, "aspect": "timeliness",
                   "judgement": "strength", "strands": ["education"]}}
    concern_op = {**op, "op_id": str(uuid.uuid4()), "id": str(uuid.uuid4()), "entity": "safeguarding_concern",
                  "data": {"category": "other", "what_happened": "Fictional."}}
    results = client.post("/api/v1/sync", json={"device_id": "t", "ops": [op, concern_op]},
                          headers={"X-CSRF-Token": token}).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert all("deleted on" in r["errors"][0] for r in results)

    officer_client = make_client()
    sign_in(officer_client, db, officer)
    portal = f"/portal/{inspection.id}"
    upload = officer_client.post(f"{portal}/documents", data={"csrf_token": csrf_of(officer_client, portal),
                                                              "requested": "self_evaluation"},
                                 files={"file": ("self-evaluation.pdf", b"%PDF-1.7\n", "application/pdf")})
    assert upload.status_code == 409
    assert "was deleted on" in soup(officer_client.get(portal)).select_one(".app-purged").get_text()
    newcomer = make_client()
    invitation_page = f"/invitations/{invitation_token}"
    accepted = newcomer.post(invitation_page, data={"csrf_token": csrf_of(newcomer, invitation_page),
                                                    "name": "Second Officer", "password": "a fictional passphrase",
                                                    "confirm_password": "a fictional passphrase"})
    assert accepted.status_code == 409
    assert db.exec(select(User).where(User.email == "second.officer@area.example.org")).first() is None

    for model in (EvidenceItem, SafeguardingConcern, AreaDocumentVersion):
        assert count(db, model) == 0
    assert storage.keys() == []
    db.refresh(inspection)
    assert inspection.start_date != date(2030, 1, 7)
    assert count(db, TeamMember, TeamMember.inspection_id == inspection.id) == 1


def test_every_removal_of_the_purge_reaches_the_tablets(db, storage, make_user, make_inspection, make_fieldwork):
    """A tablet pulling the change feed after the purge drops the evidence and case files and loses the activity
    notes it holds: every domain's removal goes through the feed's one writer."""
    from app.sync import service as sync

    lead = make_user()
    inspection = make_inspection(lead)
    ids = make_fieldwork(inspection, lead)
    activity = db.get(Activity, ids["activity_id"])
    activity.notes, activity.version = "Fictional notes a tablet holds.", activity.version + 1
    db.add(activity)
    db.flush()
    held = activity.version  # the version the tablet holds
    _, cursor, _ = sync.changes_since(session=db, inspection=inspection, cursor="")  # the tablet is up to date
    published(db, inspection, days_ago=181)
    with Session(bind=db.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False) as session:
        retention.purge(session=session, actor=Actor.system("test"), storage=storage,
                        plan=retention.plans(session=session, now=utcnow(), retention_days=180)[0])
        session.commit()
    db.expire_all()
    pulled, _, _ = sync.changes_since(session=db, inspection=inspection, cursor=cursor)
    by_entity = {(c["entity"], c["id"]): c for c in pulled}
    assert by_entity[("evidence_item", ids["item_id"])]["deleted"] is True
    assert by_entity[("file_review", ids["review_id"])]["deleted"] is True
    notes = by_entity[("activity", ids["activity_id"])]
    assert notes["deleted"] is False and notes["data"]["notes"] == "" and notes["version"] == held + 1
    assert db.get(Inspection, inspection.id).purged_at is not None  # the core's own record of its lifecycle
