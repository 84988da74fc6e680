"""The outcome letter drafted from a realistic fictional inspection, and its Word and PDF exports."""

import io
import uuid
from datetime import timedelta

import pytest
from docx import Document
from pypdf import PdfReader

from app.audit.service import Actor
from app.evidence import service as evidence
from app.fieldwork import service as fieldwork
from app.frameworks import team as team_roles
from app.frameworks.service import get_profile
from app.inspections import service as inspections
from app.letters import service
from app.letters.models import LetterDecision
from app.survey.models import SurveyResponse
from tests.integration.conftest import SYSTEM, error_summary, sign_in, soup

CLOSING = ("The local area is required to produce and submit a Written Statement of Action to Ofsted that explains "
           "how the local area will tackle the following areas of significant weakness:")
HEADING_ASPECTS = {1: ["timeliness", "usefulness", "parents_involved"],
                    2: ["parent_satisfaction", "short_breaks", "specialist_support"],
                    3: ["leaders_meetings", "data_and_self_evaluation"],
                    4: ["established_groups", "online_survey"]}


def build(db, make_user, make_inspection, framework="send-2016") -> dict:
    """64 evidence items over every heading, 12 case files, 3 visits, 2 meetings, 1 data review, 25 survey
    answers and a document read; all fictional."""
    lead = make_user(name="Hattie Lead (fictional)")
    cqc = make_user(kind="cqc", name="Cora Quinn (fictional)")
    oi = make_user(kind="ofsted_inspector", name="Otis Inman (fictional)")
    inspection = make_inspection(lead, framework=framework)
    ofsted_role = "ofsted_inspector" if framework == "send-2016" else "ofsted_education"  # the profile's [team]
    for member, role in ((cqc, "cqc_inspector"), (oi, ofsted_role)):
        inspections.add_team_member(session=db, actor=SYSTEM, inspection=inspection, email=member.email,
                                    team_role=role)
    actor = Actor(lead.id, lead.email)
    days = inspections.schedule_of(inspection).on_site_days
    settings = [fieldwork.create_setting(session=db, actor=actor, inspection=inspection, form=fieldwork.SettingForm(
        name=name, setting_type=kind)) for name, kind in [("Pretend Primary (fictional)", "mainstream_school"),
                                                          ("Imaginary Special School (fictional)", "special_school"),
                                                          ("Invented College (fictional)", "further_education")]]
    visits = [fieldwork.create_activity(session=db, actor=actor, inspection=inspection, form=fieldwork.ActivityForm(
        kind="setting_visit", setting_id=str(s.id), day=days[n].isoformat(), inspector_ids=[str(lead.id)]))
        for n, s in enumerate(settings)]
    meetings = [fieldwork.create_activity(session=db, actor=actor, inspection=inspection, form=fieldwork.ActivityForm(
        kind="meeting", meeting_with=who, day=days[1].isoformat(), inspector_ids=[str(cqc.id)]))
        for who in ("health_leaders", "parent_carer_group")]
    data_review = fieldwork.ActivityForm(kind="document_review", title="Area performance data (fictional)",
                                         day=days[2].isoformat(), inspector_ids=[str(oi.id)])
    review_of_data = fieldwork.create_activity(session=db, actor=actor, inspection=inspection, form=data_review)
    files = []
    for n in range(12):
        late = n % 3 == 0
        form = fieldwork.FileReviewForm(
            case_reference=f"P1-{n + 1:02d}", age_band="5-10", setting_type="mainstream_school",
            sen_status="plan_in_place", primary_need="ASD", assessment_requested_on="2026-01-05",
            plan_issued_on="2026-07-01" if late else "2026-04-20",
            ratings={"timeliness": "weak" if late else "strong", "parents_involved": "strong"}
            if framework == "send-2016" else {})  # the 2023 framework tracks cases instead of rating files
        files.append(fieldwork.create_file_review(session=db, actor=actor, inspection=inspection, form=form))
    sources = [("activity", v.id) for v in visits] + [("activity", m.id) for m in meetings] + \
              [("file_review", f.id) for f in files[:4]] + [("document", None), ("none", None)]
    items = []
    by_heading = HEADING_ASPECTS if framework == "send-2016" else {
        p.number: [a.code for a in p.aspects][:3] for p in get_profile(framework).headings}
    for heading, aspects in by_heading.items():
        for n in range(16):
            aspect = aspects[n % len(aspects)]
            kind, source_id = sources[n % len(sources)]
            judgement = ("strength", "area_for_development", "context")[(n // len(aspects)) % 3]
            form = evidence.EvidenceForm(
                text=f"Fictional finding {heading}.{n} about {aspect.replace('_', ' ')}", heading=str(heading),
                aspect=aspect, judgement=judgement, strands=["education"],
                source_type="file_review" if kind == "file_review" else ("document" if kind == "document" else ""),
                source_id=source_id or "",
                source_label="Area self-evaluation (fictional)" if kind == "document" else "")
            items.append(evidence.capture(session=db, actor=actor, inspection=inspection, form=form))
    for _ in range(25):
        db.add(SurveyResponse(inspection_id=inspection.id, audience="parent_carer", respondent_type="parent_carer",
                              answers={}, support=[], comment="", submitted_on=days[0] - timedelta(days=1),
                              submitted_hour=9, submission_id=str(uuid.uuid4())))
    db.flush()
    return {"lead": lead, "inspection": inspection, "items": items, "files": files, "visits": visits,
            "meetings": meetings, "review": review_of_data}


@pytest.fixture
def letter(db, make_user, make_inspection):
    return build(db, make_user, make_inspection)


def test_the_draft_counts_what_the_team_did_from_the_data(db, make_user, letter):
    draft = service.draft(session=db, inspection=letter["inspection"])
    assert draft.title == "Joint local area SEND inspection in Testshire (fictional)"
    assert draft.addressees[0] == "Director of Children's Services, Testshire (fictional)"
    assert {k: draft.counts[k] for k in ("visits", "meetings", "case_files", "survey_responses", "documents")} == {
        "visits": 3, "meetings": 2, "case_files": 12, "survey_responses": 25, "documents": 2}
    texts = [s.text for s in draft.opening]
    assert "Inspectors made 3 visits to 1 further education, 1 mainstream school and 1 special school." in texts
    assert "They held 2 meetings: 1 with leaders of health and 1 with a group of parents and carers." in texts
    assert "They read 2 documents and data sets, including the area's self-evaluation where it was provided." in texts
    assert "They reviewed 12 case files of children and young people with SEND." in texts
    assert any(t.startswith("They considered 25 responses to the inspection's online survey") for t in texts)
    # The team's real roles, as published letters name them (Southend-on-Sea, October 2018).
    assert texts[1] == ("The inspection was led by one of His Majesty's Inspectors from Ofsted, "
                        "with a team of inspectors, "
                        "including an Ofsted Inspector and a Children's Services Inspector from the CQC.")
    # The words are the profile's [team] roles' and nowhere else: the team page and the letter read the same ones.
    roles = {r.code: r for r in team_roles.roles_of(get_profile("send-2016"))}
    assert texts[1].endswith(f"including {roles['ofsted_inspector'].one} and {roles['cqc_inspector'].one}.")
    assert "team_words" not in get_profile("send-2016").data["letter"]
    # A serving local authority officer is an Ofsted Inspector in the letter, counted with the others, in words.
    peer = make_user(kind="la_peer", home_area="Elsewhere (fictional)", name="Peer Officer (fictional)")
    inspections.add_team_member(session=db, actor=SYSTEM, inspection=letter["inspection"], email=peer.email,
                                team_role="la_inspector")
    assert service.draft(session=db, inspection=letter["inspection"]).opening[1].text.endswith(
        "including two Ofsted Inspectors and a Children's Services Inspector from the CQC.")
    assert inspections.team_in_words(session=db, inspection=letter["inspection"]) == [
        "two Ofsted Inspectors", "a Children's Services Inspector from the CQC"]


def test_every_drafted_statement_cites_the_records_behind_it(db, letter):
    draft = service.draft(session=db, inspection=letter["inspection"])
    statements = draft.statements()
    assert statements and all(s.citations for s in statements)
    cited = {c.id for s in draft.main_findings + [p for sec in draft.sections for p in sec.strengths + sec.areas]
             for c in s.citations if c.kind == "evidence"}
    assert cited <= {i.id for i in letter["items"]}
    identifying = draft.sections[0]
    timeliness = next(s for s in identifying.areas if "timeliness" in s.text)
    # The file sample backs the point: 4 of the 12 plans were late (issued after 20 weeks).
    assert "8 of 12 education, health and care plans were issued within 20 weeks" in timeliness.text
    # Strongest triangulated first: each point rests on at least as many kinds of source as the one after it.
    kind_of = {i.id: i.source_type for i in letter["items"]}

    def kinds(statement):
        return len({kind_of[c.id] for c in statement.citations} - {"none"})

    for section in draft.sections:
        for points in (section.strengths, section.areas):
            assert [kinds(p) for p in points] == sorted((kinds(p) for p in points), reverse=True)
    assert len(draft.main_findings) == 6  # the best strength and area for development of each section


def test_the_written_statement_of_action_appears_only_when_the_team_decides_it(client, db, letter):
    sign_in(client, db, letter["lead"])
    url = f"/inspections/{letter['inspection'].id}/letter"
    assert service.draft(session=db, inspection=letter["inspection"]).wsoa_intro is None
    token = soup(client.get(url)).select_one("input[name=csrf_token]")["value"]
    refused = client.post(f"{url}/decision", data={"csrf_token": token, "wsoa_required": "yes"})
    assert refused.status_code == 422
    assert error_summary(refused) == ["List the significant weaknesses, one per line"]
    assert db.get(LetterDecision, letter["inspection"].id) is None  # a refused decision changes nothing stored
    done = client.post(f"{url}/decision", data={
        "csrf_token": token, "wsoa_required": "yes",
        "significant_weaknesses": "Late plans (fictional)\nWeak joint commissioning (fictional)"})
    assert done.status_code == 303
    draft = service.draft(session=db, inspection=letter["inspection"])
    assert draft.wsoa_intro.startswith("As a result of the findings of this inspection")
    assert draft.weaknesses == ["Late plans (fictional)", "Weak joint commissioning (fictional)"]
    kept = client.post(f"{url}/decision", data={"csrf_token": token, "wsoa_required": "no",
                                                "significant_weaknesses": "x"})
    assert error_summary(kept) == [("Significant weaknesses are listed only when a written statement of action is "
                                    "required: remove them or select yes")]
    client.post(f"{url}/decision", data={"csrf_token": token, "wsoa_required": "no", "significant_weaknesses": ""})
    draft = service.draft(session=db, inspection=letter["inspection"])
    assert (draft.wsoa_intro, draft.weaknesses) == (None, [])
    pdf = client.get(f"{url}.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Written statement of action" not in text


def test_under_the_2023_profile_the_chosen_outcome_is_quoted_exactly(client, db, make_user, make_inspection):
    built = build(db, make_user, make_inspection, framework="send-2023")
    sign_in(client, db, built["lead"])
    url = f"/inspections/{built['inspection'].id}/letter"
    token = soup(client.get(url)).select_one("input[name=csrf_token]")["value"]
    assert client.post(f"{url}/decision", data={"csrf_token": token, "outcome": "inconsistent"}).status_code == 303
    draft = service.draft(session=db, inspection=built["inspection"])
    profile = inspections.profile_of(built["inspection"])
    assert draft.outcome_wording == next(o.wording for o in profile.outcomes if o.code == "inconsistent")
    assert draft.wsoa_intro is None
    assert draft.title == "Area SEND inspection of Testshire (fictional) Local Area Partnership"


def test_the_word_and_pdf_letters_have_the_headings_and_no_citations_or_ids(client, db, letter):
    sign_in(client, db, letter["lead"])
    url = f"/inspections/{letter['inspection'].id}/letter"
    token = soup(client.get(url)).select_one("input[name=csrf_token]")["value"]
    client.post(f"{url}/decision", data={"csrf_token": token, "wsoa_required": "yes",
                                         "significant_weaknesses": "Late plans (fictional)"})
    draft = service.draft(session=db, inspection=letter["inspection"])
    ids = [i.id for i in letter["items"]] + [f.id for f in letter["files"]] + [v.id for v in letter["visits"]]

    docx = client.get(f"{url}.docx")
    assert docx.status_code == 200 and docx.headers["content-disposition"].endswith('.docx"')
    document = Document(io.BytesIO(docx.content))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", draft.title) in headings
    assert ("Heading 2", "Main findings") in headings and ("Heading 2", "Written statement of action") not in headings
    assert [h for h in headings if h[0] == "Heading 2" and h[1].startswith("The effectiveness")] == [
        ("Heading 2", s.heading) for s in draft.sections]
    assert ("Heading 3", "Strengths") in headings and ("Heading 3", "Areas for development") in headings
    # The weaknesses close the letter as bullets after the fixed sentence, just before the sign-off.
    paragraphs = [p.text for p in document.paragraphs]
    at = paragraphs.index(CLOSING)
    assert paragraphs[at + 1:at + 3] == ["Late plans (fictional)", "Yours sincerely"]
    assert document.paragraphs[at + 1].style.name == "List Bullet"
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Ofsted", "Care Quality Commission"]
    assert table.rows[1].cells[0].text.startswith("Hattie Lead (fictional), HMI")
    word_text = "\n".join(p.text for p in document.paragraphs)

    pdf = client.get(f"{url}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for heading in ["Main findings", "Strengths", "Areas for development", CLOSING]:
        assert heading in pdf_text
    assert " ".join(draft.sections[0].heading.split()) in pdf_text
    for text in (word_text, pdf_text):
        assert "Based on" not in text and "evidence:" not in text and "file_review:" not in text
        assert not any(i in text for i in ids)


def test_only_the_lead_records_the_decision(client, db, make_user, letter):
    member = make_user(kind="cqc", name="Second CQC (fictional)")
    inspections.add_team_member(session=db, actor=SYSTEM, inspection=letter["inspection"], email=member.email,
                                team_role="shadow")
    sign_in(client, db, member)
    url = f"/inspections/{letter['inspection'].id}/letter"
    page = client.get(url)
    assert page.status_code == 200 and not soup(page).select("form.app-letter-decision")
    token = soup(page).select_one("input[name=csrf_token]")["value"]
    assert client.post(f"{url}/decision", data={"csrf_token": token, "wsoa_required": "no"}).status_code == 403


def _start(client, db, letter) -> tuple[str, str]:
    sign_in(client, db, letter["lead"])
    url = f"/inspections/{letter['inspection'].id}/letter"
    token = soup(client.get(url)).select_one("input[name=csrf_token]")["value"]
    assert client.post(f"{url}/start", data={"csrf_token": token}).status_code == 303
    return url, token


def test_sections_are_edited_as_versions_and_an_earlier_version_can_be_restored(client, db, letter):
    from app.letters import editing

    url, token = _start(client, db, letter)
    first = editing.current(session=db, inspection=letter["inspection"])
    assert first.number == 1 and first.sections == first.generated
    saved = client.post(f"{url}/sections/main_findings",
                        data={"csrf_token": token, "text": "- Our own finding (fictional)."},
                        headers={"HX-Request": "true"})
    assert saved.status_code == 200 and "Saved" in saved.text and "version 2" in saved.text
    # A second autosave of the same section a moment later is the same version, not a new one.
    client.post(f"{url}/sections/main_findings",
                data={"csrf_token": token, "text": "- Our own finding, refined (fictional)."},
                headers={"HX-Request": "true"})
    versions = editing.versions(session=db, inspection=letter["inspection"])
    assert [v.number for v in versions] == [2, 1]
    assert versions[0].sections["main_findings"] == "- Our own finding, refined (fictional)."
    too_long = client.post(f"{url}/sections/opening", data={"csrf_token": token, "text": "x" * 20_001},
                           headers={"HX-Request": "true"})
    assert too_long.status_code == 422 and "Not saved: A section must be 20,000 characters or fewer" in too_long.text
    # The versions page shows what changed, word by word, and restores.
    compare = soup(client.get(f"{url}/versions", params={"number": 1}))
    assert [i.get_text() for i in compare.select(".app-diff ins")] == ["- Our own finding, refined (fictional)."]
    assert compare.select_one("h3").get_text() == "Main findings"  # only the sections that differ
    assert compare.select(".app-diff del")
    assert client.post(f"{url}/versions/1/restore", data={"csrf_token": token}).status_code == 303
    restored = editing.current(session=db, inspection=letter["inspection"])
    assert (restored.number, restored.note, restored.sections) == (3, "Restored version 1", first.sections)
    # The exported letter is the team's current text.
    client.post(f"{url}/sections/opening", data={"csrf_token": token, "text": "Our fictional opening.\n\n- a point"})
    document = Document(io.BytesIO(client.get(f"{url}.docx").content))
    texts = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Normal", "Our fictional opening.") in texts and ("List Bullet", "a point") in texts


def test_redrafting_after_new_evidence_updates_untouched_sections_and_asks_before_changing_edited_ones(
        client, db, letter):
    from app.letters import editing

    url, token = _start(client, db, letter)
    client.post(f"{url}/sections/section-1",
                data={"csrf_token": token, "text": "Strengths:\n- Our wording (fictional)."})
    actor = Actor(letter["lead"].id, letter["lead"].email)
    for aspect, heading in (("usefulness", "1"), ("short_breaks", "2")):  # new evidence in sections 1 and 2
        evidence.capture(session=db, actor=actor, inspection=letter["inspection"], form=evidence.EvidenceForm(
            text=f"Fresh fictional evidence, seen at several settings, about {aspect}.", heading=heading,
            aspect=aspect, judgement="strength", strands=["health"], source_id=letter["visits"][0].id))
    page = soup(client.get(url))
    redraft = page.select_one(".app-redraft")
    assert redraft is not None and "The evidence has changed" in redraft.get_text()
    assert [c["value"] for c in redraft.select("input[name=take]")] == ["section-1"]  # only the edited one asks
    client.post(f"{url}/redraft", data={"csrf_token": token})
    after = editing.current(session=db, inspection=letter["inspection"])
    assert after.sections["section-1"] == "Strengths:\n- Our wording (fictional)."  # kept: not ticked
    assert after.sections["section-2"] == after.generated["section-2"]  # untouched: follows the evidence
    assert "Fresh fictional evidence, seen at several settings, about short_breaks." in after.sections["section-2"]
    client.post(f"{url}/redraft", data={"csrf_token": token, "take": "section-1"})
    final = editing.current(session=db, inspection=letter["inspection"])
    assert final.sections["section-1"] == final.generated["section-1"] != "Strengths:\n- Our wording (fictional)."


def test_the_letter_goes_through_quality_assurance_sign_off_and_publication_every_step_audited(
        client, db, make_client, letter):
    from sqlmodel import select

    from app.audit.models import AuditEvent
    from app.inspections.models import TeamMember
    from app.users.models import User

    url, token = _start(client, db, letter)
    page = soup(client.get(url))
    assert [li["data-check-ok"] for li in page.select(".app-checks li")] == ["yes"] * 9
    assert client.post(f"{url}/workflow/finalise", data={"csrf_token": token}).status_code == 422  # not from draft
    assert client.post(f"{url}/workflow/to_quality_assurance", data={"csrf_token": token}).status_code == 303

    cqc_member = db.exec(select(TeamMember).where(TeamMember.inspection_id == letter["inspection"].id,
                                                  TeamMember.team_role == "cqc_inspector")).one()
    cqc = sign_in(make_client(), db, db.get(User, cqc_member.user_id))
    cqc_token = soup(cqc.get(url)).select_one("input[name=csrf_token]")["value"]
    assert cqc.post(f"{url}/comments", data={"csrf_token": cqc_token, "section": "section-1",
                                             "comment": "Say which settings (fictional review)."}).status_code == 303
    assert "Say which settings (fictional review)." in soup(client.get(url)).select_one("#section-section-1").get_text()
    assert cqc.post(f"{url}/workflow/finalise", data={"csrf_token": cqc_token}).status_code == 403  # the lead's step

    assert client.post(f"{url}/workflow/finalise", data={"csrf_token": token}).status_code == 303
    # Final: the text is fixed; publishing waits for both signatures.
    locked = client.post(f"{url}/sections/opening", data={"csrf_token": token, "text": "Changed."},
                         headers={"HX-Request": "true"})
    assert locked.status_code == 422 and "cannot be changed" in locked.text
    refused = client.post(f"{url}/workflow/publish", data={"csrf_token": token})
    assert refused.status_code == 422 and error_summary(refused) == [
        "Both the lead inspector and the CQC inspector must sign off the final letter before it is published"]
    assert client.post(f"{url}/workflow/sign_off", data={"csrf_token": token}).status_code == 303
    assert client.post(f"{url}/workflow/publish", data={"csrf_token": token}).status_code == 422
    assert cqc.post(f"{url}/workflow/sign_off", data={"csrf_token": cqc_token}).status_code == 303
    assert client.post(f"{url}/workflow/publish", data={"csrf_token": token}).status_code == 303
    flow = service.workflow_of(session=db, inspection=letter["inspection"])
    assert (flow.status, bool(flow.lead_signed_at), bool(flow.cqc_signed_at), bool(flow.published_at)) == (
        "published", True, True, True)
    # Published is read-only: no edits, no restore, no decision, no going back.
    assert client.post(f"{url}/versions/1/restore", data={"csrf_token": token}).status_code == 422
    assert client.post(f"{url}/decision", data={"csrf_token": token, "wsoa_required": "no"}).status_code == 422
    assert client.post(f"{url}/workflow/back_to_draft", data={"csrf_token": token}).status_code == 422
    assert soup(client.get(url)).select_one("#text-opening").has_attr("readonly")
    actions = db.exec(select(AuditEvent.action).where(AuditEvent.inspection_id == letter["inspection"].id,
                                                      AuditEvent.action.startswith("letter."))).all()
    for step in ("letter.to_quality_assurance", "letter.commented", "letter.finalise", "letter.signed_off",
                 "letter.publish"):
        assert step in actions


def test_a_letter_cannot_go_to_quality_assurance_while_checks_fail(client, db, make_user, make_inspection):
    lead = make_user(name="Lone Lead (fictional)")
    inspection = make_inspection(lead)
    evidence.capture(session=db, actor=Actor(lead.id, lead.email), inspection=inspection, form=evidence.EvidenceForm(
        text="Only one fictional item, with no source.", heading="1", aspect="timeliness", judgement="strength",
        strands=["education"]))
    sign_in(client, db, lead)
    url = f"/inspections/{inspection.id}/letter"
    token = soup(client.get(url)).select_one("input[name=csrf_token]")["value"]
    client.post(f"{url}/start", data={"csrf_token": token})
    page = soup(client.get(url))
    failing = [li.get_text(" ", strip=True) for li in page.select(".app-checks li[data-check-ok=no]")]
    assert failing[0] == "To do Proposal 1 has evidence from at least two kinds of source : 0 kinds of source so far"
    to_fix = page.select_one(".app-checks li[data-check-ok=no] a")
    assert to_fix["href"] == f"/inspections/{inspection.id}/board?heading=1"
    refused = client.post(f"{url}/workflow/to_quality_assurance", data={"csrf_token": token})
    assert refused.status_code == 422
    assert error_summary(refused) == ["The letter is not ready for quality assurance: see the checks"]


def test_a_section_the_team_edited_is_kept_when_a_redraft_would_drop_it(client, db, letter):
    from app.letters import editing

    sign_in(client, db, letter["lead"])
    url = f"/inspections/{letter['inspection'].id}/letter"
    token = soup(client.get(url)).select_one("input[name=csrf_token]")["value"]
    client.post(f"{url}/decision", data={"csrf_token": token, "wsoa_required": "yes",
                                         "significant_weaknesses": "Late plans (fictional)"})
    client.post(f"{url}/start", data={"csrf_token": token})
    client.post(f"{url}/sections/wsoa", data={"csrf_token": token, "text": "Our own WSOA wording (fictional)."})
    client.post(f"{url}/decision", data={"csrf_token": token, "wsoa_required": "no"})
    client.post(f"{url}/redraft", data={"csrf_token": token})
    assert editing.current(session=db, inspection=letter["inspection"]).sections["wsoa"] == \
        "Our own WSOA wording (fictional)."
    client.post(f"{url}/redraft", data={"csrf_token": token, "take": "wsoa"})  # now the team chooses the draft
    assert "wsoa" not in editing.current(session=db, inspection=letter["inspection"]).sections
    client.post(f"{url}/workflow/to_quality_assurance", data={"csrf_token": token})
    unknown = client.post(f"{url}/comments", data={"csrf_token": token, "section": "nowhere", "comment": "x"})
    assert unknown.status_code == 422 and error_summary(unknown) == ["Choose a section of the letter to comment on"]


def test_no_stored_text_can_break_the_word_or_pdf_letter(client, db, letter):
    """Text stored before the boundary existed (or written by hand) with control characters still exports: the
    exports clean on output, so one bad character cannot break the download for the whole inspection."""
    from app.letters import editing

    url, _ = _start(client, db, letter)
    version = editing.current(session=db, inspection=letter["inspection"])
    version.sections = {**version.sections, "main_findings": "- A fictional\x01 finding\x0b with\x1f controls."}
    db.add(version)
    db.flush()
    docx = client.get(f"{url}.docx")
    assert docx.status_code == 200
    word_text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "A fictional finding with controls." in word_text
    pdf = client.get(f"{url}.pdf")
    assert pdf.status_code == 200
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "A fictional finding with controls." in " ".join(pdf_text.split())


def test_the_word_letter_is_on_a4_from_the_inspectorates_and_says_his_majesty(client, db, letter):
    sign_in(client, db, letter["lead"])
    url = f"/inspections/{letter['inspection'].id}/letter"
    document = Document(io.BytesIO(client.get(f"{url}.docx").content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    draft = service.draft(session=db, inspection=letter["inspection"])
    assert document.core_properties.author == "Ofsted and Care Quality Commission"
    assert document.core_properties.title == draft.title
    text = "\n".join(p.text for p in document.paragraphs)
    assert "one of His Majesty's Inspectors" in text and "Her Majesty" not in text


def test_two_visits_to_one_school_count_one_school(db, letter):
    from sqlmodel import select

    from app.fieldwork.models import Activity

    first = db.exec(select(Activity).where(Activity.inspection_id == letter["inspection"].id,
                                           Activity.kind == "setting_visit")).first()
    db.add(Activity(id=str(uuid.uuid4()), inspection_id=first.inspection_id, kind="setting_visit",
                    setting_id=first.setting_id,
                    title="Second visit (fictional)", day=first.day, inspector_ids=first.inspector_ids,
                    attendees=[], notes=""))
    db.flush()
    texts = [s.text for s in service.draft(session=db, inspection=letter["inspection"]).opening]
    assert "Inspectors made 4 visits to 1 further education, 1 mainstream school and 1 special school." in texts


def test_versions_are_named_in_words_and_an_empty_list_says_what_to_do(client, db, letter):
    sign_in(client, db, letter["lead"])
    url = f"/inspections/{letter['inspection'].id}/letter"
    empty = soup(client.get(f"{url}/versions"))
    assert "There are no versions yet" in empty.get_text() and not empty.select("table")
    url, token = _start(client, db, letter)
    client.post(f"{url}/sections/section-1", data={"csrf_token": token, "text": "- A fictional point."},
                headers={"HX-Request": "true"})
    heading = service.draft(session=db, inspection=letter["inspection"]).sections[0].heading
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in soup(client.get(f"{url}/versions")).select("table tbody tr")]
    assert rows[0][1] == f"Edited: {heading}" and "section-1" not in str(rows)
