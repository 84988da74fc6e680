"""The team: exactly one lead, never an inspector from the area inspected, roles that fit the inspector."""

from sqlmodel import select

from app.audit.models import AuditEvent
from app.inspections.models import TeamMember
from tests.integration.conftest import csrf_of, error_summary, sign_in, soup


def members(db, inspection):
    rows = db.exec(select(TeamMember).where(TeamMember.inspection_id == inspection.id))
    return {(m.user_id, m.team_role) for m in rows}


def add(client, inspection, email, role, htmx=False):
    token = csrf_of(client, f"/inspections/{inspection.id}")
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/inspections/{inspection.id}/team", data={"csrf_token": token, "email": email,
                                                                    "team_role": role}, headers=headers)


def test_lead_adds_a_cqc_inspector(client, db, make_user, make_inspection):
    lead, cqc = make_user(), make_user(kind="cqc", name="Cyril Care")
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    response = add(client, inspection, cqc.email, "cqc_inspector")
    assert response.status_code == 303
    assert members(db, inspection) == {(lead.id, "lead"), (cqc.id, "cqc_inspector")}
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "team.member_added",
                                             AuditEvent.detail.is_not(None))).all()[-1]
    assert event.detail == {"user": cqc.email, "team_role": "cqc_inspector"}
    assert event.inspection_id == inspection.id


def test_htmx_add_returns_just_the_team_fragment(client, db, make_user, make_inspection):
    lead, cqc = make_user(), make_user(kind="cqc", name="Cyril Care")
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    response = add(client, inspection, cqc.email, "cqc_inspector", htmx=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["vary"]
    fragment = soup(response)
    assert fragment.select_one("section#team") is not None
    assert fragment.select_one("html") is None and fragment.select_one(".app-timeline") is None
    assert "Cyril Care" in fragment.select_one("#team tbody").get_text()


def test_htmx_error_returns_the_fragment_with_an_error_summary(client, db, make_user, make_inspection):
    lead = make_user()
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    response = add(client, inspection, "nobody@example.org", "shadow", htmx=True)
    assert response.status_code == 422
    assert error_summary(response) == [
        "No user has this email address; an administrator must create their account first"]


def test_second_lead_is_refused(client, db, make_user, make_inspection):
    lead, other_hmi = make_user(), make_user(name="Second HMI")
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    response = add(client, inspection, other_hmi.email, "lead")
    assert response.status_code == 422
    assert error_summary(response)[0].startswith("This inspection already has a lead inspector")
    assert members(db, inspection) == {(lead.id, "lead")}


def test_make_lead_hands_over_and_keeps_exactly_one(client, db, make_user, make_inspection):
    lead, other_hmi = make_user(), make_user(name="Second HMI")
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    add(client, inspection, other_hmi.email, "ofsted_inspector")
    member = db.exec(select(TeamMember).where(TeamMember.user_id == other_hmi.id)).one()
    response = client.post(f"/inspections/{inspection.id}/team/{member.id}/lead",
                           data={"csrf_token": csrf_of(client, f"/inspections/{inspection.id}")})
    assert response.status_code == 303
    assert members(db, inspection) == {(lead.id, "ofsted_inspector"), (other_hmi.id, "lead")}


def test_la_inspector_from_the_inspected_area_is_refused(client, db, make_user, make_inspection):
    lead = make_user()
    peer = make_user(kind="la_peer", home_area="Testshire County Council", name="Local Peer")
    inspection = make_inspection(lead, local_area="Testshire")
    sign_in(client, db, lead)
    response = add(client, inspection, peer.email, "la_inspector")
    assert response.status_code == 422
    assert error_summary(response) == [
        ("Local Peer comes from Testshire County Council, the area being inspected: "
         "inspectors never inspect their own local area")]
    assert members(db, inspection) == {(lead.id, "lead")}


def test_la_inspector_from_another_area_is_accepted(client, db, make_user, make_inspection):
    lead = make_user()
    peer = make_user(kind="la_peer", home_area="Elsewhere Borough")
    inspection = make_inspection(lead, local_area="Testshire")
    sign_in(client, db, lead)
    assert add(client, inspection, peer.email, "la_inspector").status_code == 303
    assert (peer.id, "la_inspector") in members(db, inspection)


def test_roles_must_fit_the_kind_of_inspector(client, db, make_user, make_inspection):
    lead, cqc = make_user(), make_user(kind="cqc", name="Cyril Care")
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    response = add(client, inspection, cqc.email, "la_inspector")
    assert error_summary(response) == [
        "Cyril Care is a CQC Children's Services Inspector and cannot be the local authority inspector"]


def test_la_officers_and_admins_cannot_join_a_team(client, db, make_user, make_inspection):
    lead, officer = make_user(), make_user(role="la_officer", name="An Officer")
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    assert error_summary(add(client, inspection, officer.email, "shadow")) == ["An Officer is not an active inspector"]


def test_missing_fields_are_named(client, db, make_user, make_inspection):
    lead = make_user()
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    assert error_summary(add(client, inspection, "", "")) == [
        "Enter the email address of the inspector to add", "Select a team role"]


def test_the_lead_cannot_be_removed(client, db, make_user, make_inspection):
    lead = make_user()
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    member = db.exec(select(TeamMember).where(TeamMember.user_id == lead.id)).one()
    response = client.post(f"/inspections/{inspection.id}/team/{member.id}/remove",
                           data={"csrf_token": csrf_of(client, f"/inspections/{inspection.id}")})
    assert response.status_code == 422
    assert error_summary(response) == ["Make another inspector lead before removing the lead inspector"]


def test_api_adds_a_member_and_refuses_a_second_lead(client, db, make_user, make_inspection):
    lead, cqc, hmi2 = make_user(), make_user(kind="cqc"), make_user()
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    token = client.get("/api/v1/session").json()["csrf_token"]
    ok = client.post(f"/api/v1/inspections/{inspection.id}/team",
                     json={"email": cqc.email, "team_role": "cqc_inspector"}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 201
    assert ok.json()["team_role"] == "cqc_inspector"
    refused = client.post(f"/api/v1/inspections/{inspection.id}/team", json={"email": hmi2.email, "team_role": "lead"},
                          headers={"X-CSRF-Token": token})
    assert refused.status_code == 422
    assert "already has a lead" in refused.json()["errors"]["team_role"]


def test_the_database_itself_refuses_two_leads(db, make_user, make_inspection):
    import pytest
    from sqlalchemy.exc import IntegrityError

    lead, other = make_user(), make_user()
    inspection = make_inspection(lead)
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(TeamMember(inspection_id=inspection.id, user_id=other.id, team_role="lead"))


def test_removing_a_member_asks_first_and_says_what_it_does(client, db, make_user, make_inspection):
    lead, cqc = make_user(), make_user(kind="cqc", name="Cyril Care")
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    assert add(client, inspection, cqc.email, "cqc_inspector").status_code == 303
    member = db.exec(select(TeamMember).where(TeamMember.user_id == cqc.id)).one()
    # The overview offers a link to a confirmation page, not a form that removes at once.
    overview = soup(client.get(f"/inspections/{inspection.id}"))
    remove = overview.select_one(f'a[href="/inspections/{inspection.id}/team/{member.id}/remove"]')
    assert remove is not None and remove.get_text(" ", strip=True) == "Remove Cyril Care from the team"
    assert not overview.select(f'form[action$="/team/{member.id}/remove"]')
    page = client.get(remove["href"])
    assert page.status_code == 200
    assert soup(page).h1.get_text(strip=True) == "Are you sure you want to remove Cyril Care from the team?"
    assert "no longer be able to open this inspection" in soup(page).select_one("main .govuk-warning-text").get_text()
    assert members(db, inspection) == {(lead.id, "lead"), (cqc.id, "cqc_inspector")}  # looking removes nothing
    form = soup(page).select_one(f'form[action="/inspections/{inspection.id}/team/{member.id}/remove"]')
    assert form.select_one("button").get_text(strip=True) == "Yes, remove Cyril Care"
    assert soup(page).find("a", string="No, keep them on the team")["href"] == f"/inspections/{inspection.id}#team"
    done = client.post(form["action"], data={"csrf_token": form.select_one("[name=csrf_token]")["value"]})
    assert done.status_code == 303 and done.headers["location"] == f"/inspections/{inspection.id}#team"
    assert members(db, inspection) == {(lead.id, "lead")}


def test_only_the_lead_sees_the_confirmation_page(client, db, make_user, make_inspection):
    lead, cqc = make_user(), make_user(kind="cqc")
    inspection = make_inspection(lead)
    sign_in(client, db, lead)
    assert add(client, inspection, cqc.email, "cqc_inspector").status_code == 303
    member = db.exec(select(TeamMember).where(TeamMember.user_id == cqc.id)).one()
    assert client.get(f"/inspections/{inspection.id}/team/999999/remove").status_code == 404
    sign_in(client, db, cqc)
    assert client.get(f"/inspections/{inspection.id}/team/{member.id}/remove").status_code == 403


def test_a_2023_team_is_composed_as_the_handbook_has_it(client, db, make_user, make_inspection):
    from app.inspections import service as inspections
    lead, cqc, oi = make_user(), make_user(kind="cqc", name="Cyril Care"), make_user(kind="ofsted_inspector",
                                                                                   name="Olive Social")
    inspection = make_inspection(lead, framework="send-2023")
    sign_in(client, db, lead)
    page = soup(client.get(f"/inspections/{inspection.id}"))
    offered = [label.get_text(strip=True) for label in page.select("#team .govuk-radios__label")]
    assert offered == ["Lead inspector (HMI)", "CQC inspector (health)", "Ofsted inspector: education",
                       "Ofsted inspector: social care", "Shadow"]
    # A CQC inspector cannot hold an Ofsted specialism, and the 2016 roles are not this team's.
    assert error_summary(add(client, inspection, cqc.email, "ofsted_education")) == [
        "Cyril Care is a CQC Children's Services Inspector and cannot be the ofsted inspector: education"]
    assert error_summary(add(client, inspection, oi.email, "ofsted_inspector")) == ["Select a team role"]
    assert add(client, inspection, cqc.email, "cqc_inspector").status_code == 303
    assert add(client, inspection, oi.email, "ofsted_social_care").status_code == 303
    shown = [row.get_text(" ", strip=True) for row in soup(client.get(f"/inspections/{inspection.id}"))
             .select("#team tbody tr")]
    assert [s.split(" Remove")[0] for s in shown[1:]] == [
        "Cyril Care CQC inspector (health) CQC Children's Services Inspector",
        "Olive Social Ofsted inspector: social care Ofsted Inspector"]
    # The report's team sentence reads the roles in the profile's words.
    assert inspections.team_in_words(session=db, inspection=inspection) == [
        "a Children's Services Inspector from the CQC", "an Ofsted Inspector from social care"]
