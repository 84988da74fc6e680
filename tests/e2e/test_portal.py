"""The nominated officer's portal in the system Chromium: an upload shows its progress and is then listed; a
renamed program is refused with the error summary; axe-core checks the pages."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, open_demo_inspection

SLOW_UPLOAD = {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 750_000}  # bytes/s


def test_the_officer_uploads_the_self_evaluation_and_sees_its_progress(page_at, live_server, tmp_path):
    page = page_at()
    page.goto(f"{live_server}/login")
    page.get_by_label("Email address").fill("officer@example.org")
    page.get_by_label("Password", exact=True).fill("demo-officer-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/portal/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Documents for the inspection"
    assert axe_violations(page) == []

    # A renamed program is refused, in place, with the GOV.UK error summary.
    program = tmp_path / "self-evaluation.pdf"
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 2000)
    page.get_by_label("The area's self-evaluation").check()
    page.get_by_label("Choose the file").set_input_files(str(program))
    page.get_by_role("button", name="Upload", exact=True).click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("this one is a Windows program")
    expect(summary).to_be_focused()

    # Chromium's network emulation slows the upload to about 0.75 MB/s, so its progress can be watched.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_UPLOAD)
    document = tmp_path / "Fictional Vale self-evaluation.pdf"
    document.write_bytes(b"%PDF-1.7\n" + b"% fictional padding\n" * 150_000 + b"%%EOF\n")  # about 3 MB
    page.get_by_label("The area's self-evaluation").check()
    page.get_by_label("Choose the file").set_input_files(str(document))
    page.get_by_role("button", name="Upload", exact=True).click()
    progress = page.locator("#file-progress")
    expect(progress).to_be_visible()
    # The bar shows the file partly sent (checked on every frame while it goes).
    partly = page.wait_for_function("""() => {
        const bar = document.querySelector("#file-progress");
        return bar && bar.value > 0 && bar.value < 100 && bar.value;
    }""", timeout=20_000).json_value()
    assert 0 < partly < 100
    page.wait_for_url(re.compile(r"/portal/\d+\?uploaded=\d+"))
    cdp.send("Network.emulateNetworkConditions", {**SLOW_UPLOAD, "uploadThroughput": -1})
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your document has been uploaded")
    expect(page.locator(".app-document").first).to_contain_text("Fictional Vale self-evaluation.pdf")
    assert axe_violations(page) == []
    assert page.errors == []


def test_the_team_sees_the_claims_matrix(page_at, live_server):
    page = page_at()
    overview = open_demo_inspection(page, live_server, "lead@example.org", "demo-lead-password")
    page.goto(f"{overview}/claims")
    assert page.get_by_role("heading", level=1).inner_text() == "Self-evaluation claims"
    expect(page.locator(".app-untested-warning")).to_contain_text("claims not yet tested")
    assert axe_violations(page) == []
    page.goto(f"{overview}/area")
    assert axe_violations(page) == []
    assert page.errors == []
