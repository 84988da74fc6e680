"""Jinja filters in the evidence's own words, registered by create_app. The board shows dozens of items at once,
so what each item shows is worked out here in one call rather than by a chain of filters."""

from datetime import date
from functools import lru_cache

from app.evidence.models import Judgement, SourceType


def source_labels(kinds: set[str]) -> str:
    """Kinds of source as a sentence lists them: "Case file review, Setting visit"."""
    return ", ".join(sorted(SourceType(kind).label for kind in kinds))


def judgement_label(value: str) -> str:
    return Judgement(value).label if value in Judgement.__members__ else value.replace("_", " ").capitalize()


def strands_text(strands: list[str]) -> str:
    """An item's services as a line reads them: "Education, social care"."""
    return ", ".join(strand.replace("_", " ") for strand in strands).capitalize()


@lru_cache(maxsize=64)  # an inspection has a handful of days, and each item shows one
def short_day(day: date | None) -> str:
    """"Wed 10 Mar"."""
    return day.strftime("%a %-d %b") if day else ""


FILTERS = {"source_labels": source_labels, "judgement_label": judgement_label,
           "strands_text": strands_text, "short_day": short_day}
