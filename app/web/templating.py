"""The Jinja environment (our templates plus govuk-frontend-jinja's macros) and the render helper."""

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.responses import Response

from app.web import csrf
from app.web.assets import static_url
from app.web.filters import FILTERS

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

_env = jinja2.Environment(
    loader=jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(TEMPLATES_DIR),
            jinja2.PrefixLoader({"govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja", "templates")}),
        ]
    ),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.ChainableUndefined,  # govuk-frontend-jinja reads optional params.x.y freely
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals["static_url"] = static_url


_env.filters.update(FILTERS)
_env.tests["startswith_guard"] = lambda message: isinstance(message, str) and message.startswith("This may identify")

templates = Jinja2Blocks(env=_env)


def add_filters(filters: dict[str, Any]) -> None:
    """A domain's own filters (they know its words), registered by create_app: the ground knows no domain."""
    _env.filters.update(filters)


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    block: str | None = None,
) -> Response:
    """A full page, or just `block` of it when htmx asked (same URL; `Vary` tells caches they differ)."""
    auth = getattr(request.state, "auth", None)
    ctx = {
        "current_user": auth.viewer if auth else None,
        "csrf_token": csrf.token_for(request),
        "errors": {},
        **(context or {}),
    }
    block_name = block if block and is_htmx(request) else None
    response = templates.TemplateResponse(request, template, ctx, status_code=status_code, block_name=block_name)
    response.headers["Vary"] = "HX-Request, Cookie"
    csrf.set_anonymous_cookie(request, response)
    return response
