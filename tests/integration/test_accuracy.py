"""The factual accuracy check: the lead sends the draft after quality assurance; the area's officers see it read-only
until the last day for comments (working days from the profile, bank holidays skipped) and comment on a section;
late comments are refused with the date; the team accepts (a new, cited version) or declines each with a reason and
the area sees the answers; the letter is not final while a comment is unanswered; an officer reaches only their own
area's draft, and only in the window. The clock is England's today, set per test."""

from datetime import date

import pytest
from sqlmodel import select

from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.evidence import service as evidence
from app.letters import accuracy, editing, service
from app.letters.models import AccuracyCheck, AccuracyComment, LetterWorkflow
from app.portal.models import AreaDocument
from tests.integration.conftest import PDF_BYTES, SYSTEM, error_summary, sign_in, soup

SENT = date(2026, 5, 21)  # a Thursday; Monday 25 May 2026 is the spring bank holiday
LAST_DAY = date(2026, 5, 29)  # the fifth working day after: Fri 22, Tue 26, Wed 27, Thu 28, Fri 29
NO_FILE = {"file": ("", b"", "application/octet-stream")}


@pytest.fixture
def clock(monkeypatch):
    """England's today, as the check sees it."""
    def set_to(day: date) -> None:
        monkeypatch.setattr(accuracy, "today_in_england", lambda: day)
    set_to(SENT)
    return set_to


@pytest.fixture
def checking(db, make_user, make_inspection, make_officer, clock):
    """A letter in quality assurance, started from one fictional evidence item, and the area's nominated officer."""
    lead = make_user(name="Aria Accurate (fictional)")
    inspection = make_inspection(lead)
    officer = make_officer(inspection)
    actor = Actor(lead.id, lead.email)
    evidence.capture(session=db, actor=actor, inspection=inspection, form=evidence.EvidenceForm(
        text="Fictional finding about timeliness.", heading="1", aspect="timeliness", judgement="strength",
        strands=["education"]))
    editing.start(session=db, actor=actor, inspection=inspection,
                  draft=service.draft(session=db, inspection=inspection))
    db.add(LetterWorkflow(inspection_id=inspection.id, status="quality_assurance"))
    db.flush()
    return {"lead": lead, "inspection": inspection, "officer": officer,
            "letter": f"/inspections/{inspection.id}/letter", "portal": f"/portal/{inspection.id}/accuracy"}


def _words(element) -> str:
    return " ".join(element.get_text().split())


def _token(client, url: str) -> str:
    return soup(client.get(url)).select_one("input[name=csrf_token]")["value"]


def _send(client, db, world) -> str:
    sign_in(client, db, world["lead"])
    token = _token(client, world["letter"])
    assert client.post(f"{world['letter']}/workflow/to_factual_accuracy", data={"csrf_token": token}).status_code == 303
    return token


def _comment(officer_client, world, *, section="opening", quote="Fictional words", correction="Fictional fix",
             evidence_text="", files=None):
    token = _token(officer_client, world["portal"])
    return officer_client.post(world["portal"], data={
        "csrf_token": token, "section": section, "quote": quote, "correction": correction, "evidence": evidence_text},
        files=files or NO_FILE)


def test_the_deadline_is_the_profiles_working_days_after_sending_skipping_a_bank_holiday(client, db, checking,
                                                                                          make_client):
    _send(client, db, checking)
    check = db.exec(select(AccuracyCheck).where(AccuracyCheck.inspection_id == checking["inspection"].id)).one()
    assert (check.sent_on, check.deadline) == (SENT, LAST_DAY)
    assert "comments due by Friday 29 May 2026." in _words(soup(client.get(checking["letter"])).select_one(
        ".app-accuracy-summary"))
    officer = sign_in(make_client(), db, checking["officer"])
    deadline = _words(soup(officer.get(checking["portal"])).select_one(".app-accuracy-deadline"))
    assert deadline.startswith("Send your comments by the end of Friday 29 May 2026: 5 working days after the draft "
                               "was sent on 21 May 2026")
    sent = db.exec(select(AuditEvent).where(AuditEvent.action == "letter.accuracy_check_sent")).one()
    assert sent.detail["deadline"] == "2026-05-29" and sent.detail["working_days"] == 5


def test_a_comment_on_the_last_day_is_taken_and_one_after_it_is_refused_with_the_date(client, db, checking,
                                                                                       make_client, clock):
    _send(client, db, checking)
    officer = sign_in(make_client(), db, checking["officer"])
    clock(LAST_DAY)
    assert _comment(officer, checking).status_code == 303
    clock(date(2026, 6, 1))
    page = officer.get(checking["portal"])
    assert soup(page).select_one(".app-accuracy-draft") is None  # the window has closed: no draft
    late = officer.post(checking["portal"], data={"csrf_token": _token(officer, checking["portal"]),
                                                  "section": "opening", "quote": "Late words", "correction": "Late"},
                        files=NO_FILE)
    assert late.status_code == 422
    assert error_summary(late) == ["Comments were due by Friday 29 May 2026: the factual accuracy check is closed."]
    assert [c.quote for c in db.exec(select(AccuracyComment)).all()] == ["Fictional words"]


def test_the_team_accepts_with_a_cited_version_or_declines_with_a_reason_and_the_area_sees_the_answers(
        client, db, checking, make_client, storage):
    _send(client, db, checking)
    officer = sign_in(make_client(), db, checking["officer"])
    bad = _comment(officer, checking, section="nowhere", quote="", correction="")
    assert bad.status_code == 422 and error_summary(bad) == [
        "Select the section your comment is about", "Quote the words in the draft that are not accurate",
        "Enter the correction you propose"]
    assert _comment(officer, checking, quote="Fictional finding about timeliness", correction="Say 'most'",
                    evidence_text="Our tracker (fictional)",
                    files={"file": ("tracker.pdf", PDF_BYTES, "application/pdf")}).status_code == 303
    assert _comment(officer, checking, section="main_findings", quote="Main words",
                    correction="Other words").status_code == 303
    first, second = db.exec(select(AccuracyComment).order_by(AccuracyComment.id)).all()
    document = db.get(AreaDocument, first.document_id)
    assert document.requested == "factual_accuracy" and second.document_id is None
    # A file sent with a comment came after the inspection: the letter does not count it among what was read.
    assert service.draft(session=db, inspection=checking["inspection"]).counts["documents"] == 0

    url = f"{checking['letter']}/accuracy"
    page = soup(client.get(url))
    assert [s["data-answer"] for s in page.select(".app-accuracy-comment")] == ["none", "none"]
    assert page.select_one(f"#comment-{first.id} a[href$='/area/documents/{document.id}/versions/1']") is not None
    token = _token(client, url)
    refused = client.post(f"{url}/{first.id}", data={"csrf_token": token, "answer": "accepted", "reason": "",
                                                     "text": ""})
    assert refused.status_code == 422 and error_summary(refused) == [
        "Give the reason for your answer", "Enter the section's corrected text"]
    opening = editing.current(session=db, inspection=checking["inspection"]).sections["opening"]
    corrected = opening + "\n\nMost plans were timely (fictional correction)."
    assert client.post(f"{url}/{first.id}", data={"csrf_token": token, "answer": "accepted",
                                                  "reason": "The tracker shows it", "text": corrected}
                       ).status_code == 303
    assert client.post(f"{url}/{second.id}", data={"csrf_token": token, "answer": "declined",
                                                   "reason": "The words are accurate as they stand"}
                       ).status_code == 303
    again = client.post(f"{url}/{second.id}", data={"csrf_token": token, "answer": "accepted", "reason": "x",
                                                    "text": "y"})
    assert again.status_code == 422 and error_summary(again) == ["This comment has already been answered"]

    version = editing.current(session=db, inspection=checking["inspection"])
    assert version.sections["opening"] == corrected and version.note == "Factual accuracy comment 1 accepted: opening"
    db.refresh(first)
    assert (first.answer, first.letter_version, first.reason) == ("accepted", version.number, "The tracker shows it")
    versions = soup(client.get(f"{checking['letter']}/versions")).get_text(" ", strip=True)
    assert "Factual accuracy comment 1 accepted: Opening" in versions
    seen = soup(officer.get(checking["portal"]))
    assert [(c["data-answer"], c.select_one(".app-accuracy-reason").get_text(strip=True))
            for c in seen.select(".app-accuracy-comment")] == [
        ("accepted", "The tracker shows it"), ("declined", "The words are accurate as they stand")]
    assert "Most plans were timely (fictional correction)." in seen.select_one("#draft-opening").get_text()
    actions = set(db.exec(select(AuditEvent.action).where(
        AuditEvent.inspection_id == checking["inspection"].id)).all())
    assert {"letter.accuracy_commented", "letter.accuracy_comment_accepted", "letter.accuracy_comment_declined",
            "letter.version_saved", "portal.document_uploaded"} <= actions


def test_the_letter_is_not_final_while_a_comment_is_unanswered(client, db, checking, make_client):
    token = _send(client, db, checking)
    officer = sign_in(make_client(), db, checking["officer"])
    assert _comment(officer, checking).status_code == 303
    finalise = f"{checking['letter']}/workflow/finalise"
    refused = client.post(finalise, data={"csrf_token": token})
    assert refused.status_code == 422 and error_summary(refused) == [
        ("1 factual accuracy comment not yet answered: accept or decline each, with a reason, before the letter "
         "is final")]
    assert service.status_of(session=db, inspection=checking["inspection"]).value == "factual_accuracy"
    comment = db.exec(select(AccuracyComment)).one()
    assert client.post(f"{checking['letter']}/accuracy/{comment.id}", data={
        "csrf_token": token, "answer": "declined", "reason": "Accurate as written"}).status_code == 303
    assert client.post(finalise, data={"csrf_token": token}).status_code == 303
    assert db.exec(select(AccuracyCheck)).one().closed_at is not None
    closed = officer.get(checking["portal"])
    assert soup(closed).select_one(".app-accuracy-draft") is None
    assert soup(closed).select_one(".app-accuracy-closed").get_text(strip=True).startswith(
        "The factual accuracy check closed on")
    assert _comment(officer, checking).status_code == 422


def test_an_officer_sees_the_draft_only_in_the_window_and_only_of_their_own_area(
        client, db, checking, make_client, make_user, make_inspection, make_officer, clock):
    officer = sign_in(make_client(), db, checking["officer"])
    before = soup(officer.get(checking["portal"]))
    assert before.select_one(".app-accuracy-draft") is None
    assert before.select_one(".app-accuracy-closed").get_text(strip=True) == (
        "The draft report is not open for a factual accuracy check.")
    _send(client, db, checking)
    opening = editing.current(session=db, inspection=checking["inspection"]).sections["opening"]
    during = soup(officer.get(checking["portal"]))
    assert opening.split("\n")[0] in during.select_one("#draft-opening").get_text()
    assert during.select("textarea#text-opening") == []  # read-only: the team's editor is not there

    other_lead = make_user(name="Other Lead (fictional)")
    elsewhere = make_inspection(other_lead, local_area="Elsewhere (fictional)")
    stranger = sign_in(make_client(), db, make_officer(elsewhere, contact="integrated_care_board"))
    assert stranger.get(checking["portal"]).status_code == 404
    assert stranger.get(f"{checking['letter']}").status_code == 404
    assert stranger.post(checking["portal"], data={"csrf_token": _token(stranger, f"/portal/{elsewhere.id}")},
                         files=NO_FILE).status_code == 404
    assert db.exec(select(AccuracyComment)).all() == []

    clock(date(2026, 6, 1))
    assert soup(officer.get(checking["portal"])).select_one(".app-accuracy-draft") is None


def test_a_further_contact_for_the_integrated_care_board_comments_as_such(client, db, checking, make_client,
                                                                          make_officer):
    contact = make_officer(checking["inspection"], contact="integrated_care_board")
    _send(client, db, checking)
    icb = sign_in(make_client(), db, contact)
    assert _comment(icb, checking).status_code == 303
    page = soup(client.get(f"{checking['letter']}/accuracy"))
    assert "(integrated care board)" in page.select_one(".app-accuracy-comment").get_text(" ", strip=True)
    area = soup(client.get(f"/inspections/{checking['inspection'].id}/area")).select_one(".app-area-contacts")
    assert "integrated care board" in area.get_text()


def test_the_draft_is_not_sent_while_nobody_in_the_area_could_see_it(client, db, make_user, make_inspection, clock):
    lead = make_user()
    inspection = make_inspection(lead)
    editing.start(session=db, actor=SYSTEM, inspection=inspection,
                  draft=service.draft(session=db, inspection=inspection))
    db.add(LetterWorkflow(inspection_id=inspection.id, status="quality_assurance"))
    db.flush()
    sign_in(client, db, lead)
    url = f"/inspections/{inspection.id}/letter"
    refused = client.post(f"{url}/workflow/to_factual_accuracy", data={"csrf_token": _token(client, url)})
    assert refused.status_code == 422 and error_summary(refused)[0].startswith("Invite the area's nominated officer")
    assert db.exec(select(AccuracyCheck)).all() == []
