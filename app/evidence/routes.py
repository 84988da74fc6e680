"""Capturing and editing evidence, the evidence board per heading, and the end-of-day team summary."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app import personal_data
from app.casetracking import service as casetracking
from app.clock import today_in_england
from app.errors import ValidationFailed
from app.evidence import contract, service
from app.evidence.models import EvidenceItem, Judgement, SourceType, Strand
from app.fieldwork import service as fieldwork
from app.forms_common import offered_id, parse_iso_date
from app.inspections import service as inspections
from app.inspections.deps import CurrentInspection
from app.inspections.models import Inspection
from app.shell.page import page_context
from app.sync import service as sync
from app.users.deps import ActorDep, CurrentUser
from app.users.models import User
from app.web import text
from app.web.deps import DbSession
from app.web.forms import FormData, PostedData, build_form, safe_next
from app.web.templating import is_htmx, render

router = APIRouter(prefix="/inspections/{inspection_id}")


def _form_from(data: FormData) -> service.EvidenceForm:
    """The page's 'where did this come from' radios map onto the source fields of the evidence form."""
    form = build_form(service.EvidenceForm, data)
    kind = str(data.get("source_kind", ""))
    if kind in {c.value for c in contract.SOURCE_KINDS}:
        form.source_type, form.source_id = contract.source_fields(kind, str(data.get("source_activity", "")),
                                                                  str(data.get("source_file", "")))
    return form


def _guard(form: service.EvidenceForm, data: FormData) -> None:
    """Before saving, text that may identify a child or family is pointed out; the inspector replaces it with
    pseudonyms or keeps it on purpose (then it stays flagged and holds up the letter until reworded)."""
    form.text = personal_data.guard({"text": form.text}, str(data.get("personal_data", "")))["text"]


GUARD_MESSAGE = personal_data.GUARD_MESSAGE


def _source_kind(form: service.EvidenceForm) -> str:
    if form.source_type in (SourceType.file_review, SourceType.tracked_case):
        return form.source_type
    if form.source_type in (SourceType.document, SourceType.none):
        return form.source_type
    return "activity" if form.source_id else ""


def _days(inspection: Inspection, form: service.EvidenceForm, item: EvidenceItem | None,
          fixed_source: dict[str, Any] | None) -> dict[str, Any]:
    """The form's contract for this inspection's days, and the "Day observed" options. A new capture starts on
    "the default" (empty), which the server turns into its source's day or today's day on site when it is saved,
    so a page kept on a tablet since Monday still files Thursday's capture under Thursday. An edit shows the day
    the item has."""
    on_site = inspections.schedule_of(inspection).on_site_days
    source_day = fixed_source.get("day") if fixed_source else None
    also = {day for day in (source_day, item.observed_on if item else None) if day is not None}
    form_contract = contract.evidence_contract(inspections.profile_of(inspection), on_site, also)
    options = [{"value": c.value, "text": c.label, "selected": c.value == form.observed_on}
               for c in form_contract.field("observed_on").choices or ()]
    if item is None:
        by_value = {c["value"]: c["text"] for c in options}
        if source_day is not None and fixed_source:
            what = "case file" if fixed_source["type"] == SourceType.file_review else "activity"
            default = f"{by_value[source_day.isoformat()]} (the day of this {what})"
        elif fixed_source:
            default = "Today's day on site"
        else:
            default = "The day of its activity or case file, otherwise today's day on site"
        options.insert(0, {"value": "", "text": default, "selected": not form.observed_on})
    return {"contract": form_contract, "day_options": options}


def _capture_context(db: Session, user: User, inspection: Inspection, form: service.EvidenceForm, *,
                     item: EvidenceItem | None = None, errors: dict[str, str] | None = None, return_to: str = "",
                     fixed_source: dict[str, Any] | None = None) -> dict[str, Any]:
    return page_context(
        db, user, inspection, "board", form=form, item=item, errors=errors or {}, return_to=return_to,
        source_kind=_source_kind(form), fixed_source=fixed_source, judgements=list(Judgement), strands=list(Strand),
        activities=fieldwork.list_activities(session=db, inspection=inspection),
        reviews=fieldwork.list_file_reviews(session=db, inspection=inspection),
        source_kinds=contract.SOURCE_KINDS, error_anchors={"aspect": f"aspect-{form.heading or 1}"},
        **_days(inspection, form, item, fixed_source))


def _fixed_source(db: Session, inspection: Inspection, source_type: str, source_id: str) -> dict[str, Any] | None:
    """When capture starts from an activity or case file, the source is set and shown, not asked (with the day it
    happened, when it has one)."""
    if not source_id:
        return None
    day = fieldwork.source_days(session=db, inspection=inspection, ids=[source_id]).get(source_id)
    if source_type == SourceType.file_review:
        review = fieldwork.get_file_review(session=db, inspection=inspection, review_id=source_id)
        return {"type": "file_review", "id": review.id, "label": f"Case file {review.case_reference}", "day": day}
    if source_type == SourceType.tracked_case:
        case = casetracking.get_case(session=db, inspection=inspection, case_id=source_id)
        return {"type": "tracked_case", "id": case.id, "label": casetracking.case_title(case), "day": None}
    activity = fieldwork.get_activity(session=db, inspection=inspection, activity_id=source_id)
    return {"type": activity.kind, "id": activity.id, "label": activity.title, "day": day}


def inline_capture(db: Session, inspection: Inspection, source_type: str, source_id: str) -> dict[str, Any]:
    """What the activity and case-file pages need to show their evidence and capture more in place."""
    form = service.EvidenceForm(source_type=source_type, source_id=source_id)
    fixed_source = _fixed_source(db, inspection, source_type, source_id)
    return {"form": form, "fixed_source": fixed_source, **_days(inspection, form, None, fixed_source),
            "judgements": list(Judgement), "strands": list(Strand), "return_to": "",
            "items": service.items_from_source(session=db, inspection=inspection, source_id=source_id)}


@router.get("/evidence/new")
def capture_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection,
                 source_type: str = "", source_id: str = "", heading: str = "", return_to: str = "") -> Response:
    form = service.EvidenceForm(source_type=source_type, source_id=source_id, heading=heading,
                                strands=[])
    return render(request, "evidence/capture.html", _capture_context(
        db, user, inspection, form, return_to=return_to,
        fixed_source=_fixed_source(db, inspection, source_type, source_id)))


@router.post("/evidence/new")
def capture(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
            data: PostedData) -> Response:
    form = _form_from(data)
    return_to = safe_next(str(data.get("return_to", "")), "")
    fixed = data.get("fixed_source") == "yes"
    try:
        _guard(form, data)
        item = service.capture(session=db, actor=actor, inspection=inspection, form=form,
                               item_id=offered_id(data.get("id"), lambda i: db.get(EvidenceItem, i) is not None))
    except ValidationFailed as e:
        fixed_source = _fixed_source(db, inspection, form.source_type, form.source_id) if fixed else None
        ctx = _capture_context(db, user, inspection, form, errors=e.errors, return_to=return_to,
                               fixed_source=fixed_source)
        if is_htmx(request):
            return render(request, "evidence/_capture_form.html", ctx, status_code=422)
        return render(request, "evidence/capture.html", ctx, status_code=422)
    if is_htmx(request) and fixed:
        # Inline capture on an activity or case file: a fresh form and the source's evidence, in place.
        ctx = _capture_context(db, user, inspection,
                               service.EvidenceForm(source_type=form.source_type, source_id=form.source_id),
                               return_to=return_to, fixed_source=_fixed_source(db, inspection, form.source_type,
                                                                               form.source_id))
        ctx["items"] = service.items_from_source(session=db, inspection=inspection, source_id=form.source_id)
        # Authors by name, as on the full page (without them every item read "Unknown" until a reload).
        ctx["names"] = {u.id: u.name for _, u in inspections.team_of(session=db, inspection=inspection)}
        ctx["saved"] = item
        return render(request, "evidence/_source_evidence.html", ctx)
    return RedirectResponse(return_to or f"/inspections/{inspection.id}/board?heading={item.heading}&saved={item.id}",
                            status_code=303)


@router.get("/evidence/{item_id}/edit")
def edit_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection,
              item_id: str) -> Response:
    item = service.get_item(session=db, inspection=inspection, item_id=item_id)
    form = service.EvidenceForm(text=item.text, heading=str(item.heading), aspect=item.aspect,
                                judgement=item.judgement, strands=item.strands, source_type=item.source_type,
                                source_id=item.source_id or "", source_label=item.source_label or "",
                                observed_on=item.observed_on.isoformat())
    return render(request, "evidence/capture.html", _capture_context(db, user, inspection, form, item=item))


@router.post("/evidence/{item_id}/edit")
def edit(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
         item_id: str, data: PostedData) -> Response:
    item = service.get_item(session=db, inspection=inspection, item_id=item_id)
    form = _form_from(data)
    try:
        _guard(form, data)
        service.edit(session=db, actor=actor, inspection=inspection, item=item, form=form)
    except ValidationFailed as e:
        db.refresh(item)
        return render(request, "evidence/capture.html",
                      _capture_context(db, user, inspection, form, item=item, errors=e.errors), status_code=422)
    return RedirectResponse(f"/inspections/{inspection.id}/board?heading={item.heading}#item-{item.id}",
                            status_code=303)


@router.post("/evidence/{item_id}/delete")
def delete(request: Request, db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
           item_id: str) -> Response:
    item = service.get_item(session=db, inspection=inspection, item_id=item_id)
    heading = item.heading
    service.delete(session=db, actor=actor, inspection=inspection, item=item)
    return RedirectResponse(f"/inspections/{inspection.id}/board?heading={heading}&deleted=1", status_code=303)


@router.get("/board")
def board_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection, heading: int = 1,
               judgement: str = "", strand: str = "", inspector: str = "", day: str = "", source_type: str = "",
               aspect: str = "", proposal: int | None = None) -> Response:
    # Compatibility: a bookmark or a page a tablet saved before the rename asks for board?proposal=N.
    if proposal is not None and "heading" not in request.query_params:
        heading = proposal
    profile = inspections.profile_of(inspection)
    if heading not in {p.number for p in profile.headings}:
        heading = 1
    filters = service.BoardFilters(
        judgement=judgement if judgement in Judgement.__members__ else "",
        strand=strand if strand in Strand.__members__ else "",
        inspector=text.as_id(inspector),
        day=parse_iso_date(day), source_type=source_type if source_type in SourceType.__members__ else "",
        aspect=aspect if any(a.code == aspect for a in profile.heading(heading).aspects) else "")
    team = inspections.team_of(session=db, inspection=inspection)
    fragment = is_htmx(request)  # a filter change: the results block alone, built from what it reads
    # Read first: anything committed after it shows as newer on the device.
    cursor = None if fragment else sync.current_cursor(session=db)
    board = service.board(session=db, inspection=inspection, heading=heading, filters=filters)
    results = {"board": board, "filters": filters, "names": {u.id: u.name for _, u in team}, "sources": board.sources}
    if fragment:
        return render(request, "evidence/board.html", {
            **results, "inspection": inspection, "conflicted": sync.conflicted_ids(session=db, inspection=inspection)},
            block="results")
    return render(request, "evidence/board.html", page_context(
        db, user, inspection, "board", **results, team=team, judgements=list(Judgement), strands=list(Strand),
        source_types=list(SourceType), cursor=cursor,
        days=service.days_observed(session=db, inspection=inspection, also=filters.day)))


@router.get("/summary")
def day_summary_page(request: Request, db: DbSession, user: CurrentUser, inspection: CurrentInspection,
                     day: str = "") -> Response:
    days = inspections.schedule_of(inspection).on_site_days
    today = today_in_england()
    chosen = parse_iso_date(day) or (today if today in days else days[0])
    team = inspections.team_of(session=db, inspection=inspection)
    return render(request, "evidence/summary.html", page_context(
        db, user, inspection, "summary", summary=service.day_summary(session=db, inspection=inspection, day=chosen),
        days=service.days_observed(session=db, inspection=inspection, also=chosen),
        names={u.id: u.name for _, u in team},
        sources=fieldwork.source_titles(session=db, inspection=inspection)))
