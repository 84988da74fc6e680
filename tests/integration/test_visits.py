"""The visit that follows, linked: a revisit (2016) once the statement is accepted, a monitoring inspection (2023)
after widespread failings; each set up from the original with its own notice and days on site, carrying the
original's list forward, judging progress on each with evidence, in its own letter."""

import io
from datetime import date

from docx import Document
from pypdf import PdfReader
from sqlmodel import select

from app.audit.service import Actor
from app.evidence import service as evidence
from app.frameworks.working_days import add_working_days, working_days_from
from app.inspections.models import Inspection
from app.letters import publication
from app.letters.models import LetterVersion, LetterWorkflow
from app.models_base import utcnow
from app.obligations import service as obligations
from app.obligations.models import CarriedItem, CarriedItemEvidence
from tests.integration.conftest import csrf_of, error_summary, publish, sign_in, soup

WEAKNESSES = ("Fictional weakness one: plans are late.", "Fictional weakness two: the local offer is out of date.")


def monitoring_visit(client, db, make_user, make_inspection, today_is):
    """A 2023 inspection published with widespread failings and two areas for priority action, and the monitoring
    inspection its lead sets up from it (signed in as that lead): the lead and the visit."""
    lead = make_user(name="Lead HMI (fictional)")
    original = make_inspection(lead, framework="send-2023")
    publish(db, original, date(2027, 6, 1), outcome="widespread_failings",
            priority_actions=("Fictional: leaders should issue plans on time.",
                              "Fictional: the local offer should be kept up to date."))
    today_is(date(2027, 6, 2))
    sign_in(client, db, lead)
    assert set_up(client, original, date(2028, 12, 4)).status_code == 303
    return lead, db.exec(select(Inspection).where(Inspection.follows_id == original.id)).one()


def set_up(client, original, start: date):
    url = f"/inspections/{original.id}/obligations"
    return client.post(f"/inspections/{original.id}/follow-up", data={
        "csrf_token": csrf_of(client, url), "start_date-day": str(start.day), "start_date-month": str(start.month),
        "start_date-year": str(start.year)})


def test_a_revisit_waits_for_the_accepted_statement_then_carries_the_weaknesses_and_judges_progress(
        client, db, make_user, make_inspection, today_is):
    lead = make_user(name="Lead HMI (fictional)")
    original = make_inspection(lead)
    publish(db, original, date(2027, 3, 18), wsoa_required=True, weaknesses=WEAKNESSES)
    today_is(date(2027, 7, 1))
    sign_in(client, db, lead)
    start = date(2028, 6, 5)
    early = set_up(client, original, start)
    assert early.status_code == 422
    refusal = ("The revisit to a local area required to produce a written statement of action can be set up once "
               "the written statement of action is accepted")
    assert error_summary(early) == [refusal]
    [view] = obligations.obligations_of(session=db, inspection=original)
    view.obligation.submitted_at, view.obligation.decision, view.obligation.decided_at = utcnow(), "accepted", utcnow()
    db.add(view.obligation)
    db.flush()

    made = set_up(client, original, start)
    visit = db.exec(select(Inspection).where(Inspection.follows_id == original.id)).one()
    assert made.status_code == 303 and made.headers["location"] == f"/inspections/{visit.id}/progress"
    assert (visit.visit_kind, visit.area_id, visit.framework) == ("revisit", original.area_id, "send-2016")
    assert visit.notification_date == add_working_days(start, -10)  # the revisit's notice, not the original's 2
    assert visit.last_on_site_date == working_days_from(start, 3)[-1]
    assert [i.text for i in db.exec(select(CarriedItem).order_by(CarriedItem.position)).all()] == list(WEAKNESSES)
    assert set_up(client, original, start).status_code == 422  # once only

    page = soup(client.get(f"/inspections/{visit.id}/progress"))
    assert page.select_one(".app-inspection-header__kind").get_text(strip=True) == "SEND 2016 revisit inspection:"
    items = db.exec(select(CarriedItem).order_by(CarriedItem.position)).all()
    url = f"/inspections/{visit.id}/progress/{items[0].id}"
    refused = client.post(url, data={"csrf_token": csrf_of(client, f"/inspections/{visit.id}/progress")})
    assert refused.status_code == 422
    assert error_summary(refused) == ["Select the progress made", "Enter the evidence for the judgement"]
    seen = evidence.capture(session=db, actor=Actor(lead.id, lead.email), inspection=visit,
                            captured_on=start, form=evidence.EvidenceForm(
                                text="Fictional: the revisit's sample of plans was on time.", heading="1",
                                aspect="timeliness", judgement="strength", strands=["education"]))
    judged = {"csrf_token": csrf_of(client, f"/inspections/{visit.id}/progress"), "progress": "sufficient",
              "evidence": "Fictional: 19 of 20 plans sampled were on time."}
    stranger = client.post(url, data={**judged, "evidence_ids": ["00000000-0000-4000-8000-0000000000ff"]})
    assert error_summary(stranger) == ["Select evidence items of this visit"]
    assert client.post(url, data={**judged, "evidence_ids": [seen.id]}).status_code == 303
    assert db.exec(select(CarriedItemEvidence.evidence_item_id)).all() == [seen.id]
    letter = [" ".join(p.get_text(" ").split()) for p in soup(client.get(
        f"/inspections/{visit.id}/progress")).select(".app-progress-letter p")]
    assert letter[0].startswith("Between ") and "published on 18 March 2027" in letter[0]
    assert letter[1:] == ["Sufficient progress. Fictional: 19 of 20 plans sampled were on time.", "Not yet judged."]


def test_a_monitoring_inspection_carries_the_areas_for_priority_action(client, db, make_user, make_inspection,
                                                                      today_is):
    lead = make_user(name="Lead HMI (fictional)")
    original = make_inspection(lead, framework="send-2023")
    publish(db, original, date(2027, 6, 1), outcome="widespread_failings",
            priority_actions=("Fictional: leaders should issue plans on time.",))
    today_is(date(2027, 6, 2))
    sign_in(client, db, lead)
    start = date(2028, 12, 4)
    assert set_up(client, original, start).status_code == 303
    visit = db.exec(select(Inspection).where(Inspection.follows_id == original.id)).one()
    assert visit.visit_kind == "monitoring_inspection"
    assert visit.notification_date == add_working_days(start, -5)
    assert [i.text for i in db.exec(select(CarriedItem)).all()] == ["Fictional: leaders should issue plans on time."]
    admin = sign_in(client, db, make_user(role="admin"))
    area = soup(admin.get(f"/areas/{original.area_id}"))
    assert [tr["data-inspection"] for tr in area.select("tr[data-inspection]")] == [str(visit.id), str(original.id)]
    row = " ".join(soup(admin.get("/areas")).select_one("tr[data-area='999']").get_text(" ").split())
    assert "Widespread and/or systemic failings" in row  # the original's outcome, not the visit's
    assert "Monitoring inspection: set up for 4 December 2028" in row


def _text_of(kind: str, content: bytes) -> str:
    if kind == "docx":
        return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_visits_word_and_pdf_letter_is_its_own_and_frozen_once_published(client, db, make_user, make_inspection,
                                                                             today_is):
    lead, visit = monitoring_visit(client, db, make_user, make_inspection, today_is)
    first = db.exec(select(CarriedItem).where(CarriedItem.position == 1)).one()
    assert client.post(f"/inspections/{visit.id}/progress/{first.id}", data={
        "csrf_token": csrf_of(client, f"/inspections/{visit.id}/progress"), "progress": "insufficient",
        "evidence": "Fictional: 9 of 20 plans sampled were late."}).status_code == 303

    def downloads() -> dict[str, bytes]:
        files = {kind: client.get(f"/inspections/{visit.id}/letter.{kind}") for kind in ("docx", "pdf")}
        assert all(response.status_code == 200 for response in files.values())
        return {kind: response.content for kind, response in files.items()}

    drafted = downloads()
    for kind, content in drafted.items():
        letter = " ".join(_text_of(kind, content).split())
        assert "Monitoring inspection of Testshire (fictional) Local Area Partnership" in letter
        assert "carried out a monitoring inspection" in letter and "published on 1 June 2027" in letter
        assert ("Area for priority action 1: Fictional: leaders should issue plans on time. Insufficient progress. "
                "Fictional: 9 of 20 plans sampled were late.") in letter
        assert ("Area for priority action 2: Fictional: the local offer should be kept up to date. "
                "Not yet judged.") in letter
        assert "Yours sincerely" in letter
        for full in ("Area SEND inspection of", "Inspection outcome", "How well needs are met"):
            assert full not in letter
    assert Document(io.BytesIO(drafted["docx"])).core_properties.author == "Ofsted and Care Quality Commission"

    row = publication.publish(session=db, actor=Actor(lead.id, lead.email), inspection=visit)
    assert "Insufficient progress" in _text_of("docx", row.docx) and "Not yet judged" in _text_of("pdf", row.pdf)
    db.add(LetterWorkflow(inspection_id=visit.id, status="published", published_at=utcnow()))
    first.progress, first.evidence = "sufficient", "Fictional: changed after publication."
    db.add(first)
    db.flush()
    assert downloads() == {"docx": row.docx, "pdf": row.pdf}  # the published letter's bytes, not a new rendering


def test_the_visits_letter_page_shows_its_own_letter_and_is_ready_once_every_item_is_judged(
        client, db, make_user, make_inspection, today_is):
    _, visit = monitoring_visit(client, db, make_user, make_inspection, today_is)
    first, second = db.exec(select(CarriedItem).where(CarriedItem.inspection_id == visit.id)
                            .order_by(CarriedItem.position)).all()
    url = f"/inspections/{visit.id}/letter"

    def judge(item: CarriedItem, progress: str, reasons: str) -> None:
        assert client.post(f"/inspections/{visit.id}/progress/{item.id}", data={
            "csrf_token": csrf_of(client, f"/inspections/{visit.id}/progress"), "progress": progress,
            "evidence": reasons}).status_code == 303

    # The full inspection's editable draft is not a visit's letter: starting one is refused, and nothing is kept.
    started = client.post(f"{url}/start", data={"csrf_token": csrf_of(client, url)})
    assert started.status_code == 422
    assert error_summary(started) == [("This visit's letter is written from its progress judgements: judge each item "
                                       "on the Progress page")]
    assert db.exec(select(LetterVersion).where(LetterVersion.inspection_id == visit.id)).first() is None

    judge(first, "insufficient", "Fictional: 9 of 20 plans sampled were late.")
    page = soup(client.get(url))
    letter = page.select_one("article.app-visit-letter")
    headings = [h.get_text(" ", strip=True) for h in letter.select("h2, h3")]
    assert headings == ["Monitoring inspection of Testshire (fictional) Local Area Partnership",
                        "Area for priority action 1: Fictional: leaders should issue plans on time.",
                        "Area for priority action 2: Fictional: the local offer should be kept up to date."]
    said = {s["data-section"]: " ".join(s.get_text(" ").split()) for s in letter.select("section[data-section]")}
    assert "Insufficient progress. Fictional: 9 of 20 plans sampled were late." in said["item_1"]
    assert "Not yet judged." in said["item_2"]
    whole = page.select_one("main").get_text(" ")
    for full in ("How well needs are met", "The team's decision", "Start editing this draft"):
        assert full not in whole
    checks = {li.get_text(" ", strip=True): li["data-check-ok"] for li in page.select(".app-checks li")}
    assert [ok for text, ok in checks.items() if "Area for priority action" in text] == ["yes", "no"]
    assert not any("two kinds of source" in text for text in checks)

    refused = client.post(f"{url}/workflow/to_quality_assurance", data={"csrf_token": csrf_of(client, url)})
    assert refused.status_code == 422
    assert error_summary(refused) == ["The letter is not ready for quality assurance: see the checks"]
    assert db.exec(select(LetterWorkflow).where(LetterWorkflow.inspection_id == visit.id)).first() is None

    judge(second, "sufficient", "Fictional: the local offer was updated in March.")
    ready = soup(client.get(url))
    assert {li["data-check-ok"] for li in ready.select(".app-checks li")} == {"yes"}
    assert client.post(f"{url}/workflow/to_quality_assurance",
                       data={"csrf_token": csrf_of(client, url)}).status_code == 303
    db.expire_all()
    flow = db.exec(select(LetterWorkflow).where(LetterWorkflow.inspection_id == visit.id)).one()
    assert flow.status == "quality_assurance"
    # The reviewer comments on a part of the visit's letter.
    assert client.post(f"{url}/comments", data={"csrf_token": csrf_of(client, url), "section": "item_2",
                                                "comment": "Fictional: say when in March."}).status_code == 303
    commented = soup(client.get(url)).select_one("section[data-section='item_2'] .app-qa-comment")
    assert "Fictional: say when in March." in commented.get_text()
