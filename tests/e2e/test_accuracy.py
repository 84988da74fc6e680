"""The factual accuracy check in the system Chromium: the lead sends the draft to the area; the nominated officer, on a
tablet (768 px wide), reads it and comments on a section with a file attached, and sees the comment waiting for
the team's answer; axe-core checks the officer's pages."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.e2e.conftest import axe_violations, open_demo_inspection, server_on_a_copy
from tests.servers import AppServer


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_database) -> Iterator[AppServer]:
    app_server = server_on_a_copy(demo_database, tmp_path_factory.mktemp("accuracy"))
    yield app_server
    app_server.stop()


def _letter_to_quality_assurance(app_server: AppServer, inspection_id: int) -> None:
    """Quality assurance itself has its own tests: the letter is put there as the lead would have taken it."""
    engine = create_engine(app_server.env["DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO letter_workflows (inspection_id, status, updated_at) "
                                "VALUES (:id, 'quality_assurance', CURRENT_TIMESTAMP)"), {"id": inspection_id})
    engine.dispose()


def test_the_officer_reads_the_draft_and_comments_on_a_section_on_a_tablet(server, page_at, tmp_path):
    lead = page_at(1024, 900)
    base = open_demo_inspection(lead, server.url, "lead@example.org", "demo-lead-password")
    inspection_id = int(base.rsplit("/", 1)[1])
    lead.goto(f"{base}/letter")
    lead.get_by_role("button", name="Start editing this draft").click()
    lead.locator("#text-main_findings").wait_for()
    _letter_to_quality_assurance(server, inspection_id)
    lead.reload()
    lead.get_by_role("button", name="Send to the area for a factual accuracy check").click()
    expect(lead.locator(".app-accuracy-summary")).to_contain_text("Sent to the area for a factual accuracy check")

    page = page_at(768, 1024)
    page.goto(f"{server.url}/login")
    page.get_by_label("Email address").fill("officer@example.org")
    page.get_by_label("Password", exact=True).fill("demo-officer-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/portal/\d+$"))
    page.get_by_role("link", name="Draft report").click()
    page.wait_for_url(re.compile(r"/portal/\d+/accuracy$"))
    expect(page.locator(".app-accuracy-deadline")).to_contain_text("Send your comments by the end of")
    expect(page.locator("#draft-main_findings")).to_be_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 768  # nothing wider than the tablet

    # A comment without its words is refused in place; then sent with the correction, the evidence and a file.
    page.locator("#draft-main_findings").get_by_role("link", name=re.compile(r"^Comment on this section")).click()
    expect(page.get_by_label("Section", exact=True)).to_have_value("main_findings")
    page.get_by_label("The correction you propose").fill("Fictional: the local offer was updated in March.")
    page.get_by_role("button", name="Send the comment").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Quote the words in the draft that are not accurate")
    expect(summary).to_be_focused()
    assert axe_violations(page) == []

    evidence = tmp_path / "Fictional local offer log.pdf"
    evidence.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    page.get_by_label("The words in the draft that are not accurate").fill("the local offer is out of date")
    page.get_by_label("The evidence for it (optional)").fill("The local offer's change log (fictional).")
    page.get_by_label("Attach a document (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Send the comment").click()
    page.wait_for_url(re.compile(r"/portal/\d+/accuracy\?sent=1"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your comment has been sent")
    comment = page.locator(".app-accuracy-comment").first
    expect(comment).to_contain_text("Comment 1: Main findings")
    expect(comment).to_contain_text("Awaiting an answer")
    expect(comment.get_by_role("link", name="The document sent with comment 1")).to_be_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 768

    # The team sees it, ready to answer.
    lead.goto(f"{base}/letter/accuracy")
    expect(lead.locator(".app-accuracy-comment").first).to_contain_text("the local offer is out of date")
    assert page.errors == [] and lead.errors == []
