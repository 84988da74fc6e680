"""The team's decision: one set of rules through the JSON API (PUT/GET /api/v1/inspections/{id}/decision) and the
lead's form. Priority actions only with the third outcome, and at least one there; every recommendation is
addressed to its responsible bodies; a refused decision changes nothing stored."""

import pytest

from app.inspections import service as inspections
from app.letters.models import LetterDecision
from tests.integration.conftest import SYSTEM, error_summary, sign_in, soup

ACTION = {"text": "Leaders should cut the waits for speech and language therapy (fictional).",
          "responsible_bodies": ["icb", "local_authority"]}
IMPROVE = {"text": "Leaders should improve the local offer (fictional).", "responsible_bodies": ["local_authority"]}


@pytest.fixture
def team(client, db, make_user, make_inspection):
    lead = make_user(name="Lead HMI (fictional)")
    cqc = make_user(kind="cqc", name="CQC Member (fictional)")
    inspection = make_inspection(lead, framework="send-2023")
    inspections.add_team_member(session=db, actor=SYSTEM, inspection=inspection, email=cqc.email,
                                team_role="cqc_inspector")
    return {"lead": lead, "cqc": cqc, "inspection": inspection, "url": f"/api/v1/inspections/{inspection.id}/decision"}


def _put(client, db, user, url, body):
    sign_in(client, db, user)
    token = client.get("/api/v1/session").json()["csrf_token"]
    return client.put(url, json=body, headers={"X-CSRF-Token": token})


def test_the_lead_records_widespread_failings_with_priority_actions_and_reads_it_back(client, db, team):
    body = {"outcome": "widespread_failings", "priority_actions": [ACTION], "areas_for_improvement": [IMPROVE]}
    response = _put(client, db, team["lead"], team["url"], body)
    assert response.status_code == 200
    # Bodies come back in the profile's order (the local authority, then the ICB), whatever order they were sent.
    expected = {**body, "priority_actions": [{**ACTION, "responsible_bodies": ["local_authority", "icb"]}]}
    assert response.json() == expected
    assert client.get(team["url"]).json() == expected
    stored = db.get(LetterDecision, team["inspection"].id)
    assert (stored.outcome, stored.priority_actions[0]["text"]) == ("widespread_failings", ACTION["text"])


@pytest.mark.parametrize(("body", "errors"), [
    ({"outcome": "widespread_failings", "priority_actions": [], "areas_for_improvement": [IMPROVE]},
     {"priority_actions": "Add at least one area for priority action: the outcome \"Widespread and/or systemic "
                          "failings\" requires them"}),
    ({"outcome": "inconsistent", "priority_actions": [ACTION], "areas_for_improvement": []},
     {"priority_actions": "Areas for priority action are given only with the outcome \"Widespread and/or "
                          "systemic failings\": remove them or choose that outcome"}),
    ({"outcome": "good", "priority_actions": [], "areas_for_improvement": []},
     {"outcome": "Select the inspection outcome"}),
    ({"outcome": "positive", "areas_for_improvement": [{"text": " ", "responsible_bodies": ["school"]}, "x"]},
     {"areas_for_improvement.0.text": "Enter the text of area for improvement 1",
      "areas_for_improvement.0.responsible_bodies": "Select the bodies responsible for area for improvement 1 "
                                                    "from the list (icb, local_authority), not school",
      "areas_for_improvement.1.text": "Give each area for improvement as its text and responsible bodies"}),
    ({"outcome": "positive", "areas_for_improvement": [{"text": "No bodies (fictional)."}]},
     {"areas_for_improvement.0.responsible_bodies": "Select the bodies responsible for area for improvement 1"}),
    ({"outcome": "positive", "priority_actions": "all of them"},
     {"priority_actions": "Give each area for priority action as an item of a list"}),
])
def test_a_decision_that_breaks_a_rule_is_refused_with_field_errors_and_nothing_stored(client, db, team, body,
                                                                                        errors):
    response = _put(client, db, team["lead"], team["url"], body)
    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert db.get(LetterDecision, team["inspection"].id) is None


def test_only_the_lead_or_an_administrator_records_it_and_the_team_reads_it(client, db, make_user, team):
    body = {"outcome": "positive", "priority_actions": [], "areas_for_improvement": [IMPROVE]}
    assert _put(client, db, team["cqc"], team["url"], body).status_code == 403
    assert client.get(team["url"]).json() == {"outcome": None, "priority_actions": [], "areas_for_improvement": []}
    assert _put(client, db, make_user(role="admin"), team["url"], body).status_code == 200
    sign_in(client, db, team["cqc"])
    assert client.get(team["url"]).json() == body


def test_the_2016_decision_is_the_written_statement_of_action(client, db, make_user, make_inspection):
    lead = make_user(name="Lead 2016 (fictional)")
    inspection = make_inspection(lead)
    url = f"/api/v1/inspections/{inspection.id}/decision"
    refused = _put(client, db, lead, url, {"wsoa_required": "yes", "outcome": "positive"})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"wsoa_required": "Select whether a written statement of action is required"}
    assert _put(client, db, lead, url, {"wsoa_required": True}).json()["errors"] == {
        "significant_weaknesses": "List the significant weaknesses, one per line"}
    body = {"wsoa_required": True, "significant_weaknesses": ["Late plans (fictional)"]}
    assert _put(client, db, lead, url, body).json() == body
    assert client.get(url).json() == body


def test_the_leads_form_keeps_the_same_rules_with_a_govuk_error_summary(client, db, team):
    sign_in(client, db, team["lead"])
    page_url = f"/inspections/{team['inspection'].id}/letter"
    page = soup(client.get(page_url))
    token = page.select_one("input[name=csrf_token]")["value"]
    form = page.select_one("form.app-letter-decision")
    assert form.select("textarea[name='priority_actions.0.text']")
    assert [i["value"] for i in form.select("input[name='priority_actions.0.responsible_bodies']")] == [
        "local_authority", "icb"]
    refused = client.post(f"{page_url}/decision", data={
        "csrf_token": token, "outcome": "widespread_failings",
        "areas_for_improvement.1.text": "Improve the local offer (fictional).",
        "areas_for_improvement.1.responsible_bodies": "local_authority"})
    assert refused.status_code == 422
    assert error_summary(refused) == [
        "Add at least one area for priority action: the outcome \"Widespread and/or systemic failings\" requires them"]
    again = soup(refused)
    # What was typed stays on the page (the filled row moved up to the first place).
    assert again.select_one("textarea[name='areas_for_improvement.0.text']").text.strip() == \
        "Improve the local offer (fictional)."
    assert again.select_one("a[href='#priority_actions']")
    assert db.get(LetterDecision, team["inspection"].id) is None
    half = client.post(f"{page_url}/decision", data={
        "csrf_token": token, "outcome": "widespread_failings",
        "priority_actions.0.responsible_bodies": ["local_authority", "icb"]})
    assert error_summary(half) == ["Enter the text of area for priority action 1"]
    done = client.post(f"{page_url}/decision", data={
        "csrf_token": token, "outcome": "widespread_failings",
        "priority_actions.0.text": ACTION["text"], "priority_actions.0.responsible_bodies": ["local_authority", "icb"],
        "areas_for_improvement.0.text": IMPROVE["text"],
        "areas_for_improvement.0.responsible_bodies": "local_authority"})
    assert done.status_code == 303
    assert client.get(team["url"]).json() == {
        "outcome": "widespread_failings", "areas_for_improvement": [IMPROVE],
        "priority_actions": [{**ACTION, "responsible_bodies": ["local_authority", "icb"]}]}
