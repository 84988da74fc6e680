"""Administrators create, edit, deactivate and reset users; bad input is explained and saves nothing."""

import pytest
from sqlmodel import func, select

from app.audit.models import AuditEvent
from app.users.models import User, UserSession
from tests.integration.conftest import PASSWORD, csrf_of, error_summary, login, sign_in, soup


def user_form(token, **overrides):
    data = {"csrf_token": token, "name": "Nell Newcomer", "email": "nell@example.org", "role": "inspector",
            "inspector_kind": "cqc", "home_area": "", "password": "a-long-enough-password"}
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(client, db, make_user):
    sign_in(client, db, make_user(role="admin", name="The Admin"))
    return client


def test_admin_creates_a_user_who_can_then_sign_in(admin_client, db, make_client):
    response = admin_client.post("/admin/users/new", data=user_form(csrf_of(admin_client, "/admin/users/new")))
    assert response.status_code == 303
    user = db.exec(select(User).where(User.email == "nell@example.org")).one()
    assert (user.role, user.inspector_kind, user.active) == ("inspector", "cqc", True)
    assert user.password_hash.startswith("$argon2id$")
    listing = soup(admin_client.get("/admin/users"))
    assert "Nell Newcomer" in listing.select_one("table").get_text()
    assert login(make_client(), "nell@example.org", "a-long-enough-password").status_code == 303
    created = db.exec(select(AuditEvent).where(AuditEvent.action == "user.created")).all()[-1]
    assert created.detail["email"] == "nell@example.org"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"name": "", "email": "", "role": "", "password": ""},
         ["Enter an email address", "Enter the user's full name", "Select the user's role", "Enter a password"]),
        ({"email": "not-an-email"}, ["Enter an email address in the correct format, like name@example.org"]),
        ({"inspector_kind": ""}, ["Select what kind of inspector this is"]),
        ({"inspector_kind": "la_peer"}, ["Enter the local authority a local authority inspector comes from"]),
        ({"password": "short"}, ["Password must be 12 characters or more"]),
        ({"role": "superuser"}, ["Select the user's role"]),
    ],
)
def test_bad_user_input_is_explained_and_nothing_saved(admin_client, db, overrides, expected):
    before = db.exec(select(func.count()).select_from(User)).one()
    response = admin_client.post("/admin/users/new",
                                 data=user_form(csrf_of(admin_client, "/admin/users/new"), **overrides))
    assert response.status_code == 422
    assert error_summary(response) == expected
    assert db.exec(select(func.count()).select_from(User)).one() == before


def test_duplicate_email_is_refused_whatever_its_case(admin_client, db, make_user):
    make_user(email="taken@example.org")
    response = admin_client.post("/admin/users/new", data=user_form(csrf_of(admin_client, "/admin/users/new"),
                                                                    email="Taken@Example.org"))
    assert error_summary(response) == ["A user with this email address already exists"]
    assert db.exec(select(func.count()).select_from(User).where(User.email == "taken@example.org")).one() == 1


def test_admin_edits_a_user(admin_client, db, make_user):
    user = make_user(kind="ofsted_inspector", name="Old Name")
    token = csrf_of(admin_client, f"/admin/users/{user.id}")
    response = admin_client.post(f"/admin/users/{user.id}", data=user_form(token, name="New Name", email=user.email,
                                                                           inspector_kind="hmi"))
    assert response.status_code == 303
    db.refresh(user)
    assert (user.name, user.inspector_kind) == ("New Name", "hmi")


def test_deactivated_user_is_signed_out_and_cannot_sign_in(admin_client, db, make_user, make_client):
    user = make_user(email="leaver@example.org")
    their_client = sign_in(make_client(), db, user)
    assert their_client.get("/inspections").status_code == 200
    response = admin_client.post(f"/admin/users/{user.id}/active",
                                 data={"csrf_token": csrf_of(admin_client, "/admin/users"), "active": "false"})
    assert response.status_code == 303
    db.refresh(user)
    assert user.active is False
    assert their_client.get("/inspections").status_code == 303
    assert login(make_client(), "leaver@example.org").status_code == 422
    tag = next(row for row in soup(admin_client.get("/admin/users")).select("tbody tr") if "leaver@" in row.get_text())
    assert "Deactivated" in tag.get_text()


def test_admin_cannot_deactivate_themselves(admin_client, db):
    me = db.exec(select(User).where(User.name == "The Admin")).one()
    response = admin_client.post(f"/admin/users/{me.id}/active",
                                 data={"csrf_token": csrf_of(admin_client, "/admin/users"), "active": "false"})
    assert error_summary(response) == ["You cannot deactivate your own account"]
    db.refresh(me)
    assert me.active


def test_reset_password_shows_it_once_and_ends_sessions(admin_client, db, make_user, make_client):
    user = make_user(email="forgetful@example.org")
    sign_in(make_client(), db, user)
    response = admin_client.post(f"/admin/users/{user.id}/reset-password",
                                 data={"csrf_token": csrf_of(admin_client, f"/admin/users/{user.id}")})
    assert response.status_code == 200
    temporary = soup(response).select_one(".app-secret").get_text()
    assert db.exec(select(UserSession).where(UserSession.user_id == user.id)).all() == []
    assert login(make_client(), "forgetful@example.org", PASSWORD).status_code == 422
    signed_in = login(make_client(), "forgetful@example.org", temporary)
    assert signed_in.headers["location"] == "/account/password"
