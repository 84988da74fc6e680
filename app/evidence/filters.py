"""Jinja filters in the evidence's own words, registered by create_app."""

from app.evidence.models import SourceType


def source_label(value: str) -> str:
    return SourceType(value).label


def strands_text(strands: list[str]) -> str:
    """An item's services as a line reads them: "Education, social care"."""
    return ", ".join(strand.replace("_", " ") for strand in strands).capitalize()


FILTERS = {"source_label": source_label, "strands_text": strands_text}
