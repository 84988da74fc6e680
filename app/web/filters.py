"""Jinja filters: dates in GOV.UK style, and our objects shaped as govuk-frontend-jinja macro params.

Jinja calls them with the page's objects, which belong to the domains above this layer (web/ imports none of
them): those parameters are Any, and what comes back is typed."""

from datetime import date, datetime
from typing import Any

from app.clock import LONDON
from app.personal_data import LABELS
from app.web.forms import split_date

Item = dict[str, Any]  # a govuk-frontend-jinja macro's item: value, text, checked or selected, hint


def govuk_date(value: date | None, fmt: str = "%-d %B %Y") -> str:
    return value.strftime(fmt) if value else ""


def govuk_datetime(value: datetime | None) -> str:
    return value.strftime("%-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm") if value else ""


def error_link(item: tuple[str, str], anchors: dict[str, str]) -> dict[str, str]:
    """An error-summary entry linking to the field's first input (a date links to its day box)."""
    field, message = item
    anchor = anchors.get(field, field)
    return {"text": message, "href": "#" + anchor} if anchor else {"text": message}  # "": not about one field


# --- Radios and checkboxes: {"value", "text", "checked"} ----------------------------------------------------


def radio_item(choice: Any, selected: str) -> Item:
    """An enum member with a `label` (or a (value, text) pair) as a GOV.UK radio item."""
    value, text = (choice.value, choice.label) if hasattr(choice, "label") else choice
    return {"value": value, "text": text, "checked": value == selected}


def check_item(choice: Any, chosen: list[str]) -> Item:
    return {"value": choice.value, "text": choice.label, "checked": choice.value in chosen}


def choice_item(choice: Any, selected: Any) -> Item:
    """A questionnaire's choice (code, text) as a radio item (selected: a code) or checkbox item (a list)."""
    checked = choice.code in selected if isinstance(selected, list) else choice.code == selected
    return {"value": choice.code, "text": choice.text, "checked": checked}


def choice_option(choice: Any, selected: str) -> Item:
    return {"value": choice.code, "text": choice.text, "selected": choice.code == selected}


def survey_audience_item(audience: str, qs: dict[str, Any], selected: str) -> Item:
    return {"value": audience, "text": qs[audience].short_title, "selected": audience == selected}


def bar_option(bar: Any) -> Item:
    return {"value": bar.code, "text": f"{bar.label}: {bar.count} ({bar.percent}%)"}


def outcome_item(outcome: Any, selected: str) -> Item:
    return {"value": outcome.code, "text": outcome.label, "hint": {"text": outcome.wording},
            "checked": outcome.code == selected}


def personal_data_label(kind: str) -> str:
    return LABELS.get(kind, kind)



def heading_item(heading: Any, selected: str) -> Item:
    return {"value": str(heading.number), "text": f"{heading.number}. {heading.title}",
            "checked": str(heading.number) == str(selected)}


def aspect_item(aspect: Any, selected: str) -> Item:
    return {"value": aspect.code, "text": aspect.text, "checked": aspect.code == selected}


def day_item(numbered_day: tuple[int, date], selected: str) -> Item:
    number, day = numbered_day
    return {"value": day.isoformat(), "text": f"Day {number}: {day:%A %-d %B}", "checked": day.isoformat() == selected}


def inspector_item(team_row: Any, chosen: list[str]) -> Item:
    _member, user = team_row
    return {"value": str(user.id), "text": user.name, "checked": str(user.id) in {str(c) for c in chosen}}


# --- Select options: {"value", "text", "selected"} and filter pairs ---------------------------------------


def setting_option(setting: Any, selected: str) -> Item:
    return {"value": str(setting.id), "text": setting.name, "selected": str(setting.id) == str(selected)}


def activity_option(activity: Any, selected: str) -> Item:
    return {"value": activity.id, "text": f"{activity.day:%a %-d %b}: {activity.title}",
            "selected": activity.id == selected}


def review_option(review: Any, selected: str) -> Item:
    return {"value": review.id, "text": f"Case file {review.case_reference}", "selected": review.id == selected}


def choice_pair(choice: Any) -> tuple[str, str]:
    return choice.value, choice.label


def member_pair(team_row: Any) -> tuple[str, str]:
    return str(team_row[1].id), team_row[1].name


def day_pair(numbered_day: tuple[int | None, date]) -> tuple[str, str]:
    """A day of the board's day filter: a day on site by its number, any other by its date alone, said plainly."""
    number, day = numbered_day
    return day.isoformat(), f"Day {number}: {day:%a %-d %b}" if number else f"{day:%a %-d %b} (not a day on site)"


# --- Small lookups ----------------------------------------------------------------------------------------


def attendee(entry: dict[str, str]) -> str:
    return ", ".join(part for part in (entry.get("role"), entry.get("organisation")) if part)


def extract(key: Any, mapping: dict[Any, Any]) -> Any:
    """`ids | map('extract', names)`: look each key up in a mapping."""
    return mapping.get(key)


def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def requested_item(requested: Any, selected: str) -> Item:
    """One of the things the area is asked for, as a radio item with its hint."""
    return {"value": requested.key, "text": requested.title, "hint": {"text": requested.hint},
            "checked": requested.key == selected}


def indicator_value(value: float | None, unit: str) -> str:
    """An area data figure as people write it: 1,204 · 61.5% · 18 weeks."""
    if value is None:
        return ""
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
    return {"percent": f"{text}%", "weeks": f"{text} weeks"}.get(unit, text)


def date_parts(value: date | str | None) -> dict[str, str]:
    """An ISO date as a GOV.UK date input's day, month and year boxes."""
    return split_date(value)


def london_datetime(value: datetime | None) -> str:
    """A moment as people in England read it: Friday 12 March 2027 at 2:30pm."""
    if not value:
        return ""
    local = value.astimezone(LONDON)
    return local.strftime("%A %-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm")


def judgement_item(judgement: Any, selected: str | None) -> Item:
    """A visit's judgement of progress (profiles/visits/*.toml) as a radio item."""
    return {"value": judgement.code, "text": judgement.label, "checked": judgement.code == selected}


def evidence_choice_item(item: Any, linked: set[str]) -> Item:
    """An evidence item as a checkbox: its words (cut at 150 characters) and whether it is linked already."""
    words = item.text if len(item.text) <= 150 else item.text[:149] + "…"
    return {"value": item.id, "text": words, "checked": item.id in linked}


def concern_category_item(category: Any, selected: str) -> Item:
    return {"value": category.code, "text": category.label,
            "hint": {"text": f"{category.deadline_words}. {category.hint}"}, "checked": category.code == selected}


FILTERS: dict[str, Any] = {name: obj for name, obj in globals().items()
           if callable(obj) and not name.startswith("_") and name not in {"date", "datetime", "split_date"}}
