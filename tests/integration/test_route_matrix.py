"""Every route, every role: the status each must get. A new route fails this test until it is added here.

Roles: anonymous; an administrator; the inspection's lead; a team member (CQC); an inspector who is not
on the team (HMI); a local area officer. Unsafe requests carry a valid CSRF token, so the status shows the
authorisation decision (empty bodies then get 422 where the user is allowed to try)."""

import pytest
from fastapi.routing import APIRoute
from sqlmodel import select

from app.audit.service import Actor
from app.inspections.models import TeamMember
from app.main import create_app
from app.portal import claims, invitations
from app.safeguarding import service as concerns
from app.survey import service as survey
from app.survey.models import SurveyResponse
from tests.conftest import csrf_from
from tests.integration.conftest import sign_in

ROLES = ["anonymous", "admin", "lead", "member", "outsider", "officer"]

#                                                  anon admin lead member outsider officer
EXPECTED: dict[tuple[str, str], tuple[int, ...]] = {
    ("GET", "/"):                                     (303, 303, 303, 303, 303, 303),
    ("GET", "/healthz"):                              (200, 200, 200, 200, 200, 200),
    ("GET", "/readyz"):                               (200, 200, 200, 200, 200, 200),
    ("GET", "/sw.js"):                                (200, 200, 200, 200, 200, 200),
    ("GET", "/manifest.webmanifest"):                 (200, 200, 200, 200, 200, 200),
    ("GET", "/offline"):                              (200, 200, 200, 200, 200, 200),
    ("GET", "/login"):                                (200, 303, 303, 303, 303, 303),
    ("POST", "/login"):                               (422, 422, 422, 422, 422, 422),
    ("GET", "/account/password"):                     (303, 200, 200, 200, 200, 200),
    ("POST", "/account/password"):                    (303, 422, 422, 422, 422, 422),
    ("GET", "/api/v1/session"):                       (401, 200, 200, 200, 200, 200),
    ("GET", "/inspections"):                          (303, 200, 200, 200, 200, 303),
    ("GET", "/inspections/new"):                      (303, 200, 200, 404, 200, 404),
    ("POST", "/inspections/new"):                     (303, 422, 422, 404, 422, 404),
    ("GET", "/inspections/{inspection_id}"):          (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/edit"):     (303, 200, 200, 403, 404, 404),
    ("POST", "/inspections/{inspection_id}/edit"):    (303, 422, 422, 403, 404, 404),
    ("POST", "/inspections/{inspection_id}/team"):    (303, 422, 422, 403, 404, 404),
    ("POST", "/inspections/{inspection_id}/team/{member_id}/lead"): (303, 422, 422, 403, 404, 404),
    ("GET", "/inspections/{inspection_id}/team/{member_id}/remove"): (303, 200, 200, 403, 404, 404),
    ("POST", "/api/v1/inspections"):                  (401, 422, 422, 403, 422, 403),
    ("GET", "/api/v1/inspections/{inspection_id}"):   (401, 200, 200, 200, 404, 404),
    ("POST", "/api/v1/inspections/{inspection_id}/team"): (401, 422, 422, 403, 404, 404),
    ("GET", "/api/v1/inspections/{inspection_id}/decision"): (401, 200, 200, 200, 404, 404),
    ("PUT", "/api/v1/inspections/{inspection_id}/decision"): (401, 422, 422, 403, 404, 404),
    # Fieldwork: every team member reads and writes; nobody else learns it exists.
    ("GET", "/inspections/{inspection_id}/settings"):                    (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/settings"):                   (303, 422, 422, 422, 404, 404),
    ("GET", "/inspections/{inspection_id}/settings/{setting_id}/edit"):  (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/settings/{setting_id}/edit"): (303, 422, 422, 422, 404, 404),
    ("GET", "/inspections/{inspection_id}/plan"):                        (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/activities/new"):              (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/activities/new"):             (303, 422, 422, 422, 404, 404),
    ("GET", "/inspections/{inspection_id}/activities/{activity_id}"):    (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/activities/{activity_id}/edit"): (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/activities/{activity_id}/edit"): (303, 422, 422, 422, 404, 404),
    ("POST", "/inspections/{inspection_id}/activities/{activity_id}/notes"): (303, 303, 303, 303, 404, 404),
    ("GET", "/inspections/{inspection_id}/files"):                       (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/files/summary"):               (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/files/new"):                   (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/files/new"):                  (303, 422, 422, 422, 404, 404),
    ("GET", "/inspections/{inspection_id}/files/{review_id}"):           (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/files/{review_id}/edit"):      (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/files/{review_id}/edit"):     (303, 422, 422, 422, 404, 404),
    ("GET", "/inspections/{inspection_id}/evidence/new"):                (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/evidence/new"):               (303, 422, 422, 422, 404, 404),
    ("GET", "/inspections/{inspection_id}/evidence/{item_id}/edit"):     (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/evidence/{item_id}/edit"):    (303, 422, 422, 422, 404, 404),
    ("GET", "/inspections/{inspection_id}/board"):                       (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/summary"):                     (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/offline-pages"):               (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/form-contract.json"):          (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/conflicts"):                   (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/conflicts/{conflict_id}"):    (303, 422, 422, 422, 404, 404),
    # Sync: who may touch which inspection is decided per op, inside the batch (see test_sync_api).
    ("POST", "/api/v1/sync"):                                            (401, 422, 422, 422, 422, 422),
    ("GET", "/api/v1/inspections/{inspection_id}/changes"):              (401, 200, 200, 200, 404, 404),
    # Case tracking: the world's inspection is a 2016 one, which has none (every page 404); who sees a 2023
    # inspection's is in test_case_tracking.
    ("GET", "/inspections/{inspection_id}/cases"):                       (303, 404, 404, 404, 404, 404),
    ("POST", "/inspections/{inspection_id}/cases/selections"):           (303, 404, 404, 404, 404, 404),
    ("GET", "/inspections/{inspection_id}/cases/{case_id}"):             (303, 404, 404, 404, 404, 404),
    ("POST", "/inspections/{inspection_id}/cases/{case_id}/consent"):    (303, 404, 404, 404, 404, 404),
    ("POST", "/inspections/{inspection_id}/cases/{case_id}/documents"):  (303, 404, 404, 404, 404, 404),
    ("POST", "/inspections/{inspection_id}/cases/{case_id}/documents/received"):
                                                                         (303, 404, 404, 404, 404, 404),
    ("POST", "/inspections/{inspection_id}/cases/{case_id}/conversation"): (303, 404, 404, 404, 404, 404),
    ("POST", "/inspections/{inspection_id}/cases/{case_id}/meeting"):    (303, 404, 404, 404, 404, 404),
    ("GET", "/portal/{inspection_id}/person-level"):                     (303, 404, 404, 404, 404, 404),
    ("GET", "/portal/{inspection_id}/person-level/template.csv"):        (303, 404, 404, 404, 404, 404),
    ("POST", "/portal/{inspection_id}/person-level"):                    (303, 404, 404, 404, 404, 404),
    ("GET", "/admin/users"):                          (303, 200, 404, 404, 404, 404),
    ("GET", "/admin/users/new"):                      (303, 200, 404, 404, 404, 404),
    ("POST", "/admin/users/new"):                     (303, 422, 404, 404, 404, 404),
    ("GET", "/admin/users/{user_id}"):                (303, 200, 404, 404, 404, 404),
    ("POST", "/admin/users/{user_id}"):               (303, 422, 404, 404, 404, 404),
    ("GET", "/admin/audit"):                          (303, 200, 404, 404, 404, 404),
    # Writes that change what later rows would see come last.
    ("POST", "/admin/users/{user_id}/reset-password"): (303, 200, 404, 404, 404, 404),
    ("POST", "/admin/users/{user_id}/active"):        (303, 303, 404, 404, 404, 404),
    ("POST", "/inspections/{inspection_id}/team/{member_id}/remove"): (303, 303, 303, 403, 404, 404),
    ("POST", "/inspections/{inspection_id}/evidence/{item_id}/delete"):  (303, 303, 303, 303, 404, 404),
    # The public questionnaires: open to anyone with the link (closed now: the inspection is next March).
    ("GET", "/s/{token}"):                            (200, 200, 200, 200, 200, 200),
    ("POST", "/s/{token}"):                           (422, 422, 422, 422, 422, 422),  # outside the window: refused
    ("GET", "/s/{token}/thanks"):                     (200, 200, 200, 200, 200, 200),
    ("GET", "/inspections/{inspection_id}/survey"):   (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/survey/print"): (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/survey/qr/{audience}.svg"): (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/survey/responses.csv"): (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/survey/evidence"): (303, 422, 422, 422, 404, 404),
    ("POST", "/inspections/{inspection_id}/survey/comments/{response_id}/pseudonymise"): (303, 303, 303, 303, 404, 404),
    ("GET", "/inspections/{inspection_id}/letter"):   (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/letter/decision"): (303, 422, 422, 403, 404, 404),
    ("POST", "/inspections/{inspection_id}/letter/start"): (303, 303, 303, 303, 404, 404),
    ("POST", "/inspections/{inspection_id}/letter/sections/{key}"): (303, 303, 303, 303, 404, 404),
    ("GET", "/inspections/{inspection_id}/letter/versions"): (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/letter/versions/{number}/restore"): (303, 303, 303, 303, 404, 404),
    ("POST", "/inspections/{inspection_id}/letter/redraft"): (303, 303, 303, 303, 404, 404),
    ("POST", "/inspections/{inspection_id}/letter/workflow/{action}"): (303, 422, 422, 403, 404, 404),
    ("POST", "/inspections/{inspection_id}/letter/comments"): (303, 422, 422, 422, 404, 404),
    ("GET", "/inspections/{inspection_id}/letter.docx"): (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/letter.pdf"): (303, 200, 200, 200, 404, 404),
    # The letter as published (none here yet) and its corrections: the lead's, after publication.
    ("GET", "/inspections/{inspection_id}/letter/publications/{number}/{kind}"): (303, 404, 404, 404, 404, 404),
    ("POST", "/inspections/{inspection_id}/letter/corrections"): (303, 422, 422, 403, 404, 404),
    # The factual accuracy check: the team answers the area's comments (none here); the officer comments.
    ("GET", "/inspections/{inspection_id}/letter/accuracy"): (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/letter/accuracy/{comment_id}"): (303, 404, 404, 404, 404, 404),
    ("GET", "/portal/{inspection_id}/accuracy"):                         (303, 404, 404, 404, 404, 200),
    ("POST", "/portal/{inspection_id}/accuracy"):                        (303, 404, 404, 404, 404, 400),
    # The local area: the team reads what the area sent and tests its claims; the officer (bound to this
    # inspection) sees only the portal, and every inspector page above answers them 404.
    ("GET", "/inspections/{inspection_id}/area"):                        (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/area/invitations"):           (303, 422, 422, 403, 404, 404),
    ("GET", "/inspections/{inspection_id}/area/documents/{document_id}/versions/{number}"):
                                                                         (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/area/data"):                   (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/claims"):                      (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/claims/new"):                  (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/claims/new"):                 (303, 422, 422, 422, 404, 404),
    ("GET", "/inspections/{inspection_id}/claims/{claim_id}"):           (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/claims/{claim_id}"):          (303, 422, 422, 422, 404, 404),
    ("GET", "/portal"):                                                  (303, 404, 404, 404, 404, 303),
    ("GET", "/portal/{inspection_id}"):                                  (303, 404, 404, 404, 404, 200),
    ("POST", "/portal/{inspection_id}/documents"):                       (303, 404, 404, 404, 404, 400),
    ("POST", "/portal/{inspection_id}/documents/{document_id}"):         (303, 404, 404, 404, 404, 400),
    ("GET", "/portal/{inspection_id}/documents/{document_id}/versions/{number}"): (303, 404, 404, 404, 404, 200),
    ("GET", "/portal/{inspection_id}/area-data"):                        (303, 404, 404, 404, 404, 200),
    ("GET", "/portal/{inspection_id}/area-data/template.csv"):           (303, 404, 404, 404, 404, 200),
    ("GET", "/portal/{inspection_id}/area-data/template.xlsx"):          (303, 404, 404, 404, 404, 200),
    ("POST", "/portal/{inspection_id}/area-data"):                       (303, 404, 404, 404, 404, 400),
    ("GET", "/portal/{inspection_id}/claims"):                           (303, 404, 404, 404, 404, 200),
    ("POST", "/portal/{inspection_id}/claims"):                          (303, 404, 404, 404, 404, 422),
    ("POST", "/portal/{inspection_id}/claims/{claim_id}/withdraw"):      (303, 404, 404, 404, 404, 303),
    # After publication: the team reads what the area owes, the lead records the inspectorates' decisions (none
    # here: this letter is not published, so there is no obligation to decide on); the officer sends each one.
    ("GET", "/inspections/{inspection_id}/obligations"):                 (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/obligations/{code}/decision"): (303, 404, 404, 403, 404, 404),
    ("GET", "/api/v1/inspections/{inspection_id}/obligations"):          (401, 200, 200, 200, 404, 200),
    # The visit that follows: none for this unpublished, full inspection (test_visits has one).
    ("POST", "/inspections/{inspection_id}/follow-up"):                  (303, 422, 422, 403, 404, 404),
    ("GET", "/inspections/{inspection_id}/progress"):                    (303, 404, 404, 404, 404, 404),
    ("POST", "/inspections/{inspection_id}/progress/{carried_id}"):         (303, 404, 404, 404, 404, 404),
    ("GET", "/portal/{inspection_id}/obligations"):                      (303, 404, 404, 404, 404, 200),
    ("POST", "/portal/{inspection_id}/obligations/{code}"):              (303, 404, 404, 404, 404, 400),
    # The national view: administrators (and planners, in test_areas) only.
    ("GET", "/areas"):                                                   (303, 200, 404, 404, 404, 404),
    ("GET", "/areas.csv"):                                               (303, 200, 404, 404, 404, 404),
    ("GET", "/areas/{area_id}"):                                         (303, 200, 404, 404, 404, 404),
    ("POST", "/areas/{area_id}"):                                        (303, 422, 404, 404, 404, 404),
    ("POST", "/areas/{area_id}/meetings"):                               (303, 422, 404, 404, 404, 404),
    ("GET", "/api/v1/areas"):                                            (401, 200, 404, 404, 404, 404),
    ("GET", "/invitations/{invitation_token}"):                          (200, 200, 200, 200, 200, 200),
    ("POST", "/invitations/{invitation_token}"):                         (422, 422, 422, 422, 422, 422),
    ("POST", "/inspections/{inspection_id}/area/invitations/{invitation_id}/withdraw"): (303, 303, 303, 403, 404, 404),
    # Safeguarding concerns: the one below is the team member's; its author, the lead and admins see it.
    ("GET", "/inspections/{inspection_id}/concerns"):                    (303, 200, 200, 200, 404, 404),
    ("GET", "/inspections/{inspection_id}/concerns/new"):                (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/concerns/new"):               (303, 422, 422, 422, 404, 404),
    ("GET", "/inspections/{inspection_id}/concerns/{concern_id}"):       (303, 200, 200, 200, 404, 404),
    ("POST", "/inspections/{inspection_id}/concerns/{concern_id}/referral"): (303, 422, 422, 422, 404, 404),
    ("POST", "/inspections/{inspection_id}/concerns/{concern_id}/actioned"): (303, 422, 422, 403, 404, 404),
    # Two-factor sign-in and confirming one's password again (exports, user administration).
    ("GET", "/login/two-factor"):                     (303, 303, 303, 303, 303, 303),
    ("POST", "/login/two-factor"):                    (303, 303, 303, 303, 303, 303),
    ("GET", "/account/two-factor"):                   (303, 200, 200, 200, 200, 200),
    ("POST", "/account/two-factor"):                  (303, 422, 422, 422, 422, 422),
    ("GET", "/account/confirm"):                      (303, 200, 200, 200, 200, 200),
    ("POST", "/account/confirm"):                     (303, 422, 422, 422, 422, 422),
    ("POST", "/logout"):                              (303, 303, 303, 303, 303, 303),
}
PUBLIC_DOCS = ["/api/openapi.json", "/api/docs"]


def _walk(routes):
    for route in routes:
        if hasattr(route, "original_router"):  # FastAPI's wrapper for an included router (prefix "" here)
            yield from _walk(route.original_router.routes)
        else:
            yield route


def app_routes() -> set[tuple[str, str]]:
    found = set()
    for route in _walk(create_app().routes):
        if isinstance(route, APIRoute):
            found |= {(method, route.path) for method in route.methods if method != "HEAD"}
    return found


def test_every_route_is_in_the_matrix():
    missing = app_routes() - set(EXPECTED)
    assert not missing, f"add these routes to EXPECTED: {sorted(missing)}"
    assert not set(EXPECTED) - app_routes(), "EXPECTED lists routes the app no longer has"


@pytest.fixture
def world(client, db, make_user, make_inspection, make_fieldwork, make_officer, make_document):
    """An inspection with one of everything, the people of each role, and the ids that fill every route's path."""
    lead = make_user(name="Lead HMI")
    member_user = make_user(kind="cqc", name="CQC Member")
    people = {
        "admin": make_user(role="admin"),
        "lead": lead,
        "member": member_user,
        "outsider": make_user(name="Outsider HMI"),
    }
    inspection = make_inspection(lead)
    people["officer"] = make_officer(inspection)
    document = make_document(inspection, people["officer"])
    officer_actor = Actor(people["officer"].id, people["officer"].email)
    claim = claims.record_claim(session=db, actor=officer_actor, inspection=inspection, user=people["officer"],
                                form=claims.ClaimForm(aspect="timeliness", text="Assessments are timely."))
    concern = concerns.record_concern(session=db, actor=Actor(member_user.id, member_user.email),
                                      inspection=inspection, form=concerns.ConcernForm(
                                          category="low_level", what_happened="A fictional concern."))
    response = SurveyResponse(inspection_id=inspection.id, audience="parent_carer", respondent_type="parent",
                              answers={}, support=[], comment="Fictional comment.", submitted_on=inspection.start_date,
                              submitted_hour=10, submission_id="00000000-0000-4000-8000-000000000001")
    db.add(response)
    db.flush()
    pending, invitation_token = invitations.invite(session=db, actor=officer_actor, inspection=inspection,
                                                   email="deputy@area.example.org")
    make_inspection(people["outsider"], local_area="Elsewhere (fictional)")  # the outsider leads another inspection
    db.add(TeamMember(inspection_id=inspection.id, user_id=member_user.id, team_role="cqc_inspector"))
    db.flush()
    member = db.exec(select(TeamMember).where(TeamMember.user_id == member_user.id)).one()
    fieldwork = make_fieldwork(inspection, lead)
    links = survey.links_for(session=db, inspection=inspection)
    ids = {"inspection_id": inspection.id, "member_id": member.id, "user_id": people["outsider"].id, **fieldwork,
           "token": links["parent_carer"].token, "audience": "parent_carer", "key": "opening", "number": 1,
           "kind": "docx", "comment_id": 999_999,
           "action": "to_quality_assurance", "document_id": document.document_id, "claim_id": claim.id,
           "invitation_id": pending.id, "invitation_token": invitation_token,
           "concern_id": concern.id, "response_id": response.id, "code": "written_statement_of_action",
           "area_id": inspection.area_id, "carried_id": 1,
           "case_id": "00000000-0000-4000-8000-00000000000c"}

    return people, ids


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_every_route(role, client, db, world):
    people, ids = world
    if role != "anonymous":
        sign_in(client, db, people[role])
        token = client.get("/api/v1/session").json()["csrf_token"]
    else:
        token = csrf_from(client.get("/login").text)

    index = ROLES.index(role)
    wrong = []
    for (method, path), statuses in EXPECTED.items():
        url = path.format(**ids)
        if method == "GET":
            response = client.get(url)
        elif method == "PUT":
            response = client.put(url, json={}, headers={"X-CSRF-Token": token})
        elif path.startswith("/api/"):
            response = client.post(url, json={}, headers={"X-CSRF-Token": token})
        else:
            response = client.post(url, data={"csrf_token": token})
        if response.status_code != statuses[index]:
            wrong.append(f"{method} {path}: expected {statuses[index]}, got {response.status_code}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_the_api_docs_are_public_and_list_the_contract(client):
    for path in PUBLIC_DOCS:
        assert client.get(path).status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert {"/api/v1/session", "/api/v1/inspections", "/api/v1/inspections/{inspection_id}",
            "/api/v1/inspections/{inspection_id}/team"} <= set(schema["paths"])
