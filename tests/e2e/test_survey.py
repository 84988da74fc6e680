"""The public questionnaires on a small phone, and their results, in the system Chromium; axe-core checks each."""

import re
import uuid

from app.clock import today_in_england
from app.frameworks import timeline
from tests.e2e.conftest import axe_violations, open_demo_inspection


def survey_links(page_at, base_url: str) -> tuple[object, dict[str, str]]:
    """The lead sets up a send-2023 inspection notified at the start of this week, so its questionnaires are open
    today (whatever day the tests run: they close in the middle of next week), and opens its survey page."""
    lead = page_at()
    open_demo_inspection(lead, base_url, "lead@example.org", "demo-lead-password")
    token = lead.locator('meta[name="csrf-token"]').get_attribute("content")
    created = lead.request.post(f"{base_url}/api/v1/inspections", headers={"X-CSRF-Token": token}, data={
        "local_area": f"Survey Vale {uuid.uuid4().hex[:6]} (fictional)", "la_code": "998", "framework": "send-2023",
        "notification_date": timeline.first_working_day_of_week(today_in_england()).isoformat()})
    assert created.status == 201, created.text()
    lead.goto(f"{base_url}/inspections/{created.json()['id']}/survey")
    rows = lead.locator(".app-survey-links .govuk-summary-list__row")
    links = {name: rows.filter(has_text=title).get_by_role("link").get_attribute("href")
             for name, title in [("parent_carer", "Parents and carers"), ("young_person", "Children and young people")]}
    return lead, links


def test_a_young_person_answers_on_a_small_phone_and_the_team_sees_it(page_at, live_server):
    lead, links = survey_links(page_at, live_server)
    phone = page_at(375, 740)
    phone.goto(links["young_person"])
    assert phone.get_by_role("heading", level=1).inner_text() == "Tell inspectors what you think about your support"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
    assert axe_violations(phone) == []
    phone.get_by_label("I am a child or young person").check()
    for question, answer in [("Do you get the help you need?", "Sometimes"),
                             ("Are you happy with how you are getting on?", "Yes"),
                             ("Did people ask what you think when they planned your help?", "No"),
                             ("Do the people who help you work well together?", "I don't know")]:
        phone.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    phone.get_by_label("An EHC plan").check()
    phone.get_by_label("Is there anything else you want to tell us?").fill(
        "The fictional homework club helps me a lot.")
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_url(re.compile(r"/thanks$"))
    assert "Thank you" in phone.get_by_role("heading", level=1).inner_text()
    assert axe_violations(phone) == []
    assert phone.errors == []

    lead.reload()
    lead.get_by_label("Comments containing").fill("homework club")
    lead.get_by_role("button", name="Apply filters").click()
    comment = lead.locator(".app-comment", has_text="The fictional homework club helps me a lot.")
    comment.wait_for()
    assert "Children and young people · I am a child or young person" in comment.inner_text()
    assert lead.errors == []


def test_the_parents_questionnaire_and_the_results_page_have_no_accessibility_violations(page_at, live_server):
    lead, links = survey_links(page_at, live_server)
    assert axe_violations(lead) == []
    phone = page_at(375, 740)
    phone.goto(links["parent_carer"])
    assert axe_violations(phone) == []
    # The error summary after sending it empty is accessible too, and links to the first question.
    phone.get_by_role("button", name="Send my answers").click()
    summary = phone.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Select who you are, or that you would rather not say" in summary.inner_text()
    assert axe_violations(phone) == []
    assert lead.errors == [] and phone.errors == []
