"""Small things a tired inspector would not notice went wrong: an in-place save that breaks the page's rules, and
the offline button pressed with no connection (issue #16 point 7)."""

import re

from tests.e2e.conftest import axe_violations, capture, open_demo_inspection


def test_an_in_place_save_breaks_no_content_security_rule_and_names_its_author(live_server, page_at):
    page = page_at(768)
    base = open_demo_inspection(page, live_server, "lead@example.org", "demo-lead-password")
    page.goto(f"{base}/plan")
    page.locator("a[href*='/activities/']:not([href$='/new']):not([href*='/new?'])").first.click()
    page.wait_for_url(re.compile(r"/activities/[0-9a-f-]{36}$"))
    page.evaluate("window.__marker = 'same page'")
    text = "Fictional: saved in place with no inline style."
    capture(page, text)
    saved = page.locator("#source-evidence .app-evidence", has_text=text)
    saved.wait_for()
    assert page.evaluate("window.__marker") == "same page"  # in place, by htmx
    assert "Ada Lead (demo HMI)" in saved.locator(".app-evidence__meta").inner_text()
    # The notes save themselves in place too.
    page.locator("#notes-text").fill("Fictional notes, saved as typed.")
    page.locator("#notes-status", has_text=re.compile("[Ss]aved")).wait_for()
    # htmx's indicator styles are ours (app.css), not a <style> it injects, which the CSP refuses.
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors
    assert page.errors == []
    assert axe_violations(page) == []


def test_the_offline_button_pressed_offline_says_so(live_server, page_at):
    page = page_at(375, 812)
    base = open_demo_inspection(page, live_server, "peer@example.org", "demo-peer-password")
    page.evaluate("navigator.serviceWorker.ready")
    button = page.get_by_role("button", name="Make this inspection available offline")
    button.wait_for()
    page.context.set_offline(True)
    button.click()
    progress = page.locator("[data-offline-progress]")
    progress.filter(has_text="You are offline.").wait_for()
    assert "Nothing new was saved for offline use" in progress.inner_text()
    assert progress.get_attribute("role") == "status"  # read out, not only shown
    page.context.set_offline(False)
    button.click()
    progress.filter(has_text=re.compile(r"Available offline: \d+ pages saved")).wait_for()
    assert page.errors == [], page.errors
    assert base


def test_removing_a_member_is_a_page_of_its_own_and_a_bad_survey_link_speaks_to_a_parent(live_server, page_at):
    page = page_at(375, 812)
    base = open_demo_inspection(page, live_server, "lead@example.org", "demo-lead-password")
    page.get_by_role("button", name="Remove Cyril Care (demo CQC) from the team").click()
    page.wait_for_url(re.compile(r"/team/\d+/remove$"))
    assert page.locator("h1").inner_text() == "Are you sure you want to remove Cyril Care (demo CQC) from the team?"
    assert axe_violations(page) == []
    page.get_by_role("link", name="No, keep them on the team").click()
    page.wait_for_url(f"{base}#team")
    assert page.get_by_role("button", name="Remove Cyril Care (demo CQC) from the team").is_visible()
    page.goto(f"{live_server}/s/not-a-real-link")
    assert page.locator("h1").inner_text() == "This link does not work"
    assert axe_violations(page) == []
    assert page.errors == [], page.errors
