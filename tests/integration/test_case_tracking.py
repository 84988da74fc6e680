"""Case tracking (2023 framework): the person-level list through the portal (a column of names refused with the
reason and nothing stored; only the needed columns kept), random selection that re-runs from its recorded seed
and respects the criteria, documents due in working days, consent before the conversation, and evidence from a
tracked case on the board. The 2016 framework keeps its case-file review and has none of this."""

import random
import uuid
from datetime import date

import pytest
from sqlmodel import select

from app.audit.models import AuditEvent
from app.casetracking.models import CaseDocumentRequest, CaseSelection, PersonLevelChild, PersonLevelList, TrackedCase
from app.evidence.models import EvidenceItem
from app.users.models import User
from tests.integration.conftest import csrf_of, error_summary, sign_in, soup

HEADINGS = "Child ID,Age,Primary need,SEN status,Setting,Out of area"


def fictional_list(count: int = 120) -> bytes:
    """A made-up list: identifiers TS-0001 on, ages, needs and statuses cycling so every criterion has children."""
    needs = ["ASD", "SEMH", "SLCN", "MLD", "PD"]
    rows = [HEADINGS, *(f"TS-{n:04d},{n % 26},{needs[n % 5]},{'E' if n % 3 == 0 else 'K'},"
                        f"{'Special school' if n % 4 == 0 else 'Mainstream school'},{'yes' if n % 7 == 0 else 'no'}"
                        for n in range(1, count + 1))]
    return ("\r\n".join(rows) + "\r\n").encode()


@pytest.fixture
def area(client, db, make_user, make_inspection, make_officer, make_client, today_is):
    """A 2023 inspection; `client` is its officer in the portal, `team` its lead. England's day is Wednesday 31 March
    2027 unless a test moves it, so that the days the tests record (a received date is never a day to come) have
    passed."""
    today_is(date(2027, 3, 31))
    lead = make_user(name="Lead HMI (fictional)")
    inspection = make_inspection(lead, framework="send-2023")
    sign_in(client, db, make_officer(inspection))
    team = sign_in(make_client(), db, lead)
    return client, team, inspection


def upload(client, inspection, content: bytes, filename: str = "list.csv"):
    return client.post(f"/portal/{inspection.id}/person-level",
                       data={"csrf_token": csrf_of(client, f"/portal/{inspection.id}/person-level")},
                       files={"file": (filename, content, "text/csv")})


def stored(db) -> tuple[int, int]:
    return (len(db.exec(select(PersonLevelChild)).all()), len(db.exec(select(PersonLevelList)).all()))


def select_cases(team, inspection, **fields):
    data = {"purpose": "tracking", "size": "6", **fields,
            "csrf_token": csrf_of(team, f"/inspections/{inspection.id}/cases")}
    return team.post(f"/inspections/{inspection.id}/cases/selections", data=data)


def test_a_column_of_names_refuses_the_file_with_the_reason_and_nothing_is_stored(db, storage, area):
    client, _, inspection = area
    page = upload(client, inspection, b"Child ID,Age,SEN status,Surname\r\nTS-0001,9,E,Testerson\r\n")
    assert page.status_code == 422
    [message] = error_summary(page)
    assert "Column D (‘Surname’) would identify a child directly" in message
    assert "Nothing was saved" in message
    assert stored(db) == (0, 0)
    assert storage.keys() == []  # the file is not kept either


def test_names_under_an_innocent_heading_are_found_in_the_cells(db, area):
    client, _, inspection = area
    page = upload(client, inspection, b"Child ID,Age,SEN status,Pupil\r\nTS-0001,9,E,Mr Fictional Testerson\r\n")
    assert page.status_code == 422
    assert "Column D (‘Pupil’) holds what looks like a name in row 2" in error_summary(page)[0]
    assert stored(db) == (0, 0)


def test_only_the_columns_the_inspection_needs_are_kept(db, area):
    client, _, inspection = area
    body = (b"Child ID,Age,SEN status,Ethnicity,School name,Out of area\r\n"
            b"TS-0001,9,E,WBRI,Oakfield Academy,no\r\n"
            b"TS-0002,15,SEN support,MWBC,Riverside College,yes\r\n")
    done = upload(client, inspection, body)
    assert done.status_code == 303
    children = {c.identifier: (c.age, c.details) for c in db.exec(select(PersonLevelChild)).all()}
    assert children == {"TS-0001": (9, {"sen_status": "ehc_plan", "out_of_area": False}),
                        "TS-0002": (15, {"sen_status": "sen_support", "out_of_area": True})}
    listed = db.exec(select(PersonLevelList)).one()
    assert listed.dropped_columns == ["Ethnicity", "School name"]
    page = soup(client.get(done.headers["location"]))
    assert "Your person-level list has been saved: 2 children" in page.get_text()
    summary = {dt.get_text(strip=True): dd.get_text(strip=True) for dt, dd in
               zip(page.select("#list-summary dt"), page.select("#list-summary dd"), strict=True)}
    assert summary["Columns kept"] == "Pseudonymous identifier, Age, SEN status, Educated out of area"
    assert summary["Columns left out"] == "Ethnicity, School name"


def test_every_cell_problem_is_listed_and_nothing_is_saved(db, area):
    client, _, inspection = area
    body = (HEADINGS + "\r\nTS-0001,31,ASD,E,,no\r\nTS-0002,9,XYZ,K,,maybe\r\nTS-0001,9,ASD,K,,no\r\n").encode()
    page = upload(client, inspection, body)
    assert page.status_code == 422
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in soup(page).select("#problems tbody tr")]
    assert rows == [["2", "B (Age)", "Enter an age in whole years from 0 to 25"],
                    ["3", "C (Primary need)", rows[1][2]],
                    ["3", "F (Educated out of area)", "Enter yes or no"],
                    ["4", "A (Child ID)", "‘TS-0001’ is also in row 2: give each child once"]]
    assert rows[1][2].startswith("‘XYZ’ is not a primary need of the template")
    assert stored(db) == (0, 0)


def test_a_selection_re_runs_from_its_seed_and_respects_the_criteria(db, area):
    client, team, inspection = area
    assert upload(client, inspection, fictional_list()).status_code == 303
    done = select_cases(team, inspection, age_from="5", age_to="10", sen_status="ehc_plan", out_of_area="no",
                        seed="20270308")
    assert done.status_code == 303
    selection = db.exec(select(CaseSelection)).one()
    children = db.exec(select(PersonLevelChild)).all()
    eligible = sorted(c.identifier for c in children if 5 <= c.age <= 10 and c.details["sen_status"] == "ehc_plan"
                      and not c.details["out_of_area"])
    assert selection.eligible == eligible
    assert selection.seed == "20270308"
    assert selection.criteria == {"age": [5, 10], "sen_status": ["ehc_plan"], "out_of_area": False}
    assert selection.selected == random.Random(20270308).sample(eligible, 6)
    cases = db.exec(select(TrackedCase)).all()
    assert sorted(c.identifier for c in cases) == sorted(selection.selected)
    assert all(5 <= c.details["age"] <= 10 and c.details["sen_status"] == "ehc_plan" for c in cases)
    page = soup(team.get(done.headers["location"]))
    shown = page.select_one(f"#selection-{selection.id}")
    assert shown.select_one("[data-seed]").get_text() == "20270308"
    assert shown.select_one("[data-criteria]").get_text() == (
        "Aged 5 to 10; SEN status: EHC plan; Educated out of area: no")
    assert "Re-runs to the same cases" in shown.select_one("[data-check]").get_text()
    assert "Every child meeting the criteria was in the draw" in shown.select_one("[data-check]").get_text()
    # A second draw leaves out the children already tracked, and says its own draw re-runs too.
    select_cases(team, inspection, age_from="5", age_to="10", sen_status="ehc_plan", out_of_area="no",
                 seed="20270308", size="2")
    first, second = db.exec(select(CaseSelection).order_by(CaseSelection.id)).all()
    assert second.eligible == sorted(set(eligible) - set(first.selected))
    assert second.selected == random.Random(20270308).sample(second.eligible, 2)
    checks = soup(team.get(f"/inspections/{inspection.id}/cases")).select("[data-check]")
    assert ["Every child meeting the criteria was in the draw" in c.get_text() for c in checks] == [True, True]


def test_a_drawn_seed_is_recorded_and_too_few_children_is_refused(db, area):
    client, team, inspection = area
    upload(client, inspection, fictional_list(30))
    assert select_cases(team, inspection).status_code == 303
    selection = db.exec(select(CaseSelection)).one()
    assert selection.seed.isdigit() and selection.selected == random.Random(int(selection.seed)).sample(
        selection.eligible, 6)
    page = select_cases(team, inspection, purpose="sampling", theme="Physical disability", age_from="20",
                        age_to="25", primary_need="PD", size="6")
    assert page.status_code == 422
    assert error_summary(page) == [("Only 1 child on the list meets these criteria: select fewer cases or "
                                    "widen the criteria")]
    assert len(db.exec(select(CaseSelection)).all()) == 1


def case_of(db) -> TrackedCase:
    return db.exec(select(TrackedCase).order_by(TrackedCase.identifier)).first()


def one_tracked_case(db, client, team, inspection) -> TrackedCase:
    """The officer's list of 30 children uploaded and one case drawn from it for tracking."""
    upload(client, inspection, fictional_list(30))
    select_cases(team, inspection, size="1")
    return case_of(db)


def post_case(team, inspection, case, what: str, **fields):
    url = f"/inspections/{inspection.id}/cases/{case.id}"
    return team.post(f"{url}/{what}", data={**fields, "csrf_token": csrf_of(team, url)})


def test_documents_are_due_two_working_days_later_across_a_bank_holiday(db, area):
    client, team, inspection = area
    case = one_tracked_case(db, client, team, inspection)
    # Asked for on Thursday 25 March 2027: Good Friday and Easter Monday do not count.
    done = post_case(team, inspection, case, "documents", documents=["ehc_plan", "annual_review"],
                     **{"requested_on-day": "25", "requested_on-month": "3", "requested_on-year": "2027"})
    assert done.status_code == 303
    requests = db.exec(select(CaseDocumentRequest)).all()
    assert {(r.document, r.due_on) for r in requests} == {("ehc_plan", date(2027, 3, 31)),
                                                          ("annual_review", date(2027, 3, 31))}
    page = soup(team.get(f"/inspections/{inspection.id}/cases/{case.id}"))
    due = [td.get_text(" ", strip=True) for td in page.select("[data-due]")]
    assert [text.startswith("31 March 2027") for text in due] == [True, True]
    refused = post_case(team, inspection, case, "documents")
    assert refused.status_code == 422
    assert error_summary(refused) == ["Select the documents asked for", "Enter the date they were asked for"]


def test_consent_comes_before_the_conversation_then_the_tracking_meeting(db, area):
    client, team, inspection = area
    case = one_tracked_case(db, client, team, inspection)
    day = {"conversation_on-day": "9", "conversation_on-month": "3", "conversation_on-year": "2027"}
    early = post_case(team, inspection, case, "conversation", conversation_with="parent_or_carer",
                      conversation_way="By phone", **day)
    assert early.status_code == 422
    assert error_summary(early) == ["Record the family's consent before the conversation"]
    assert post_case(team, inspection, case, "consent", consent="given", consent_from="parent_or_carer",
                     **{"consent_recorded_on-day": "4", "consent_recorded_on-month": "3",
                        "consent_recorded_on-year": "2027"}).status_code == 303
    assert post_case(team, inspection, case, "conversation", conversation_with="parent_or_carer",
                     conversation_way="By phone", **day).status_code == 303
    assert post_case(team, inspection, case, "meeting", meeting_services=["education", "health"],
                     **{"meeting_on-day": "10", "meeting_on-month": "3", "meeting_on-year": "2027"}).status_code == 303
    db.refresh(case)
    assert (case.consent, case.consent_recorded_on, case.conversation_on, case.meeting_services) == (
        "given", date(2027, 3, 4), date(2027, 3, 9), ["education", "health"])
    page = soup(team.get(f"/inspections/{inspection.id}/cases/{case.id}"))
    assert page.select_one("[data-consent]").get_text() == "Given"
    assert page.select_one("[data-conversation]").get_text(strip=True) == (
        "Held 9 March 2027 with their parent or carer, by phone.")
    assert page.select_one("[data-meeting]").get_text(strip=True) == (
        "Held 10 March 2027 with practitioners from education, health.")


def test_evidence_from_a_tracked_case_counts_as_its_own_kind_of_source(db, area):
    client, team, inspection = area
    case = one_tracked_case(db, client, team, inspection)
    url = f"/inspections/{inspection.id}/evidence/new"
    done = team.post(url, data={
        "csrf_token": csrf_of(team, url), "fixed_source": "yes", "source_type": "tracked_case", "source_id": case.id,
        "text": "The family said the plan was reviewed on time.", "heading": "1", "aspect": "right_help",
        "judgement": "strength", "strands": ["education"]})
    assert done.status_code == 303
    item = db.exec(select(EvidenceItem)).one()
    assert (item.source_type, item.source_id) == ("tracked_case", case.id)
    board = soup(team.get(f"/inspections/{inspection.id}/board?heading=1"))
    aspect = board.select_one("#aspect-right_help")
    assert "Case tracking or sampling" in aspect.select_one("[data-triangulation]").get_text()
    assert aspect.select_one("[data-tracked-case]")["href"] == f"/inspections/{inspection.id}/cases/{case.id}"
    # A tracked case is named as one: an id that is not this inspection's case is refused.
    wrong = team.post(url, data={"csrf_token": csrf_of(team, url), "source_type": "tracked_case",
                                 "source_id": "00000000-0000-4000-8000-000000000009", "text": "x", "heading": "1",
                                 "aspect": "right_help", "judgement": "strength", "strands": ["education"]})
    assert wrong.status_code == 422


def test_who_sees_case_tracking(db, area, make_user, make_client):
    client, team, inspection = area
    case = one_tracked_case(db, client, team, inspection)
    outsider = sign_in(make_client(), db, make_user(name="Outsider HMI (fictional)"))
    for path in ("/cases", f"/cases/{case.id}"):
        assert team.get(f"/inspections/{inspection.id}{path}").status_code == 200
        assert outsider.get(f"/inspections/{inspection.id}{path}").status_code == 404
        assert client.get(f"/inspections/{inspection.id}{path}").status_code == 404  # the area's officer
    assert team.get(f"/portal/{inspection.id}/person-level").status_code == 404
    assert client.get(f"/portal/{inspection.id}/person-level/template.csv").text.startswith(
        "Pseudonymous identifier,Age,Primary need,SEN status,Setting")


def test_the_2016_framework_keeps_its_case_files_and_has_no_case_tracking(client, db, make_user, make_inspection,
                                                                          make_officer, make_client):
    lead = make_user()
    inspection = make_inspection(lead)  # send-2016
    team = sign_in(make_client(), db, lead)
    nav = [a.get_text() for a in soup(team.get(f"/inspections/{inspection.id}")).select(".app-subnav__link")]
    assert "Case files" in nav and "Case tracking" not in nav
    assert team.get(f"/inspections/{inspection.id}/cases").status_code == 404
    sign_in(client, db, make_officer(inspection))
    portal = [a.get_text() for a in soup(client.get(f"/portal/{inspection.id}")).select(".app-subnav__link")]
    assert "Person-level list" not in portal
    assert client.get(f"/portal/{inspection.id}/person-level").status_code == 404


JUNK = ["", "x" * 5000, "-1", "99999999999999999999999", "2027-02-30", "\u202e", "0", "yes"]


def test_no_junk_reaches_a_server_error_and_nothing_changes(db, area):
    client, team, inspection = area
    upload(client, inspection, fictional_list(30))
    select_cases(team, inspection, size="1", seed="7")
    case = case_of(db)
    before = (case.consent, case.conversation_on, case.meeting_on)
    names = ["purpose", "theme", "size", "seed", "age_from", "age_to", "primary_need", "sen_status", "out_of_area",
             "consent", "consent_from", "consent_recorded_on-day", "documents", "requested_on-year", "document",
             "received_on-day",
             "conversation_with", "conversation_way", "conversation_on-month", "meeting_services", "meeting_on-day"]
    token = csrf_of(team, f"/inspections/{inspection.id}/cases")
    base = f"/inspections/{inspection.id}/cases"
    for path in ("/selections", f"/{case.id}/consent", f"/{case.id}/documents", f"/{case.id}/documents/received",
                 f"/{case.id}/conversation", f"/{case.id}/meeting"):
        for junk in JUNK[1:]:
            response = team.post(base + path, data={"csrf_token": token, **{name: [junk, junk] for name in names}})
            assert response.status_code in (404, 422), (path, junk, response.status_code)
    db.refresh(case)
    assert (case.consent, case.conversation_on, case.meeting_on) == before
    assert len(db.exec(select(CaseSelection)).all()) == 1
    assert db.exec(select(CaseDocumentRequest)).all() == []


def test_the_purge_removes_the_list_and_the_cases(db, area):
    from app.casetracking import service

    client, team, inspection = area
    upload(client, inspection, fictional_list(30))
    select_cases(team, inspection, size="2")
    case = case_of(db)
    post_case(team, inspection, case, "documents", documents=["ehc_plan"],
              **{"requested_on-day": "8", "requested_on-month": "3", "requested_on-year": "2027"})
    assert service.purge(session=db, inspection_id=inspection.id, dry_run=True) == {
        "person_level_children": 30, "tracked_cases": 2}
    service.purge(session=db, inspection_id=inspection.id)
    for table in (PersonLevelChild, PersonLevelList, CaseSelection, TrackedCase, CaseDocumentRequest):
        assert db.exec(select(table)).all() == [], table.__name__


def alerts(client, path: str) -> dict[str, str]:
    return {li["data-alert"]: li.get_text(" ", strip=True) for li in soup(client.get(path)).select("[data-alert]")}


def test_the_list_and_the_selection_are_called_late_once_their_days_pass(db, area, today_is):
    """Notified Monday 22 February 2027: the list is due Wednesday 24, the cases selected by Thursday 25."""
    client, team, inspection = area
    overview, cases, portal = (f"/inspections/{inspection.id}", f"/inspections/{inspection.id}/cases",
                               f"/portal/{inspection.id}")
    today_is(date(2027, 2, 24))
    assert not [text for page in (alerts(team, overview), alerts(team, cases), alerts(client, portal))
                for text in page.values() if text.startswith("Late")]  # due soon, not late (the next test)
    today_is(date(2027, 2, 25))
    missing = "The area's person-level list was due on Wednesday 24 February 2027 and has not been uploaded"
    assert alerts(team, overview)["list_missing"].startswith(f"Late {missing}")
    assert alerts(team, cases).keys() == {"list_missing", "selection_due_soon"}
    officer = soup(client.get(f"{portal}/claims")).select_one("[data-alert=list_missing]")  # on every portal page
    assert "Inspectors needed the person-level list by Wednesday 24 February 2027" in officer.get_text()
    assert officer.select_one("a")["href"] == f"{portal}/person-level"
    today_is(date(2027, 2, 26))
    late = alerts(team, overview)
    assert late["cases_not_selected"] == ("Late Cases were to be selected by Thursday 25 February 2027: no cases "
                                          "selected for tracking and no case sample selected. Select cases at random")
    page = soup(team.get(overview))
    assert [h.get_text(" ", strip=True) for h in page.select(".app-timeline__title") if h.select("[data-late]")] == [
        "Information and person-level data due Late", "Cases selected for tracking and sampling Late"]
    upload(client, inspection, fictional_list(30))
    assert alerts(client, portal) == {}
    select_cases(team, inspection, size="4")
    assert "4 of 6 cases selected for tracking and no case sample" in alerts(team, cases)["cases_not_selected"]
    select_cases(team, inspection, size="2")
    select_cases(team, inspection, purpose="sampling", theme="Quality of EHC plans", size="2")
    assert alerts(team, overview) == {}
    # Documents asked for on Friday 26 February are due Tuesday 2 March: overdue from Wednesday, until received.
    case = case_of(db)
    post_case(team, inspection, case, "documents", documents=["ehc_plan", "annual_review"],
              **{"requested_on-day": "26", "requested_on-month": "2", "requested_on-year": "2027"})
    today_is(date(2027, 3, 3))
    assert alerts(team, overview) == {"documents_overdue": "Late 2 documents asked for on 1 case are overdue. "
                                                           "See which cases"}
    assert soup(team.get(cases)).select_one("[data-overdue]").get_text() == "2 documents overdue"
    assert [td.get_text(" ", strip=True) for td in soup(team.get(f"{cases}/{case.id}")).select("[data-due]")] == [
        "2 March 2027 Overdue", "2 March 2027 Overdue"]
    today_is(date(2027, 3, 13))  # after the last day on site the alerts have done their work
    assert alerts(team, overview) == {}


def test_what_is_due_soon_is_said_the_working_day_before_with_the_date_and_where_to_act(db, area, today_is):
    """The profile's horizon is one working day (due_soon_working_days). Notified Monday 22 February 2027: the list
    is due Wednesday 24, the cases selected by Thursday 25."""
    client, team, inspection = area
    overview, cases, portal = (f"/inspections/{inspection.id}", f"/inspections/{inspection.id}/cases",
                               f"/portal/{inspection.id}")
    today_is(date(2027, 2, 22))
    assert alerts(team, overview) == alerts(client, portal) == {}
    today_is(date(2027, 2, 23))
    ask = "Ask the area's nominated officer to upload it through the portal"
    assert alerts(team, overview) == alerts(team, cases) == {
        "list_due_soon": "Due soon The area's person-level list is due by Wednesday 24 February 2027 and has not been "
                         f"uploaded yet: cases are selected from it. {ask}"}
    page = soup(team.get(overview))
    assert page.select_one("[data-alert=list_due_soon] a")["href"] == f"{cases}#list-size"
    assert [h.get_text(" ", strip=True) for h in page.select(".app-timeline__title") if h.select("[data-due-soon]")] \
        == ["Information and person-level data due Due soon"]
    officer = soup(client.get(f"{portal}/claims")).select_one("[data-alert=list_due_soon]")  # every portal page
    assert officer.get_text(" ", strip=True) == (
        "Due soon Inspectors need the person-level list by Wednesday 24 February 2027: they select the children "
        "whose cases they will track from it. Upload the person-level list")
    assert officer.select_one("a")["href"] == f"{portal}/person-level"
    today_is(date(2027, 2, 24))
    soon = alerts(team, overview)
    assert soon["list_due_soon"].startswith("Due soon The area's person-level list is due today, Wednesday 24 "
                                            "February 2027 and")
    assert soon["selection_due_soon"] == ("Due soon Cases are to be selected by Thursday 25 February 2027: so far no "
                                          "cases selected for tracking and no case sample selected. Select cases at "
                                          "random")
    assert "today, Wednesday 24 February 2027" in alerts(client, portal)["list_due_soon"]
    upload(client, inspection, fictional_list(30))
    assert alerts(client, portal) == {}
    select_cases(team, inspection, size="6")
    assert alerts(team, overview) == {
        "selection_due_soon": "Due soon Cases are to be selected by Thursday 25 February 2027: so far no case sample "
                              "selected. Select cases at random"}
    select_cases(team, inspection, purpose="sampling", theme="Quality of EHC plans", size="2")
    assert alerts(team, overview) == {}
    # Documents asked for on Wednesday 24 are due Friday 26; on Thursday 25, the next case's are due Monday 1 March.
    first, second = db.exec(select(TrackedCase).where(TrackedCase.purpose == "tracking")
                            .order_by(TrackedCase.identifier)).all()[:2]
    post_case(team, inspection, first, "documents", documents=["ehc_plan", "annual_review"],
              **{"requested_on-day": "24", "requested_on-month": "2", "requested_on-year": "2027"})
    assert alerts(team, overview) == {}
    today_is(date(2027, 2, 25))
    post_case(team, inspection, second, "documents", documents=["chronology"],
              **{"requested_on-day": "25", "requested_on-month": "2", "requested_on-year": "2027"})
    assert alerts(team, cases) == {"documents_due_soon": "Due soon 2 documents asked for on 1 case are due by Friday "
                                                         "26 February 2027 and not received yet. See which cases"}
    assert soup(team.get(cases)).select_one("[data-due-soon]").get_text() == "2 documents due soon"
    assert [td.get_text(" ", strip=True) for td in soup(team.get(f"{cases}/{first.id}")).select("[data-due]")] == [
        "26 February 2027 Due soon", "26 February 2027 Due soon"]
    today_is(date(2027, 2, 26))  # a Friday: Monday is the next working day
    assert alerts(team, overview) == {
        "documents_due_soon": "Due soon 3 documents asked for on 2 cases are due soon and not received yet: 2 today, "
                              "Friday 26 February 2027, and 1 by Monday 1 March 2027. See which cases"}
    post_case(team, inspection, first, "documents/received", document="ehc_plan",
              **{"received_on-day": "26", "received_on-month": "2", "received_on-year": "2027"})
    post_case(team, inspection, first, "documents/received", document="annual_review",
              **{"received_on-day": "26", "received_on-month": "2", "received_on-year": "2027"})
    assert alerts(team, overview)["documents_due_soon"].startswith(
        "Due soon 1 document asked for on 1 case is due by Monday 1 March 2027")
    today_is(date(2027, 3, 2))  # past its day: late, no longer due soon
    assert alerts(team, overview).keys() == {"documents_overdue"}


def case_op(inspection, case, entity: str, **data) -> dict:
    return {"op_id": str(uuid.uuid4()), "entity": entity, "action": "create", "id": case.id,
            "inspection_id": inspection.id, "base_version": None, "client_time": "2027-03-09T10:00:00Z", "data": data}


def tablet(team):
    """Sends ops as a tablet of the team's: each op's status and errors."""
    token = team.get("/api/v1/session").json()["csrf_token"]

    def sync(ops):
        done = team.post("/api/v1/sync", json={"device_id": "tablet-1", "ops": ops}, headers={"X-CSRF-Token": token})
        assert done.status_code == 200, done.text
        return [(r["status"], r["errors"]) for r in done.json()["results"]]
    return sync


def test_a_tablet_syncs_consent_the_conversation_and_the_meeting_once_under_the_online_forms_rules(db, area):
    client, team, inspection = area
    case = one_tracked_case(db, client, team, inspection)
    sync = tablet(team)

    talk = {"conversation_with": "parent_or_carer", "conversation_way": "By phone", "conversation_on": "2027-03-09"}
    early = case_op(inspection, case, "case_conversation", **talk)
    consent = case_op(inspection, case, "case_consent", consent="given", consent_from="parent_or_carer",
                      consent_recorded_on="2027-03-04")
    wrong = case_op(inspection, case, "case_meeting", meeting_services=["police"], meeting_on="2027-02-30")
    batch = [early, consent, wrong, case_op(inspection, case, "case_conversation", **talk),
             case_op(inspection, case, "case_meeting", meeting_services=["health", "education"],
                     meeting_on="2027-03-10")]
    refused = ["meeting_services: Select the services the practitioners at the meeting came from",
               "meeting_on: The date of the tracking meeting must be a real date"]
    assert sync(batch) == [("rejected", ["conversation: Record the family's consent before the conversation"]),
                           ("applied", []), ("rejected", refused), ("applied", []), ("applied", [])]
    # The online form refuses the same answer in the same words: one rule set.
    online = post_case(team, inspection, case, "meeting", meeting_services="police",
                       **{"meeting_on-day": "30", "meeting_on-month": "2", "meeting_on-year": "2027"})
    assert error_summary(online) == [message.split(": ", 1)[1] for message in refused]
    db.refresh(case)
    assert (case.consent, case.consent_recorded_on, case.conversation_on, case.meeting_on, case.meeting_services) == (
        "given", date(2027, 3, 4), date(2027, 3, 9), date(2027, 3, 10), ["education", "health"])
    # Consent declined online since: the batch sent again changes nothing, each applied op once only.
    post_case(team, inspection, case, "consent", consent="declined", consent_from="parent_or_carer",
              **{"consent_recorded_on-day": "11", "consent_recorded_on-month": "3", "consent_recorded_on-year": "2027"})
    recorded = len(db.exec(select(AuditEvent).where(AuditEvent.object_id == case.id)).all())
    again = sync(batch)
    assert [status for status, _ in again] == ["rejected", "duplicate", "rejected", "duplicate", "duplicate"]
    db.refresh(case)
    assert (case.consent, case.consent_recorded_on) == ("declined", date(2027, 3, 11))
    assert len(db.exec(select(AuditEvent).where(AuditEvent.object_id == case.id)).all()) == recorded
    # An answer for a case that is not this inspection's is refused with where it went wrong.
    stranger = {**consent, "op_id": str(uuid.uuid4()), "id": str(uuid.uuid4())}
    assert sync([stranger]) == [("rejected", ["id: no tracked case of this inspection has this id"])]


def test_a_tablet_asks_for_documents_and_marks_one_received_once_under_the_online_forms_rules(
        db, area, make_inspection, make_officer, make_client):
    client, team, inspection = area
    case = one_tracked_case(db, client, team, inspection)
    sync = tablet(team)

    # Asked for on Monday 8 March 2027, offline, and the plan received the next day: both by the case's code.
    asked = case_op(inspection, case, "case_document_request", documents=["ehc_plan", "chronology"],
                    requested_on="2027-03-08")
    wrong = case_op(inspection, case, "case_document_request", documents=["school_report"], requested_on="2027-02-30")
    early = case_op(inspection, case, "case_document_received", document="ehc_plan", received_on="2027-03-05")
    never_asked = case_op(inspection, case, "case_document_received", document="annual_review",
                          received_on="2027-03-09")
    received = case_op(inspection, case, "case_document_received", document="ehc_plan", received_on="2027-03-09")
    refused_request = ["documents: Select the documents asked for",
                       "requested_on: The date they were asked for must be a real date"]
    batch = [asked, wrong, early, never_asked, received]
    assert sync(batch) == [
        ("applied", []), ("rejected", refused_request),
        ("rejected", [("received_on: The date it was received must not be before it was asked for "
                       "(Monday 8 March 2027)")]),
        ("rejected", ["document: The latest annual review was not asked for on this case: ask for it first"]),
        ("applied", [])]
    requests = {r.document: r for r in db.exec(select(CaseDocumentRequest)).all()}
    assert {d: (r.requested_on, r.due_on, r.received_on) for d, r in requests.items()} == {
        "ehc_plan": (date(2027, 3, 8), date(2027, 3, 10), date(2027, 3, 9)),
        "chronology": (date(2027, 3, 8), date(2027, 3, 10), None)}
    actions = [e.action for e in db.exec(select(AuditEvent).where(AuditEvent.object_id == case.id)
                                         .order_by(AuditEvent.id)).all()]
    assert actions[-2:] == ["casetracking.documents_requested", "casetracking.document_received"]
    # The online forms refuse the same answers in the same words: one rule set.
    online = post_case(team, inspection, case, "documents", documents="school_report",
                       **{"requested_on-day": "30", "requested_on-month": "2", "requested_on-year": "2027"})
    assert error_summary(online) == [message.split(": ", 1)[1] for message in refused_request]
    online = post_case(team, inspection, case, "documents/received", document="annual_review",
                       **{"received_on-day": "9", "received_on-month": "3", "received_on-year": "2027"})
    assert online.status_code == 422
    assert error_summary(online) == ["The latest annual review was not asked for on this case: ask for it first"]
    online = post_case(team, inspection, case, "documents/received", document="chronology",
                       **{"received_on-day": "31", "received_on-month": "2", "received_on-year": "2027"})
    page = soup(online)
    assert len(page.select(".govuk-error-summary")) == 1
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#received_on-chronology-day"]
    assert page.select_one("#received_on-chronology-day")["value"] == "31"  # the boxes as typed, on their row
    assert page.select_one("#received_on-ehc_plan-day") is None  # received: no form on its row
    # Received online since; the batch sent again changes nothing, each applied op once only.
    assert post_case(team, inspection, case, "documents/received", document="chronology", **{
        "received_on-day": "11", "received_on-month": "3", "received_on-year": "2027"}).status_code == 303
    recorded = len(db.exec(select(AuditEvent).where(AuditEvent.object_id == case.id)).all())
    again = sync(batch)
    assert [status for status, _ in again] == ["duplicate", "rejected", "rejected", "rejected", "duplicate"]
    db.expire_all()
    assert {r.document: (r.requested_on, r.received_on) for r in db.exec(select(CaseDocumentRequest)).all()} == {
        "ehc_plan": (date(2027, 3, 8), date(2027, 3, 9)), "chronology": (date(2027, 3, 8), date(2027, 3, 11))}
    assert len(db.exec(select(AuditEvent).where(AuditEvent.object_id == case.id)).all()) == recorded
    # Another inspection's case, named in an op of this inspection, is refused with where it went wrong, and
    # nothing of it changes.
    lead = db.exec(select(User).where(User.name == "Lead HMI (fictional)")).one()
    other = make_inspection(lead, local_area="Otherton (fictional)", framework="send-2023")
    upload(sign_in(make_client(), db, make_officer(other)), other, fictional_list(30))
    select_cases(team, other, size="1")
    theirs = db.exec(select(TrackedCase).where(TrackedCase.inspection_id == other.id)).one()
    stranger = {**asked, "op_id": str(uuid.uuid4()), "id": theirs.id}
    assert sync([stranger]) == [("rejected", ["id: no tracked case of this inspection has this id"])]
    assert db.exec(select(CaseDocumentRequest).where(CaseDocumentRequest.tracked_case_id == theirs.id)).all() == []


def received(day: int) -> dict[str, str]:
    return {"received_on-day": str(day), "received_on-month": "3", "received_on-year": "2027"}


def stored_received(db) -> dict[str, date | None]:
    db.expire_all()
    return {r.document: r.received_on for r in db.exec(select(CaseDocumentRequest)).all()}


def links_on_the_page(page) -> list[tuple[str, bool]]:
    """Each error summary link, and whether the page has the element it links to."""
    return [(a["href"], page.select_one(f"[id='{a['href'][1:]}']") is not None)
            for a in page.select(".govuk-error-summary a")]


def test_a_received_date_stands_the_same_day_again_changes_nothing_and_another_is_refused(db, area):
    """Asked for on Monday 8 March 2027 (due Wednesday 10), received on time on Tuesday 9: a tablet's later answer of
    20 March would make it late; it is refused in words and kept on the tablet, online and offline alike."""
    client, team, inspection = area
    case = one_tracked_case(db, client, team, inspection)
    sync = tablet(team)
    assert sync([case_op(inspection, case, "case_document_request", documents=["ehc_plan", "chronology"],
                         requested_on="2027-03-08")]) == [("applied", [])]
    assert post_case(team, inspection, case, "documents/received", document="ehc_plan",
                     **received(9)).status_code == 303
    events = len(db.exec(select(AuditEvent).where(AuditEvent.object_id == case.id)).all())
    db.refresh(case)
    updated = case.updated_at
    refusal = "EHC plan (the current one) was already marked received on Tuesday 9 March 2027"
    assert sync([case_op(inspection, case, "case_document_received", document="ehc_plan",
                         received_on="2027-03-20"),
                 case_op(inspection, case, "case_document_received", document="ehc_plan",
                         received_on="2027-03-09")]) == [("rejected", [f"received_on: {refusal}"]), ("applied", [])]
    online = post_case(team, inspection, case, "documents/received", document="ehc_plan", **received(20))
    assert online.status_code == 422
    assert error_summary(online) == [refusal]
    again = post_case(team, inspection, case, "documents/received", document="ehc_plan", **received(9))
    assert again.status_code == 303
    assert stored_received(db) == {"ehc_plan": date(2027, 3, 9), "chronology": None}
    db.refresh(case)
    assert case.updated_at == updated  # the same answer twice is one answer: not recorded again
    assert len(db.exec(select(AuditEvent).where(AuditEvent.object_id == case.id)).all()) == events
    page = soup(team.get(f"/inspections/{inspection.id}/cases/{case.id}"))
    row = page.select("#document-requests tbody tr")[0].get_text(" ", strip=True)
    assert "9 March 2027" in row and "Late" not in row


def test_every_error_summary_link_of_the_documents_goes_to_something_on_the_page(db, area):
    client, team, inspection = area
    case = one_tracked_case(db, client, team, inspection)
    post_case(team, inspection, case, "documents", documents=["ehc_plan", "chronology"],
              **{"requested_on-day": "8", "requested_on-month": "3", "requested_on-year": "2027"})
    post_case(team, inspection, case, "documents/received", document="ehc_plan", **received(9))
    # Received already, then 31 February: no boxes on its row, so the message is under the documents' heading.
    wrong = post_case(team, inspection, case, "documents/received", document="ehc_plan",
                      **{"received_on-day": "31", "received_on-month": "2", "received_on-year": "2027"})
    page = soup(wrong)
    assert wrong.status_code == 422
    assert links_on_the_page(page) == [("#case-documents", True)]
    assert page.select_one("#case-documents")["tabindex"] == "-1"
    assert page.select_one("#document-error").get_text(" ", strip=True) == (
        "Error: The date it was received must be a real date")
    # Never asked for, with a date that is not one: both said, each link to something there.
    never = soup(post_case(team, inspection, case, "documents/received", document="annual_review",
                           **{"received_on-day": "31", "received_on-month": "2", "received_on-year": "2027"}))
    assert all(there for _, there in links_on_the_page(never))
    assert never.select_one("#document-error").get_text(" ", strip=True).startswith("Error: ")
    # Awaited: the row's own boxes, with the message on them.
    awaited = soup(post_case(team, inspection, case, "documents/received", document="chronology",
                             **{"received_on-day": "31", "received_on-month": "2", "received_on-year": "2027"}))
    assert links_on_the_page(awaited) == [("#received_on-chronology-day", True)]
    assert awaited.select_one("#document-error") is None
    assert stored_received(db) == {"ehc_plan": date(2027, 3, 9), "chronology": None}


def test_asking_again_for_documents_already_asked_for_changes_nothing_on_the_case(db, area):
    client, team, inspection = area
    case = one_tracked_case(db, client, team, inspection)
    sync = tablet(team)
    assert sync([case_op(inspection, case, "case_document_request", documents=["ehc_plan"],
                         requested_on="2027-03-08")]) == [("applied", [])]
    db.refresh(case)
    updated = case.updated_at
    # Asked again from another device two days later: one request, due as first asked.
    assert sync([case_op(inspection, case, "case_document_request", documents=["ehc_plan"],
                         requested_on="2027-03-10")]) == [("applied", [])]
    db.expire_all()
    assert [(r.document, r.requested_on, r.due_on) for r in db.exec(select(CaseDocumentRequest)).all()] == [
        ("ehc_plan", date(2027, 3, 8), date(2027, 3, 10))]
    assert db.get(TrackedCase, case.id).updated_at == updated
    last = db.exec(select(AuditEvent).where(AuditEvent.object_id == case.id).order_by(AuditEvent.id.desc())).first()
    assert (last.action, last.detail) == ("casetracking.documents_requested", {
        "documents": [], "already_asked": ["ehc_plan"], "requested_on": "2027-03-10"})
    page = soup(team.get(f"/inspections/{inspection.id}/cases/{case.id}"))
    assert [td.get_text(" ", strip=True) for td in page.select("[data-label='Asked for']")] == ["8 March 2027"]


def test_a_received_date_still_to_come_is_refused_online_and_from_a_tablet(db, area, today_is):
    client, team, inspection = area
    case = one_tracked_case(db, client, team, inspection)
    sync = tablet(team)
    post_case(team, inspection, case, "documents", documents=["ehc_plan"],
              **{"requested_on-day": "8", "requested_on-month": "3", "requested_on-year": "2027"})
    today_is(date(2027, 3, 9))
    refusal = "The date it was received must be today or in the past"
    online = post_case(team, inspection, case, "documents/received", document="ehc_plan", **received(10))
    assert online.status_code == 422
    assert error_summary(online) == [refusal]
    assert sync([case_op(inspection, case, "case_document_received", document="ehc_plan",
                         received_on="2027-03-10")]) == [("rejected", [f"received_on: {refusal}"])]
    assert stored_received(db) == {"ehc_plan": None}
    assert post_case(team, inspection, case, "documents/received", document="ehc_plan",
                     **received(9)).status_code == 303  # today is
    assert stored_received(db) == {"ehc_plan": date(2027, 3, 9)}


def test_a_document_is_overdue_on_every_page_alike_until_the_last_day_on_site(db, area, today_is):
    """On site Monday 8 to Friday 12 March 2027. The plan asked for on the 8th is due on the 10th: on the 11th it is
    overdue on the alerts, the list of cases and its row; after the last day on site none of them says so."""
    client, team, inspection = area
    case = one_tracked_case(db, client, team, inspection)
    cases = f"/inspections/{inspection.id}/cases"
    post_case(team, inspection, case, "documents", documents=["ehc_plan"],
              **{"requested_on-day": "8", "requested_on-month": "3", "requested_on-year": "2027"})

    def seen() -> tuple[list[str], list[str], list[str]]:
        listed = soup(team.get(cases))
        return (sorted(a for a in alerts(team, cases) if a.startswith("documents")),
                [t.get_text() for t in listed.select("[data-overdue], [data-due-soon]")],
                [td.get_text(" ", strip=True) for td in soup(team.get(f"{cases}/{case.id}")).select("[data-due]")])
    today_is(date(2027, 3, 9))
    assert seen() == (["documents_due_soon"], ["1 document due soon"], ["10 March 2027 Due soon"])
    today_is(date(2027, 3, 11))
    assert seen() == (["documents_overdue"], ["1 document overdue"], ["10 March 2027 Overdue"])
    today_is(date(2027, 3, 12))
    assert seen()[1:] == (["1 document overdue"], ["10 March 2027 Overdue"])
    today_is(date(2027, 3, 15))  # after the last day on site: the alerts have done their work, and so have the tags
    assert seen() == ([], [], ["10 March 2027"])
    assert stored_received(db) == {"ehc_plan": None}


def test_each_documents_boxes_and_button_say_which_document_to_a_screen_reader(db, area):
    client, team, inspection = area
    case = one_tracked_case(db, client, team, inspection)
    post_case(team, inspection, case, "documents", documents=["ehc_plan", "chronology"],
              **{"requested_on-day": "8", "requested_on-month": "3", "requested_on-year": "2027"})
    page = soup(team.get(f"/inspections/{inspection.id}/cases/{case.id}"))
    rows = page.select("#document-requests tbody tr")
    assert [(r.select_one("legend").get_text(" ", strip=True), r.select_one("button").get_text(" ", strip=True))
            for r in rows] == [("Date received EHC plan (the current one)", "Received EHC plan (the current one)"),
                               ("Date received Chronology of involvement", "Received Chronology of involvement")]
    assert [r.select_one("legend .govuk-visually-hidden").get_text(strip=True) for r in rows] == [
        "EHC plan (the current one)", "Chronology of involvement"]


def test_answers_and_requests_dated_on_a_day_still_to_come_are_refused_online_and_from_a_tablet(db, area, today_is):
    """Consent's answer, the conversation, the tracking meeting and a request for documents record what happened:
    a day still to come is refused in the same words by the form and a tablet's op, and nothing is stored."""
    client, team, inspection = area
    case = one_tracked_case(db, client, team, inspection)
    sync = tablet(team)
    today_is(date(2027, 3, 9))
    tomorrow = {"day": "10", "month": "3", "year": "2027"}

    def on(name):
        return {f"{name}-{part}": value for part, value in tomorrow.items()}

    consent = post_case(team, inspection, case, "consent", consent="given", consent_from="parent_or_carer",
                        **on("consent_recorded_on"))
    assert error_summary(consent) == ["The date of the answer must be today or in the past"]
    asked = post_case(team, inspection, case, "documents", documents=["ehc_plan"], **on("requested_on"))
    assert error_summary(asked) == ["The date they were asked for must be today or in the past"]
    meeting = post_case(team, inspection, case, "meeting", meeting_services=["health"], **on("meeting_on"))
    assert error_summary(meeting) == ["The date of the tracking meeting must be today or in the past"]
    assert sync([
        case_op(inspection, case, "case_consent", consent="given", consent_from="parent_or_carer",
                consent_recorded_on="2027-03-10"),
        case_op(inspection, case, "case_document_request", documents=["ehc_plan"], requested_on="2027-03-10"),
        case_op(inspection, case, "case_meeting", meeting_services=["health"], meeting_on="2027-03-10"),
    ]) == [("rejected", ["consent_recorded_on: The date of the answer must be today or in the past"]),
           ("rejected", ["requested_on: The date they were asked for must be today or in the past"]),
           ("rejected", ["meeting_on: The date of the tracking meeting must be today or in the past"])]
    # Consent given today, the conversation dated tomorrow is refused too; today's lands.
    assert post_case(team, inspection, case, "consent", consent="given", consent_from="parent_or_carer",
                     **{"consent_recorded_on-day": "9", "consent_recorded_on-month": "3",
                        "consent_recorded_on-year": "2027"}).status_code == 303
    talk = {"conversation_with": "parent_or_carer", "conversation_way": "By phone"}
    assert error_summary(post_case(team, inspection, case, "conversation", **talk, **on("conversation_on"))) == [
        "The date of the conversation must be today or in the past"]
    db.refresh(case)
    assert (case.consent_recorded_on, case.conversation_on, case.meeting_on) == (date(2027, 3, 9), None, None)
    assert stored_received(db) == {}
