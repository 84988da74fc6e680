"""/manifest.webmanifest, /sw.js and /offline. The service worker is rendered with the content-hashed URLs of
the app shell, so a new release is a new worker with a new cache, and the old cache stays until it activates."""

import hashlib
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from app.casetracking import contract as case_contracts
from app.casetracking import service as casetracking
from app.config import get_settings
from app.evidence import service as evidence
from app.evidence.contract import evidence_contract
from app.fieldwork import service as fieldwork
from app.fieldwork.contract import activity_contract, file_review_contract
from app.inspections import service as inspections
from app.inspections.deps import CurrentInspection
from app.safeguarding import service as concerns
from app.web.assets import static_url
from app.web.deps import DbSession
from app.web.templating import render, templates

router = APIRouter(include_in_schema=False)

SHELL = ["vendor/govuk-frontend/govuk-frontend.min.css", "css/app.css", "js/boot.js", "js/app.js", "js/outbox.js",
         "js/outbox-core.js", "vendor/idb/idb.js", "vendor/htmx/htmx.min.js",
         "vendor/govuk-frontend/govuk-frontend.min.js", "vendor/govuk-frontend/assets/images/favicon.svg"]
# What the modules import by plain path (app.js: govuk-frontend; outbox.js: its pure half and idb): precached too.
IMPORTED = ["vendor/govuk-frontend/govuk-frontend.min.js", "js/outbox-core.js", "vendor/idb/idb.js"]


def shell_urls() -> list[str]:
    return [static_url(path) for path in SHELL] + [f"/static/{path}" for path in IMPORTED] + ["/offline"]


@router.get("/sw.js")
def service_worker(request: Request) -> Response:
    urls = shell_urls()
    version = hashlib.sha256(json.dumps([get_settings().release, *urls]).encode()).hexdigest()[:12]
    # "shell" is the app shell's URLs for the template, not a subprocess option (bandit B604 misreads it).
    body = templates.get_template("pwa/sw.js").render(version=version, shell=json.dumps(urls))  # nosec B604
    # Never cached by the browser's HTTP cache: the worker must see a new release at once.
    return Response(body, media_type="application/javascript", headers={"Cache-Control": "no-cache"})


@router.get("/manifest.webmanifest")
def manifest() -> JSONResponse:
    return JSONResponse({
        "name": "SEND Fieldwork", "short_name": "Fieldwork", "start_url": "/inspections", "scope": "/",
        "display": "standalone", "background_color": "#ffffff", "theme_color": "#1d70b8",
        "icons": [{"src": static_url("vendor/govuk-frontend/assets/images/govuk-icon-192.png"), "sizes": "192x192",
                   "type": "image/png"},
                  {"src": static_url("vendor/govuk-frontend/assets/images/govuk-icon-512.png"), "sizes": "512x512",
                   "type": "image/png"},
                  {"src": static_url("vendor/govuk-frontend/assets/images/govuk-icon-mask.svg"), "sizes": "any",
                   "type": "image/svg+xml", "purpose": "monochrome"}],
    }, media_type="application/manifest+json")


@router.get("/offline")
def offline_page(request: Request) -> Response:
    return render(request, "pwa/offline.html")


@router.get("/inspections/{inspection_id}/offline-pages", response_model=None)
def offline_pages(inspection: CurrentInspection, db: DbSession) -> dict[str, list[str]]:
    """What a tablet saves to work on this inspection offline: every page of it an inspector may need."""
    base = f"/inspections/{inspection.id}"
    pages = [base, f"{base}/plan", f"{base}/settings", f"{base}/files", f"{base}/files/summary",
             f"{base}/evidence/new", f"{base}/activities/new", f"{base}/files/new", f"{base}/conflicts",
             f"{base}/concerns/new"]
    pages += [f"{base}/board?heading={p.number}" for p in inspections.profile_of(inspection).headings]
    # Each aspect's "Show all" (as the board writes the link), where the board shows only the latest few.
    pages += [f"{base}/board?heading={heading}&aspect={aspect}"
              for heading, aspect in evidence.aspects_beyond_the_board(session=db, inspection=inspection)]
    pages += [f"{base}/summary?day={day.isoformat()}"
              for _, day in evidence.days_observed(session=db, inspection=inspection)]
    pages += [f"{base}/activities/{a.id}" for a in fieldwork.list_activities(session=db, inspection=inspection)]
    pages += [f"{base}/files/{r.id}" for r in fieldwork.list_file_reviews(session=db, inspection=inspection)]
    if casetracking.has_tracking(inspection):  # the cases are visited in settings with no signal
        pages += [f"{base}/cases", *(f"{base}/cases/{c.id}" for c in casetracking.cases_of(session=db,
                                                                                         inspection=inspection))]
    return {"pages": pages}


@router.get("/inspections/{inspection_id}/form-contract.json", response_model=None)
def form_contract(inspection: CurrentInspection, db: DbSession) -> dict[str, dict[str, Any]]:
    """Every capture form of this inspection as the pages embed it: fields in the form's words, choices and rules,
    by which the tablet checks a capture before keeping it offline."""
    profile = inspections.profile_of(inspection)
    team = [(user.id, user.name) for _, user in inspections.team_of(session=db, inspection=inspection)]
    on_site = inspections.schedule_of(inspection).on_site_days
    forms = [evidence_contract(profile, on_site), activity_contract(on_site, team),
             file_review_contract(profile), concerns.contract()]
    if casetracking.has_tracking(inspection):
        forms += [case_contracts.consent_contract(), case_contracts.conversation_contract(
            casetracking.tracking_of(inspection).conversation_ways), case_contracts.meeting_contract()]
    return {form.entity: form.as_json() for form in forms}
