"""A safeguarding concern recorded with no connection: kept on the tablet without its text on screen, sent
before the evidence captured ahead of it, and then in front of the lead inspector."""

import re

from tests.e2e.conftest import axe_violations, capture, open_demo_inspection, saved_on_device

CONCERN = "Fictional: a member of staff was seen locking a child in a room (test)."


def test_a_concern_recorded_offline_is_synced_first_and_reaches_the_lead(live_server, page_at):
    page = page_at(768)
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    base = open_demo_inspection(page, live_server, "cqc@example.org", "demo-cqc-password")
    page.goto(f"{base}/evidence/new")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # controlled by the service worker from here on
    page.goto(f"{base}/concerns/new")  # a copy on the device for later
    assert axe_violations(page) == []
    page.goto(f"{base}/evidence/new")
    saved_on_device(page, f"{base}/concerns/new")  # opened offline below
    page.context.set_offline(True)

    capture(page, "Fictional evidence captured before the concern.")
    page.locator("#device-outbox [data-pending] li").first.wait_for()
    page.get_by_role("button", name="Safeguarding concern").click()  # one tap, from the device's copy
    page.wait_for_url(re.compile(r"/concerns/new$"))
    page.get_by_label("An allegation about an adult who works with children").check()
    page.get_by_label("What you saw or heard").fill(CONCERN)
    page.get_by_role("button", name="Record the concern").click()
    pending = page.locator("#device-outbox [data-pending] li")
    pending.filter(has_text="Safeguarding concern").wait_for()
    assert pending.count() == 2
    assert CONCERN not in page.locator("#device-outbox").inner_text()  # never on screen in the outbox list

    sent = []
    page.route("**/api/v1/sync", lambda route: (sent.append(route.request.post_data_json), route.continue_()))
    page.context.set_offline(False)
    page.locator("#device-outbox").wait_for(state="hidden", timeout=20_000)
    first_batch = next(batch for batch in sent if batch["ops"])
    assert [op["entity"] for op in first_batch["ops"]] == ["safeguarding_concern", "evidence_item"]

    lead = page_at(768)
    open_demo_inspection(lead, live_server, "lead@example.org", "demo-lead-password")
    banner = lead.locator(".app-concerns-banner")
    assert "safeguarding concern" in banner.inner_text() and "not yet marked as actioned" in banner.inner_text()
    banner.get_by_role("link").click()
    lead.get_by_role("link", name="An allegation about an adult who works with children").first.click()
    assert CONCERN in lead.locator(".govuk-summary-list").inner_text()
    assert "LADO" in lead.locator(".govuk-summary-list").inner_text()
    assert axe_violations(lead) == []

    # The concern's page is never kept on the tablet: offline, the service worker has no copy to show.
    concern_url = lead.url
    lead.evaluate("navigator.serviceWorker.ready")
    lead.reload()  # now through the service worker, which would have kept a copy of an ordinary page
    assert CONCERN in lead.content()
    lead.context.set_offline(True)
    lead.goto(concern_url)
    assert CONCERN not in lead.content()
    lead.context.set_offline(False)
    # Chromium logs any request refused while offline (a background refresh, say) as a console error; that is
    # the network being off, not the page failing. Everything else counts.
    assert [e for e in page.errors if "ERR_INTERNET_DISCONNECTED" not in e] == [], failed
    assert [e for e in lead.errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
