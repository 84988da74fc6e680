"""The Jinja environment (our templates plus govuk-frontend-jinja's macros) and the render helper."""

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.responses import Response

from app.evidence.models import SourceType
from app.web import csrf
from app.web.assets import static_url

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


def _date(value, fmt: str = "%-d %B %Y") -> str:
    return value.strftime(fmt) if value else ""


_env.filters["govuk_date"] = _date


def _error_link(item: tuple[str, str], anchors: dict[str, str]) -> dict[str, str]:
    """An error-summary entry linking to the field's first input (a date links to its day box)."""
    field, message = item
    return {"text": message, "href": "#" + anchors.get(field, field)}


_env.filters["error_link"] = _error_link


def _radio_item(choice, selected: str) -> dict:
    """An enum member with a `label` (or a (value, text) pair) as a GOV.UK radio item."""
    value, text = (choice.value, choice.label) if hasattr(choice, "label") else choice
    return {"value": value, "text": text, "checked": value == selected}


_env.filters["radio_item"] = _radio_item
_env.filters["proposal_item"] = lambda p, selected: {"value": str(p.number), "text": f"{p.number}. {p.title}",
                                                     "checked": str(p.number) == str(selected)}
_env.filters["aspect_item"] = lambda a, selected: {"value": a.code, "text": a.text, "checked": a.code == selected}
_env.filters["check_item"] = lambda choice, chosen: {"value": choice.value, "text": choice.label, "checked": choice.value in chosen}
_env.filters["activity_option"] = lambda a, selected: {"value": a.id, "text": f"{a.day:%a %-d %b}: {a.title}",
                                                       "selected": a.id == selected}
_env.filters["review_option"] = lambda r, selected: {"value": r.id, "text": f"Case file {r.case_reference}",
                                                     "selected": r.id == selected}
_env.filters["source_label"] = lambda value: SourceType(value).label
_env.filters["choice_pair"] = lambda c: (c.value, c.label)
_env.filters["member_pair"] = lambda row: (str(row[1].id), row[1].name)
_env.filters["day_pair"] = lambda pair: (pair[1].isoformat(), f"Day {pair[0]}: {pair[1]:%a %-d %b}")
_env.filters["attendee"] = lambda a: ", ".join(p for p in (a.get("role"), a.get("organisation")) if p)
_env.filters["extract"] = lambda key, mapping: mapping.get(key)
_env.filters["setting_option"] = lambda s, selected: {"value": str(s.id), "text": s.name, "selected": str(s.id) == str(selected)}
_env.filters["day_item"] = lambda pair, selected: {"value": pair[1].isoformat(), "checked": pair[1].isoformat() == selected,
                                                   "text": f"Day {pair[0]}: {pair[1]:%A %-d %B}"}
_env.filters["inspector_item"] = lambda row, chosen: {"value": str(row[1].id), "text": row[1].name,
                                                      "checked": str(row[1].id) in {str(c) for c in chosen}}
_env.filters["govuk_datetime"] = lambda v: v.strftime("%-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm") if v else ""

templates = Jinja2Blocks(env=_env)


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
    kwargs = {"block_name": block} if block and is_htmx(request) else {}
    response = templates.TemplateResponse(request, template, ctx, status_code=status_code, **kwargs)
    response.headers["Vary"] = "HX-Request, Cookie"
    csrf.set_anonymous_cookie(request, response)
    return response
