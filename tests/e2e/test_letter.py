"""The outcome letter in the system Chromium: a section edited in place and autosaved, then an earlier version
restored."""

import re

from tests.e2e.conftest import axe_violations, open_demo_inspection


def test_a_section_is_autosaved_and_an_earlier_version_restored(live_server, page_at):
    page = page_at(1024, 900)
    base = open_demo_inspection(page, live_server, "lead@example.org", "demo-lead-password")
    page.goto(f"{base}/letter")
    page.get_by_role("button", name="Start editing this draft").click()
    findings = page.locator("#text-main_findings")
    findings.wait_for()
    # Typed into only once the page has loaded: htmx starts its autosave then, and the field is there before.
    page.wait_for_load_state()
    drafted = findings.input_value()
    assert drafted.startswith("- ")  # drafted from the demo's evidence

    findings.fill("- Fictional: leaders know the area's strengths well.\n- Fictional: plans are often late.")
    page.locator("#saved-main_findings", has_text="Saved").wait_for()  # autosaved after a pause, no button pressed
    assert "version 2" in page.locator("#saved-main_findings").inner_text()
    page.reload()
    assert page.locator("#text-main_findings").input_value().startswith("- Fictional: leaders know")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Versions and what changed").click()
    page.get_by_role("link", name="Compare with current (version 1)").click()
    changes = page.locator(".app-diff").first
    assert "Fictional: leaders know the area's strengths well." in changes.inner_text()
    assert changes.locator("ins").count() >= 1 and changes.locator("del").count() >= 1
    page.get_by_role("button", name="Restore version 1").click()
    page.wait_for_url(re.compile(r"/letter$"))
    assert page.locator("#text-main_findings").input_value() == drafted
    assert "Version 3: Restored version 1" in page.locator("main").inner_text()
    assert page.errors == []
