"""The nominated officer's portal (/portal/<inspection>) and the invitation link (/invitations/<token>).
An officer reaches only their own inspection's portal; every inspector page answers them 404."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app import clock
from app.casetracking import service as casetracking
from app.errors import NotFound, ValidationFailed
from app.forms_common import CellProblem
from app.inspections import service as inspections
from app.inspections.deps import READING
from app.inspections.models import Inspection
from app.letters import accuracy
from app.obligations import service as obligations
from app.portal import area_data, claims, content, documents, invitations, person_level
from app.portal.uploads import FILE_TYPES, MAX_UPLOAD_BYTES
from app.portal.web import StorageDep, done, file_response, receive, run
from app.users.deps import ActorDep, CurrentUser
from app.users.models import Role, User
from app.users.routes import signed_in
from app.web import csrf, text
from app.web.deps import DbSession, SettingsDep, client_ip
from app.web.forms import PostedData, build_form
from app.web.templating import render

router = APIRouter()
# An upload's whole body: the file's 25 MB and the form around it. Past this the server answers 413 at once.
UPLOAD_BODY_LIMIT = MAX_UPLOAD_BYTES + 1024 * 1024


def officer_inspection(request: Request, inspection_id: int, db: DbSession, user: CurrentUser) -> Inspection:
    if user.role != Role.la_officer or invitations.bound_inspection_id(session=db, user=user) != inspection_id:
        raise NotFound()
    if request.method not in READING:
        inspections.refuse_changes_if_purged(session=db, inspection_id=inspection_id)
    return inspections.get_inspection(session=db, inspection_id=inspection_id)


OfficerInspection = Annotated[Inspection, Depends(officer_inspection)]


def _context(db: Session, inspection: Inspection, section: str, **extra: Any) -> dict[str, Any]:
    return {"inspection": inspection, "schedule": inspections.schedule_of(inspection), "section": section,
            "profile": inspections.profile_of(inspection),
            "purged_at": inspection.purged_at, **reminders_of(db, inspection), **extra}


def reminders_of(db: Session, inspection: Inspection) -> dict[str, Any]:
    """The officer's reminders of what the area owes after publication, on every portal page."""
    views = obligations.obligations_of(session=db, inspection=inspection)
    alert = casetracking.officer_alert(session=db, inspection=inspection, today=clock.today_in_england())
    return {"reminders": obligations.reminders(views), "reminders_href": f"/portal/{inspection.id}/obligations",
            "case_alerts": [alert] if alert else []}


@router.get("/portal")
def portal_home(request: Request, db: DbSession, user: CurrentUser) -> Response:
    if user.role != Role.la_officer:
        raise NotFound()
    bound = invitations.bound_inspection_id(session=db, user=user)
    if bound is None:
        return render(request, "portal/no_inspection.html")
    return RedirectResponse(f"/portal/{bound}", status_code=303)


def _documents_page(request: Request, db: Session, inspection: Inspection, *, errors: dict[str, str] | None = None,
                    form: dict[str, object] | None = None, status_code: int = 200) -> Response:
    rows = [row for row in documents.documents_of(session=db, inspection=inspection, include_area_data=False)
            if row.document.requested != "after_inspection"]  # sent for an obligation: on its own page
    return render(request, "portal/home.html", _context(
        db, inspection, "documents", rows=rows, requested=content.requested(),
        received={row.document.requested for row in rows}, uploaded=request.query_params.get("uploaded"),
        errors=errors or {}, form=form or {}), status_code=status_code)


@router.get("/portal/{inspection_id}")
def portal_page(request: Request, db: DbSession, inspection: OfficerInspection) -> Response:
    return _documents_page(request, db, inspection)


@router.post("/portal/{inspection_id}/documents", max_body_size=UPLOAD_BODY_LIMIT)
@csrf.checks_token_itself
async def upload_document(request: Request, db: DbSession, actor: ActorDep, inspection: OfficerInspection,
                          storage: StorageDep) -> Response:
    upload = await receive(request, db, storage, fields=("requested",))
    if isinstance(upload, Response):
        return upload
    requested = upload.fields.get("requested", "")
    try:
        version = await run(lambda: documents.upload_document(session=db, actor=actor, storage=storage,
                                                               inspection=inspection, upload=upload,
                                                               requested=requested), upload)
    except ValidationFailed as failure:
        return _documents_page(request, db, inspection, errors=failure.errors, form={"requested": requested},
                               status_code=422)
    return done(request, f"/portal/{inspection.id}?uploaded={version.document_id}#documents")


@router.post("/portal/{inspection_id}/documents/{document_id}", max_body_size=UPLOAD_BODY_LIMIT)
@csrf.checks_token_itself
async def replace_document(request: Request, db: DbSession, actor: ActorDep, inspection: OfficerInspection,
                           storage: StorageDep, document_id: int) -> Response:
    document = documents.get_document(session=db, inspection=inspection, document_id=document_id)
    if document.requested == "area_data":
        raise NotFound()  # area data is replaced through its own checked upload
    upload = await receive(request, db, storage)
    if isinstance(upload, Response):
        return upload
    try:
        await run(lambda: documents.upload_document(session=db, actor=actor, storage=storage, inspection=inspection,
                                                    upload=upload, document_id=document.id), upload)
    except ValidationFailed as failure:
        return _documents_page(request, db, inspection, status_code=422, form={"replace": document.id},
                               errors={f"replace-{document.id}": failure.errors.get("file", "")})
    return done(request, f"/portal/{inspection.id}?uploaded={document.id}#documents")


@router.get("/portal/{inspection_id}/documents/{document_id}/versions/{number}")
def download_own(db: DbSession, inspection: OfficerInspection, storage: StorageDep, document_id: int,
                 number: int) -> Response:
    version = documents.get_version(session=db, inspection=inspection, document_id=document_id, number=number)
    return file_response(storage, version)


def _data_page(request: Request, db: Session, inspection: Inspection, *, errors: dict[str, str] | None = None,
               problems: list[CellProblem] | None = None, status_code: int = 200) -> Response:
    return render(request, "portal/area_data.html", _context(
        db, inspection, "data", figures=area_data.figures_of(session=db, inspection=inspection),
        indicators=content.indicators(), problems=problems or [], errors=errors or {},
        imported=text.as_id(request.query_params.get("imported", ""))),
        status_code=status_code)


@router.get("/portal/{inspection_id}/area-data")
def data_page(request: Request, db: DbSession, inspection: OfficerInspection) -> Response:
    return _data_page(request, db, inspection)


@router.get("/portal/{inspection_id}/area-data/template.csv")
def template_csv(inspection: OfficerInspection) -> Response:
    return Response(area_data.template_csv(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="area-data-template.csv"'})


@router.get("/portal/{inspection_id}/area-data/template.xlsx")
def template_xlsx(inspection: OfficerInspection) -> Response:
    return Response(area_data.template_xlsx(), media_type=FILE_TYPES["xlsx"][1],
                    headers={"Content-Disposition": 'attachment; filename="area-data-template.xlsx"'})


@router.post("/portal/{inspection_id}/area-data", max_body_size=UPLOAD_BODY_LIMIT)
@csrf.checks_token_itself
async def import_data(request: Request, db: DbSession, actor: ActorDep, inspection: OfficerInspection,
                      storage: StorageDep) -> Response:
    upload = await receive(request, db, storage)
    if isinstance(upload, Response):
        return upload
    try:
        count = await run(lambda: area_data.import_area_data(session=db, actor=actor, storage=storage,
                                                             inspection=inspection, upload=upload), upload)
    except ValidationFailed as failure:
        return _data_page(request, db, inspection, errors=failure.errors, status_code=422)
    except area_data.AreaDataInvalid as invalid:
        first = invalid.problems[0]
        summary = {"file": f"The file has {len(invalid.problems)} problem{'s' if len(invalid.problems) != 1 else ''}: "
                           f"nothing was saved. {first.where}: {first.message}"}
        return _data_page(request, db, inspection, errors=summary, problems=invalid.problems, status_code=422)
    return done(request, f"/portal/{inspection.id}/area-data?imported={count}")


def _person_level_page(request: Request, db: Session, inspection: Inspection, *,
                       errors: dict[str, str] | None = None, problems: list[CellProblem] | None = None,
                       status_code: int = 200) -> Response:
    spec = casetracking.tracking_of(inspection)  # 404 under a framework without case tracking
    return render(request, "portal/person_level.html", _context(
        db, inspection, "person_level", spec=spec.person_level, listed=casetracking.list_of(session=db,
                                                                                            inspection=inspection),
        problems=(problems or [])[:casetracking.MAX_PROBLEMS_SHOWN], problem_count=len(problems or []),
        errors=errors or {}, saved=request.query_params.get("saved") == "1"), status_code=status_code)


@router.get("/portal/{inspection_id}/person-level")
def person_level_page(request: Request, db: DbSession, inspection: OfficerInspection) -> Response:
    return _person_level_page(request, db, inspection)


@router.get("/portal/{inspection_id}/person-level/template.csv")
def person_level_template(inspection: OfficerInspection) -> Response:
    return Response(person_level.template_csv(inspection), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="person-level-template.csv"'})


@router.post("/portal/{inspection_id}/person-level", max_body_size=UPLOAD_BODY_LIMIT)
@csrf.checks_token_itself
async def import_person_level(request: Request, db: DbSession, actor: ActorDep, inspection: OfficerInspection,
                              storage: StorageDep) -> Response:
    casetracking.tracking_of(inspection)
    upload = await receive(request, db, storage)
    if isinstance(upload, Response):
        return upload
    try:
        await run(lambda: person_level.import_person_level(session=db, actor=actor, inspection=inspection,
                                                           upload=upload), upload)
    except ValidationFailed as failure:
        return _person_level_page(request, db, inspection, errors=failure.errors, status_code=422)
    except casetracking.ListInvalid as invalid:
        first = invalid.problems[0]
        count = len(invalid.problems)
        summary = {"file": f"The list has {count:,} problem{'s' if count != 1 else ''}: nothing was saved. "
                           f"{first.where}: {first.message}"}
        return _person_level_page(request, db, inspection, errors=summary, problems=invalid.problems,
                                  status_code=422)
    return done(request, f"/portal/{inspection.id}/person-level?saved=1")


def _claims_page(request: Request, db: Session, user: User, inspection: Inspection, *,
                 form: claims.ClaimForm | None = None, errors: dict[str, str] | None = None,
                 status_code: int = 200) -> Response:
    return render(request, "portal/claims.html", _context(
        db, inspection, "claims", claims=claims.claims_recorded_by(session=db, inspection=inspection, user=user),
        form=form or claims.ClaimForm(), errors=errors or {},
        documents=documents.documents_of(session=db, inspection=inspection, include_area_data=False),
        recorded=request.query_params.get("recorded")), status_code=status_code)


@router.get("/portal/{inspection_id}/claims")
def claims_page(request: Request, db: DbSession, user: CurrentUser, inspection: OfficerInspection) -> Response:
    return _claims_page(request, db, user, inspection)


@router.post("/portal/{inspection_id}/claims")
def record_claim(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: OfficerInspection,
                 data: PostedData) -> Response:
    form = build_form(claims.ClaimForm, data)
    try:
        claims.record_claim(session=db, actor=actor, inspection=inspection, user=user, form=form)
    except ValidationFailed as failure:
        return _claims_page(request, db, user, inspection, form=form, errors=failure.errors, status_code=422)
    return RedirectResponse(f"/portal/{inspection.id}/claims?recorded=1", status_code=303)


@router.post("/portal/{inspection_id}/claims/{claim_id}/withdraw")
def withdraw_claim(db: DbSession, user: CurrentUser, actor: ActorDep, inspection: OfficerInspection,
                   claim_id: int) -> Response:
    claims.delete_own_claim(session=db, actor=actor, inspection=inspection, user=user, claim_id=claim_id)
    return RedirectResponse(f"/portal/{inspection.id}/claims", status_code=303)


# --- The factual accuracy check of the draft letter -------------------------------------------------------------

def _accuracy_page(request: Request, db: Session, inspection: Inspection, *, errors: dict[str, str] | None = None,
                   form: accuracy.CommentForm | None = None, status_code: int = 200) -> Response:
    window = accuracy.window(session=db, inspection=inspection)
    # The draft itself only while the check is open: before it is sent and after the last day, the area sees
    # its own comments and the team's answers, never the text.
    return render(request, "portal/accuracy.html", _context(
        db, inspection, "accuracy", window=window, rules=accuracy.rules(inspection),
        draft=accuracy.draft_for_area(session=db, inspection=inspection) if window.open else [],
        comments=accuracy.comments_of(session=db, inspection=inspection),
        form=form or accuracy.CommentForm(section=text.clean(request.query_params.get("section", ""))[:30]),
        errors=errors or {}, error_anchors={"comment": ""}, sent=request.query_params.get("sent")),
        status_code=status_code)


@router.get("/portal/{inspection_id}/accuracy")
def accuracy_page(request: Request, db: DbSession, inspection: OfficerInspection) -> Response:
    return _accuracy_page(request, db, inspection)


@router.post("/portal/{inspection_id}/accuracy", max_body_size=UPLOAD_BODY_LIMIT)
@csrf.checks_token_itself
async def accuracy_comment(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep,
                           inspection: OfficerInspection, storage: StorageDep) -> Response:
    upload = await receive(request, db, storage, fields=("section", "quote", "correction", "evidence"))
    if isinstance(upload, Response):
        return upload
    form = accuracy.CommentForm(**{k: upload.fields.get(k, "") for k in ("section", "quote", "correction", "evidence")})
    try:
        await run(lambda: accuracy.comment(session=db, actor=actor, user=user, inspection=inspection, form=form,
                                           storage=storage, upload=upload), upload)
    except ValidationFailed as failure:
        return _accuracy_page(request, db, inspection, errors=failure.errors, form=form, status_code=422)
    return done(request, f"/portal/{inspection.id}/accuracy?sent=1#comments")


# --- The invitation link ---------------------------------------------------------------------------------------

UNUSABLE = {
    "accepted": "This link has already been used. Sign in with the password you chose, or ask the lead inspector "
                "for a new link.",
    "expired": "This link has expired: links work for 48 hours. Ask the lead inspector for a new one.",
    "withdrawn": "This link has been replaced or withdrawn. Use the newest link the lead inspector sent, "
                 "or ask for a new one.",
}


def _invitation_page(request: Request, db: Session, token: str, *, errors: dict[str, str] | None = None,
                     name: str = "", status_code: int = 200) -> Response:
    invitation = invitations.by_token(session=db, token=token)
    state = invitations.state_of(invitation)
    if state != "pending":
        return render(request, "portal/invitation_unusable.html", {"message": UNUSABLE[state]}, status_code=410)
    inspection = inspections.get_inspection(session=db, inspection_id=invitation.inspection_id)
    return render(request, "portal/invitation.html", {
        "invitation": invitation, "inspection": inspection, "errors": errors or {}, "error_anchors": {"invitation": ""},
        "existing": invitations.existing_account(session=db, invitation=invitation) is not None,
        "name": name or invitation.name}, status_code=status_code)


@router.get("/invitations/{invitation_token}")
def invitation_page(request: Request, db: DbSession, invitation_token: str) -> Response:
    return _invitation_page(request, db, invitation_token)


@router.post("/invitations/{invitation_token}")
def accept_invitation(request: Request, db: DbSession, settings: SettingsDep, invitation_token: str,
                      data: PostedData) -> Response:
    token = invitation_token
    name = str(data.get("name", ""))
    try:
        accepted = invitations.accept(session=db, token=token, name=name, password=str(data.get("password", "")),
                                      confirm=str(data.get("confirm_password", "")), ip_address=client_ip(request),
                                      settings=settings, between=db.commit)
    except ValidationFailed as failure:
        if failure.errors.get("invitation") in UNUSABLE:
            return render(request, "portal/invitation_unusable.html",
                          {"message": UNUSABLE[failure.errors["invitation"]]}, status_code=410)
        return _invitation_page(request, db, token, errors=failure.errors, name=name, status_code=422)
    # Signed in as sign-in does it: an officer with two-factor sign-in gives the code before the portal opens.
    return signed_in(request, db, settings, accepted.user, f"/portal/{accepted.inspection_id}")
