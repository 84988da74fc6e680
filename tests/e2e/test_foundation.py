"""In Chromium: sign in on a tablet, see the five days on site, build the team without a reload,
and meet no accessibility violations on the foundation's pages."""

import re

from app.demo import DEMO_AREA
from tests.e2e.conftest import axe_violations, sign_in


def test_lead_signs_in_on_a_tablet_and_sees_the_timeline(live_server, page_at):
    page = page_at(768)
    sign_in(page, live_server, "lead@example.org", "demo-lead-password")
    page.get_by_role("link", name=DEMO_AREA).click()
    page.wait_for_url(re.compile(r"/inspections/\d+$"))
    timeline = page.locator(".app-timeline li")
    assert timeline.count() == 8
    assert timeline.nth(0).inner_text().startswith("Notification")
    days = [timeline.nth(i).locator("h3").inner_text() for i in range(1, 6)]
    assert days == [f"On site: day {i}" for i in range(1, 6)]
    # Every date shown is a weekday.
    for i in range(8):
        assert not re.search(r"Saturday|Sunday", timeline.nth(i).inner_text())
    # Nothing overflows the tablet's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert page.errors == []


def test_team_member_is_added_in_place_with_htmx(live_server, page_at):
    page = page_at(768)
    sign_in(page, live_server, "lead@example.org", "demo-lead-password")
    page.get_by_role("link", name=DEMO_AREA).click()
    page.wait_for_url(re.compile(r"/inspections/\d+$"))  # marked once the link's page is the one shown
    page.evaluate("window.__marker = 'same page'")  # survives only if the page is not reloaded
    page.get_by_label("Email address of the inspector").fill("nobody@example.org")
    page.get_by_label("Shadow").check()
    page.get_by_role("button", name="Add to team").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "No user has this email address" in summary.inner_text()
    page.get_by_label("Email address of the inspector").fill("oi@example.org")
    page.get_by_label("Shadow").check()
    page.get_by_role("button", name="Add to team").click()
    page.locator("#team tbody", has_text="Otto Other").wait_for()
    assert page.locator(".govuk-error-summary").count() == 0
    assert page.evaluate("window.__marker") == "same page"
    assert page.errors == []


def test_pages_work_on_a_phone_and_pass_axe(live_server, page_at):
    page = page_at(375, 740)
    page.goto(f"{live_server}/login")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign in").click()  # empty form: the error summary must be accessible too
    page.locator(".govuk-error-summary").wait_for()
    assert axe_violations(page) == []
    sign_in(page, live_server, "admin@example.org", "demo-admin-password")
    for path in ["/inspections", "/inspections/new", "/admin/users", "/admin/users/new", "/admin/audit",
                 "/account/password"]:
        page.goto(live_server + path)
        assert axe_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    page.goto(f"{live_server}/inspections")
    page.get_by_role("link", name=DEMO_AREA).click()
    page.wait_for_url(re.compile(r"/inspections/\d+$"))
    assert axe_violations(page) == []
    assert page.errors == []
