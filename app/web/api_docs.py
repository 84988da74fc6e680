"""/api/docs: Swagger UI from this site's own static files (vendored by scripts/vendor-frontend.sh) with its
start-up in a static script, instead of FastAPI's page, which loads it from a CDN with an inline script: the
Content-Security-Policy blocks both. A plain route, as FastAPI's own docs page is."""

from starlette.requests import Request
from starlette.responses import Response

from app.web.templating import render


def api_docs(request: Request) -> Response:
    return render(request, "api/docs.html", {"title": request.app.title, "openapi_url": request.app.openapi_url})
