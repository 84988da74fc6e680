"""The outcome letter: the draft with its citations for the team, the team's decision, and the exports."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.audit.service import record
from app.errors import ValidationFailed
from app.inspections.deps import CurrentInspection, page_context
from app.letters import export, service
from app.web.deps import ActorDep, CurrentUser, DbSession
from app.web.forms import PostedData, build_form
from app.web.templating import render

router = APIRouter(prefix="/inspections/{inspection_id}")


def _page(request, db, user, inspection, *, form=None, errors=None, status_code=200):
    decision = service.decision_of(session=db, inspection=inspection)
    form = form or service.DecisionForm(
        wsoa_required="yes" if decision.wsoa_required else ("no" if decision.updated_by_id else ""),
        significant_weaknesses="\n".join(decision.significant_weaknesses), outcome=decision.outcome or "")
    return render(request, "letters/draft.html", page_context(
        db, user, inspection, "letter", draft=service.draft(session=db, inspection=inspection), form=form,
        errors=errors or {}), status_code=status_code)


@router.get("/letter")
def draft_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection):
    return _page(request, db, user, inspection)


@router.post("/letter/decision")
def decision(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
             data: PostedData):
    form = build_form(service.DecisionForm, data)
    try:
        service.record_decision(session=db, actor=actor, user=user, inspection=inspection, form=form)
    except ValidationFailed as failure:
        return _page(request, db, user, inspection, form=form, errors=failure.errors, status_code=422)
    return RedirectResponse(f"/inspections/{inspection.id}/letter", status_code=303)


def _download(db, actor, inspection, kind: str, content: bytes, media_type: str) -> Response:
    record(session=db, actor=actor, action=f"letter.exported_{kind}", object_type="inspection",
           object_id=str(inspection.id), inspection_id=inspection.id)
    name = f"outcome-letter-{inspection.id}.{kind}"
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"})


@router.get("/letter.docx")
def letter_docx(db: DbSession, actor: ActorDep, inspection: CurrentInspection):
    return _download(db, actor, inspection, "docx", export.to_docx(service.draft(session=db, inspection=inspection)),
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@router.get("/letter.pdf")
def letter_pdf(db: DbSession, actor: ActorDep, inspection: CurrentInspection):
    return _download(db, actor, inspection, "pdf", export.to_pdf(service.draft(session=db, inspection=inspection)),
                     "application/pdf")
