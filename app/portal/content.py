"""What the area is asked for and its key indicators, loaded from content.toml (content as data)."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

UNITS = {"count": "number", "percent": "%", "weeks": "weeks"}


@dataclass(frozen=True)
class Requested:
    key: str
    title: str
    hint: str


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str  # count | percent | weeks
    sample: str = ""  # the case-file sample's figure for the same thing, if there is one

    @property
    def unit_label(self) -> str:
        return UNITS[self.unit]


@cache
def _load() -> dict[str, Any]:
    return tomllib.loads((Path(__file__).parent / "content.toml").read_text(encoding="utf-8"))


@cache
def requested() -> tuple[Requested, ...]:
    return tuple(Requested(**entry) for entry in _load()["requested"])


def requested_title(key: str) -> str:
    if key == "area_data":
        return "Area data (key indicators)"
    if key == "after_inspection":  # sent for an obligation after publication (app/obligations)
        return "After the inspection: a statement or plan the area owes"
    if key == "factual_accuracy":  # a file sent with a comment on the draft letter (app/letters/accuracy.py)
        return "Evidence for a factual accuracy comment"
    return next((r.title for r in requested() if r.key == key), key)


@cache
def indicators() -> dict[str, Indicator]:
    found = {entry["code"]: Indicator(**entry) for entry in _load()["indicators"]}
    if unknown := {i.unit for i in found.values()} - set(UNITS):
        raise ValueError(f"content.toml: unknown indicator unit {sorted(unknown)}")
    return found
