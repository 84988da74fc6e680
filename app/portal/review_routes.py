"""The team's side: invite the area's officer, read what the area sent, see its data beside the case-file
sample, and test each claim of its self-evaluation against the evidence."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.errors import Forbidden, ValidationFailed
from app.evidence import service as evidence
from app.inspections import service as inspections
from app.inspections.deps import CurrentInspection
from app.inspections.models import Inspection
from app.portal import area_data, claims, content, documents, invitations
from app.portal.models import SefClaim
from app.portal.web import StorageDep, file_response
from app.shell.page import page_context
from app.users.deps import ActorDep, CurrentUser
from app.users.models import User
from app.web.deps import DbSession
from app.web.forms import PostedData, build_form
from app.web.templating import render

router = APIRouter(prefix="/inspections/{inspection_id}")


def _area_page(request: Request, db: Session, user: User, inspection: Inspection, *,
               errors: dict[str, str] | None = None, new_link: str = "", form: dict[str, str] | None = None,
               status_code: int = 200) -> Response:
    return render(request, "portal/review/area.html", page_context(
        db, user, inspection, "area", officers=invitations.officers_of(session=db, inspection=inspection),
        contacts=invitations.contacts_of(session=db, inspection=inspection), contact_labels=invitations.CONTACTS,
        invitations=invitations.invitations_of(session=db, inspection=inspection), state_of=invitations.state_of,
        rows=documents.documents_of(session=db, inspection=inspection), new_link=new_link, form=form or {},
        errors=errors or {}, error_anchors={"invitation": ""}), status_code=status_code)


@router.get("/area")
def area_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection) -> Response:
    return _area_page(request, db, user, inspection)


def _lead_only(db: Session, user: User, inspection: Inspection) -> None:
    if not inspections.can_manage(session=db, user=user, inspection=inspection):
        raise Forbidden()


@router.post("/area/invitations")
def invite_officer(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
                   data: PostedData) -> Response:
    _lead_only(db, user, inspection)
    form = {"email": str(data.get("email", "")), "name": str(data.get("name", "")),
            "contact": str(data.get("contact", "nominated_officer"))}
    try:
        _, token = invitations.invite(session=db, actor=actor, inspection=inspection, email=form["email"],
                                      name=form["name"], contact=form["contact"])
    except ValidationFailed as failure:
        return _area_page(request, db, user, inspection, errors=failure.errors, form=form, status_code=422)
    # The link is shown once, here: only its hash is stored.
    link = str(request.base_url).rstrip("/") + f"/invitations/{token}"
    return _area_page(request, db, user, inspection, new_link=link)


@router.post("/area/invitations/{invitation_id}/withdraw")
def withdraw_invitation(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep,
                        inspection: CurrentInspection, invitation_id: int) -> Response:
    _lead_only(db, user, inspection)
    try:
        invitations.withdraw(session=db, actor=actor, inspection=inspection, invitation_id=invitation_id)
    except ValidationFailed as failure:
        return _area_page(request, db, user, inspection, errors=failure.errors, status_code=422)
    return RedirectResponse(f"/inspections/{inspection.id}/area", status_code=303)


@router.get("/area/documents/{document_id}/versions/{number}")
def download(db: DbSession, inspection: CurrentInspection, storage: StorageDep, document_id: int,
             number: int) -> Response:
    return file_response(storage, documents.get_version(session=db, inspection=inspection, document_id=document_id,
                                                        number=number))


@router.get("/area/data")
def data_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection) -> Response:
    return render(request, "portal/review/data.html", page_context(
        db, user, inspection, "area", rows=area_data.comparison(session=db, inspection=inspection)))


@router.get("/claims")
def claims_matrix(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection) -> Response:
    verdict = request.query_params.get("verdict", "")
    verdict = verdict if verdict in claims.Verdict.__members__ else ""
    untested, total = claims.untested_count(session=db, inspection=inspection)
    schedule = inspections.schedule_of(inspection)
    return render(request, "portal/review/claims.html", page_context(
        db, user, inspection, "claims", headings=claims.matrix(session=db, inspection=inspection, verdict=verdict),
        verdicts=list(claims.Verdict), chosen=verdict, untested=untested, total=total,
        last_day=schedule.on_site_days[-1], today=inspections.today_on_site()))


def _claim_form_page(request: Request, db: Session, user: User, inspection: Inspection, *,
                     form: claims.ClaimForm | None = None, errors: dict[str, str] | None = None,
                     status_code: int = 200) -> Response:
    return render(request, "portal/review/claim_new.html", page_context(
        db, user, inspection, "claims", form=form or claims.ClaimForm(), errors=errors or {},
        documents=documents.documents_of(session=db, inspection=inspection, include_area_data=False)),
        status_code=status_code)


@router.get("/claims/new")
def new_claim_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection) -> Response:
    return _claim_form_page(request, db, user, inspection)


@router.post("/claims/new")
def record_claim(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
                 data: PostedData) -> Response:
    form = build_form(claims.ClaimForm, data)
    try:
        claim = claims.record_claim(session=db, actor=actor, inspection=inspection, user=user, form=form)
    except ValidationFailed as failure:
        return _claim_form_page(request, db, user, inspection, form=form, errors=failure.errors, status_code=422)
    return RedirectResponse(f"/inspections/{inspection.id}/claims/{claim.id}", status_code=303)


def _claim_page(request: Request, db: Session, user: User, inspection: Inspection, claim: SefClaim, *,
                chosen: list[str] | None = None, verdict: str | None = None, note: str | None = None,
                errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    profile = inspections.profile_of(inspection)
    linked = claims.evidence_ids_of(session=db, claim=claim)
    return render(request, "portal/review/claim.html", page_context(
        db, user, inspection, "claims", claim=claim, heading=profile.heading(claim.heading),
        aspect_text={a.code: a.text for a in profile.heading(claim.heading).aspects},
        items=evidence.items_for_heading(session=db, inspection=inspection, heading=claim.heading),
        chosen=set(chosen) if chosen is not None else linked, verdicts=list(claims.Verdict),
        verdict=verdict or claim.verdict, note=claim.verdict_note if note is None else note,
        source=content.requested_title(documents.get_document(
            session=db, inspection=inspection, document_id=claim.source_document_id).requested)
        if claim.source_document_id else "", errors=errors or {}, saved=request.query_params.get("saved")),
        status_code=status_code)


@router.get("/claims/{claim_id}")
def claim_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection,
               claim_id: int) -> Response:
    claim = claims.get_claim(session=db, inspection=inspection, claim_id=claim_id)
    return _claim_page(request, db, user, inspection, claim)


@router.post("/claims/{claim_id}")
def give_verdict(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
                 claim_id: int, data: PostedData) -> Response:
    claim = claims.get_claim(session=db, inspection=inspection, claim_id=claim_id)
    chosen = data.get("evidence", [])
    chosen = chosen if isinstance(chosen, list) else [chosen] if chosen else []
    verdict, note = str(data.get("verdict", "")), str(data.get("note", ""))
    try:
        claims.set_verdict(session=db, actor=actor, inspection=inspection, claim=claim, verdict=verdict, note=note,
                           evidence_ids=chosen)
    except ValidationFailed as failure:
        db.refresh(claim)
        return _claim_page(request, db, user, inspection, claim, chosen=chosen, verdict=verdict, note=note,
                           errors=failure.errors, status_code=422)
    return RedirectResponse(f"/inspections/{inspection.id}/claims/{claim.id}?saved=1", status_code=303)
