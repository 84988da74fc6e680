"""Two-factor sign-in (TOTP): required for administrators, optional for others; a code is used once; wrong codes
end the half-signed-in session; exports and user administration ask for the password (and code) again."""

from datetime import timedelta

import pyotp
from sqlmodel import select

from app.audit.models import AuditEvent
from app.models_base import utcnow
from app.users.models import UserSession
from tests.conftest import csrf_from
from tests.integration.conftest import PASSWORD, error_summary, login, soup


def code_for(secret: str, steps_ahead: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.at(int(utcnow().timestamp()) + 30 * steps_ahead)


def test_an_administrator_must_set_up_two_factor_sign_in_before_anything_else(client, db, make_user):
    admin = make_user(role="admin", email="admin2@example.org")
    admin.totp_secret = None
    db.add(admin)
    db.flush()
    assert login(client, admin.email).headers["location"] == "/inspections"
    assert client.get("/inspections").headers["location"] == "/account/two-factor"
    assert client.get("/api/v1/session").status_code == 403
    page = client.get("/account/two-factor")
    key = soup(page).select_one("#totp-key").get_text(strip=True)
    assert soup(page).select_one(".app-qr svg") is not None
    wrong = client.post("/account/two-factor", data={"csrf_token": csrf_from(page.text), "code": "000000"})
    assert error_summary(wrong) == ["Enter the 6-digit code your authenticator app shows now"]
    done = client.post("/account/two-factor", data={"csrf_token": csrf_from(page.text), "code": code_for(key)})
    assert done.status_code == 303
    db.refresh(admin)
    assert admin.totp_secret == key
    assert client.get("/admin/users").status_code == 200
    assert "user.two_factor_enrolled" in [e.action for e in db.exec(select(AuditEvent)).all()]


def test_signing_in_with_a_code_and_a_code_works_only_once(client, make_client, db, make_user):
    admin = make_user(role="admin", email="admin3@example.org")
    first = login(client, admin.email, next="/admin/users")
    assert first.headers["location"] == "/login/two-factor?next=/admin/users"
    # The password alone opens nothing.
    assert client.get("/inspections").headers["location"].startswith("/login/two-factor")
    assert client.get("/api/v1/session").status_code == 401
    page = client.get(first.headers["location"])
    wrong = client.post("/login/two-factor", data={"csrf_token": csrf_from(page.text), "code": "123456",
                                                   "next": "/admin/users"})
    assert wrong.status_code == 422
    assert error_summary(wrong) == ["Enter the 6-digit code your authenticator app shows now"]
    code = code_for(admin.totp_secret)
    right = client.post("/login/two-factor", data={"csrf_token": csrf_from(page.text), "code": code,
                                                   "next": "/admin/users"})
    assert right.status_code == 303 and right.headers["location"] == "/admin/users"
    assert client.get("/admin/users").status_code == 200

    # The same code, seen over a shoulder, does not sign in another browser.
    other = make_client()
    login(other, admin.email)
    page = other.get("/login/two-factor")
    again = other.post("/login/two-factor", data={"csrf_token": csrf_from(page.text), "code": code})
    assert again.status_code == 422


def test_five_wrong_codes_end_the_half_signed_in_session(client, db, make_user):
    admin = make_user(role="admin", email="admin4@example.org")
    login(client, admin.email)
    token = csrf_from(client.get("/login/two-factor").text)
    for _ in range(4):
        assert client.post("/login/two-factor", data={"csrf_token": token, "code": "111111"}).status_code == 422
    last = client.post("/login/two-factor", data={"csrf_token": token, "code": "111111"})
    assert last.status_code == 303 and last.headers["location"] == "/login?code_attempts=1"
    assert db.exec(select(UserSession).where(UserSession.user_id == admin.id)).first() is None
    assert client.get("/inspections").headers["location"].startswith("/login")
    failures = list(db.exec(select(AuditEvent).where(AuditEvent.action == "login.second_factor_failed")).all())
    assert len(failures) == 5


def test_an_inspector_may_turn_two_factor_on_and_is_then_asked_for_a_code(client, make_client, db, make_user):
    inspector = make_user(email="hmi@example.org")
    login(client, inspector.email)
    page = client.get("/account/two-factor")
    assert "Administrators must use" not in page.text
    key = soup(page).select_one("#totp-key").get_text(strip=True)
    client.post("/account/two-factor", data={"csrf_token": csrf_from(page.text), "code": code_for(key)})
    later = make_client()
    assert login(later, inspector.email).headers["location"].startswith("/login/two-factor")


def test_exports_and_user_administration_ask_for_the_password_again_after_15_minutes(client, db, make_user,
                                                                                     make_inspection):
    lead = make_user(email="lead@example.org")
    inspection = make_inspection(lead)
    login(client, lead.email)
    export = f"/inspections/{inspection.id}/survey/responses.csv"
    assert client.get(export).status_code == 200  # just signed in: recent enough
    user_session = db.exec(select(UserSession).where(UserSession.user_id == lead.id)).one()
    user_session.reauthenticated_at = utcnow() - timedelta(minutes=16)
    db.add(user_session)
    db.flush()
    for path in (export, f"/inspections/{inspection.id}/letter.docx", f"/inspections/{inspection.id}/letter.pdf"):
        asked = client.get(path)
        assert asked.status_code == 303 and asked.headers["location"].startswith("/account/confirm?next=")
    page = client.get(f"/account/confirm?next={export}")
    wrong = client.post("/account/confirm", data={"csrf_token": csrf_from(page.text), "password": "nope",
                                                  "next": export})
    assert error_summary(wrong) == ["Your password is not correct"]
    right = client.post("/account/confirm", data={"csrf_token": csrf_from(page.text), "password": PASSWORD,
                                                  "next": export})
    # A page saying the file is ready, not a redirect a browser could save under the confirm page's name.
    ready = soup(right)
    assert right.status_code == 200 and ready.select_one("h1").get_text(strip=True) == "Your download is ready"
    link = ready.select_one("#download-link")
    assert link["href"] == export and "download" not in link.attrs
    assert link.get_text(strip=True) == "Download the anonymised survey responses (CSV)"
    assert ready.find("a", string="Go back")["href"] == f"/inspections/{inspection.id}/survey"
    assert client.get(export).status_code == 200

    admin = make_user(role="admin", email="admin5@example.org")
    admin_client = client.__class__(client.app, follow_redirects=False)
    login(admin_client, admin.email)
    token = csrf_from(admin_client.get("/login/two-factor").text)
    admin_client.post("/login/two-factor", data={"csrf_token": token, "code": code_for(admin.totp_secret)})
    admin_session = db.exec(select(UserSession).where(UserSession.user_id == admin.id)).one()
    admin_session.reauthenticated_at = utcnow() - timedelta(minutes=16)
    db.add(admin_session)
    db.flush()
    assert admin_client.get("/admin/users").headers["location"] == "/account/confirm?next=/admin/users"
    page = admin_client.get("/account/confirm?next=/admin/users")
    no_code = admin_client.post("/account/confirm", data={"csrf_token": csrf_from(page.text), "password": PASSWORD,
                                                          "next": "/admin/users"})
    assert error_summary(no_code) == ["Your password or code is not correct"]  # never which of the two
    ok = admin_client.post("/account/confirm", data={"csrf_token": csrf_from(page.text), "password": PASSWORD,
                                                     "code": code_for(admin.totp_secret, steps_ahead=1),
                                                     "next": "/admin/users"})
    assert ok.headers["location"] == "/admin/users"
    assert admin_client.get("/admin/users").status_code == 200


def test_wrong_codes_count_against_the_account_across_sessions_and_lock_it(client, make_client, db, make_user):
    admin = make_user(role="admin", email="admin6@example.org")
    login(client, admin.email)
    token = csrf_from(client.get("/login/two-factor").text)
    for _ in range(4):
        client.post("/login/two-factor", data={"csrf_token": token, "code": "222222"})
    fresh = make_client()
    login(fresh, admin.email)  # a new session does not start the count again
    last = fresh.post("/login/two-factor", data={"csrf_token": csrf_from(fresh.get("/login/two-factor").text),
                                                 "code": "222222"})
    assert last.headers["location"] == "/login?code_attempts=1"
    locked = login(make_client(), admin.email)  # even the right password is refused now
    assert locked.status_code == 422
    assert "too many failed attempts" in " ".join(error_summary(locked)).lower()


def test_confirming_with_wrong_passwords_ends_the_session(client, db, make_user, make_inspection):
    lead = make_user(email="lead2@example.org")
    make_inspection(lead)
    login(client, lead.email)
    page = client.get("/account/confirm?next=/inspections")
    for n in range(5):
        answer = client.post("/account/confirm", data={"csrf_token": csrf_from(page.text), "password": f"guess{n}",
                                                       "next": "/inspections"})
    assert answer.status_code == 303 and answer.headers["location"] == "/login?code_attempts=1"
    assert client.get("/inspections").headers["location"].startswith("/login")
