"""The outcome letter: the draft with its citations for the team, the team's decision, and the exports."""

import base64
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.audit.service import Actor, record
from app.clock import LONDON
from app.errors import NotFound, ValidationFailed
from app.frameworks.decisions import rules_of
from app.frameworks.report import structure_of
from app.inspections import service as inspections
from app.inspections.deps import CurrentInspection
from app.inspections.models import Inspection
from app.letters import accuracy, decisions, editing, export, publication, service, visit, workflow
from app.letters.models import LetterPublication
from app.shell.page import page_context
from app.users.deps import ActorDep, CurrentUser, RecentlySignedIn
from app.users.models import User
from app.web.deps import DbSession
from app.web.forms import PostedData
from app.web.templating import render

router = APIRouter(prefix="/inspections/{inspection_id}")


def _page(request: Request, db: Session, user: User, inspection: Inspection, *,
          form: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
          status_code: int = 200, correction: dict[str, str] | None = None) -> Response:
    decision = service.decision_of(session=db, inspection=inspection)
    profile = inspections.profile_of(inspection)
    stored = decisions.as_contract(profile, decision)
    shown = form if form is not None else stored
    required = shown.get("wsoa_required")
    form_values = {"wsoa_required": "yes" if required is True else "no" if required is False and (
                       form is not None or decision.updated_by_id) else "",
                   "significant_weaknesses": "\n".join(shown.get("significant_weaknesses") or []),
                   "outcome": shown.get("outcome") or "",
                   **decisions.form_rows(profile, decision, form)}
    draft = service.draft(session=db, inspection=inspection)
    published = publication.publications(session=db, inspection=inspection)
    return render(request, "letters/draft.html", page_context(
        db, user, inspection, "letter", draft=draft, form=form_values, errors=errors or {},
        decision_rules=rules_of(profile), recommendation_hints={
            key: r.hint for key, r in structure_of(profile).recommendations.items() if r.hint},
        version=editing.current(session=db, inspection=inspection), sections=editing.sections_of(draft),
        changes=editing.redraft_changes(session=db, inspection=inspection, draft=draft),
        flow=service.workflow_of(session=db, inspection=inspection),
        status=service.status_of(session=db, inspection=inspection),
        steps=workflow.offered(session=db, user=user, inspection=inspection),
        checks=workflow.readiness(session=db, inspection=inspection),
        comments=workflow.comments(session=db, inspection=inspection),
        accuracy_window=accuracy.window(session=db, inspection=inspection),
        accuracy_unanswered=accuracy.unanswered(session=db, inspection=inspection),
        # A revisit's or monitoring inspection's letter, as its Word and PDF files give it (None for a full one).
        visit_letter=visit.letter(session=db, inspection=inspection, draft=draft),
        publications=published, correction=correction or {},
        published_sections=export.Frame.from_json(published[0].frame).sections if published else ()),
        status_code=status_code)


def _texts(db: Session, inspection: Inspection) -> dict[str, str] | None:
    version = editing.current(session=db, inspection=inspection)
    return version.sections if version else None


@router.get("/letter")
def draft_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection) -> Response:
    return _page(request, db, user, inspection)


@router.post("/letter/start")
def start_editing(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep,
                  inspection: CurrentInspection) -> Response:
    return _then_letter(request, db, user, inspection, lambda: editing.start(
        session=db, actor=actor, inspection=inspection, draft=service.draft(session=db, inspection=inspection)))


@router.post("/letter/sections/{key}")
def save_section(request: Request, key: str, db: DbSession, actor: ActorDep, inspection: CurrentInspection,
                 data: PostedData) -> Response:
    """Autosave (htmx, a pause after typing) and the plain form's 'Save' button."""
    try:
        version = editing.save_section(session=db, actor=actor, inspection=inspection, key=key,
                                       text=str(data.get("text", "")))
    except ValidationFailed as failure:
        return render(request, "letters/_saved.html", {"key": key, "error": failure.errors["text"]}, status_code=422)
    if request.headers.get("HX-Request"):
        return render(request, "letters/_saved.html", {"key": key, "version": version})
    return RedirectResponse(f"/inspections/{inspection.id}/letter#section-{key}", status_code=303)


@router.get("/letter/versions")
def versions_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection,
                  number: int | None = None) -> Response:
    all_versions = editing.versions(session=db, inspection=inspection)
    shown = editing.get_version(session=db, inspection=inspection, number=number) if number else None
    latest = all_versions[0] if all_versions else None
    draft = service.draft(session=db, inspection=inspection)
    diffs = [(info, editing.diff(shown.sections.get(info.key, ""), latest.sections.get(info.key, "")))
             for info in editing.sections_of(draft)] if shown and latest else []
    headings = {info.key: info.heading for info in editing.sections_of(draft)}
    return render(request, "letters/versions.html", page_context(
        db, user, inspection, "letter", versions=all_versions, shown=shown, latest=latest, diffs=diffs,
        notes={v.number: editing.in_words(v.note, headings) for v in all_versions}))


def _then_letter(request: Request, db: Session, user: User, inspection: Inspection, work: Callable[[], object],
                 anchor: str = "", form: dict[str, Any] | None = None) -> Response:
    """Do one step on the letter; back to the letter page, or the page again with the reason it was refused."""
    try:
        work()
    except ValidationFailed as failure:
        return _page(request, db, user, inspection, form=form, errors=failure.errors, status_code=422)
    return RedirectResponse(f"/inspections/{inspection.id}/letter{anchor}", status_code=303)


@router.post("/letter/versions/{number}/restore")
def restore_version(request: Request, number: int, db: DbSession, user: CurrentUser, actor: ActorDep,
                    inspection: CurrentInspection) -> Response:
    return _then_letter(request, db, user, inspection,
                        lambda: editing.restore(session=db, actor=actor, inspection=inspection, number=number))


@router.post("/letter/redraft")
def redraft(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
            data: PostedData) -> Response:
    take = data.get("take", [])
    return _then_letter(request, db, user, inspection, lambda: editing.apply_redraft(
        session=db, actor=actor, inspection=inspection, draft=service.draft(session=db, inspection=inspection),
        take=set(take if isinstance(take, list) else [take])))


@router.post("/letter/workflow/{action}")
def move(request: Request, action: str, db: DbSession, user: CurrentUser, actor: ActorDep,
         inspection: CurrentInspection) -> Response:
    return _then_letter(request, db, user, inspection,
                        lambda: workflow.move(session=db, actor=actor, user=user, inspection=inspection, action=action))


@router.post("/letter/comments")
def add_comment(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
                data: PostedData) -> Response:
    section = str(data.get("section", ""))
    return _then_letter(request, db, user, inspection, lambda: workflow.comment(
        session=db, actor=actor, inspection=inspection, section=section, text=str(data.get("comment", ""))),
        anchor=f"#section-{section}")


def _accuracy_page(request: Request, db: Session, user: User, inspection: Inspection, *,
                   errors: dict[str, str] | None = None, answering: dict[str, str] | None = None,
                   status_code: int = 200) -> Response:
    version = editing.current(session=db, inspection=inspection)
    one = (answering or {}).get("comment_id", "")  # the comment whose answer was refused: its fields are linked
    return render(request, "letters/accuracy.html", page_context(
        db, user, inspection, "letter", window=accuracy.window(session=db, inspection=inspection),
        rules=accuracy.rules(inspection), comments=accuracy.comments_of(session=db, inspection=inspection),
        status=service.status_of(session=db, inspection=inspection), texts=version.sections if version else {},
        answering=answering or {}, errors=errors or {},
        error_anchors={field: f"{field}-{one}" for field in ("answer", "reason", "text")}), status_code=status_code)


@router.get("/letter/accuracy")
def accuracy_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection) -> Response:
    """The area's factual accuracy comments, for the team to accept or decline each with a reason."""
    return _accuracy_page(request, db, user, inspection)


@router.post("/letter/accuracy/{comment_id}")
def answer_comment(request: Request, comment_id: int, db: DbSession, user: CurrentUser, actor: ActorDep,
                   inspection: CurrentInspection, data: PostedData) -> Response:
    answering = {k: str(data.get(k, "")) for k in ("answer", "reason", "text")}
    try:
        accuracy.answer(session=db, actor=actor, inspection=inspection, comment_id=comment_id,
                        decision=answering["answer"], reason=answering["reason"], text=answering["text"])
    except ValidationFailed as failure:
        return _accuracy_page(request, db, user, inspection, errors=failure.errors, status_code=422,
                              answering={**answering, "comment_id": str(comment_id)})
    return RedirectResponse(f"/inspections/{inspection.id}/letter/accuracy#comment-{comment_id}", status_code=303)


@router.post("/letter/decision")
def decision(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
             data: PostedData) -> Response:
    raw = decisions.from_form(inspections.profile_of(inspection), data)
    return _then_letter(request, db, user, inspection, lambda: decisions.record_decision(
        session=db, actor=actor, user=user, inspection=inspection, raw=raw), form=raw, anchor="#decision")


def _download(db: Session, actor: Actor, inspection: Inspection, kind: str, content: bytes,
              published: LetterPublication | None = None) -> Response:
    digest = publication.sha256(content)
    record(session=db, actor=actor, action=f"letter.exported_{kind}", object_type="inspection",
           object_id=str(inspection.id), inspection_id=inspection.id,
           detail={"publication": published.number, "sha256": digest} if published else {})
    name = f"outcome-letter-{inspection.id}" + (f"-{published.number}" if published and published.number > 1 else "")
    # Repr-Digest (RFC 9530): the SHA-256 of the file, which for a published letter is the one recorded at publication.
    return Response(content, media_type=publication.KINDS[kind], headers={
        "Content-Disposition": f'attachment; filename="{name}.{kind}"', "Cache-Control": "private, no-store",
        "Repr-Digest": f"sha-256=:{base64.b64encode(bytes.fromhex(digest)).decode()}:"})


def _letter_file(db: Session, actor: Actor, inspection: Inspection, kind: str) -> Response:
    """A published letter is served as published, byte for byte (its latest correction, if any); a letter not yet
    published is rendered from the team's current text, dated today."""
    if published := publication.latest(session=db, inspection=inspection):
        return _download(db, actor, inspection, kind, publication.file_of(published, kind)[0], published)
    draft = service.draft(session=db, inspection=inspection)
    flow = service.workflow_of(session=db, inspection=inspection)
    if flow.published_at is not None:
        # Published before letters were frozen (migration 0018): at least it bears the day it was published.
        draft = service.draft(session=db, inspection=inspection, today=flow.published_at.astimezone(LONDON).date())
    render_file = export.to_docx if kind == "docx" else export.to_pdf
    if (of_visit := visit.letter(session=db, inspection=inspection, draft=draft)) is not None:
        return _download(db, actor, inspection, kind, render_file(*of_visit))
    return _download(db, actor, inspection, kind, render_file(draft, _texts(db, inspection)))


@router.get("/letter.docx")
def letter_docx(db: DbSession, actor: ActorDep, inspection: CurrentInspection,
                _confirmed: RecentlySignedIn) -> Response:
    return _letter_file(db, actor, inspection, "docx")


@router.get("/letter.pdf")
def letter_pdf(db: DbSession, actor: ActorDep, inspection: CurrentInspection,
               _confirmed: RecentlySignedIn) -> Response:
    return _letter_file(db, actor, inspection, "pdf")


@router.get("/letter/publications/{number}/{kind}")
def published_file(number: int, kind: str, db: DbSession, actor: ActorDep, inspection: CurrentInspection,
                   _confirmed: RecentlySignedIn) -> Response:
    """One publication's file as it was published: the first, or a correction."""
    if kind not in publication.KINDS:
        raise NotFound()
    row = publication.get(session=db, inspection=inspection, number=number)
    return _download(db, actor, inspection, kind, publication.file_of(row, kind)[0], row)


@router.post("/letter/corrections")
def correct(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
            data: PostedData) -> Response:
    """A correction after publication: a new publication, never an edit of the one before."""
    section, text, reason = (str(data.get(k, "")) for k in ("section", "text", "reason"))
    try:
        publication.correct(session=db, actor=actor, user=user, inspection=inspection, section=section, text=text,
                            reason=reason)
    except ValidationFailed as failure:
        return _page(request, db, user, inspection, errors=failure.errors, status_code=422,
                     correction={"section": section, "text": text, "reason": reason})
    return RedirectResponse(f"/inspections/{inspection.id}/letter#publications", status_code=303)
