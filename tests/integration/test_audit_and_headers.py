"""Every write leaves an audit event an administrator can read; every response carries the security headers."""

from sqlmodel import select

from app.audit.models import AuditEvent
from app.users.models import UserSession
from tests.integration.conftest import csrf_of, sign_in, soup


def test_writes_record_who_what_which_object_and_from_where(client, db, make_user):
    hmi = make_user(email="ada@example.org")
    sign_in(client, db, hmi)
    token = client.get("/api/v1/session").json()["csrf_token"]
    body = {"local_area": "Testshire (fictional)", "la_code": "999", "framework": "send-2016",
            "start_date": "2027-03-08"}
    created = client.post("/api/v1/inspections", json=body, headers={"X-CSRF-Token": token}).json()
    actions = {e.action: e for e in db.exec(select(AuditEvent).where(AuditEvent.inspection_id == created["id"]))}
    assert set(actions) == {"inspection.created", "team.member_added"}
    event = actions["inspection.created"]
    assert (event.actor_id, event.actor_email, event.object_type, event.object_id) == (
        hmi.id, "ada@example.org", "inspection", str(created["id"]))
    assert event.ip_address == "testclient"
    assert event.at is not None
    assert event.detail["start_date"] == "2027-03-08"


def test_admin_reads_the_audit_log_and_filters_it(client, db, make_user):
    admin = make_user(role="admin", email="boss@example.org")
    make_user(email="someone@example.org")  # user.created by the test system actor
    sign_in(client, db, admin)
    client.post("/admin/users/new", data={"csrf_token": csrf_of(client, "/admin/users/new"), "name": "Logged Person",
                                          "email": "logged@example.org", "role": "admin",
                                          "password": "a-long-enough-password"})
    page = soup(client.get("/admin/audit?action=user.created"))
    rows = [r.get_text(" ", strip=True) for r in page.select("#results tbody tr")]
    assert any("boss@example.org" in r and "logged@example.org" in r for r in rows)
    assert all("user.created" in r for r in rows)
    fragment = client.get("/admin/audit?actor=boss", headers={"HX-Request": "true"})
    assert soup(fragment).select_one("html") is None
    who = [cell.get_text(strip=True) for cell in soup(fragment).select("td[data-label=Who]")]
    assert who and set(who) == {"boss@example.org"}


def test_security_headers_on_pages_api_and_static(client):
    for path in ["/login", "/api/v1/session", "/static/css/app.css", "/nowhere"]:
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in headers  # plain HTTP


def test_pages_have_no_inline_script(client, db, make_user, make_inspection):
    lead = make_user()
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    for path in ["/inspections", f"/inspections/{inspection.id}", "/account/password"]:
        scripts = soup(client.get(path)).select("script")
        assert scripts and all(s.get("src") and not s.get_text(strip=True) for s in scripts), path


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert soup(response).h1.get_text() == "Page not found"


def test_hashed_static_urls_are_cached_for_a_year(client):
    page = soup(client.get("/login"))
    css = [link["href"] for link in page.select("link[rel=stylesheet]")]
    assert all("?v=" in href for href in css)
    assert "immutable" in client.get(css[0]).headers["cache-control"]
    assert client.get("/static/css/app.css").headers["cache-control"] == "no-cache"


SECURITY_HEADERS = ["content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options",
                    "permissions-policy", "cross-origin-opener-policy"]


def test_every_error_page_carries_the_security_headers_even_a_server_error(app, db, make_user):
    from fastapi.testclient import TestClient
    from sqlalchemy.orm.exc import StaleDataError

    def broken():
        raise RuntimeError("a fault in a route (added by this test only)")

    def changed_meanwhile():
        raise StaleDataError("saved by someone else first")

    for path, endpoint in (("/test-broken", broken), ("/api/v1/test-broken", broken),
                           ("/test-changed", changed_meanwhile)):
        app.add_api_route(path, endpoint)
    # A 500 is not raised into the test: the app's own error page is what a browser gets.
    client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    expected = {name: client.get("/login").headers[name] for name in SECURITY_HEADERS}
    sign_in(client, db, make_user())
    for method, path, status in [("GET", "/test-broken", 500), ("GET", "/api/v1/test-broken", 500),
                                 ("GET", "/test-changed", 409), ("GET", "/nowhere", 404),
                                 ("POST", "/logout", 403),  # no CSRF token
                                 ("GET", "/inspections/not-a-number", 400), ("DELETE", "/inspections", 405)]:
        response = client.request(method, path)
        assert response.status_code == status, path
        assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == expected, path
    page = client.get("/test-broken")
    assert soup(page).h1.get_text(strip=True) and "a fault in a route" not in page.text

    https = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    assert https.get("/test-broken").headers["strict-transport-security"].startswith("max-age=")


def test_signed_in_pages_are_private_and_checked_again_and_concern_pages_are_never_stored(client, db, make_user,
                                                                                          make_inspection):
    lead = make_user()
    inspection = make_inspection(lead)
    assert "cache-control" not in client.get("/healthz").headers  # nobody's own: nothing to say
    sign_in(client, db, lead)
    base = f"/inspections/{inspection.id}"
    for path in ("/inspections", base, f"{base}/evidence/new", f"{base}/concerns/new", "/api/v1/session"):
        assert client.get(path).headers["cache-control"] == "private, no-cache", path
    for path in (f"{base}/concerns", "/account/password", "/account/two-factor", "/login"):
        assert client.get(path).headers["cache-control"] == "no-store", path
    assert "immutable" in client.get(soup(client.get("/inspections")).select_one("link[rel=stylesheet]")["href"]
                                     ).headers["cache-control"]  # a file's own caching is kept


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def test_the_api_reference_loads_only_files_its_content_security_policy_allows(client):
    from urllib.parse import urlparse

    page = client.get("/api/docs")
    assert page.status_code == 200
    csp = csp_directives(page.headers["content-security-policy"])
    html = soup(page)
    scripts = html.select("script")
    assert [s.get_text(strip=True) for s in scripts] == ["", ""]  # no inline script
    assert not html.select("style, [style]")
    loads = {"script-src": [s["src"] for s in scripts],
             "style-src": [link["href"] for link in html.select("link[rel=stylesheet]")],
             "img-src": [link["href"] for link in html.select("link[rel=icon]")],
             "connect-src": [html.select_one("#swagger-ui")["data-openapi-url"]]}
    assert any("swagger-ui-bundle.js" in url for url in loads["script-src"])
    assert any("swagger-ui.css" in url for url in loads["style-src"])
    for directive, urls in loads.items():
        allowed = csp.get(directive, csp["default-src"])
        assert allowed == ["'self'"] or allowed == ["'self'", "data:"], directive
        for url in urls:
            parsed = urlparse(url)
            assert not (parsed.scheme or parsed.netloc) and url.startswith("/"), url  # this site's own
            assert client.get(url).status_code == 200, url
    assert client.get(loads["connect-src"][0]).json()["info"]["title"] == "SEND Fieldwork"


def test_pages_are_compressed_and_the_csrf_token_never_repeats(client, db, make_user):
    """BREACH needs a secret that repeats across compressed responses: the CSRF token is masked afresh in each one
    (and still verifies), so pages can be gzipped. Pages marked no-store are still sent plain."""
    import re

    user = make_user()
    sign_in(client, db, user)
    tokens = []
    for _ in range(3):
        page = client.get("/inspections", headers={"Accept-Encoding": "gzip"})
        assert page.status_code == 200 and page.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in page.headers["vary"]
        tokens.append(re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1))
    tokens.append(client.get("/api/v1/session").json()["csrf_token"])
    assert len(set(tokens)) == len(tokens)  # a different masking every time
    stored = db.exec(select(UserSession).where(UserSession.user_id == user.id)).one().csrf_token
    assert all(stored not in page_token for page_token in tokens)
    for token in tokens:  # every masking verifies
        changed = client.post("/account/password", data={"csrf_token": token, "current_password": "",
                                                          "new_password": "", "confirm_password": ""})
        assert changed.status_code != 403
    forged = client.post("/account/password", data={"csrf_token": tokens[0][:-2] + "AA"})
    assert forged.status_code == 403
    account = client.get("/account/password", headers={"Accept-Encoding": "gzip"})
    assert "no-store" in account.headers["cache-control"] and "content-encoding" not in account.headers


def test_a_signed_number_past_any_id_is_not_found_rather_than_a_server_error(client, db, make_user, make_inspection):
    # Found by the API fuzz test: a negative id past the integer column overflowed the database (a 500).
    lead = make_user()
    make_inspection(lead)
    sign_in(client, db, lead)
    huge = "9471090632349847001697114557108977664"
    for address in (f"/api/v1/inspections/-{huge}", f"/api/v1/inspections/+{huge}", f"/inspections/-{huge}"):
        assert client.get(address).status_code == 404, address
    assert client.get(f"/inspections?page=-{huge}").status_code == 400
    assert client.get("/api/v1/inspections/-1").status_code == 404  # small ones still reach the route
