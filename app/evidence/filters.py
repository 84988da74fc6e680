"""Jinja filters in the evidence's own words, registered by create_app."""

from app.evidence.models import SourceType


def source_label(value: str) -> str:
    return SourceType(value).label


FILTERS = {"source_label": source_label}
