"""The 2023 surveys as the handbook runs them: children and young people, parents and carers, and practitioners,
each with its own link and results, open from the notification until they close before the on-site week."""

import uuid
from datetime import date

from sqlmodel import select

from app.survey import service
from app.survey.models import SurveyResponse
from tests.conftest import csrf_from
from tests.integration.conftest import sign_in, soup

PRACTITIONER = {"respondent_type": "health", "q-identified": "not_well", "q-involved": "quite_well",
                "q-worked_together": "no", "q-supported": "sometimes", "support": ["ehc_plan"], "comment": ""}


def answer(client, token, page=None):
    page = page or client.get(f"/s/{token}")
    data = {"csrf_token": csrf_from(page.text), "submission_id": str(uuid.uuid4()), "website": "", **PRACTITIONER}
    return page, client.post(f"/s/{token}", data=data)


def test_three_questionnaires_each_with_its_link_window_and_results(client, db, make_user, make_inspection,
                                                                    monkeypatch):
    lead = make_user()
    inspection = make_inspection(lead, framework="send-2023", notification=date(2027, 3, 1))  # a Monday
    links = service.links_for(session=db, inspection=inspection)
    assert list(links) == ["young_person", "parent_carer", "practitioner"]
    assert len({link.token for link in links.values()}) == 3
    window = service.window_of(inspection)
    assert (window.opens, window.closes) == (date(2027, 3, 1), date(2027, 3, 10))  # surveys close in week 2

    monkeypatch.setattr(service, "today_on_site", lambda: date(2027, 3, 3))
    page, sent = answer(client, links["practitioner"].token)
    legends = [legend.get_text(strip=True) for legend in soup(page).select("legend")]
    assert legends[0] == "Where do you work?"
    assert "Do you get the training and support you need to meet their needs?" in legends
    assert sent.status_code == 303
    stored = db.exec(select(SurveyResponse)).one()
    assert (stored.audience, stored.respondent_type, stored.answers["supported"]) == ("practitioner", "health",
                                                                                      "sometimes")
    # A form opened on the last day and sent the next: refused, with the dates, and nothing more stored.
    monkeypatch.setattr(service, "today_on_site", lambda: date(2027, 3, 10))
    opened = client.get(f"/s/{links['practitioner'].token}")
    monkeypatch.setattr(service, "today_on_site", lambda: date(2027, 3, 11))
    _, late = answer(client, links["practitioner"].token, opened)
    assert late.status_code == 422
    assert "It took answers from Monday 1 March 2027 to Wednesday 10 March 2027" in soup(late).select_one(
        "main").get_text(" ", strip=True)
    assert len(db.exec(select(SurveyResponse)).all()) == 1

    sign_in(client, db, lead)
    results = soup(client.get(f"/inspections/{inspection.id}/survey"))
    assert [dt.get_text(strip=True) for dt in results.select(".app-survey-links dt")] == [
        "Children and young people", "Parents and carers", "Practitioners"]
    assert "Practitioners: 1" in results.get_text(" ", strip=True)
    headings = [h.get_text(" ", strip=True) for h in results.select(".app-question h3")]
    assert any(h.startswith("Practitioners: Do you get the training and support") for h in headings)


def test_a_2016_inspection_runs_the_two_questionnaires(db, make_user, make_inspection):
    inspection = make_inspection(make_user())
    assert list(service.links_for(session=db, inspection=inspection)) == ["parent_carer", "young_person"]


def test_practitioners_results_by_workplace_keep_a_small_group_to_its_number(client, db, make_user, make_inspection):
    lead = make_user()
    inspection = make_inspection(lead, framework="send-2023", notification=date(2027, 3, 1))
    # Six from schools and colleges, two from health (one commenting), one from the local authority's SEND service.
    for n, (workplace, identified, comment) in enumerate(
            [("school_college", "very_well", "")] * 4
            + [("school_college", "not_well", "Waits for plans are long.")] * 2
            + [("health", "not_at_all", "Our clinic cannot reach the SENCos."), ("health", "quite_well", "")]
            + [("local_authority_send", "quite_well", "")]):
        db.add(SurveyResponse(inspection_id=inspection.id, audience="practitioner", respondent_type=workplace,
                              answers={**{k[2:]: v for k, v in PRACTITIONER.items() if k.startswith("q-")},
                                       "identified": identified}, support=["ehc_plan"], comment=comment,
                              submitted_on=date(2027, 3, 2 + n % 2), submitted_hour=9,
                              submission_id=str(uuid.uuid4())))
    db.flush()
    sign_in(client, db, lead)
    url = f"/inspections/{inspection.id}/survey"

    everyone = soup(client.get(url))
    options = [o.get_text(strip=True) for o in everyone.select("select#workplace option")]
    assert options[:3] == ["Anywhere", "Early years: a nursery, pre-school or childminder", "A school or college"]
    counts = everyone.select_one("#workplaces-title").find_parent("figure").find_next_sibling("table")
    assert [[c.get_text(strip=True) for c in row.select("th, td")][:2] for row in counts.select("tbody tr")] == [
        ["Early years: a nursery, pre-school or childminder", "0"], ["A school or college", "6"], ["Health", "2"],
        ["Social care", "0"], ["The local authority's SEND service, such as SEN casework or educational psychology",
                               "1"], ["Somewhere else", "0"], ["Prefer not to say", "0"]]
    # Unfiltered, a comment from a workplace fewer than five answered from does not say where.
    labels = {c.select_one("p.govuk-body").get_text(strip=True): c.select_one("p").get_text(" ", strip=True)
              for c in everyone.select(".app-comment")}
    assert "Practitioner (a workplace with fewer than 5 responses)" in labels["Our clinic cannot reach the SENCos."]
    assert "Health" not in labels["Our clinic cannot reach the SENCos."]
    assert "A school or college" in labels["Waits for plans are long."]

    schools = soup(client.get(url, params={"workplace": "school_college"}))  # a plain GET form: no JavaScript
    assert schools.select_one("#survey-results h2").get_text(strip=True) == "6 responses matching the filters"
    chart = schools.select_one("#chart-practitioner-identified-title").find_parent("svg")
    assert chart.select_one("desc").get_text().startswith("Very well: 4 (67%); Quite well: 0 (0%); Not well: 2 (33%)")
    assert [p.get_text(strip=True) for p in schools.select(".app-comment > p.govuk-body")] == [
        "Waits for plans are long.", "Waits for plans are long."]

    health = client.get(url, params={"workplace": "health"}, headers={"HX-Request": "true"})
    page = soup(health)
    assert page.select_one("#survey-results h2").get_text(strip=True) == "2 responses matching the filters"
    assert "Fewer than 5 responses match these filters" in page.select_one("[data-withheld]").get_text()
    assert not page.select(".app-question, .app-comment, #chart-practitioner-identified-title")
    assert "Our clinic cannot reach the SENCos." not in health.text
    # The counts per workplace stay: a number tells nobody's answers.
    assert "Health: 2" in page.select_one("#workplaces-desc").get_text()
