"""In Chromium: the JSON API's reference at /api/docs works under the site's Content-Security-Policy."""

import httpx
from playwright.sync_api import expect

# Every Content-Security-Policy violation the page meets, whether or not the browser also logs it.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def test_the_api_reference_shows_the_operations_with_no_content_security_policy_error(live_server, page_at):
    page = page_at(1280, 900)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server}/api/docs")
    session = page.locator(".opblock-get", has=page.locator(".opblock-summary-path", has_text="/api/v1/session"))
    session.wait_for()
    # The whole JSON API, not one stray operation; pages and forms are not in the reference.
    schema = httpx.get(f"{live_server}/api/openapi.json").json()
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    operations = sum(len(ops) for ops in schema["paths"].values())
    assert operations >= 10
    expect(page.locator(".opblock")).to_have_count(operations)  # Swagger UI draws them after the page loads
    assert page.locator(".info .title").inner_text().startswith("SEND Fieldwork")
    session.locator(".opblock-summary").click()  # opens to show its responses
    session.locator(".responses-wrapper").wait_for()
    assert "Not signed in" in session.inner_text()
    assert page.evaluate("window.__violations") == []
    assert page.errors == []
