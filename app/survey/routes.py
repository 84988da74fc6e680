"""The public questionnaires (no sign-in, at /s/<token>) and the results inspectors read."""

import uuid
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app import personal_data
from app.audit.service import record
from app.errors import NotFound, ValidationFailed
from app.evidence.models import Judgement
from app.inspections.deps import CurrentInspection
from app.inspections.models import Inspection
from app.shell.page import page_context
from app.survey import service
from app.survey.content import AUDIENCES, questionnaires
from app.survey.models import SurveyLink
from app.users.deps import ActorDep, CurrentUser, RecentlySignedIn
from app.users.models import User
from app.web.deps import DbSession, client_ip
from app.web.forms import FormData, PostedData
from app.web.templating import render

router = APIRouter()
SENT_COOKIE = "sfw_survey_sent"  # "this browser has just answered": the once-a-minute guard, kept only by the browser


def _public_context(request: Request, link: SurveyLink, inspection: Inspection, **extra: Any) -> dict[str, Any]:
    q = questionnaires()[link.audience]
    return {"q": q, "link": link, "area": inspection.local_area, "window": service.window_of(inspection),
            "today": service.today_on_site(), "comment_limit": service.COMMENT_LIMIT,
            "intro": q.intro.format(area=inspection.local_area), **extra}


def _answer_form(data: FormData) -> service.AnswerForm:
    support = data.get("support", [])
    return service.AnswerForm(
        respondent_type=str(data.get("respondent_type", "")),
        answers={key[2:]: value for key, value in data.items() if key.startswith("q-") and isinstance(value, str)},
        support=support if isinstance(support, list) else [support] if support else [],
        comment=str(data.get("comment", "")), submission_id=str(data.get("submission_id", "")),
        website=str(data.get("website", "")))


def _link_or_page(request: Request, db: Session, token: str) -> tuple[SurveyLink, Inspection] | Response:
    """The link and its inspection, or the page a parent or young person should see for a link that is wrong:
    in their words, not the team's (they have no lead inspector to ask)."""
    try:
        return service.link_by_token(session=db, token=token)
    except NotFound:
        return render(request, "survey/no_such_link.html", {}, status_code=404)


@router.get("/s/{token}")
def questionnaire_page(request: Request, token: str, db: DbSession) -> Response:
    found = _link_or_page(request, db, token)
    if isinstance(found, Response):
        return found
    link, inspection = found
    if not service.window_of(inspection).is_open(service.today_on_site()):
        return render(request, "survey/closed.html", _public_context(request, link, inspection))
    return render(request, "survey/questionnaire.html", _public_context(
        request, link, inspection, form=service.AnswerForm(submission_id=str(uuid.uuid4())), errors={}))


@router.post("/s/{token}")
def questionnaire_submit(request: Request, token: str, db: DbSession, data: PostedData) -> Response:
    found = _link_or_page(request, db, token)
    if isinstance(found, Response):
        return found
    link, inspection = found
    if not service.window_of(inspection).is_open(service.today_on_site()):
        # Refused with the dates, so that an answer outside the window is never dropped in silence.
        return render(request, "survey/closed.html", _public_context(request, link, inspection, refused=True),
                      status_code=422)
    thanks = RedirectResponse(f"/s/{token}/thanks", status_code=303)
    form = _answer_form(data)
    if request.cookies.get(SENT_COOKIE) == token:
        # The same browser again within a minute, with a new form: most likely the same person twice, but it may be
        # someone else in the household. Nothing is stored, and the page says so and keeps the answers, so a
        # second voice can send them once the minute has passed (the mark lasts a minute).
        return render(request, "survey/questionnaire.html", _public_context(
            request, link, inspection, form=form, errors={}, just_sent=True), status_code=409)
    try:
        _guard_comment(form, data)
        outcome = service.submit(session=db, inspection=inspection, link=link, form=form,
                                 address=client_ip(request), today=service.today_on_site())
    except ValidationFailed as failure:
        return render(request, "survey/questionnaire.html",
                      _public_context(request, link, inspection, form=form, errors=failure.errors), status_code=422)
    if outcome.reason == "rate_limited":
        return render(request, "survey/busy.html", _public_context(request, link, inspection), status_code=429)
    thanks.set_cookie(SENT_COOKIE, token, max_age=60, httponly=True, samesite="lax", path="/s/",
                      secure=request.url.scheme == "https")
    return thanks


SURVEY_GUARD = ("Your comment may include a name or contact details ({found}). Inspectors do not need them, and "
                "your answers are anonymous. Take them out, or choose one of the buttons below")


def _guard_comment(form: service.AnswerForm, data: FormData) -> None:
    """A parent's comment naming their child is pointed out before it is sent (the answers are anonymous)."""
    if len(form.comment) > service.COMMENT_LIMIT:
        return  # refused as too long by the service; not searched first (a public form: keep its work bounded)
    try:
        form.comment = personal_data.guard({"comment": form.comment}, str(data.get("personal_data", "")))["comment"]
    except ValidationFailed:
        found = ", ".join(personal_data.LABELS[k].lower() for k in personal_data.kinds(form.comment))
        raise ValidationFailed({"comment": SURVEY_GUARD.format(found=found)}) from None


@router.get("/s/{token}/thanks")
def thanks_page(request: Request, token: str, db: DbSession) -> Response:
    found = _link_or_page(request, db, token)
    if isinstance(found, Response):
        return found
    link, inspection = found
    return render(request, "survey/thanks.html", _public_context(request, link, inspection))


# --- For the team ----------------------------------------------------------------------------------------


COMMENTS_SHOWN = 50  # newest first; "Show more" adds as many again (a page of 1,000 comment forms is slow to use)


def _filters(audience: str = "", respondent: str = "", support: str = "", q: str = "",
             workplace: str = "") -> service.Filters:
    qs = questionnaires()
    return service.Filters(
        audience=audience if audience in AUDIENCES else "",
        respondent_type=respondent if respondent in {c.code for c in qs["parent_carer"].respondent_types} else "",
        support=support if support in {c.code for c in qs["parent_carer"].support} else "", search=q[:100],
        workplace=workplace if workplace in {c.code for c in qs[service.PRACTITIONER].respondent_types} else "")


def _run_by(inspection: Inspection) -> dict[str, Any]:
    """The questionnaires this inspection runs, by audience (parent_carer always among them: its wording labels
    the shared filters)."""
    return {a: questionnaires()[a] for a in service.audiences_of(inspection)}


def _public_url(request: Request, link: SurveyLink) -> str:
    return f"{str(request.base_url).rstrip('/')}/s/{link.token}"


def _results_context(request: Request, db: Session, user: User, inspection: Inspection, filters: service.Filters,
                     **extra: Any) -> dict[str, Any]:
    links = service.links_for(session=db, inspection=inspection)
    return page_context(
        db, user, inspection, "survey", filters=filters, links=links, qs=_run_by(inspection),
        urls={a: _public_url(request, link) for a, link in links.items()},
        window=service.window_of(inspection), today=service.today_on_site(),
        results=service.results(session=db, inspection=inspection, filters=filters), judgements=list(Judgement),
        small_group=service.SMALL_GROUP,
        **{"added": "", "errors": {}, "shown": COMMENTS_SHOWN, **extra})


@router.get("/inspections/{inspection_id}/survey")
def results_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection,
                 filters: Annotated[service.Filters, Depends(_filters)], added: str = "",
                 shown: int = COMMENTS_SHOWN) -> Response:
    return render(request, "survey/results.html", _results_context(
        request, db, user, inspection, filters, added=added, shown=max(COMMENTS_SHOWN, min(shown, 100_000))),
        block="results")


@router.get("/inspections/{inspection_id}/survey/print")
def print_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection) -> Response:
    links = service.links_for(session=db, inspection=inspection)
    return render(request, "survey/print.html", page_context(
        db, user, inspection, "survey", links=links, qs=_run_by(inspection),
        urls={a: _public_url(request, link) for a, link in links.items()}, window=service.window_of(inspection)))


@router.get("/inspections/{inspection_id}/survey/qr/{audience}.svg")
def qr_code(request: Request, audience: str, db: DbSession, inspection: CurrentInspection) -> Response:
    links = service.links_for(session=db, inspection=inspection)
    if audience not in links:
        raise NotFound()
    svg = segno.make(_public_url(request, links[audience]), error="m").svg_inline(scale=6, dark="#0b0c0c")
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "private, no-store"})


@router.get("/inspections/{inspection_id}/survey/responses.csv")
def responses_csv(db: DbSession, actor: ActorDep, inspection: CurrentInspection,
                  _confirmed: RecentlySignedIn) -> Response:
    record(session=db, actor=actor, action="survey.exported", object_type="inspection", object_id=str(inspection.id),
           inspection_id=inspection.id)
    return Response(service.export_csv(session=db, inspection=inspection), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="survey-responses-{inspection.id}.csv"',
                             "Cache-Control": "private, no-store"})


@router.post("/inspections/{inspection_id}/survey/evidence")
def add_evidence(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
                 data: PostedData) -> Response:
    form = service.SurveyEvidenceForm(**{k: v for k, v in data.items() if k in service.SurveyEvidenceForm.model_fields
                                         and isinstance(v, str)})
    try:
        item = service.add_as_evidence(session=db, actor=actor, inspection=inspection, form=form)
    except ValidationFailed as failure:
        return render(request, "survey/results.html", _results_context(
            request, db, user, inspection, service.Filters(), errors=failure.errors), status_code=422)
    return RedirectResponse(f"/inspections/{inspection.id}/survey?added={item.id}#added", status_code=303)


@router.post("/inspections/{inspection_id}/survey/comments/{response_id}/pseudonymise")
def pseudonymise_comment(db: DbSession, actor: ActorDep, inspection: CurrentInspection, response_id: int) -> Response:
    service.remove_personal_data(session=db, actor=actor, inspection=inspection, response_id=response_id)
    return RedirectResponse(f"/inspections/{inspection.id}/survey", status_code=303)
