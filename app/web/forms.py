"""Small helpers for HTML forms: posted fields, GOV.UK date inputs and safe redirects."""

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel

from app.web import text


def join_date_parts(day: str, month: str, year: str) -> str:
    """Day/month/year boxes to an ISO string, or '' when all are empty, or 'invalid' when it is not a date."""
    parts = [p.strip() for p in (day, month, year)]
    if not any(parts):
        return ""
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0])).isoformat()
    except (ValueError, TypeError):
        return "invalid"


def split_date(value: date | str | None) -> dict[str, str]:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            value = None
    if not value:
        return {"day": "", "month": "", "year": ""}
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}


def safe_next(target: str | None, default: str = "/inspections") -> str:
    """Only same-site paths: never '//evil.example' or 'https://...'."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


FormData = dict[str, str | list[str]]  # a posted form's fields: one value, or every value of a repeated name
Form = TypeVar("Form", bound=BaseModel)


async def posted_form(request: Request) -> FormData:
    """The posted form as a dict (lists kept for repeated names), read once; Starlette caches it. Every value is
    in NFC with the characters no one can type in a browser removed (see app.web.text)."""
    data = await request.form()
    out: FormData = {}
    for key in data:
        values = [text.clean(v) for v in data.getlist(key) if isinstance(v, str)]
        out[text.clean(key)] = values if len(values) > 1 or key.endswith("[]") else (values[0] if values else "")
    return out


def build_form(model: type[Form], data: FormData, **extra: Any) -> Form:
    """A form model from posted fields: list fields take every value, text fields the single value."""
    values: dict[str, str | list[str]] = {}
    for name, info in model.model_fields.items():
        if name in extra or (name not in data and f"{name}[]" not in data):
            continue
        raw = data.get(name, data.get(f"{name}[]"))
        is_list = getattr(info.annotation, "__origin__", None) is list
        if is_list:
            values[name] = raw if isinstance(raw, list) else ([raw] if raw else [])
        elif isinstance(raw, str):
            values[name] = raw
    return model(**values, **extra)


PostedData = Annotated[FormData, Depends(posted_form)]


def date_from(data: Mapping[str, object], name: str) -> tuple[str, dict[str, str]]:
    """A GOV.UK date input's ISO value ('' when empty, 'invalid' when not a date) and its boxes as typed."""
    parts = {p: str(data.get(f"{name}-{p}", "")) for p in ("day", "month", "year")}
    return join_date_parts(parts["day"], parts["month"], parts["year"]), parts
