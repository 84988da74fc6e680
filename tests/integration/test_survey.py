"""The online survey: the open window, abuse resistance, anonymity, and the results inspectors read."""

import csv
import io
import re
import uuid
from datetime import timedelta

import pytest
from sqlmodel import func, select

from app.config import get_settings
from app.evidence.models import EvidenceItem
from app.ratelimit import RateLimitWindow
from app.survey import service
from app.survey.models import SurveyResponse
from tests.conftest import csrf_from
from tests.integration.conftest import error_summary, sign_in, soup

PARENT_ANSWERS = {"q-needs_met": "satisfied", "q-progress": "dissatisfied", "q-involved": "quite_well",
                  "q-worked_together": "no"}


@pytest.fixture
def survey(db, make_user, make_inspection, monkeypatch):
    lead = make_user(name="Lead HMI")
    inspection = make_inspection(lead)
    links = service.links_for(session=db, inspection=inspection)
    window = service.window_of(inspection)
    monkeypatch.setattr(service, "today_on_site", lambda: window.opens + timedelta(days=2))
    return {"lead": lead, "inspection": inspection, "links": links, "window": window,
            "parent": links["parent_carer"].token, "young": links["young_person"].token}


def stored(db) -> int:
    return db.exec(select(func.count()).select_from(SurveyResponse)).one()


def answer(client, token: str, **fields):
    page = client.get(f"/s/{token}")
    assert page.status_code == 200, page.text
    submission_id = soup(page).select_one("input[name=submission_id]")["value"]
    data = {"csrf_token": csrf_from(page.text), "submission_id": submission_id, "respondent_type": "parent_carer",
            **PARENT_ANSWERS, "support": ["ehc_plan", "health"], "comment": "", "website": "", **fields}
    return client.post(f"/s/{token}", data=data)


def test_each_questionnaire_is_open_from_the_notice_date_to_the_last_day_on_site(client, db, survey, monkeypatch):
    window = survey["window"]
    for day, is_open in ((window.opens - timedelta(days=1), False), (window.opens, True), (window.closes, True),
                         (window.closes + timedelta(days=1), False)):
        monkeypatch.setattr(service, "today_on_site", lambda day=day: day)
        for token in (survey["parent"], survey["young"]):
            page = client.get(f"/s/{token}")
            heading = soup(page).h1.get_text(strip=True)
            closed = ("This questionnaire is closed", f"This questionnaire opens on {window.opens:%A %-d %B %Y}")
            assert (heading not in closed) is is_open, (day, heading)
    # Before the notice date it says when it opens, not that it is closed.
    monkeypatch.setattr(service, "today_on_site", lambda: window.opens - timedelta(days=1))
    early = soup(client.get(f"/s/{survey['parent']}"))
    assert early.h1.get_text(strip=True) == f"This questionnaire opens on {window.opens:%A %-d %B %Y}"
    assert early.title.get_text(strip=True).startswith("This questionnaire is not open yet")
    assert "closed" not in early.select_one("main").get_text()
    # A form left open overnight and sent after the last day is not stored.
    monkeypatch.setattr(service, "today_on_site", lambda: window.closes)
    page = client.get(f"/s/{survey['parent']}")
    monkeypatch.setattr(service, "today_on_site", lambda: window.closes + timedelta(days=1))
    late = client.post(f"/s/{survey['parent']}", data={
        "csrf_token": csrf_from(page.text), "submission_id": str(uuid.uuid4()), "respondent_type": "parent_carer",
        **PARENT_ANSWERS})
    # Refused with the dates, not dropped in silence.
    assert late.status_code == 422
    refused = soup(late)
    assert refused.h1.get_text(strip=True) == "This questionnaire is closed"
    assert refused.select_one("#refused").get_text(strip=True).startswith("Your answers have not been sent")
    assert (f"It took answers from {window.opens:%A %-d %B %Y} to {window.closes:%A %-d %B %Y}"
            in refused.select_one("main").get_text(" ", strip=True))
    assert stored(db) == 0


def test_an_unknown_link_is_not_found_and_the_page_speaks_to_a_parent(client, survey):
    for url in ("/s/not-a-real-token", "/s/not-a-real-token/thanks"):
        page = client.get(url)
        assert page.status_code == 404
        main = soup(page).select_one("main").get_text(" ", strip=True)
        assert soup(page).h1.get_text(strip=True) == "This link does not work"
        assert "Check the link you were given" in main and "ask the person who sent it" in main
        assert "lead inspector" not in main and "inspections" not in main


def test_an_answer_is_stored_without_anything_that_identifies_the_respondents_address(client, db, survey):
    response = answer(client, survey["parent"], comment="The speech therapy has helped a lot.")
    assert response.status_code == 303 and response.headers["location"] == f"/s/{survey['parent']}/thanks"
    assert "Thank you" in client.get(response.headers["location"]).text
    row = db.exec(select(SurveyResponse)).one()
    assert (row.audience, row.respondent_type, row.answers, row.support, row.comment) == (
        "parent_carer", "parent_carer", {"needs_met": "satisfied", "progress": "dissatisfied", "involved": "quite_well",
                                         "worked_together": "no"}, ["ehc_plan", "health"],
        "The speech therapy has helped a lot.")
    # Nothing about the address: no such column, no such value, and the rate limit keeps only a keyed hash.
    columns = set(SurveyResponse.model_fields)
    assert not columns & {"ip", "ip_address", "address", "user_agent", "session_id", "created_at"}
    assert "testclient" not in str(row.model_dump())
    keys = db.exec(select(RateLimitWindow.key)).all()
    assert keys and all("testclient" not in key and re.fullmatch(r"survey:[0-9a-f]{40}", key) for key in keys)


def test_missing_answers_and_an_overlong_comment_are_explained_and_nothing_is_saved(client, db, survey):
    response = answer(client, survey["parent"], **{"q-progress": "", "respondent_type": ""}, comment="x" * 2001)
    assert response.status_code == 422
    assert error_summary(response) == [
        "Select who you are, or that you would rather not say",
        "Select an answer to: How satisfied are you with the progress your child has made?",
        "Your comment must be 2,000 characters or fewer"]
    assert soup(response).select_one("#comment").get_text() == "x" * 2001  # what they typed is kept
    assert stored(db) == 0
    assert answer(client, survey["parent"], comment="y" * 2000).status_code == 303  # the limit itself is fine


def test_the_honeypot_thanks_a_robot_and_stores_nothing(client, db, survey):
    response = answer(client, survey["parent"], website="http://spam.example")
    assert response.status_code == 303
    assert stored(db) == 0


def test_the_same_form_twice_or_the_same_browser_within_a_minute_is_stored_once(client, db, make_client, survey):
    page = client.get(f"/s/{survey['parent']}")
    data = {"csrf_token": csrf_from(page.text),
            "submission_id": soup(page).select_one("input[name=submission_id]")["value"],
            "respondent_type": "parent_carer", **PARENT_ANSWERS}
    second_browser = make_client()
    second_browser.cookies = client.cookies  # the same form, retried from a browser without the "just sent" mark
    assert client.post(f"/s/{survey['parent']}", data=data).status_code == 303
    second_browser.cookies.delete("sfw_survey_sent")
    assert second_browser.post(f"/s/{survey['parent']}", data=data).status_code == 303
    assert stored(db) == 1
    # The same browser answering again at once, with a new form: not counted twice, and told so in words, with
    # the answers kept so another person in the household can send them once the minute has passed.
    again = answer(client, survey["parent"], comment="A second parent's view.")
    assert again.status_code == 409
    banner = soup(again).select_one(".govuk-notification-banner").get_text(" ", strip=True)
    assert "These answers have not been sent" in banner and "wait a minute" in banner
    assert soup(again).select_one("#comment").get_text() == "A second parent's view."
    assert soup(again).select_one("input[name=q-progress][value=dissatisfied]").has_attr("checked")
    assert stored(db) == 1
    client.cookies.delete("sfw_survey_sent", path="/s/")  # the minute has passed: the browser drops the mark
    resent = {tag["name"]: tag.get("value", "") for tag in soup(again).select("form input[type=hidden]")}
    assert client.post(f"/s/{survey['parent']}", data={**resent, "respondent_type": "parent_carer",
                                                       **PARENT_ANSWERS}).status_code == 303
    assert stored(db) == 2
    # Another parent on the same network (same address, own browser) is counted.
    assert answer(make_client(), survey["parent"]).status_code == 303
    assert stored(db) == 3


def test_an_address_sending_too_many_is_paused_but_a_shared_school_network_is_not(db, make_client, survey, monkeypatch):
    for _ in range(30):  # thirty parents at one school, one address, each answering once
        assert answer(make_client(), survey["parent"]).status_code == 303
    assert stored(db) == 30
    monkeypatch.setattr(get_settings(), "survey_rate_limit", 32)
    assert answer(make_client(), survey["young"], respondent_type="young_person", **{
        "q-needs_met": "yes", "q-progress": "sometimes", "q-involved": "yes", "q-worked_together": "dont_know"}
    ).status_code == 303
    assert answer(make_client(), survey["parent"]).status_code == 303
    paused = answer(make_client(), survey["parent"])
    assert paused.status_code == 429 and "Please try again in 10 minutes" in paused.text
    assert stored(db) == 32


def _fixture(db, survey) -> None:
    """Ten known responses: 6 parents, 4 young people."""
    inspection = survey["inspection"]
    rows = [
        ("parent_carer", "parent_carer", "satisfied", ["ehc_plan"], "The EHC plan came quickly."),
        ("parent_carer", "parent_carer", "very_satisfied", ["ehc_plan", "health"], ""),
        ("parent_carer", "parent_carer", "dissatisfied", ["sen_support"],
         "=HYPERLINK(\"x\") waited a year for therapy"),
        ("parent_carer", "prefer_not_to_say", "dissatisfied", ["sen_support", "short_breaks"],
         "Short breaks were cut."),
        ("parent_carer", "parent_carer", "dont_know", ["none"], ""),
        ("parent_carer", "young_person", "satisfied", ["ehc_plan"], ""),
        ("young_person", "young_person", "yes", ["sen_support"], "My teacher listens to me."),
        ("young_person", "young_person", "sometimes", ["ehc_plan"], ""),
        ("young_person", "young_person", "no", ["health"], "I waited a long time for therapy."),
        ("young_person", "parent_carer", "yes", ["ehc_plan"], ""),
    ]
    for n, (audience, who, needs_met, support, comment) in enumerate(rows):
        db.add(SurveyResponse(inspection_id=inspection.id, audience=audience, respondent_type=who,
                              answers={"needs_met": needs_met, "progress": "dont_know", "involved": "dont_know",
                                       "worked_together": "dont_know"}, support=support, comment=comment,
                              submitted_on=survey["window"].opens + timedelta(days=n % 3), submitted_hour=10,
                              submission_id=str(uuid.uuid4())))
    db.flush()


def test_counts_and_distributions_match_the_fixture(db, survey):
    _fixture(db, survey)
    results = service.results(session=db, inspection=survey["inspection"])
    assert (results.total, results.by_audience) == (10, {"parent_carer": 6, "young_person": 4})
    assert [(b.count, b.percent) for b in results.by_day] == [(4, 40), (3, 30), (3, 30)]
    needs = {(d.audience, d.code): d for d in results.distributions}
    parents = needs[("parent_carer", "needs_met")]
    assert parents.total == 6
    assert [(b.code, b.count, b.percent) for b in parents.bars] == [
        ("very_satisfied", 1, 17), ("satisfied", 2, 33), ("dissatisfied", 2, 33), ("very_dissatisfied", 0, 0),
        ("dont_know", 1, 17)]
    assert [(b.code, b.count) for b in needs[("young_person", "needs_met")].bars] == [
        ("yes", 2), ("sometimes", 1), ("no", 1), ("dont_know", 0)]
    assert {b.code: b.count for b in results.support} == {
        "sen_support": 3, "ehc_plan": 5, "health": 2, "short_breaks": 1, "personal_budget": 0, "none": 1}
    filtered = service.results(session=db, inspection=survey["inspection"],
                               filters=service.Filters(respondent_type="young_person", support="ehc_plan"))
    assert (filtered.total, filtered.by_audience) == (2, {"parent_carer": 1, "young_person": 1})
    searched = service.results(session=db, inspection=survey["inspection"], filters=service.Filters(search="THERAPY"))
    assert sorted(r.comment for r in searched.comments) == [
        "=HYPERLINK(\"x\") waited a year for therapy", "I waited a long time for therapy."]


def test_the_results_page_shows_charts_with_text_alternatives_and_the_numbers_in_tables(client, db, survey):
    _fixture(db, survey)
    sign_in(client, db, survey["lead"])
    page = client.get(f"/inspections/{survey['inspection'].id}/survey")
    assert page.status_code == 200
    html = soup(page)
    assert html.select_one("#survey-results h2").get_text(strip=True) == "10 responses"
    chart = html.select_one("#chart-parent_carer-needs_met-title").find_parent("svg")
    assert chart["role"] == "img"
    assert chart.select_one("desc").get_text() == (
        "Very satisfied: 1 (17%); Satisfied: 2 (33%); Dissatisfied: 2 (33%); Very dissatisfied: 0 (0%); "
        "Don't know: 1 (17%).")
    table = chart.find_parent("figure").find_next_sibling("table")
    assert [[c.get_text(strip=True) for c in row.select("th, td")] for row in table.select("tbody tr")][:2] == [
        ["Very satisfied", "1", "17%"], ["Satisfied", "2", "33%"]]
    filtered = client.get(f"/inspections/{survey['inspection'].id}/survey", params={"audience": "young_person",
                                                                                    "q": "therapy"})
    assert soup(filtered).select_one("#survey-results h2").get_text(strip=True) == "4 responses matching the filters"
    comments = [p.get_text(strip=True) for p in soup(filtered).select(".app-comment > p.govuk-body")]
    assert comments == ["I waited a long time for therapy."]
    # A filter changed on the page (htmx) gets the results alone, charts and all.
    fragment = client.get(f"/inspections/{survey['inspection'].id}/survey", params={"respondent": "parent_carer"},
                          headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert soup(fragment).select_one("#survey-results h2").get_text(strip=True) == "5 responses matching the filters"
    assert soup(fragment).select("svg[role=img]")
    # Four who answered as young people are too few to be shown apart: their number only.
    few = soup(client.get(f"/inspections/{survey['inspection'].id}/survey", params={"respondent": "young_person"}))
    assert few.select_one("#survey-results h2").get_text(strip=True) == "4 responses matching the filters"
    assert few.select_one("[data-withheld]") and not few.select("#survey-results svg, .app-comment")


def test_a_comment_and_a_figure_become_heading_4_evidence_citing_the_survey(client, db, survey):
    _fixture(db, survey)
    sign_in(client, db, survey["lead"])
    url = f"/inspections/{survey['inspection'].id}/survey"
    token = csrf_from(client.get(url).text)
    comment = db.exec(select(SurveyResponse).where(SurveyResponse.comment == "Short breaks were cut.")).one()
    done = client.post(f"{url}/evidence", data={"csrf_token": token, "kind": "comment", "response_id": str(comment.id),
                                                "judgement": "area_for_development"})
    assert done.status_code == 303
    client.post(f"{url}/evidence", data={"csrf_token": token, "kind": "figure", "audience": "parent_carer",
                                         "question": "needs_met", "option": "dissatisfied", "judgement": "context"})
    items = db.exec(select(EvidenceItem).where(EvidenceItem.inspection_id == survey["inspection"].id)
                    .order_by(EvidenceItem.created_at)).all()
    assert [(i.heading, i.aspect, i.judgement, i.source_type, i.source_label) for i in items] == [
        (4, "online_survey", "area_for_development", "survey", "Online survey: parents and carers"),
        (4, "online_survey", "context", "survey", "Online survey: parents and carers")]
    assert items[0].text == "Survey comment (prefer not to say): \u201cShort breaks were cut.\u201d"
    assert items[1].text == ("Parents and carers, online survey: 2 of 6 (33%) answered \u201cDissatisfied\u201d to "
                             "\u201cHow satisfied are you that your child's needs are being met?\u201d")
    assert "Added to the evidence board" in client.get(done.headers["location"]).text
    refused = client.post(f"{url}/evidence", data={"csrf_token": token, "kind": "comment",
                                                   "response_id": str(comment.id), "judgement": ""})
    assert refused.status_code == 422 and error_summary(refused) == [
        "Select whether this is a strength, an area for development or context"]


def test_the_csv_export_is_anonymised_and_safe_to_open_in_a_spreadsheet(client, db, survey):
    _fixture(db, survey)
    sign_in(client, db, survey["lead"])
    response = client.get(f"/inspections/{survey['inspection'].id}/survey/responses.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["questionnaire", "date", "respondent", "needs_met", "progress", "involved", "worked_together",
                       "support", "comment"]
    assert len(rows) == 11
    assert rows[3][-1] == "'=HYPERLINK(\"x\") waited a year for therapy"
    assert all(len(row) == 9 for row in rows)  # no id, no time, no address column


def test_the_results_are_for_the_team_only(client, db, make_user, survey):
    for outsider in (make_user(name="Outsider HMI"), make_user(role="la_officer")):
        sign_in(client, db, outsider)
        for path in ("", "/responses.csv", "/print", "/qr/parent_carer.svg"):
            assert client.get(f"/inspections/{survey['inspection'].id}/survey{path}").status_code == 404


def test_the_team_can_print_qr_codes_for_both_links(client, db, survey):
    sign_in(client, db, survey["lead"])
    page = client.get(f"/inspections/{survey['inspection'].id}/survey/print")
    assert [img["alt"] for img in soup(page).select(".app-qr img")] == [
        "QR code for the questionnaire for parents and carers",
        "QR code for the questionnaire for children and young people"]
    svg = client.get(f"/inspections/{survey['inspection'].id}/survey/qr/young_person.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg") and "<path" in svg.text


def test_comments_are_shown_newest_first_fifty_at_a_time(client, db, survey):
    for n in range(60):
        db.add(SurveyResponse(inspection_id=survey["inspection"].id, audience="parent_carer",
                              respondent_type="parent_carer", answers={}, support=[], comment=f"Fictional comment {n}.",
                              submitted_on=survey["window"].opens, submitted_hour=9, submission_id=str(uuid.uuid4())))
    db.flush()
    sign_in(client, db, survey["lead"])
    page = soup(client.get(f"/inspections/{survey['inspection'].id}/survey"))
    shown = [p.get_text(strip=True) for p in page.select(".app-comment > p.govuk-body")]
    assert (len(shown), shown[0], shown[-1]) == (50, "Fictional comment 59.", "Fictional comment 10.")
    more = page.find("a", string="Show 50 more")["href"]
    everything = soup(client.get(f"/inspections/{survey['inspection'].id}/survey{more.split('#')[0]}"))
    assert len(everything.select(".app-comment")) == 60 and not everything.find("a", string="Show 50 more")


def test_the_demo_survey_is_open_on_the_day_the_demo_is_loaded(db):
    from app import demo
    from app.clock import today_in_england
    from app.frameworks.service import get_profile
    from app.inspections.service import schedule_for
    profile, first = get_profile("send-2016"), today_in_england()
    for day in (first + timedelta(days=n) for n in range(14)):  # any day of the week, weekends included
        schedule = schedule_for(profile, demo.demo_start_date(day))
        assert service.Window(schedule.notification_date, schedule.on_site_days[-1]).is_open(day), day
        assert schedule.on_site_days[-1] >= day  # the week on site is not over
    demo.seed(session=db)
    from app.inspections.models import Inspection
    loaded = db.exec(select(Inspection).where(Inspection.local_area == demo.DEMO_AREA)).one()
    assert service.window_of(loaded).is_open(first)
    assert "(demo)" in loaded.local_area or "Fictional" in loaded.local_area  # still plainly made up
