"""What the area owes after publication: each deadline from the profile in working days after the publication
date (England's bank holidays skipped), the statuses as the clock moves and the area and the inspectorates act,
the reminders on the lead's and the officer's pages, and who may read the JSON."""

from datetime import date

import pytest
from sqlmodel import select

from app import clock, demo
from app.frameworks.after_publication import add_months
from app.frameworks.working_days import add_working_days
from app.inspections.models import TeamMember
from app.obligations.models import Obligation
from app.users import service as users
from tests.conftest import csrf_from
from tests.integration.conftest import PDF_BYTES, csrf_of, error_summary, publish, sign_in, soup


@pytest.fixture
def lead(make_user):
    return make_user(name="Lead HMI (fictional)")


def obligations_json(client, inspection) -> list[dict]:
    answer = client.get(f"/api/v1/inspections/{inspection.id}/obligations")
    assert answer.status_code == 200
    return answer.json()


def test_a_written_statement_of_action_is_due_70_working_days_after_publication_skipping_easter_and_may(
        client, db, lead, make_inspection, today_is):
    inspection = make_inspection(lead)
    publish(db, inspection, date(2027, 3, 18), wsoa_required=True, weaknesses=("Fictional weakness",))
    today_is(date(2027, 3, 19))
    sign_in(client, db, lead)
    # Good Friday, Easter Monday, the early May and the spring bank holidays fall inside: 24 June without them.
    [owed] = obligations_json(client, inspection)
    assert owed == {"code": "written_statement_of_action", "title": "Written statement of action",
                    "due_date": "2027-06-30", "status": "due", "submitted_at": None, "source": owed["source"]}
    assert "70 working days" in owed["source"]
    assert db.exec(select(Obligation)).one().due_date == date(2027, 6, 30)  # recorded, not only computed


def test_no_statement_is_owed_when_none_is_required(client, db, lead, make_inspection):
    inspection = make_inspection(lead)
    publish(db, inspection, date(2027, 3, 18), wsoa_required=False)
    sign_in(client, db, lead)
    assert obligations_json(client, inspection) == []


def test_a_priority_action_plan_is_due_30_working_days_after_publication_skipping_christmas_and_new_year(
        client, db, lead, make_inspection, today_is):
    inspection = make_inspection(lead, framework="send-2023")
    publish(db, inspection, date(2027, 12, 10), outcome="widespread_failings")
    today_is(date(2027, 12, 13))
    sign_in(client, db, lead)
    # Christmas and Boxing Day 2027 fall on a weekend: the substitute days (27, 28 December) and 3 January are
    # skipped, so the plan is due on 26 January, not 21.
    assert [(o["code"], o["due_date"], o["status"]) for o in obligations_json(client, inspection)] == [
        ("priority_action_plan", "2028-01-26", "due")]


def test_an_inconsistent_or_a_positive_outcome_owes_an_updated_strategic_plan(
        client, db, lead, make_inspection, today_is):
    inconsistent = make_inspection(lead, framework="send-2023")
    positive = make_inspection(lead, framework="send-2023", local_area="Otherton (fictional)")
    publish(db, inconsistent, date(2027, 6, 1), outcome="inconsistent")
    publish(db, positive, date(2027, 6, 1), outcome="positive")
    today_is(date(2027, 6, 2))
    sign_in(client, db, lead)
    assert [(o["code"], o["due_date"]) for o in obligations_json(client, inconsistent)] == [
        ("strategic_plan_update", "2027-07-13")]
    # Both reports ask for it ("Ofsted and CQC ask that the local area partnership updates and publishes its
    # strategic plan ..."), so both owe it, by the same day.
    assert [(o["code"], o["due_date"]) for o in obligations_json(client, positive)] == [
        ("strategic_plan_update", "2027-07-13")]
    page = soup(client.get(f"/inspections/{positive.id}/obligations"))
    assert "Next full inspection: by June 2032" in page.select_one("[data-visit=full_inspection]").get_text(" ",
                                                                                                            strip=True)


def upload_for(client, inspection, code: str, content: bytes = PDF_BYTES, filename: str = "statement.pdf"):
    token = csrf_of(client, f"/portal/{inspection.id}/obligations")
    return client.post(f"/portal/{inspection.id}/obligations/{code}", data={"csrf_token": token},
                       files={"file": (filename, content, "application/octet-stream")})


def decide(client, inspection, code: str, decision: str, note: str = ""):
    token = csrf_of(client, f"/inspections/{inspection.id}/obligations")
    return client.post(f"/inspections/{inspection.id}/obligations/{code}/decision",
                       data={"csrf_token": token, "decision": decision, "note": note})


def test_a_statement_goes_due_overdue_submitted_not_accepted_then_accepted_and_the_revisit_follows(
        make_client, db, lead, make_inspection, make_officer, today_is):
    inspection = make_inspection(lead)
    officer = make_officer(inspection)
    publish(db, inspection, date(2027, 3, 18), wsoa_required=True, weaknesses=("Fictional weakness",))
    team, area = sign_in(make_client(), db, lead), sign_in(make_client(), db, officer)
    code = "written_statement_of_action"

    today_is(date(2027, 6, 30))  # the due day itself: still due
    assert obligations_json(area, inspection)[0]["status"] == "due"
    today_is(date(2027, 7, 1))
    assert obligations_json(team, inspection)[0]["status"] == "overdue"
    portal = soup(area.get(f"/portal/{inspection.id}/obligations"))
    assert portal.select_one(f"#{code} [data-status]").get_text(strip=True) == "Overdue"

    refused = upload_for(area, inspection, code, content=b"MZ\x90\x00not a document", filename="plan.pdf")
    assert refused.status_code == 422 and error_summary(refused)[0].startswith("The selected file must be")
    assert obligations_json(area, inspection)[0]["status"] == "overdue"  # nothing half-saved
    assert upload_for(area, inspection, code).status_code == 303
    [sent] = obligations_json(area, inspection)
    assert sent["status"] == "submitted" and sent["submitted_at"] is not None

    assert decide(team, inspection, code, "not_accepted", "Fictional: the actions have no dates.").status_code == 303
    assert obligations_json(area, inspection)[0]["status"] == "not_accepted"
    portal = soup(area.get(f"/portal/{inspection.id}/obligations"))
    assert portal.select_one(f"#{code} [data-status]").get_text(strip=True) == "Not fit for purpose"
    assert "Fictional: the actions have no dates." in portal.select_one(f"#{code}").get_text()

    today_is(date(2027, 8, 2))
    assert upload_for(area, inspection, code, filename="statement-v2.pdf").status_code == 303
    assert obligations_json(team, inspection)[0]["status"] == "submitted"
    assert decide(team, inspection, code, "accepted").status_code == 303
    assert obligations_json(area, inspection)[0]["status"] == "accepted"
    stored = db.exec(select(Obligation)).one()
    assert stored.decision == "accepted" and stored.document_id is not None
    page = soup(team.get(f"/inspections/{inspection.id}/obligations"))
    sent = team.get(page.select_one(f"#{code} a[data-sent]")["href"])  # the team reads the latest version
    assert sent.status_code == 200 and sent.content == PDF_BYTES and "statement-v2.pdf" in sent.headers[
        "content-disposition"]
    revisit = page.select_one("[data-visit=revisit]").get_text(" ", strip=True)
    accepted_on = clock.day_in_england(stored.decided_at)  # 18 months after the statement was accepted
    assert revisit.startswith(f"Revisit: by {add_months(accepted_on, 18):%B %Y}")


def test_the_lead_is_told_what_is_wrong_with_a_decision_and_a_team_member_may_not_decide(
        make_client, db, lead, make_user, make_inspection, today_is):
    inspection = make_inspection(lead)
    member = make_user(kind="cqc", name="CQC Member (fictional)")
    db.add(TeamMember(inspection_id=inspection.id, user_id=member.id, team_role="cqc_inspector"))
    publish(db, inspection, date(2027, 3, 18), wsoa_required=True, weaknesses=("Fictional weakness",))
    today_is(date(2027, 3, 22))
    team = sign_in(make_client(), db, lead)
    early = decide(team, inspection, "written_statement_of_action", "accepted")
    assert early.status_code == 422
    assert error_summary(early) == ["The area has not sent the written statement of action yet"]
    assert db.exec(select(Obligation)).one().decision is None
    assert decide(sign_in(make_client(), db, member), inspection, "written_statement_of_action",
                  "accepted").status_code == 403


def test_reminders_show_on_the_lead_s_overview_and_the_officer_s_portal_as_the_deadline_nears(
        make_client, db, lead, make_inspection, make_officer, today_is):
    inspection = make_inspection(lead)
    officer = make_officer(inspection)
    publish(db, inspection, date(2027, 3, 18), wsoa_required=True, weaknesses=("Fictional weakness",))
    team, area = sign_in(make_client(), db, lead), sign_in(make_client(), db, officer)

    def reminders(client, url):
        items = soup(client.get(url)).select(".app-obligation-reminders li")
        return [" ".join(li.get_text(" ").split()) for li in items]

    today_is(date(2027, 4, 1))  # 13 weeks to go: no reminder yet
    assert reminders(team, f"/inspections/{inspection.id}") == []
    assert reminders(area, f"/portal/{inspection.id}") == []
    today_is(date(2027, 6, 17))  # 9 working days before: within the profile's 10
    assert reminders(team, f"/inspections/{inspection.id}") == [
        "Due Written statement of action: due 30 June 2027"]
    assert reminders(area, f"/portal/{inspection.id}/area-data") == [
        "Due Written statement of action: due 30 June 2027"]
    today_is(date(2027, 7, 5))
    assert reminders(area, f"/portal/{inspection.id}") == ["Overdue Written statement of action: was due 30 June 2027"]


def test_the_obligations_api_answers_the_team_administrators_and_the_area_s_officers_only(
        make_client, db, lead, make_user, make_inspection, make_officer):
    inspection = make_inspection(lead)
    other = make_inspection(make_user(name="Other Lead (fictional)"), local_area="Elsewhere (fictional)")
    publish(db, inspection, date(2027, 3, 18), wsoa_required=True, weaknesses=("Fictional weakness",))
    member = make_user(kind="cqc")
    db.add(TeamMember(inspection_id=inspection.id, user_id=member.id, team_role="cqc_inspector"))
    db.flush()
    people = {"admin": make_user(role="admin"), "lead": lead, "member": member,
              "outsider": make_user(name="Outsider HMI (fictional)"), "officer": make_officer(inspection),
              "other_officer": make_officer(other), "planner": make_user(role="planner")}
    url = f"/api/v1/inspections/{inspection.id}/obligations"
    statuses = {role: sign_in(make_client(), db, user).get(url).status_code for role, user in people.items()}
    assert statuses == {"admin": 200, "lead": 200, "member": 200, "outsider": 404, "officer": 200,
                        "other_officer": 404, "planner": 404}
    assert make_client().get(url).status_code == 401
    assert sign_in(make_client(), db, people["officer"]).get(
        f"/api/v1/inspections/{other.id}/obligations").status_code == 404


def test_an_upload_for_an_obligation_stays_off_the_officer_s_documents_list(
        client, db, lead, make_inspection, make_officer, today_is):
    inspection = make_inspection(lead)
    officer = make_officer(inspection)
    publish(db, inspection, date(2027, 3, 18), wsoa_required=True, weaknesses=("Fictional weakness",))
    today_is(date(2027, 4, 1))
    sign_in(client, db, officer)
    assert upload_for(client, inspection, "written_statement_of_action").status_code == 303
    assert soup(client.get(f"/portal/{inspection.id}")).select(".app-document") == []
    unknown = client.post(f"/portal/{inspection.id}/obligations/no_such_thing",
                          data={"csrf_token": csrf_from(client.get(f"/portal/{inspection.id}").text)},
                          files={"file": ("x.pdf", PDF_BYTES, "application/pdf")})
    assert unknown.status_code == 404


def test_the_demo_shows_an_area_with_a_published_report_and_the_plan_it_owes(make_client, db):
    demo.seed(session=db)  # the report is published today, so the plan is due 30 working days on
    officer = users.get_user_by_email(session=db, email="officer2@example.org")
    portal = sign_in(make_client(), db, officer)
    inspection_id = portal.get("/portal").headers["location"].rsplit("/", 1)[1]
    page = soup(portal.get(f"/portal/{inspection_id}/obligations"))
    owed = page.select_one("#priority_action_plan")
    assert owed.select_one("[data-status]").get_text(strip=True) == "Due"
    due = add_working_days(clock.today_in_england(), 30)
    assert f"Due {due:%A} {due.day} {due:%B %Y}" in " ".join(owed.get_text(" ").split())
    planner = sign_in(make_client(), db, users.get_user_by_email(session=db, email="planner@example.org"))
    rows = {tr["data-area"]: " ".join(tr.get_text(" ").split()) for tr in soup(planner.get("/areas")).select(
        "tr[data-area]")}
    assert "Widespread and/or systemic failings" in rows["998"] and "Priority action plan" in rows["998"]
    assert "NHS Pretendshire Integrated Care Board (demo)" in rows["998"]
