"""Every write leaves an audit event an administrator can read; every response carries the security headers."""

from sqlmodel import select

from app.audit.models import AuditEvent
from tests.integration.conftest import csrf_of, sign_in, soup


def test_writes_record_who_what_which_object_and_from_where(client, db, make_user):
    hmi = make_user(email="ada@example.org")
    sign_in(client, db, hmi)
    token = client.get("/api/v1/session").json()["csrf_token"]
    body = {"local_area": "Testshire (fictional)", "la_code": "999", "framework": "send-2016", "start_date": "2027-03-08"}
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
