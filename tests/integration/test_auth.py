"""Sign-in, sessions, expiry, throttling, CSRF, logout and password changes, against the real database."""

from datetime import timedelta

from sqlmodel import select

from app.audit.models import AuditEvent
from app.users.deps import SESSION_COOKIE
from app.users.models import LoginThrottle, UserSession
from app.web import csrf
from tests.integration.conftest import PASSWORD, csrf_of, error_summary, login, sign_in, soup


def events(db, action):
    return db.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_sign_in_sets_a_safe_session_cookie_and_shows_my_inspections(client, db, make_user):
    user = make_user(email="ada@example.org")
    response = login(client, "ADA@example.org ")
    assert response.status_code == 303
    assert response.headers["location"] == "/inspections"
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain HTTP here; Secure is set when served over HTTPS
    page = client.get("/inspections")
    assert page.status_code == 200
    assert user.name in soup(page).select_one("footer").get_text()
    assert events(db, "login.succeeded")[0].actor_id == user.id


def test_cookie_is_secure_over_https(app, db, make_user):
    from fastapi.testclient import TestClient

    make_user(email="sec@example.org")
    https = TestClient(app, base_url="https://testserver", follow_redirects=False)
    response = login(https, "sec@example.org")
    assert "Secure" in response.headers["set-cookie"]
    assert https.get("/login").headers["strict-transport-security"].startswith("max-age=")


def test_wrong_password_gives_an_error_summary_and_no_session(client, db, make_user):
    make_user(email="ada@example.org")
    response = login(client, "ada@example.org", "not-the-password")
    assert response.status_code == 422
    assert error_summary(response) == ["Enter a correct email address and password"]
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert db.exec(select(UserSession)).all() == []
    assert len(events(db, "login.failed")) == 1


def test_empty_sign_in_form_names_both_fields(client):
    page = client.get("/login")
    response = client.post("/login", data={"email": "", "password": "", "csrf_token": csrf_of(client, "/login")})
    assert response.status_code == 422
    assert error_summary(response) == ["Enter your email address", "Enter your password"]
    assert soup(response).select_one(".govuk-error-summary a")["href"] == "#email"
    assert page.status_code == 200


def test_deactivated_user_cannot_sign_in(client, db, make_user):
    user = make_user(email="gone@example.org")
    user.active = False
    db.add(user)
    db.flush()
    response = login(client, "gone@example.org")
    assert response.status_code == 422
    assert error_summary(response) == ["Enter a correct email address and password"]


def test_five_failures_lock_the_account_for_fifteen_minutes(client, db, make_user):
    make_user(email="ada@example.org")
    for _ in range(4):
        assert error_summary(login(client, "ada@example.org", "wrong-password")) == [
            "Enter a correct email address and password"]
    fifth = login(client, "ada@example.org", "wrong-password")
    assert "too many failed attempts" in error_summary(fifth)[0]
    # Now even the right password is refused, with a clear message, and the refusal is audited.
    refused = login(client, "ada@example.org", PASSWORD)
    assert refused.status_code == 422
    assert error_summary(refused) == [
        "There have been too many failed attempts to sign in to this account. Try again in 15 minutes."]
    assert len(events(db, "login.refused_throttled")) == 1
    # Fifteen minutes later the lock has lapsed.
    throttle = db.get(LoginThrottle, "ada@example.org")
    throttle.locked_until -= timedelta(minutes=15, seconds=1)
    db.add(throttle)
    db.flush()
    assert login(client, "ada@example.org", PASSWORD).status_code == 303
    assert db.get(LoginThrottle, "ada@example.org") is None


def test_unknown_emails_are_throttled_too(client, db):
    for _ in range(5):
        login(client, "nobody@example.org", "whatever-password")
    assert "too many failed attempts" in error_summary(login(client, "nobody@example.org", "x"))[0]


def test_idle_session_expires(client, db, make_user):
    user = make_user()
    sign_in(client, db, user)
    assert client.get("/inspections").status_code == 200
    user_session = db.exec(select(UserSession).where(UserSession.user_id == user.id)).one()
    user_session.last_seen_at -= timedelta(minutes=121)
    db.add(user_session)
    db.flush()
    response = client.get("/inspections")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/inspections"
    assert client.get("/api/v1/session").status_code == 401


def test_session_expires_after_the_absolute_limit_even_when_active(client, db, make_user):
    user = make_user()
    sign_in(client, db, user)
    user_session = db.exec(select(UserSession).where(UserSession.user_id == user.id)).one()
    user_session.created_at -= timedelta(hours=12, minutes=1)
    db.add(user_session)
    db.flush()
    assert client.get("/inspections").status_code == 303


def test_api_session_returns_who_i_am(client, db, make_user):
    assert client.get("/api/v1/session").status_code == 401
    user = make_user(name="Ada Example")
    sign_in(client, db, user)
    body = client.get("/api/v1/session").json()
    stored = db.exec(select(UserSession).where(UserSession.user_id == user.id)).one()
    token = body.pop("csrf_token")
    assert body == {"email": user.email, "name": "Ada Example", "role": "inspector"}
    assert token != stored.csrf_token and csrf.unmask(token) == stored.csrf_token.encode()  # masked, per response


def test_post_without_csrf_token_is_refused_and_saves_nothing(client, db, make_user):
    admin = make_user(role="admin")
    sign_in(client, db, admin)
    data = {"name": "New Person", "email": "new@example.org", "role": "admin", "password": "long-enough-password"}
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 403
    assert "Your form could not be sent" in soup(response).h1.get_text()
    response = client.post("/admin/users/new", data={**data, "csrf_token": "forged"})
    assert response.status_code == 403
    from app.users.service import get_user_by_email
    assert get_user_by_email(session=db, email="new@example.org") is None


def test_json_post_needs_the_csrf_header(client, db, make_user):
    lead = make_user()
    sign_in(client, db, lead)
    body = {"local_area": "Testshire (fictional)", "la_code": "999", "framework": "send-2016",
            "start_date": "2027-03-08"}
    assert client.post("/api/v1/inspections", json=body).status_code == 403
    token = client.get("/api/v1/session").json()["csrf_token"]
    assert client.post("/api/v1/inspections", json=body, headers={"X-CSRF-Token": token}).status_code == 201


def test_sign_in_form_needs_its_csrf_token(client, make_user):
    make_user(email="ada@example.org")
    response = client.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 403


def test_sign_out_ends_the_session(client, db, make_user):
    user = make_user()
    sign_in(client, db, user)
    response = client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert response.status_code == 303
    assert db.exec(select(UserSession).where(UserSession.user_id == user.id)).all() == []
    assert client.get("/inspections").status_code == 303
    assert len(events(db, "logout")) == 1


def test_next_only_goes_to_this_site(client, make_user):
    make_user(email="ada@example.org")
    assert login(client, "ada@example.org", next="//evil.example/x").headers["location"] == "/inspections"


def test_temporary_password_must_be_changed_before_anything_else(client, db, make_user):
    from app.users import service
    from tests.integration.conftest import SYSTEM

    user = make_user(email="ada@example.org")
    temporary = service.reset_password(session=db, actor=SYSTEM, user=user)
    response = login(client, "ada@example.org", temporary)
    assert response.headers["location"] == "/account/password"
    assert client.get("/inspections").headers["location"] == "/account/password"
    token = csrf_of(client, "/account/password")
    bad = client.post("/account/password", data={"csrf_token": token, "current_password": temporary,
                                                  "new_password": "short", "confirm_password": "short"})
    assert error_summary(bad) == ["Password must be 12 characters or more"]
    good = client.post("/account/password", data={"csrf_token": token, "current_password": temporary,
                                                   "new_password": "my-own-long-password",
                                                   "confirm_password": "my-own-long-password"})
    assert good.status_code == 303
    assert client.get("/inspections").status_code == 200
    assert len(events(db, "user.password_changed")) == 1


def change_password(client, current: str, new: str = "my-own-long-password"):
    return client.post("/account/password", data={"csrf_token": csrf_of(client, "/account/password"),
                                                  "current_password": current, "new_password": new,
                                                  "confirm_password": new})


def test_changing_the_password_signs_out_every_other_session_and_this_one_stays(client, make_client, db, make_user):
    user = make_user(email="ada@example.org")
    login(client, user.email)
    tablet = make_client()
    login(tablet, user.email)
    assert tablet.get("/inspections").status_code == 200
    assert change_password(client, PASSWORD).status_code == 303
    assert client.get("/inspections").status_code == 200
    assert tablet.get("/inspections").headers["location"] == "/login?next=/inspections"
    assert tablet.get("/api/v1/session").status_code == 401
    assert len(db.exec(select(UserSession).where(UserSession.user_id == user.id)).all()) == 1


def test_an_administrators_reset_signs_the_user_out_everywhere_and_the_administrator_stays(client, make_client, db,
                                                                                          make_user):
    admin = make_user(role="admin")
    user = make_user(email="forgetful@example.org")
    sign_in(client, db, admin)
    laptop, tablet = sign_in(make_client(), db, user), sign_in(make_client(), db, user)
    assert laptop.get("/inspections").status_code == 200 and tablet.get("/inspections").status_code == 200
    reset = client.post(f"/admin/users/{user.id}/reset-password",
                        data={"csrf_token": csrf_of(client, f"/admin/users/{user.id}")})
    assert reset.status_code == 200
    for signed_out in (laptop, tablet):
        assert signed_out.get("/inspections").headers["location"] == "/login?next=/inspections"
    assert client.get("/admin/users").status_code == 200

    # Resetting their own password, the administrator keeps this session (to choose a new password) and no other.
    other_admin_tab = sign_in(make_client(), db, admin)
    client.post(f"/admin/users/{admin.id}/reset-password",
                data={"csrf_token": csrf_of(client, f"/admin/users/{admin.id}")})
    assert client.get("/inspections").headers["location"] == "/account/password"
    assert other_admin_tab.get("/inspections").headers["location"] == "/login?next=/inspections"


def test_wrong_current_passwords_count_towards_the_sign_in_lock_and_end_the_session(client, make_client, db,
                                                                                   make_user):
    user = make_user(email="ada@example.org")
    login(client, user.email)
    for _ in range(3):  # someone elsewhere guesses at the sign-in page
        login(make_client(), user.email, "guessed-password")
    empty = change_password(client, "")
    assert error_summary(empty) == ["Enter your current password"]  # not a guess: not counted
    wrong = change_password(client, "another-guess")
    assert wrong.status_code == 422 and error_summary(wrong) == ["Your current password is not correct"]
    assert db.get(LoginThrottle, user.email).failures == 4
    last = change_password(client, "a-third-guess")
    assert last.status_code == 303 and last.headers["location"] == "/login?password_attempts=1"
    assert db.exec(select(UserSession).where(UserSession.user_id == user.id)).all() == []
    signed_out = client.get(last.headers["location"])
    assert "too many wrong passwords for this account" in soup(signed_out).select_one(
        ".govuk-notification-banner").get_text()
    refused = login(client, user.email, PASSWORD)
    assert error_summary(refused) == [
        "There have been too many failed attempts to sign in to this account. Try again in 15 minutes."]
    assert len(events(db, "user.password_change_failed")) == 2
