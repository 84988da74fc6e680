"""create_app(): middleware, static files, routers and error pages."""

import logging
from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from app import logs
from app import models as _all_tables  # noqa: F401  (every table)
from app.audit.routes import router as audit_router
from app.casetracking.routes import router as casetracking_router
from app.config import get_settings
from app.db import get_engine
from app.errors import Forbidden, NotFound, Purged
from app.evidence import filters as evidence_filters
from app.evidence.routes import router as evidence_router
from app.fieldwork.routes import router as fieldwork_router
from app.inspections.api import router as inspections_api
from app.inspections.routes import router as inspections_router
from app.letters.api import router as letters_api
from app.letters.routes import router as letters_router
from app.logs import RequestLogMiddleware
from app.migrate import readiness
from app.obligations.api import router as obligations_api
from app.obligations.routes import router as obligations_router
from app.portal.review_routes import router as portal_review_router
from app.portal.routes import router as portal_router
from app.pwa.routes import router as pwa_router
from app.safeguarding.routes import router as concerns_router
from app.survey.routes import router as survey_router
from app.sync import feed
from app.sync.api import router as sync_api
from app.sync.routes import router as sync_router
from app.users.api import router as users_api
from app.users.deps import (
    NotAuthenticated,
    PasswordChangeRequired,
    RecentSignInRequired,
    SecondFactorRequired,
    TwoFactorSetupRequired,
    csrf_protect,
)
from app.users.routes import router as users_router
from app.web.api_docs import api_docs
from app.web.assets import STATIC_DIR
from app.web.compression import PageCompression
from app.web.csrf import CsrfFailed
from app.web.security import SecurityHeadersMiddleware, add_security_headers
from app.web.templating import add_filters, is_htmx, render
from app.web.text import check_address

log = logging.getLogger(__name__)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


class CachedStaticFiles(StaticFiles):
    """URLs made by static_url carry a content hash, so browsers may keep them for a year;
    anything else (a module's relative import) is revalidated."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        hashed = b"v=" in scope.get("query_string", b"")
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable" if hashed else "no-cache"
        return response


def create_app() -> FastAPI:
    settings = get_settings()  # refuse to start on a bad configuration (e.g. default secret in production)
    logs.configure(settings.log_level, settings.log_format)
    app = FastAPI(
        title="SEND Fieldwork",
        version="0.1.0",
        dependencies=[Depends(check_address), Depends(csrf_protect)],
        docs_url=None,  # /api/docs is app.web.api_docs: Swagger UI from our own files, as the CSP requires
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        openapi_url="/api/openapi.json",
        # Every request body is bounded (413 past it): forms and the JSON API at 2 MB; a sync batch of 500 ops and
        # the portal's uploads set their own, larger limits.
        max_body_size=2 * 1024 * 1024,
    )
    feed.register()  # every flush of a shared record reaches the tablets' change feed
    add_filters(evidence_filters.FILTERS)
    app.add_middleware(SecurityHeadersMiddleware)
    # Outside the headers middleware, so it sees a page's final Cache-Control (no-store pages stay plain); pages
    # are compressed too now that the CSRF token is masked per response (app/web/compression.py says why).
    app.add_middleware(PageCompression, minimum_size=1024, compresslevel=6)
    app.add_middleware(RequestLogMiddleware)  # added last, so outermost: it times and logs everything
    app.mount("/static", CachedStaticFiles(directory=STATIC_DIR), name="static")  # gzipped by PageCompression

    # The reference at /api/docs documents the JSON API for the tablet and for checks; pages and forms are not an
    # API (and 200 of them made Swagger UI stop drawing before the API's own operations).
    api_routers = (users_api, inspections_api, sync_api, letters_api, obligations_api)
    for router in (users_router, users_api, inspections_router, inspections_api, fieldwork_router, evidence_router,
                   casetracking_router,
                   sync_api, sync_router, survey_router, letters_router, letters_api, portal_router,
                   portal_review_router, concerns_router, audit_router, pwa_router, obligations_router,
                   obligations_api):
        app.include_router(router, include_in_schema=router in api_routers)
    app.add_route("/api/docs", api_docs, include_in_schema=False)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/inspections", status_code=303)

    @app.get("/healthz", include_in_schema=False, response_model=None)
    def healthz() -> dict[str, str]:
        """The process is up (a liveness probe: restart it if this fails)."""
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz(engine: Annotated[Engine, Depends(get_engine)]) -> JSONResponse:
        """The database answers and its schema is at the migrations' head (a readiness probe: send no traffic
        to this replica until it passes, e.g. while a new release's migrations have not run)."""
        state = readiness(engine)
        return JSONResponse(state, status_code=200 if state["status"] == "ok" else 503)

    # Sign-in states a request may meet: the JSON API answers with a status; a page goes where it can be put right
    # ("{here}" is the address asked for, to come back to).
    for exc_type, status, detail, target in (
        (NotAuthenticated, 401, "Not signed in", "/login?next={here}"),
        (PasswordChangeRequired, 403, "You must change your temporary password first", "/account/password"),
        (SecondFactorRequired, 401, "Enter the code from your authenticator app first",
         "/login/two-factor?next={here}"),
        (TwoFactorSetupRequired, 403, "Set up two-factor sign-in first", "/account/two-factor"),
        (RecentSignInRequired, 403, "Confirm your password first", "/account/confirm?next={here}"),
    ):
        app.add_exception_handler(exc_type, _api_or_redirect(status, detail, target))

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "Missing or invalid CSRF token"}, status_code=403)
        return render(request, "errors/csrf.html", status_code=403)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _not_found(request)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "You cannot do this"}, status_code=403)
        return render(request, "errors/forbidden.html", status_code=403)

    @app.exception_handler(Purged)
    async def purged(request: Request, exc: Purged) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=409)
        if is_htmx(request):  # htmx would not show an error page: the page reloads and says why itself
            return Response(status_code=409, headers={"HX-Refresh": "true"})
        return render(request, "errors/generic.html", {"status": 409, "detail": str(exc)}, status_code=409)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _not_found(request)
        if _is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return render(request, "errors/generic.html", {"status": exc.status_code, "detail": exc.detail},
                      status_code=exc.status_code)

    @app.exception_handler(StaleDataError)
    async def changed_meanwhile(request: Request, exc: StaleDataError) -> Response:
        # Two people saved the same record at the same moment; the other save landed first and nothing was lost.
        detail = ("Someone else changed this record at the same moment. Nothing you sent was saved: go back, reload "
                  "the page and make your change again.")
        if _is_api(request):
            return JSONResponse({"detail": detail}, status_code=409)
        return render(request, "errors/generic.html", {"status": 409, "detail": detail}, status_code=409)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            errors = {".".join(str(p) for p in e["loc"][1:]) or "body": e["msg"] for e in exc.errors()}
            return JSONResponse({"detail": "The request is not valid", "errors": errors}, status_code=422)
        return render(request, "errors/generic.html",
                      {"status": 400, "detail": "The address or form sent was not valid."}, status_code=400)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        response: Response
        if _is_api(request):
            response = JSONResponse({"detail": "Something went wrong on the server"}, status_code=500)
        else:
            response = render(request, "errors/generic.html", {
                "status": 500, "detail": "Sorry, there is a problem with the service. Try again later."},
                status_code=500)
        return add_security_headers(request, response)  # Starlette sends this outside SecurityHeadersMiddleware

    return app


def _api_or_redirect(status: int, detail: str, target: str) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def handler(request: Request, exc: Exception) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": detail}, status_code=status)
        return RedirectResponse(target.format(here=quote(_here(request))), status_code=303)

    return handler


def _here(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def _not_found(request: Request) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": "Not found"}, status_code=404)
    return render(request, "errors/not_found.html", status_code=404)


