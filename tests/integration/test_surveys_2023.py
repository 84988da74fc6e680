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
