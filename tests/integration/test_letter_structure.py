"""The letter's structure and fixed wording as published: the 2016 letter (Ofsted's letters of 2016-2022) and the
2023 report under each outcome, read back from the Word file (python-docx) and the PDF (pypdf)."""

import io
import re
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader

from app.frameworks.decisions import rules_of
from app.frameworks.service import get_profile
from app.inspections import service as inspections
from tests.integration.conftest import SYSTEM, sign_in, soup
from tests.integration.test_letters import CLOSING, build

AREA = "Testshire (fictional)"
COUNCIL, ICB = f"{AREA} Council", f"NHS {AREA} Integrated Care Board"
ACTION = "Leaders should reduce the waits for an autism assessment (fictional)."
IMPROVE = "Leaders should make the local offer easier to find (fictional)."
THIS_LETTER = ("This letter outlines our findings from the inspection, including some areas of strength and areas "
               "for further improvement.")
DID = "Inspectors spoke with children and young people who have special educational needs and/or disabilities"
# The first findings question as the Essex report (January 2026) prints it, SEND spelled out.
WHAT_IS_IT_LIKE = ("What is it like to be a child or young person with special educational needs and/or disabilities "
                   "(SEND) in this area?")

STRATEGIC_PLAN = ("Ofsted and CQC ask that the local area partnership updates and publishes its strategic plan "
                  "based on the recommendations set out in this report.")
MONITORING = ("A monitoring inspection will be carried out within approximately 18 months. The next full reinspection "
              "will be within approximately three years.")
PRIORITY_PLAN = ("As a result of this inspection, His Majesty's Chief Inspector requires the local area partnership to "
                 "prepare and submit a priority action plan (area SEND) to address the identified areas for priority "
                 "action.")
PUBLISHED_NEXT_STEPS = {
    "positive": ["The next full area SEND inspection will be within approximately 5 years.", STRATEGIC_PLAN],
    "inconsistent": ["The next full area SEND inspection will be within approximately 3 years.", STRATEGIC_PLAN],
    "widespread_failings": [MONITORING, PRIORITY_PLAN],
}


def _word(client, url):
    document = Document(io.BytesIO(client.get(f"{url}.docx").content))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return paragraphs, tables


def _pdf(client, url):
    reader = PdfReader(io.BytesIO(client.get(f"{url}.pdf").content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _decide(client, inspection, body):
    token = client.get("/api/v1/session").json()["csrf_token"]
    response = client.put(f"/api/v1/inspections/{inspection.id}/decision", json=body, headers={"X-CSRF-Token": token})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("wsoa", [True, False])
def test_the_2016_letter_opens_and_closes_as_published_letters_do(client, db, make_user, make_inspection, wsoa):
    built = build(db, make_user, make_inspection)
    sign_in(client, db, built["lead"])
    _decide(client, built["inspection"], {"wsoa_required": wsoa,
                                          "significant_weaknesses": ["Late plans (fictional)"] if wsoa else []})
    url = f"/inspections/{built['inspection'].id}/letter"
    paragraphs, tables = _word(client, url)
    texts = [text for _, text in paragraphs]
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", texts[0])  # the letter's date: "5 December 2026"
    assert texts[4:6] == ["Dear Sir or Madam", f"Joint local area SEND inspection in {AREA}"]
    # Both dates in full, as published ("Between 1 October 2018 and 5 October 2018").
    assert re.match(r"Between \d{1,2} [A-Z][a-z]+ \d{4} and \d{1,2} [A-Z][a-z]+ \d{4}, Ofsted and the Care Quality "
                    r"Commission \(CQC\) conducted a joint inspection of the local area of", texts[6])
    assert texts[7].endswith("with a team of inspectors, including an Ofsted Inspector and a Children's Services "
                             "Inspector from the CQC.")
    did = next(n for n, text in enumerate(texts) if text.startswith(DID))
    main = texts.index("Main findings")
    if wsoa:
        # The determination stands right after what inspectors did; the weaknesses close the letter as bullets.
        assert texts[did + 1].startswith("As a result of the findings of this inspection and in accordance with the "
                                         "Children Act 2004 (Joint Area Reviews) Regulations 2015, His Majesty's "
                                         "Chief Inspector (HMCI) has determined that a Written Statement of Action")
        assert "jointly responsible for submitting the written statement to Ofsted." in texts[did + 1]
        assert texts[did + 2:main] == [THIS_LETTER]
        assert paragraphs[-3:] == [("Normal", CLOSING), ("List Bullet", "Late plans (fictional)"),
                                   ("Normal", "Yours sincerely")]
    else:
        assert texts[did + 1:main] == [THIS_LETTER]
        assert CLOSING not in texts and not any("HMCI" in text for text in texts)
    assert tables[-1][0] == ["Ofsted", "Care Quality Commission"]
    pdf = _pdf(client, url)
    assert THIS_LETTER in pdf and (CLOSING in pdf) is wsoa


@pytest.mark.parametrize("outcome", ["positive", "inconsistent", "widespread_failings"])
def test_the_2023_report_has_the_published_headings_and_wording_for_each_outcome(client, db, make_user,
                                                                                  make_inspection, outcome):
    built = build(db, make_user, make_inspection, framework="send-2023")
    if outcome == "inconsistent":  # the area inspected before (a 2016 inspection): its dates under the report's
        make_inspection(built["lead"], start=date(2026, 5, 11))
    social_care = make_user(kind="hmi", name="Sadie Care (fictional)")
    inspections.add_team_member(session=db, actor=SYSTEM, inspection=built["inspection"], email=social_care.email,
                                team_role="ofsted_social_care")
    sign_in(client, db, built["lead"])
    rule = rules_of(get_profile("send-2023")).outcome(outcome)
    _decide(client, built["inspection"], {
        "outcome": outcome, "areas_for_improvement": [{"text": IMPROVE, "responsible_bodies": ["local_authority"]}],
        "priority_actions": [{"text": ACTION, "responsible_bodies": ["local_authority", "icb"]}]
        if rule.priority_actions else []})
    url = f"/inspections/{built['inspection'].id}/letter"
    paragraphs, tables = _word(client, url)
    texts = [text for _, text in paragraphs]
    headings = [(style, text) for style, text in paragraphs if style.startswith("Heading")]
    expected = [("Heading 1", f"Area SEND inspection of {AREA} Local Area Partnership"),
                ("Heading 2", "Inspection outcome"),
                ("Heading 2", "Information about the local area partnership"),
                ("Heading 2", WHAT_IS_IT_LIKE),
                ("Heading 2", "What is the area partnership doing that is effective?"),
                ("Heading 2", "What does the area partnership need to do better?"),
                *([("Heading 2", "Areas for priority action")] if rule.priority_actions else []),
                ("Heading 2", "Areas for improvement"),
                ("Heading 2", "Local area partnership details"),
                ("Heading 2", "Information about this inspection"),
                ("Heading 2", "Inspection team"), ("Heading 3", "Ofsted"), ("Heading 3", "Care Quality Commission")]
    assert headings == expected
    assert re.fullmatch(r"Inspection dates: \d{1,2} [A-Z][a-z]+ \d{4} to \d{1,2} [A-Z][a-z]+ \d{4}", texts[1])
    previous = [t for t in texts if t.startswith("Dates of previous inspection")]
    earlier = ["Dates of previous inspection: 11 May 2026 to 15 May 2026"]
    assert previous == (earlier if outcome == "inconsistent" else [])
    at = texts.index("Inspection outcome")
    assert texts[at + 1:at + 2 + len(rule.next_steps)] == [rule.wording, *rule.next_steps]
    assert texts[texts.index("Information about the local area partnership") + 1] == (
        f"{COUNCIL} and {ICB} are jointly responsible for the planning and commissioning of services for children "
        f"and young people with SEND in {AREA}.")
    # SEND is spelled out once, in the outcome that opens the report (Southend-on-Sea, March 2023; Lancashire, 2024).
    assert "special educational needs and/or disabilities (SEND)" in rule.wording
    if outcome == "positive":  # Bedford (November 2024) and six more: SEND spelled out before "arrangements"
        assert rule.wording.startswith("The local area partnership's special educational needs and/or disabilities "
                                       "(SEND) arrangements typically lead to positive experiences and outcomes for "
                                       "children and young people with SEND.")
    # The next steps under each outcome as published reports print them (reports archived in the public repository
    # data-to-insight/ofsted-send-scrape-tool: Greenwich and Richmond upon Thames, 2023; Lancashire, December 2024;
    # Essex, January 2026): the third outcome has no strategic plan sentence.
    assert texts[at + 2:at + 2 + len(rule.next_steps)] == PUBLISHED_NEXT_STEPS[outcome]
    # Information about this inspection, as the Essex report (January 2026) has it, the team in the roles' words.
    about = texts.index("Information about this inspection")
    assert texts[about + 1] == ("This inspection was carried out at the request of the Secretary of State for "
                                "Education under section 20(1)(a) of the Children Act 2004.")
    assert texts[about + 2].startswith("The inspection was led by one of His Majesty's Inspectors (HMI) from Ofsted, "
                                       "with a team of inspectors including: ")
    assert "Children's Services Inspector from the CQC" in texts[about + 2]
    # The team by organisation in the profile's roles (a role the 2023 profile does not name is left out).
    team = texts[texts.index("Inspection team") + 1:]
    assert team[:2] == ["Ofsted", "Hattie Lead (fictional), Ofsted HMI, lead inspector"]
    assert "Sadie Care (fictional), Ofsted Inspector" in team[2:-2]
    assert team[-2:] == ["Care Quality Commission", "Cora Quinn (fictional), CQC inspector"]
    assert not {"Dear Sir or Madam", "Yours sincerely", "Main findings"} & set(texts)
    # The areas for priority action by responsible body, the areas for improvement as one column whose text names who
    # acts (as every published report has them), then the partnership's details; no letter's signature table.
    recommendations = [["Responsible body", "Areas for priority action"], [f"{COUNCIL} and {ICB}", ACTION]]
    assert tables == [*([recommendations] if rule.priority_actions else []),
                      [["Areas for improvement"], [IMPROVE]],
                      [["Local authority", "Integrated care board"], [COUNCIL, ICB]]]
    pdf = _pdf(client, url)
    for text in [rule.wording, *rule.next_steps, WHAT_IS_IT_LIKE, "Areas for improvement", IMPROVE,
                 "Local area partnership details", "Inspection team"]:
        assert text in pdf
    assert ("Areas for priority action" in pdf) is rule.priority_actions
    assert "Yours sincerely" not in pdf


def test_the_2023_decision_form_asks_for_areas_for_improvement_that_say_who_is_to_act(client, db, make_user,
                                                                                       make_inspection):
    """The report prints an area for improvement's text alone, so the text must name who is to act (the profile's
    hint); the areas for priority action keep their table by responsible body and their own hint."""
    built = build(db, make_user, make_inspection, framework="send-2023")
    sign_in(client, db, built["lead"])
    page = soup(client.get(f"/inspections/{built['inspection'].id}/letter"))
    hints = {group["data-recommendations"]: group.select_one(".govuk-hint").get_text(" ", strip=True)
             for group in page.select("[data-recommendations]")}
    assert hints["areas_for_improvement"] == (
        "Say in the text who is to act, as the report prints only the text: for example, 'Leaders across the "
        "partnership should ...'. The responsible bodies ticked are kept with the decision, not printed. Leave a row "
        "empty to leave it out.")
    assert hints["priority_actions"].startswith("Only with the outcome ")
