"""Exports behind a recent password in the system Chromium: once the last password was more than 15 minutes ago,
the Word link opens "Confirm it is you" as a page (never a file called confirm.html), and after confirming, a page
offers the file, which downloads as the letter itself."""

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta

from tests.e2e.conftest import open_demo_inspection


def test_an_export_past_15_minutes_asks_for_the_password_as_a_page_then_downloads_the_file(own_server, page_at,
                                                                                              tmp_path):
    page = page_at(768, 1024)
    base = open_demo_inspection(page, own_server.url, "lead@example.org", "demo-lead-password")
    # The clock moved on: the lead last gave the password 16 minutes ago.
    past = (datetime.now(UTC) - timedelta(minutes=16)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with closing(sqlite3.connect(own_server.workdir / "live.db")) as db, db:
        db.execute("UPDATE user_sessions SET reauthenticated_at = ?", (past,))
    page.goto(f"{base}/letter")
    page.get_by_role("link", name="Download as Word (DOCX)").click()
    page.get_by_role("heading", name="Confirm it is you").wait_for()  # a page, not a download
    page.get_by_role("textbox", name="Password").fill("demo-lead-password")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Your download is ready").wait_for()
    with page.expect_download() as started:
        page.get_by_role("link", name="Download the outcome letter as Word (DOCX)").click()
    download = started.value
    assert download.suggested_filename.endswith(".docx") and download.suggested_filename.startswith("outcome-letter")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    from docx import Document

    text = "\n".join(p.text for p in Document(saved).paragraphs)
    assert "Yours sincerely" in text
    page.get_by_role("link", name="Go back").click()
    page.wait_for_url(f"{base}/letter")
    assert page.errors == []
