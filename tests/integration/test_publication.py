"""A published letter is frozen: its Word and PDF files are kept with their SHA-256 when it is published and every
later download serves those bytes, whatever then changes in the team, the evidence or the framework profile. A
correction is a new, dated, audited publication; the one before it stays byte for byte."""

import dataclasses
import hashlib
import io

import pytest
from docx import Document
from sqlmodel import select

from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.clock import today_in_england
from app.evidence import service as evidence
from app.frameworks.service import all_profiles
from app.inspections import service as inspections
from app.letters import editing, service
from app.letters.models import LetterPublication, LetterWorkflow
from app.models_base import utcnow
from tests.integration.conftest import SYSTEM, error_summary, sign_in, soup


@pytest.fixture
def final_letter(db, make_user, make_inspection):
    """A signed-off final letter, started from one fictional evidence item; the lead's client is signed in."""
    lead = make_user(name="Frieda Frozen (fictional)")
    cqc = make_user(kind="cqc", name="Carl Quill (fictional)")
    inspection = make_inspection(lead)
    inspections.add_team_member(session=db, actor=SYSTEM, inspection=inspection, email=cqc.email,
                                team_role="cqc_inspector")
    actor = Actor(lead.id, lead.email)
    evidence.capture(session=db, actor=actor, inspection=inspection, form=evidence.EvidenceForm(
        text="Fictional finding about timeliness.", heading="1", aspect="timeliness", judgement="strength",
        strands=["education"]))
    editing.start(session=db, actor=actor, inspection=inspection,
                  draft=service.draft(session=db, inspection=inspection))
    db.add(LetterWorkflow(inspection_id=inspection.id, status="final", lead_signed_by_id=lead.id,
                          lead_signed_at=utcnow(), cqc_signed_by_id=cqc.id, cqc_signed_at=utcnow()))
    db.flush()
    return {"lead": lead, "cqc": cqc, "inspection": inspection}


def _publish(client, db, letter) -> tuple[str, str]:
    sign_in(client, db, letter["lead"])
    url = f"/inspections/{letter['inspection'].id}/letter"
    token = soup(client.get(url)).select_one("input[name=csrf_token]")["value"]
    assert client.post(f"{url}/workflow/publish", data={"csrf_token": token}).status_code == 303
    return url, token


def _files(client, url) -> dict[str, bytes]:
    out = {}
    for kind in ("docx", "pdf"):
        response = client.get(f"{url}.{kind}")
        assert response.status_code == 200
        out[kind] = response.content
    return out


def _word_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    return "\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for row in t.rows
                                                              for c in row.cells])


def test_publication_keeps_the_files_and_later_changes_to_team_evidence_or_profile_change_no_download(
        client, db, final_letter, make_user, monkeypatch):
    url, _ = _publish(client, db, final_letter)
    inspection = final_letter["inspection"]
    row = db.exec(select(LetterPublication).where(LetterPublication.inspection_id == inspection.id)).one()
    assert (row.number, row.dated) == (1, today_in_england())
    assert row.docx_sha256 == hashlib.sha256(row.docx).hexdigest()
    assert row.pdf_sha256 == hashlib.sha256(row.pdf).hexdigest() and row.pdf.startswith(b"%PDF")
    assert {m["name"] for m in row.team} == {"Frieda Frozen (fictional)", "Carl Quill (fictional)"}
    assert service.publication_date(session=db, inspection=inspection) == today_in_england()
    before = _files(client, url)
    assert before == {"docx": row.docx, "pdf": row.pdf}
    assert "Frieda Frozen (fictional), HMI" in _word_text(before["docx"])

    # After publication: the lead is renamed, a new member joins, new evidence arrives, the profile's wording changes.
    lead = final_letter["lead"]
    lead.name = "Renamed Person (fictional)"
    db.add(lead)
    newcomer = make_user(kind="ofsted_inspector", name="Late Arrival (fictional)")
    inspections.add_team_member(session=db, actor=SYSTEM, inspection=inspection, email=newcomer.email,
                                team_role="ofsted_inspector")
    evidence.capture(session=db, actor=Actor(lead.id, lead.email), inspection=inspection, form=evidence.EvidenceForm(
        text="Fictional finding added after publication.", heading="1", aspect="usefulness",
        judgement="area_for_development", strands=["health"]))
    profile = inspections.profile_of(inspection)
    changed = dataclasses.replace(profile, letter=dataclasses.replace(
        profile.letter, title="A different title for {area}", sign_off="Changed sign-off"))
    monkeypatch.setitem(all_profiles(), profile.code, changed)
    db.flush()
    assert "A different title" in service.draft(session=db, inspection=inspection).title  # the change is real

    after = _files(client, url)
    assert after == before
    for kind in ("docx", "pdf"):
        assert hashlib.sha256(after[kind]).hexdigest() == getattr(row, f"{kind}_sha256")
        one = client.get(f"{url}/publications/1/{kind}")
        assert one.content == before[kind]
        assert one.headers["repr-digest"].startswith("sha-256=:")
    page = soup(client.get(url))
    assert [c.get_text() for c in page.select("#publications [data-publication='1'] .app-sha")] == [
        row.docx_sha256, row.pdf_sha256]
    exported = db.exec(select(AuditEvent.detail).where(AuditEvent.inspection_id == inspection.id,
                                                       AuditEvent.action == "letter.exported_docx")).all()
    assert all(detail == {"publication": 1, "sha256": row.docx_sha256} for detail in exported) and exported


def test_a_correction_is_a_new_dated_audited_publication_and_the_first_stays_as_it_was(client, db, final_letter):
    url, token = _publish(client, db, final_letter)
    inspection = final_letter["inspection"]
    first = _files(client, url)
    refused = client.post(f"{url}/corrections", data={"csrf_token": token, "section": "opening", "text": "",
                                                      "reason": ""})
    assert refused.status_code == 422
    assert error_summary(refused) == ["Enter the corrected text of the section", "Say what the correction is and why"]
    assert db.exec(select(LetterPublication).where(LetterPublication.inspection_id == inspection.id)).all()[1:] == []

    opening = editing.current(session=db, inspection=inspection).sections["opening"]
    assert client.post(f"{url}/corrections", data={
        "csrf_token": token, "section": "opening", "text": opening + "\n\nA corrected sentence (fictional).",
        "reason": "The number of settings visited was wrong"}).status_code == 303
    rows = db.exec(select(LetterPublication).where(LetterPublication.inspection_id == inspection.id)
                   .order_by(LetterPublication.number)).all()
    assert [(r.number, r.dated) for r in rows] == [(1, today_in_england()), (2, today_in_england())]
    assert rows[0].docx == first["docx"] and rows[0].pdf == first["pdf"]
    latest = _files(client, url)
    assert latest == {"docx": rows[1].docx, "pdf": rows[1].pdf} != first
    text = _word_text(latest["docx"])
    assert "A corrected sentence (fictional)." in text
    assert f"Corrected on {service.long_date(today_in_england())}: Opening. The number of settings visited was wrong" \
        in text
    assert client.get(f"{url}/publications/1/docx").content == first["docx"]
    assert client.get(f"{url}/publications/3/docx").status_code == 404
    assert client.get(f"{url}/publications/1/exe").status_code == 404
    assert editing.current(session=db, inspection=inspection).note == "Corrected after publication: opening"
    audited = db.exec(select(AuditEvent).where(AuditEvent.inspection_id == inspection.id,
                                               AuditEvent.action == "letter.corrected")).one()
    assert audited.detail["number"] == 2 and audited.detail["docx_sha256"] == rows[1].docx_sha256


def test_only_the_lead_corrects_and_only_a_published_letter(client, db, final_letter, make_client):
    url = f"/inspections/{final_letter['inspection'].id}/letter"
    sign_in(client, db, final_letter["lead"])
    token = soup(client.get(url)).select_one("input[name=csrf_token]")["value"]
    early = client.post(f"{url}/corrections", data={"csrf_token": token, "section": "opening", "text": "x",
                                                    "reason": "y"})
    assert early.status_code == 422 and "Only a published letter" in error_summary(early)[0]
    url, token = _publish(client, db, final_letter)
    cqc = sign_in(make_client(), db, final_letter["cqc"])
    cqc_token = soup(cqc.get(url)).select_one("input[name=csrf_token]")["value"]
    assert cqc.post(f"{url}/corrections", data={"csrf_token": cqc_token, "section": "opening", "text": "x",
                                                "reason": "y"}).status_code == 403
