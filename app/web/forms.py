"""Small helpers for HTML forms: GOV.UK date inputs and safe redirects."""

from datetime import date


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
