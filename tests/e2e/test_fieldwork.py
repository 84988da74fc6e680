"""In Chromium on a 768px tablet: record a visit, two evidence items and a case file, and see them on the board."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, capture, open_demo_inspection


def board_counts(page) -> tuple[int, int, int]:
    text = " ".join(page.locator("#board-counts").inner_text().split())
    match = re.search(r"(\d+) strengths?, (\d+) areas? for development, (\d+) context", text)
    return tuple(int(n) for n in match.groups())


def test_visit_evidence_and_case_file_reach_the_board(live_server, page_at):
    page = page_at(768)
    base = open_demo_inspection(page, live_server, "cqc@example.org", "demo-cqc-password")
    page.goto(f"{base}/board?heading=1")
    before = board_counts(page)
    parents_before = page.locator("#aspect-parents_involved [data-aspect-counts] .govuk-tag").first.inner_text()

    # A setting, added in place with htmx.
    page.goto(f"{base}/settings")
    page.get_by_label("Name").fill("Imaginary Academy (e2e)")
    page.get_by_label("Special school").check()
    page.get_by_role("button", name="Add setting").click()
    page.locator("#register tbody", has_text="Imaginary Academy (e2e)").wait_for()

    # The visit, planned from the register.
    page.get_by_role("link", name="Plan a visit to Imaginary Academy (e2e)").click()
    assert page.get_by_label("Visit to a setting").is_checked()
    page.get_by_label("Start time (optional)").fill("11:15")
    page.locator("input[name='attendee_roles[]']").first.fill("SENCo")
    page.locator("input[name='attendee_organisations[]']").first.fill("Imaginary Academy")
    page.get_by_role("button", name="Save activity").click()
    page.wait_for_url(re.compile(r"/activities/[0-9a-f-]{36}$"))
    assert page.locator("h1").inner_text() == "Visit to Imaginary Academy (e2e)"

    # Two evidence items, captured inline on the visit without leaving the page.
    page.evaluate("window.__marker = 'same page'")
    for text, heading, aspect, judgement, strand in [
        ("Fictional: parents said the academy involved them well.", "1. Identifying needs",
         "How well were parents and carers involved in the assessment?", "Strength", "Education"),
        ("Fictional: therapy advice arrived after the plan was written.", "1. Identifying needs",
         ("Did the child or young person's nursery, school or college and other professionals work well together "
          "during their assessments?"),
         "Area for development", "Health"),
    ]:
        capture(page, text, heading, aspect, judgement, strand)
        page.locator("#source-evidence", has_text=text).wait_for()
    assert page.evaluate("window.__marker") == "same page"
    assert page.locator("#source-evidence .app-evidence").count() == 2

    # A case file seen on the visit.
    page.get_by_role("link", name="Review a case file seen here").click()
    page.get_by_label("Case reference").fill("E2E-01")
    page.get_by_label("11 to 15").check()
    page.locator("#setting_type").check()  # the first type: early years
    page.get_by_label("EHC plan in place").check()
    page.get_by_label("SEMH – social, emotional and mental health").check()
    for name, values in {"assessment_requested_on": ("5", "1", "2026"), "plan_issued_on": ("1", "7", "2026")}.items():
        for part, value in zip(("day", "month", "year"), values, strict=True):
            page.locator(f"#{name}-{part}").fill(value)
    page.get_by_label("Latest attendance (optional)").fill("85")
    page.locator("#rating-parents_involved-3").check()  # weak
    page.get_by_role("button", name="Save case file").click()
    page.wait_for_url(re.compile(r"/files/[0-9a-f-]{36}$"))
    summary = page.locator(".govuk-summary-list").inner_text()
    assert "25 weeks" in summary and "over the 20-week limit" in summary
    assert "Persistent absence" in summary

    # The board shows both new items with the right counts.
    page.goto(f"{base}/board?heading=1")
    assert board_counts(page) == (before[0] + 1, before[1] + 1, before[2])
    parents = page.locator("#aspect-parents_involved")
    assert "Fictional: parents said the academy involved them well." in parents.inner_text()
    assert parents.locator("[data-aspect-counts] .govuk-tag").first.inner_text() != parents_before
    assert "Fictional: therapy advice" in page.locator("#aspect-professionals_together").inner_text()
    page.get_by_label("Judgement").select_option("area_for_development")
    # (wait_for_function polls with eval: CSP blocks it)
    page.locator("#board-counts", has_text="0 strengths").wait_for()
    assert board_counts(page)[0] == 0
    expect(page).to_have_url(re.compile(r"judgement=area_for_development"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert page.errors == []


def test_fieldwork_pages_pass_axe_on_a_tablet(live_server, page_at):
    page = page_at(768)
    base = open_demo_inspection(page, live_server, "lead@example.org", "demo-lead-password")
    for path in ["", "/plan", "/settings", "/files", "/files/summary", "/files/new", "/board", "/summary",
                 "/evidence/new", "/activities/new"]:
        page.goto(base + path)
        assert axe_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= 768, path
    page.goto(base + "/plan")
    page.locator("#days a").first.click()
    page.wait_for_url(re.compile(r"/activities/[0-9a-f-]{36}$"))  # axe on the activity, not the plan it left
    assert axe_violations(page) == [], page.url
    assert page.errors == []
